/**
 * Which documents of a pipeline file can be promoted, and what each becomes on the target. Pure: the
 * caller reads the file and picks the namespace; src/kube/promote talks to the cluster.
 *
 * Promote carries *definitions* to another cluster: WorkflowTemplates, CronWorkflows and the Spark
 * operator's (Scheduled)SparkApplications, which the operator reconciles like any declarative object.
 * A bare Argo Workflow is a single run, not a definition (often with generateName, which server-side
 * apply cannot address): it is refused with a hint to make it a WorkflowTemplate (docs/promote.md).
 */
import jsYaml from 'js-yaml';
import { isRecord } from '../values';

export interface PromotableKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

const PROMOTABLE: readonly PromotableKind[] = [
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'WorkflowTemplate', plural: 'workflowtemplates' },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'CronWorkflow', plural: 'cronworkflows' },
  { group: 'sparkoperator.k8s.io', version: 'v1beta2', kind: 'SparkApplication', plural: 'sparkapplications' },
  { group: 'sparkoperator.k8s.io', version: 'v1beta2', kind: 'ScheduledSparkApplication', plural: 'scheduledsparkapplications' },
];

/** Kinds we recognise but do not promote, with what to do instead. */
const REFUSED: Record<string, string> = {
  'argoproj.io/Workflow':
    'a Workflow is one run, not a definition to deploy. Change "kind: Workflow" to "kind: WorkflowTemplate" (with a metadata.name) and promote that, or a CronWorkflow to run it on a schedule',
  'argoproj.io/ClusterWorkflowTemplate': 'ClusterWorkflowTemplates are cluster-wide; Kindling promotes namespaced objects only (use a WorkflowTemplate)',
};

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};

export interface PlannedDocument {
  /** 0-based position of the document in the file. */
  index: number;
  type: PromotableKind;
  name: string;
  namespace: string;
  /** The namespace the file named, when it differs from the target one (reported, then overridden). */
  sourceNamespace?: string;
  /** What will be sent (before provenance is stamped): server-owned fields removed, namespace set. */
  object: KubeObject;
}

export interface PromotePlan {
  documents: PlannedDocument[];
  /** Reasons the file cannot be promoted at all; empty when it can. */
  errors: string[];
  /** Harmless facts worth showing (namespace overridden, empty documents skipped). */
  notes: string[];
  /** Shown with the confirmation like preflight warnings (e.g. a component's hostPath volume left out). */
  warnings?: string[];
}

/** "argoproj.io/v1alpha1", or "v1" for the core group (ConfigMaps). */
export function apiVersionOf(type: PromotableKind): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** "workflowtemplates.argoproj.io", or "configmaps" for the core group: how RBAC errors name a resource. */
export function resourceOf(type: PromotableKind): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** Fields the server owns: carried over from a `kubectl get -o yaml` export they would only conflict. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp'];

export function describeDocument(doc: { index: number; type: { kind: string }; name: string }): string {
  return `${doc.type.kind} ${doc.name} (document ${doc.index + 1})`;
}

export function planPromote(text: string, target: { namespace: string }): PromotePlan {
  const errors: string[] = [];
  const notes: string[] = [];
  const documents: PlannedDocument[] = [];
  let values: unknown[];
  try {
    values = jsYaml.loadAll(text);
  } catch (err) {
    return { documents, errors: [`The file is not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`], notes };
  }
  values.forEach((value, index) => {
    const where = `document ${index + 1}`;
    if (value === null || value === undefined) return;
    if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
      errors.push(`${where} is not a Kubernetes object (no apiVersion/kind).`);
      return;
    }
    const [group, version] = value.apiVersion.includes('/') ? value.apiVersion.split('/', 2) : ['', value.apiVersion];
    const refused = REFUSED[`${group}/${value.kind}`];
    if (refused) {
      errors.push(`${where} (${value.kind}): ${refused}.`);
      return;
    }
    const type = PROMOTABLE.find((k) => k.group === group && k.version === version && k.kind === value.kind);
    if (!type) {
      const known = PROMOTABLE.map((k) => `${k.group}/${k.version} ${k.kind}`).join(', ');
      errors.push(`${where}: ${value.apiVersion} ${value.kind} cannot be promoted (Kindling promotes ${known}).`);
      return;
    }
    const metadata = isRecord(value.metadata) ? { ...value.metadata } : {};
    if (typeof metadata.name !== 'string' || metadata.name === '') {
      const hint = typeof metadata.generateName === 'string' ? ' (generateName is not enough: apply needs a fixed name)' : '';
      errors.push(`${where} (${value.kind}) has no metadata.name${hint}.`);
      return;
    }
    for (const key of SERVER_METADATA) delete metadata[key];
    delete metadata.generateName;
    const sourceNamespace = typeof metadata.namespace === 'string' && metadata.namespace !== target.namespace ? metadata.namespace : undefined;
    if (sourceNamespace) notes.push(`${value.kind} ${metadata.name}: namespace "${sourceNamespace}" in the file becomes "${target.namespace}".`);
    metadata.namespace = target.namespace;
    const object = { ...value, metadata } as KubeObject;
    delete object.status;
    documents.push({ index, type, name: metadata.name, namespace: target.namespace, sourceNamespace, object });
  });
  const seen = new Set<string>();
  for (const doc of documents) {
    const key = `${doc.type.kind}/${doc.name}`;
    if (seen.has(key)) errors.push(`${doc.type.kind} ${doc.name} appears twice in the file.`);
    seen.add(key);
  }
  if (!documents.length && !errors.length) errors.push('The file has no documents to promote.');
  return { documents, errors, notes };
}
