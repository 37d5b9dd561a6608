/**
 * "Submit Pipeline": a pipeline file → the object to create on the cluster, carrying the same
 * provenance as a Run as Component run (src/core/component/provenance.ts).
 *
 * - Workflow → itself; WorkflowTemplate → a Workflow with `workflowTemplateRef` (the template is
 *   applied first, so the run uses the file as it is now); CronWorkflow → a Workflow from its
 *   `spec.workflowSpec`; SparkApplication → itself.
 * - Every submission is a new run: the name is the file's `generateName` (or `<name>-`) plus a
 *   suffix chosen here rather than by the API server, so the run label that selects the run's pods
 *   names the run before it exists (the watch and log follower need it up front).
 * - Pods carry the run label (Argo `podMetadata`, Spark driver/executor labels), kindling.yaml's
 *   `podAnnotations` and the provenance annotations, which win over both.
 */
import { parseAllDocuments } from 'yaml';
import { configDefaults, type KindlingConfig } from '../config/types';
import { Labels, provenanceAnnotations, provenanceLabels } from '../component/provenance';
import { ComponentError, type Provenance, type ResourceRef } from '../component/types';

export interface PipelineRunRequest {
  /** The file's text, exactly as submitted (its sha256 is in `provenance`). */
  text: string;
  /** Workspace-relative path, for the source-path annotation and messages. */
  relativePath: string;
  config: KindlingConfig;
  /** Random-looking run suffix (runSuffix()); fixed in tests. */
  suffix: string;
  provenance: Provenance;
  /** Extra pod annotations (tests, tools), added after kindling.yaml's and before provenance. */
  podAnnotations?: Record<string, string>;
}

/** A WorkflowTemplate the run refers to by name (it must exist in the run namespace, or cluster-wide). */
export interface TemplateReference {
  name: string;
  clusterScope: boolean;
}

export interface PipelineRunManifests {
  runName: string;
  namespace: string;
  ref: ResourceRef;
  resource: Record<string, unknown>;
  /** The file was a WorkflowTemplate: create or replace it (in `namespace`) before the Workflow. */
  template?: Record<string, unknown> & { metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> } };
  /** Templates referenced through templateRef/workflowTemplateRef that the file does not bring itself. */
  templateRefs: TemplateReference[];
  /** What the file was ("WorkflowTemplate ctr-features"), for messages. */
  source: string;
}

type Obj = Record<string, unknown>;

const SUPPORTED = 'Argo Workflow, WorkflowTemplate and CronWorkflow files, and SparkApplication files';

/** Which document of a (multi-document) file is submitted: the first Argo or Spark object. */
function pickDocument(text: string, relativePath: string): Obj {
  const docs = parseAllDocuments(text);
  const objects: Obj[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) {
      throw new ComponentError(`${relativePath} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0] ?? 'syntax error'}`, 'bad-input');
    }
    const value: unknown = doc.toJS();
    if (isObj(value)) objects.push(value);
  }
  const found = objects.find((o) => kindOf(o) !== undefined);
  if (found) return found;
  const other = objects.find((o) => typeof o.kind === 'string' && typeof o.apiVersion === 'string');
  const what = other ? `a ${String(other.kind)} (${String(other.apiVersion)})` : 'not a pipeline Kindling can submit';
  throw new ComponentError(
    `${relativePath} is ${what}. Submit Pipeline supports ${SUPPORTED}; Kubeflow and SageMaker pipelines are drawn in the DAG panel but not submitted yet.`,
    'unsupported-file',
  );
}

type SubmitKind = 'Workflow' | 'WorkflowTemplate' | 'CronWorkflow' | 'SparkApplication';

function kindOf(o: Obj): SubmitKind | undefined {
  const api = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  if (api.startsWith('argoproj.io/') && (o.kind === 'Workflow' || o.kind === 'WorkflowTemplate' || o.kind === 'CronWorkflow')) return o.kind;
  if (api.startsWith('sparkoperator.k8s.io/') && o.kind === 'SparkApplication') return 'SparkApplication';
  return undefined;
}

/**
 * `<prefix><suffix>`, DNS-1123, within `max` characters. Spark needs ≤ 52 (its driver service name
 * adds to the application's); Workflows ≤ 63 minus Argo's pod-name hash room, kept at 52 too.
 */
export function pipelineRunName(prefix: string, suffix: string, max = 52): string {
  const stem = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, max - suffix.length - 1)
    .replace(/-+$/, '');
  return `${stem || 'pipeline'}-${suffix}`;
}

export function buildPipelineRun(req: PipelineRunRequest): PipelineRunManifests {
  const doc = pickDocument(req.text, req.relativePath);
  const kind = kindOf(doc) as SubmitKind;
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  const fileName = str(meta.name);
  const generateName = str(meta.generateName);
  const namespace = req.config.namespace ?? configDefaults.namespace;
  const source = `${kind} ${fileName ?? generateName ?? '(unnamed)'}`;
  const runName = pipelineRunName(generateName ?? (fileName ? `${fileName}-` : 'pipeline-'), req.suffix);
  const spec = isObj(doc.spec) ? doc.spec : undefined;
  if (!spec) throw new ComponentError(`${req.relativePath}: the ${kind} has no spec to submit.`, 'bad-input');

  const labels = provenanceLabels(runName, 'pipeline', req.provenance);
  const annotations = provenanceAnnotations({
    provenance: req.provenance,
    image: imagesOf(doc).join(',') || 'unknown',
    sourcePath: req.relativePath,
    args: [],
    parameters: {},
  });
  const podAnnotations = { ...(req.config.podAnnotations ?? {}), ...(req.podAnnotations ?? {}), ...annotations };
  // The file's own labels/annotations stay; ours win on the keys we own.
  const metadata = (extra: Obj = {}): Obj => ({
    ...extra,
    name: runName,
    namespace,
    labels: { ...strMap(meta.labels), ...labels },
    annotations: { ...strMap(meta.annotations), ...annotations },
  });

  if (kind === 'SparkApplication') {
    const role = (r: unknown): Obj => {
      const o = isObj(r) ? r : {};
      return { ...o, labels: { ...strMap(o.labels), [Labels.run]: runName, [Labels.managedBy]: 'kindling' }, annotations: { ...strMap(o.annotations), ...podAnnotations } };
    };
    const driver = role(spec.driver);
    // The driver creates executor pods: without its own account it uses the one kindling.yaml prepares for that.
    driver.serviceAccount ??= req.config.spark?.serviceAccount ?? req.config.serviceAccount ?? configDefaults.serviceAccount;
    const resource = { apiVersion: doc.apiVersion, kind, metadata: metadata(), spec: { ...spec, driver, executor: role(spec.executor) } };
    return { runName, namespace, ref: ref('SparkApplication', runName, namespace), resource, templateRefs: [], source };
  }

  let wfSpec: Obj;
  let template: PipelineRunManifests['template'];
  if (kind === 'Workflow') wfSpec = { ...spec };
  else if (kind === 'CronWorkflow') {
    if (!isObj(spec.workflowSpec)) throw new ComponentError(`${req.relativePath}: the CronWorkflow has no spec.workflowSpec to run.`, 'bad-input');
    wfSpec = { ...spec.workflowSpec };
  } else {
    if (!fileName) throw new ComponentError(`${req.relativePath}: a WorkflowTemplate needs metadata.name (a Workflow refers to it by name).`, 'bad-input');
    template = {
      apiVersion: doc.apiVersion,
      kind,
      metadata: { name: fileName, namespace, labels: { ...strMap(meta.labels), [Labels.managedBy]: 'kindling' }, annotations: strMap(meta.annotations) },
      spec,
    };
    wfSpec = { workflowTemplateRef: { name: fileName } };
  }
  // The run namespace's service account has the rights Argo's executor needs (workflowtaskresults).
  const ownAccount = kind === 'WorkflowTemplate' ? spec.serviceAccountName : wfSpec.serviceAccountName;
  if (ownAccount === undefined) wfSpec.serviceAccountName = req.config.serviceAccount ?? configDefaults.serviceAccount;
  const podMetadata = isObj(wfSpec.podMetadata) ? wfSpec.podMetadata : {};
  wfSpec.podMetadata = {
    ...podMetadata,
    labels: { ...strMap(podMetadata.labels), [Labels.run]: runName, [Labels.managedBy]: 'kindling' },
    annotations: { ...strMap(podMetadata.annotations), ...podAnnotations },
  };
  const resource = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: metadata(), spec: wfSpec };
  return { runName, namespace, ref: ref('Workflow', runName, namespace), resource, template, templateRefs: templateRefsOf(kind === 'WorkflowTemplate' ? spec : wfSpec, fileName), source };
}

function ref(kind: 'Workflow' | 'SparkApplication', name: string, namespace: string): ResourceRef {
  return kind === 'Workflow'
    ? { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', kind, name, namespace }
    : { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications', kind, name, namespace };
}

/** Every templateRef / workflowTemplateRef in the spec, minus the template the file brings itself. */
function templateRefsOf(spec: Obj, own: string | undefined): TemplateReference[] {
  const out = new Map<string, TemplateReference>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObj(v)) {
      for (const key of ['templateRef', 'workflowTemplateRef']) {
        const r = v[key];
        if (isObj(r) && typeof r.name === 'string' && !r.name.includes('{{')) {
          const clusterScope = r.clusterScope === true || r.clusterScope === 'true';
          if (!(r.name === own && !clusterScope)) out.set(`${clusterScope}/${r.name}`, { name: r.name, clusterScope });
        }
      }
      Object.values(v).forEach(visit);
    }
  };
  visit(spec);
  return [...out.values()];
}

/** Container images named in the object (for the image annotation), in order of appearance. */
function imagesOf(doc: Obj): string[] {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObj(v)) {
      if (typeof v.image === 'string' && !v.image.includes('{{')) out.add(v.image);
      Object.values(v).forEach(visit);
    }
  };
  visit(doc.spec);
  return [...out];
}

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function strMap(v: unknown): Record<string, string> {
  if (!isObj(v)) return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null).map(([k, x]) => [k, String(x)]));
}
