/**
 * What Kindling promoted to a cluster: the kinds a promote writes, listed with Kindling's managed-by
 * label and kept when they carry the promote's provenance (core/promote/promoted.ts). All namespaces
 * when the user may list them, else the context's namespace (a user of a shared cluster often may
 * read one namespace only); kinds not installed there are skipped.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { Labels } from '../../core/component';
import { promotedRecord, sortPromoted, type PromotedRecord } from '../../core/promote';
import { statusCodeOf } from '../runs/errors';

const CUSTOM = [
  { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflowtemplates', kind: 'WorkflowTemplate' },
  { group: 'argoproj.io', version: 'v1alpha1', plural: 'cronworkflows', kind: 'CronWorkflow' },
  { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications', kind: 'SparkApplication' },
  { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'scheduledsparkapplications', kind: 'ScheduledSparkApplication' },
];

export interface PromotedListing {
  records: PromotedRecord[];
  /** The namespace listed when all namespaces could not be; undefined when they could. */
  namespace?: string;
  notes: string[];
}

export async function listPromoted(kc: KubeConfig, fallbackNamespace?: string): Promise<PromotedListing> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const labelSelector = `${Labels.managedBy}=kindling`;
  const namespace = fallbackNamespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  const notes: string[] = [];
  const records: PromotedRecord[] = [];
  let scoped = false;
  const collect = (items: unknown[] | undefined, kind: string) => {
    for (const item of items ?? []) {
      const record = promotedRecord({ kind, ...(item as object) });
      if (record) records.push(record);
    }
  };
  for (const k of CUSTOM) {
    try {
      const listed = (scoped
        ? await custom.listNamespacedCustomObject({ group: k.group, version: k.version, plural: k.plural, namespace, labelSelector })
        : await custom.listClusterCustomObject({ group: k.group, version: k.version, plural: k.plural, labelSelector })) as { items?: unknown[] };
      collect(listed.items, k.kind);
    } catch (err) {
      const code = statusCodeOf(err);
      if (code === 404) continue; // that controller is not installed there
      if (code === 403 && !scoped) {
        scoped = true;
        notes.push(`Listing all namespaces is not allowed: namespace "${namespace}" only.`);
        const again = (await custom.listNamespacedCustomObject({ group: k.group, version: k.version, plural: k.plural, namespace, labelSelector }).catch((e: unknown) => {
          if (statusCodeOf(e) === 403 || statusCodeOf(e) === 404) return { items: [] };
          throw e;
        })) as { items?: unknown[] };
        collect(again.items, k.kind);
        continue;
      }
      if (code === 403) continue;
      throw err;
    }
  }
  try {
    const cms = scoped ? await core.listNamespacedConfigMap({ namespace, labelSelector }) : await core.listConfigMapForAllNamespaces({ labelSelector });
    collect(cms.items, 'ConfigMap');
  } catch (err) {
    if (statusCodeOf(err) !== 403) throw err;
  }
  return { records: sortPromoted(records), namespace: scoped ? namespace : undefined, notes };
}
