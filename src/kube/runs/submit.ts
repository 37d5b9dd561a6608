/** Creates a component run on the cluster: the ConfigMap (if any), then the Workflow / SparkApplication. */
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { ComponentManifests, ResourceRef } from '../../core/component';
import { classifyKubeError } from './errors';

export interface SubmittedRun {
  ref: ResourceRef;
  uid: string;
  submittedAt: number;
  /** The ConfigMap's owner reference is set in the background so the API call does not delay the run. */
  ownership: Promise<void>;
}

export async function submitComponent(kc: KubeConfig, manifests: ComponentManifests): Promise<SubmittedRun> {
  const { ref } = manifests;
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  if (manifests.configMap) {
    try {
      await core.createNamespacedConfigMap({ namespace: ref.namespace, body: manifests.configMap });
    } catch (err) {
      throw classifyKubeError(err, kc, `create ConfigMap ${manifests.configMap.metadata.name} in ${ref.namespace}`);
    }
  }
  let created: { metadata?: { uid?: string } };
  try {
    created = (await (manifests.resource.kind === 'Pod'
      ? core.createNamespacedPod({ namespace: ref.namespace, body: manifests.resource as unknown as V1Pod })
      : custom.createNamespacedCustomObject({
      group: ref.group,
      version: ref.version,
      namespace: ref.namespace,
      plural: ref.plural,
      body: manifests.resource,
    }))) as { metadata?: { uid?: string } };
  } catch (err) {
    if (manifests.configMap) {
      // Do not leave the source behind when the run itself could not be created.
      await core.deleteNamespacedConfigMap({ name: manifests.configMap.metadata.name, namespace: ref.namespace }).catch(() => undefined);
    }
    throw classifyKubeError(err, kc, `create ${ref.kind} ${ref.name} in ${ref.namespace}`, ref);
  }
  const submittedAt = Date.now();
  const uid = created.metadata?.uid ?? '';
  let ownership: Promise<void> = Promise.resolve();
  if (manifests.configMap && uid) {
    // Owned by the run: deleting the run (or Argo's/the operator's cleanup) removes the source too.
    const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
    ownership = core
      .replaceNamespacedConfigMap({
        name: manifests.configMap.metadata.name,
        namespace: ref.namespace,
        body: {
          ...manifests.configMap,
          metadata: { ...manifests.configMap.metadata, ownerReferences: [{ apiVersion, kind: ref.kind, name: ref.name, uid }] },
        },
      })
      .then(
        () => undefined,
        () => undefined,
      );
  }
  return { ref, uid, submittedAt, ownership };
}
