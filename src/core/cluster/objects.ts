/**
 * A Kubernetes object as plain data, plus the small amount of knowledge the planners need about
 * kinds (which are cluster-scoped, in what order to apply them). Pure: no client library here.
 */
import { parseAllDocuments } from 'yaml';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Kinds that appear in the add-on manifests and are not namespaced. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'StorageClass', 'APIService', 'PersistentVolume',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/**
 * Apply order: things others refer to first. CRDs before anything (their custom resources come
 * last, after the applier has waited for the CRDs to be Established); RBAC before the workloads
 * that use it, so controllers do not crash-loop on "forbidden" while we are still applying.
 */
const KIND_RANK: Record<string, number> = {
  Namespace: 0,
  CustomResourceDefinition: 1,
  PriorityClass: 2,
  ServiceAccount: 3,
  ClusterRole: 4,
  ClusterRoleBinding: 5,
  Role: 6,
  RoleBinding: 7,
  ConfigMap: 8,
  Secret: 8,
  Service: 9,
  Deployment: 10,
  StatefulSet: 10,
  DaemonSet: 10,
};
const BUILTIN_GROUPS = /^(v1|apps\/v1|batch\/v1|policy\/v1|[a-z0-9.]*\.k8s\.io\/v[0-9a-z]+)$/;

export function applyRank(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): number {
  const rank = KIND_RANK[obj.kind];
  if (rank !== undefined) return rank;
  // Unknown built-in kinds go with the workloads; custom resources go last.
  return BUILTIN_GROUPS.test(obj.apiVersion) ? 11 : 20;
}

/** Stable sort by apply rank (documents of equal rank keep their file order). */
export function sortForApply<T extends Pick<KubeObject, 'apiVersion' | 'kind'>>(objects: readonly T[]): T[] {
  return objects
    .map((obj, index) => ({ obj, index }))
    .sort((a, b) => applyRank(a.obj) - applyRank(b.obj) || a.index - b.index)
    .map((entry) => entry.obj);
}

export function isCustomResourceDefinition(obj: Pick<KubeObject, 'kind'>): boolean {
  return obj.kind === 'CustomResourceDefinition';
}

/** Parses a multi-document YAML stream; skips empty documents; rejects anything that is not an object with kind/apiVersion/name. */
export function parseManifests(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length) {
      throw new Error(`${source}, document ${index + 1}: ${doc.errors[0].message}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isKubeObject(value)) {
      throw new Error(`${source}, document ${index + 1}: not a Kubernetes object (needs apiVersion, kind and metadata.name).`);
    }
    out.push(value);
  });
  return out;
}

export function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const meta = v.metadata as Record<string, unknown> | undefined;
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string' && typeof meta?.name === 'string';
}

export function objectRef(obj: KubeObject): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}
