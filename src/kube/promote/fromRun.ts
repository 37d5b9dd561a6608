/**
 * Promote Run, the cluster half: read the finished run back from the cluster it ran on, the file it
 * ran (from the run's own ConfigMap, else the workspace) and the digest it ran on (recorded by the run;
 * else what its pod actually pulled, the container's imageID; else the registry's answer for the tag),
 * then hand them to core/promote/run.ts, whose plan runPromote applies (`fromRun`).
 */
import { createHash } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { Labels } from '../../core/component';
import { configMapKey } from '../../core/component/naming';
import { describeFinishedRun, planRunPromote, type KubeObject, type RunPromotePlan } from '../../core/promote';
import type { GitInfo } from '../git';
import type { RegistryOptions } from '../registry';
import { resolveImageDigest } from '../images/digest';
import { classifyKubeError, statusCodeOf } from '../runs/errors';

export interface RunToPromote {
  kind: 'Workflow' | 'SparkApplication' | 'Pod';
  name: string;
  namespace: string;
}

export interface PlanFromRunInput {
  /** The cluster the run ran on (the local one), its context selected. */
  kc: KubeConfig;
  run: RunToPromote;
  /** Target namespace. */
  namespace: string;
  /** The file at the run's workspace-relative source path, if it is in this workspace. */
  readWorkspaceFile(sourcePath: string): Promise<string | undefined>;
  /** Options for the run's registry when its digest must be asked (tests: plain http, CA). */
  registryOptions?: Omit<RegistryOptions, 'registry'>;
}

export interface PlanFromRun {
  plan: RunPromotePlan;
  /** The run's recorded SHA-256 of its file (the promote's provenance hashes what ran). */
  sourceSha256?: string;
  /** `<namespace>/<name>` of the run, for kindling.dev/promoted-from-run. */
  runRef: string;
  /** The commit the run recorded (not the work tree's now), for the promote's provenance. */
  git?: GitInfo;
  /** Where the digest came from, when the run did not record it. */
  digestFrom?: 'pod' | 'registry';
}

const PLURALS = { Workflow: { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' }, SparkApplication: { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications' } };

export async function planFromRun(input: PlanFromRunInput): Promise<PlanFromRun> {
  const { kc, run } = input;
  let object: KubeObject;
  try {
    if (run.kind === 'Pod') {
      // A bare-Pod run: the pod is the run (client-node's typed object, as plain JSON like the others).
      const pod = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: run.name, namespace: run.namespace });
      object = { ...(JSON.parse(JSON.stringify(pod)) as KubeObject), apiVersion: 'v1', kind: 'Pod' };
    } else {
      object = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...PLURALS[run.kind], namespace: run.namespace, name: run.name })) as KubeObject;
    }
  } catch (err) {
    throw classifyKubeError(err, kc, `read ${run.kind} ${run.name} in ${run.namespace}`, run.kind === 'Pod' ? undefined : PLURALS[run.kind]);
  }
  const described = describeFinishedRun(object);
  const runRef = `${run.namespace}/${run.name}`;
  const context = kc.getCurrentContext();

  let content: string | undefined;
  if (described?.sourceConfigMap) content = await readConfigMapFile(kc, run.namespace, described.sourceConfigMap, described.sourcePath);
  if (content === undefined && described?.sourcePath) content = await input.readWorkspaceFile(described.sourcePath);
  const source = content === undefined ? undefined : { content, sha256: createHash('sha256').update(content, 'utf8').digest('hex') };

  let resolvedDigest: string | undefined;
  let digestFrom: PlanFromRun['digestFrom'];
  if (described?.image && !described.imageDigest && described.succeeded) {
    resolvedDigest = await podImageDigest(kc, run, described.image);
    if (resolvedDigest) digestFrom = 'pod';
    else {
      resolvedDigest = await resolveImageDigest(described.image, input.registryOptions ?? {});
      digestFrom = 'registry';
    }
  }
  const plan = planRunPromote({ run: object, runContext: context, namespace: input.namespace, source, resolvedDigest });
  if (digestFrom === 'registry' && resolvedDigest) {
    plan.warnings = [...(plan.warnings ?? []), `${described?.image}: the run did not record its digest and its pods are gone; the registry serves ${resolvedDigest} for the tag now, which is what is promoted.`];
  }
  const git = described ? { commit: described.gitCommit, dirty: described.gitDirty, user: described.user } : undefined;
  return { plan, sourceSha256: described?.sourceSha256, runRef, digestFrom, git };
}

async function readConfigMapFile(kc: KubeConfig, namespace: string, name: string, sourcePath: string | undefined): Promise<string | undefined> {
  try {
    const cm = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name, namespace });
    const fileName = sourcePath?.split('/').pop();
    return fileName ? cm.data?.[configMapKey(fileName)] : undefined;
  } catch (err) {
    if (statusCodeOf(err) === 404) return undefined; // cleaned up after the run: the workspace copy is checked instead
    throw err;
  }
}

/** The digest the run's pod pulled for `image` (containerStatuses[].imageID `…@sha256:…`), if a pod is still there. */
async function podImageDigest(kc: KubeConfig, run: RunToPromote, image: string): Promise<string | undefined> {
  try {
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: run.namespace, labelSelector: `${Labels.run}=${run.name}` });
    for (const pod of pods.items) {
      for (const status of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
        if (status.image !== image && !image.startsWith(`${status.image}@`)) continue;
        const digest = status.imageID?.match(/@(sha256:[a-f0-9]{64})$/)?.[1];
        if (digest) return digest;
      }
    }
  } catch {
    // Pods may not be listable by this user: the registry is asked instead.
  }
  return undefined;
}
