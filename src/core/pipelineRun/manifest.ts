/**
 * "Submit Pipeline": a pipeline file → the object to create on the cluster, carrying the same
 * provenance as a Run as Component run (src/core/component/provenance.ts).
 *
 * - A multi-document file: the document chosen (documents.ts); WorkflowTemplates of the same file the
 *   run refers to come along as `companions`, applied before it.
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
import { configDefaults, type KindlingConfig } from '../config/types';
import { Labels, provenanceAnnotations, provenanceLabels } from '../component/provenance';
import { ComponentError, type Provenance, type ResourceRef } from '../component/types';
import { isRecord as isObj, nonEmptyString as str } from '../values';
import { chooseDocument, describeDocument, listDocuments, SUBMITTABLE_KINDS, type FileDocument, type SubmitKind } from './documents';
import { withParameterValues } from './parameters';

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
  /** Which document of a multi-document file (FileDocument.index); absent: the only submittable one. */
  documentIndex?: number;
  /**
   * What the user chose at `documentIndex` (kind and name, from the editor's text). The file is read
   * again from disk to submit it; if it changed in between (autosave, a checkout) so that another
   * document is there now, the run is refused rather than sending a pipeline nobody chose.
   */
  expectedDocument?: { kind?: string; name?: string };
  /**
   * Values for the workflow's `spec.arguments.parameters` chosen at submit (parameters.ts): set in the
   * run's arguments and recorded in the `kindling.dev/parameters` annotation. Not for SparkApplications.
   */
  parameters?: Record<string, string>;
}

/** A WorkflowTemplate the run refers to by name (it must exist in the run namespace, or cluster-wide). */
export interface TemplateReference {
  name: string;
  clusterScope: boolean;
}

export type TemplateManifest = Record<string, unknown> & { metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> } };

export interface PipelineRunManifests {
  runName: string;
  namespace: string;
  ref: ResourceRef;
  resource: Record<string, unknown>;
  /** The file was a WorkflowTemplate: create or replace it (in `namespace`) before the Workflow. */
  template?: TemplateManifest;
  /** WorkflowTemplates of the same file the run refers to: created or replaced first, like `template`. */
  companions: TemplateManifest[];
  /** Which document of the file was submitted (FileDocument.index). */
  documentIndex: number;
  /** Templates referenced through templateRef/workflowTemplateRef that the file does not bring itself. */
  templateRefs: TemplateReference[];
  /** What the file was ("WorkflowTemplate ctr-features"), for messages. */
  source: string;
}

type Obj = Record<string, unknown>;

/**
 * Which document of the file is submitted: the one asked for (`documentIndex`), else the only
 * submittable one. Several and no choice is refused rather than guessed (the extension always chooses).
 */
function pickDocument(docs: FileDocument[], req: PipelineRunRequest): FileDocument & { object: Obj; submitKind: SubmitKind } {
  const isSubmittable = (d: FileDocument | undefined): d is FileDocument & { object: Obj; submitKind: SubmitKind } => !!d?.object && d.submitKind !== undefined;
  if (req.documentIndex !== undefined) {
    const d = docs[req.documentIndex];
    const expected = req.expectedDocument;
    if (d && expected && (d.kind !== expected.kind || d.name !== expected.name)) {
      throw new ComponentError(
        `${req.relativePath} changed on disk since ${expected.kind ?? 'a document'} ${expected.name ?? ''} was chosen (document #${req.documentIndex + 1} is now ${d.kind ? `${d.kind} ${d.name ?? ''}`.trim() : 'not a pipeline'}); nothing was submitted. Submit Pipeline again.`,
        'bad-input',
      );
    }
    if (isSubmittable(d)) return d;
    const where = d ? `${req.relativePath}:${d.startLine + 1} is ${d.kind ? `a ${d.kind}` : 'not a pipeline'}` : `${req.relativePath} has no document #${req.documentIndex + 1}`;
    throw new ComponentError(`${where}; Submit Pipeline sends ${SUBMITTABLE_KINDS} documents.`, 'unsupported-file');
  }
  const choice = chooseDocument(docs, req.relativePath);
  if (choice.kind === 'chosen' && isSubmittable(choice.document)) return choice.document;
  if (choice.kind === 'ask') {
    throw new ComponentError(
      `${req.relativePath} holds ${choice.candidates.length} pipelines (${choice.candidates.map((d) => describeDocument(d, true)).join(', ')}); say which one to submit.`,
      'bad-input',
    );
  }
  throw new ComponentError(choice.kind === 'none' ? choice.message : `${req.relativePath}: nothing to submit.`, 'unsupported-file');
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
  const docs = listDocuments(req.text, req.relativePath);
  const chosen = pickDocument(docs, req);
  const doc = chosen.object;
  const kind = chosen.submitKind;
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
    parameters: kind === 'SparkApplication' ? {} : (req.parameters ?? {}),
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
    return { runName, namespace, ref: ref('SparkApplication', runName, namespace), resource, templateRefs: [], companions: [], source, documentIndex: chosen.index };
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
  // The run's arguments override the template's (Argo merges them by name), so a WorkflowTemplate run gets only the chosen values.
  if (req.parameters && Object.keys(req.parameters).length) wfSpec.arguments = withParameterValues(kind === 'WorkflowTemplate' ? {} : wfSpec.arguments, req.parameters);
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
  const refs = templateRefsOf(kind === 'WorkflowTemplate' ? spec : wfSpec, kind === 'WorkflowTemplate' ? fileName : undefined);
  const { companions, templateRefs } = companionTemplates(docs, chosen, refs, namespace);
  return { runName, namespace, ref: ref('Workflow', runName, namespace), resource, template, companions, templateRefs, source, documentIndex: chosen.index };
}

/**
 * The WorkflowTemplates of the same file that the run refers to (directly, or through another such
 * template): applied before the run, so "a template and the Workflow that uses it" submits as one.
 * References the file does not satisfy stay in `templateRefs`, to be checked on the cluster.
 */
function companionTemplates(docs: FileDocument[], chosen: FileDocument, refs: TemplateReference[], namespace: string): { companions: TemplateManifest[]; templateRefs: TemplateReference[] } {
  const inFile = new Map<string, Obj>();
  for (const d of docs) {
    if (d === chosen || d.submitKind !== 'WorkflowTemplate' || !d.object) continue;
    const name = str((isObj(d.object.metadata) ? d.object.metadata : {}).name);
    if (name && !inFile.has(name)) inFile.set(name, d.object);
  }
  const companions: TemplateManifest[] = [];
  const external = new Map<string, TemplateReference>();
  const seen = new Set<string>();
  const queue = [...refs];
  for (let r = queue.shift(); r; r = queue.shift()) {
    const local = r.clusterScope ? undefined : inFile.get(r.name);
    if (!local) {
      external.set(`${r.clusterScope}/${r.name}`, r);
      continue;
    }
    if (seen.has(r.name)) continue;
    seen.add(r.name);
    const meta = isObj(local.metadata) ? local.metadata : {};
    const spec = isObj(local.spec) ? local.spec : {};
    companions.push({
      apiVersion: local.apiVersion,
      kind: 'WorkflowTemplate',
      metadata: { name: r.name, namespace, labels: { ...strMap(meta.labels), [Labels.managedBy]: 'kindling' }, annotations: strMap(meta.annotations) },
      spec,
    });
    queue.push(...templateRefsOf(spec, r.name));
  }
  return { companions, templateRefs: [...external.values()] };
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

function strMap(v: unknown): Record<string, string> {
  if (!isObj(v)) return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null).map(([k, x]) => [k, String(x)]));
}
