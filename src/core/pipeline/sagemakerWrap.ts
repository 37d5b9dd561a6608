/**
 * SageMaker pipeline JSON ⇄ ACK manifests.
 *
 * The ACK SageMaker controller wants the definition as a *string* in Pipeline.spec.pipelineDefinition,
 * which people produce by hand with `jq -r tojson` and paste into YAML. `wrapSageMakerPipeline`
 * does that (plus a PipelineExecution to start a run); `unwrapAckPipeline` goes back to readable
 * JSON. Both report bad input as diagnostics instead of throwing.
 */
import { stringify } from 'yaml';
import type { PipelineDiagnostic } from '../model/pipelineGraph';
import { LineIndex, loadDocuments, YamlView } from './source';

export interface WrapOptions {
  /** SageMaker pipeline name (spec.pipelineName): letters, digits and single dashes, ≤ 256. */
  name: string;
  /** IAM role the pipeline runs as. Without it the manifest gets a placeholder and a warning. */
  roleArn?: string;
  /** Kubernetes namespace for both objects. */
  namespace?: string;
  /** metadata.name of the Pipeline; default: `name` made DNS-1123-safe. */
  resourceName?: string;
  displayName?: string;
  description?: string;
  /** Values for the pipeline's Parameters in the PipelineExecution. */
  parameters?: Record<string, string>;
  /** Leave out the PipelineExecution. */
  withoutExecution?: boolean;
}

export interface WrapResult {
  /** Multi-document YAML (Pipeline, then PipelineExecution); empty when the input was unusable. */
  yaml: string;
  diagnostics: PipelineDiagnostic[];
}

export interface UnwrapResult {
  /** Pretty-printed definition JSON; empty when none could be found. */
  json: string;
  /** Pipeline name from the manifest, if any. */
  name?: string;
  diagnostics: PipelineDiagnostic[];
}

export const ACK_SAGEMAKER_API_VERSION = 'sagemaker.services.k8s.aws/v1alpha1';
const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
export const ROLE_ARN_PLACEHOLDER = 'arn:aws:iam::123456789012:role/REPLACE-WITH-SAGEMAKER-EXECUTION-ROLE';

/** DNS-1123 subdomain-ish: lowercase alphanumerics and dashes, ≤ 63, starts/ends alphanumeric. */
export function kubeName(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return s || 'sagemaker-pipeline';
}

function jsonError(text: string, err: unknown): PipelineDiagnostic {
  const message = err instanceof Error ? err.message : String(err);
  const d: PipelineDiagnostic = { severity: 'error', code: 'json-syntax', message: `The pipeline definition is not valid JSON: ${message}` };
  const m = /position (\d+)/.exec(message);
  if (m) {
    const p = new LineIndex(text).pos(Number(m[1]));
    d.range = { startLine: p.line, startCol: p.col, endLine: p.line, endCol: p.col + 1 };
  }
  return d;
}

export function wrapSageMakerPipeline(jsonText: string, opts: WrapOptions): WrapResult {
  const diagnostics: PipelineDiagnostic[] = [];
  try {
    let definition: unknown;
    try {
      definition = JSON.parse(jsonText);
    } catch (err) {
      return { yaml: '', diagnostics: [jsonError(jsonText, err)] };
    }
    if (!definition || typeof definition !== 'object' || Array.isArray(definition)) {
      return { yaml: '', diagnostics: [{ severity: 'error', code: 'wrong-type', message: 'The pipeline definition must be a JSON object with "Steps".' }] };
    }
    const def = definition as Record<string, unknown>;
    if (!Array.isArray(def.Steps)) diagnostics.push({ severity: 'warning', code: 'missing-field', message: 'The definition has no "Steps" list; SageMaker will reject it.' });
    const name = (opts?.name ?? '').trim();
    if (!PIPELINE_NAME.test(name)) {
      diagnostics.push({ severity: 'error', code: 'invalid-name', message: `"${name}" is not a valid SageMaker pipeline name (letters, digits and single dashes, up to 256 characters).` });
      return { yaml: '', diagnostics };
    }
    let role = opts.roleArn?.trim();
    if (!role) {
      diagnostics.push({ severity: 'warning', code: 'missing-role', message: `No role ARN given; the manifest has the placeholder ${ROLE_ARN_PLACEHOLDER}.` });
      role = ROLE_ARN_PLACEHOLDER;
    } else if (!ROLE_ARN.test(role)) {
      diagnostics.push({ severity: 'warning', code: 'invalid-role', message: `"${role}" does not look like an IAM role ARN (arn:aws:iam::<account>:role/<name>).` });
    }
    const resourceName = opts.resourceName ? kubeName(opts.resourceName) : kubeName(name);
    const metadata = (n: string): Record<string, unknown> => (opts.namespace ? { name: n, namespace: opts.namespace } : { name: n });
    const pipelineSpec: Record<string, unknown> = { pipelineName: name };
    if (opts.displayName) pipelineSpec.pipelineDisplayName = opts.displayName;
    if (opts.description) pipelineSpec.pipelineDescription = opts.description;
    pipelineSpec.roleARN = role;
    // Compact JSON, exactly what `jq -r tojson` gives.
    pipelineSpec.pipelineDefinition = JSON.stringify(definition);
    const docs: unknown[] = [{ apiVersion: ACK_SAGEMAKER_API_VERSION, kind: 'Pipeline', metadata: metadata(resourceName), spec: pipelineSpec }];
    if (!opts.withoutExecution) {
      const execSpec: Record<string, unknown> = { pipelineName: name };
      const declared = Array.isArray(def.Parameters)
        ? (def.Parameters as Array<Record<string, unknown>>).map((p) => (p && typeof p === 'object' ? String(p.Name) : '')).filter(Boolean)
        : [];
      const params = Object.entries(opts.parameters ?? {});
      for (const [k] of params) {
        if (!declared.includes(k)) diagnostics.push({ severity: 'warning', code: 'unknown-parameter', message: `Parameter "${k}" is not declared in the definition's Parameters.` });
      }
      if (params.length) execSpec.pipelineParameters = params.map(([k, v]) => ({ name: k, value: String(v) }));
      docs.push({ apiVersion: ACK_SAGEMAKER_API_VERSION, kind: 'PipelineExecution', metadata: metadata(kubeName(`${resourceName}-run`)), spec: execSpec });
    }
    const yaml = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
    return { yaml, diagnostics };
  } catch (err) {
    diagnostics.push({ severity: 'error', code: 'internal', message: `Could not wrap the pipeline (${err instanceof Error ? err.message : String(err)}).` });
    return { yaml: '', diagnostics };
  }
}

export function unwrapAckPipeline(yamlText: string): UnwrapResult {
  const diagnostics: PipelineDiagnostic[] = [];
  try {
    const lines = new LineIndex(yamlText);
    const view = new YamlView(lines, '');
    const { docs } = loadDocuments(yamlText);
    for (const doc of docs) {
      for (const e of doc.errors) diagnostics.push({ severity: 'error', code: 'yaml-syntax', message: e.message, range: lines.range(e.start, Math.max(e.start, e.end)) });
    }
    const pipeline = docs.find(
      (d) => view.str(view.get(d.contents, 'kind')) === 'Pipeline' && (view.str(view.get(d.contents, 'apiVersion')) ?? '').startsWith('sagemaker.services.k8s.aws/'),
    );
    if (!pipeline) {
      diagnostics.push({ severity: 'error', code: 'not-a-pipeline', message: `No ACK Pipeline (apiVersion ${ACK_SAGEMAKER_API_VERSION}, kind Pipeline) in this file.` });
      return { json: '', diagnostics };
    }
    const name = view.str(view.get(pipeline.contents, 'spec', 'pipelineName')) ?? view.str(view.get(pipeline.contents, 'metadata', 'name'));
    const defNode = view.get(pipeline.contents, 'spec', 'pipelineDefinition');
    const text = view.str(defNode);
    if (text === undefined) {
      if (view.isMap(defNode)) {
        diagnostics.push({ severity: 'warning', code: 'wrong-type', message: 'spec.pipelineDefinition is a mapping; the ACK CRD expects a JSON string.', range: view.range(defNode) });
        return { json: JSON.stringify(view.toJS(defNode), null, 2) + '\n', name, diagnostics };
      }
      diagnostics.push({ severity: 'error', code: 'missing-field', message: 'The Pipeline has no spec.pipelineDefinition string.', range: view.range(pipeline.contents) });
      return { json: '', name, diagnostics };
    }
    try {
      return { json: JSON.stringify(JSON.parse(text), null, 2) + '\n', name, diagnostics };
    } catch (err) {
      const d = jsonError(text, err);
      d.range = view.range(defNode);
      diagnostics.push(d);
      return { json: '', name, diagnostics };
    }
  } catch (err) {
    diagnostics.push({ severity: 'error', code: 'internal', message: `Could not read the manifest (${err instanceof Error ? err.message : String(err)}).` });
    return { json: '', diagnostics };
  }
}
