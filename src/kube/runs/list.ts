/** The runs Kindling created in a namespace (for the Runs view after a reload). */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { Labels, podStatus, sparkStatus, workflowStatus, type ResourceRef, type RunKind, type RunStatus } from '../../core/component';
import { classifyKubeError, statusCodeOf } from './errors';

export interface RunSummary {
  ref: ResourceRef;
  kind?: RunKind;
  status: RunStatus;
  createdAt?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface Listed {
  items?: {
    metadata?: { name?: string; namespace?: string; creationTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    status?: Record<string, unknown>;
  }[];
}

const kinds = [
  { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', kind: 'Workflow' as const },
  { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications', kind: 'SparkApplication' as const },
];

export async function listRuns(kc: KubeConfig, namespace: string): Promise<RunSummary[]> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const out: RunSummary[] = [];
  for (const k of kinds) {
    let listed: Listed;
    try {
      listed = (await custom.listNamespacedCustomObject({
        group: k.group,
        version: k.version,
        namespace,
        plural: k.plural,
        labelSelector: `${Labels.managedBy}=kindling,${Labels.run}`,
      })) as Listed;
    } catch (err) {
      if (statusCodeOf(err) === 404) continue; // that operator is not installed: no runs of that kind
      throw classifyKubeError(err, kc, `list ${k.plural} in ${namespace}`, k);
    }
    for (const item of listed.items ?? []) {
      const name = item.metadata?.name;
      if (!name) continue;
      const labels = item.metadata?.labels ?? {};
      out.push({
        ref: { ...k, name, namespace },
        kind: labels[Labels.kind] as RunKind | undefined,
        status: k.kind === 'Workflow' ? workflowStatus(item as Parameters<typeof workflowStatus>[0]) : sparkStatus(item as Parameters<typeof sparkStatus>[0]),
        createdAt: item.metadata?.creationTimestamp,
        labels,
        annotations: item.metadata?.annotations ?? {},
      });
    }
  }
  // Bare-Pod runs: the pod is the run (no owner); Argo's and Spark's pods carry the same labels but have owners.
  try {
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: `${Labels.managedBy}=kindling,${Labels.run}` });
    for (const pod of pods.items) {
      const name = pod.metadata?.name;
      const labels = pod.metadata?.labels ?? {};
      if (!name || pod.metadata?.ownerReferences?.length || labels[Labels.run] !== name) continue;
      out.push({
        ref: { group: '', version: 'v1', plural: 'pods', kind: 'Pod', name, namespace },
        kind: labels[Labels.kind] as RunKind | undefined,
        status: podStatus(pod as Parameters<typeof podStatus>[0]),
        createdAt: pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).toISOString() : undefined,
        labels,
        annotations: pod.metadata?.annotations ?? {},
      });
    }
  } catch (err) {
    throw classifyKubeError(err, kc, `list pods in ${namespace}`);
  }
  return out.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
}
