/** Stops a run: Argo → spec.shutdown=Terminate (keeps the record, kills pods); Spark → delete. */
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { ResourceRef } from '../../core/component';
import { classifyKubeError, statusCodeOf } from './errors';

export async function cancelRun(kc: KubeConfig, ref: ResourceRef): Promise<'terminated' | 'deleted' | 'gone'> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const base = { group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, name: ref.name };
  try {
    if (ref.kind === 'Pod') {
      // A bare-Pod run has nothing above it: deleting the pod stops it (its log stays in the channel).
      await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ name: ref.name, namespace: ref.namespace, gracePeriodSeconds: 5 });
      return 'deleted';
    }
    if (ref.kind === 'Workflow') {
      await custom.patchNamespacedCustomObject({ ...base, body: { spec: { shutdown: 'Terminate' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      return 'terminated';
    }
    // The Spark operator has no "stop" field; deleting the application stops driver and executors.
    await custom.deleteNamespacedCustomObject({ ...base, propagationPolicy: 'Background' });
    return 'deleted';
  } catch (err) {
    if (statusCodeOf(err) === 404) return 'gone';
    throw classifyKubeError(err, kc, `cancel ${ref.kind} ${ref.name}`, ref);
  }
}
