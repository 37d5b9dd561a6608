/** The runs Kindling created in a namespace (for the Runs view after a reload). */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { Labels, sparkStatus, workflowStatus, type ResourceRef, type RunKind, type RunStatus } from '../../core/component';
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
  return out.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
}
