/**
 * Waits until Deployments are Available, with a timeout and an AbortSignal. On timeout the error
 * says which Deployment, and why (pods unschedulable, image pulls failing, crash loops).
 */
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import type { DeploymentCheck } from '../../core/cluster/addonPlan';
import {
  explainNotReady,
  findImagePullFailure,
  isDeploymentAvailable,
  isPermanentPullFailure,
  runningAgainSince,
  type ImagePullFailure,
  type NotReadyExplanation,
  type PodSummary,
} from '../../core/cluster/readiness';
import { apiErrorCode, apiErrorMessage, sleep, type WaitOptions } from './apply';

export const ADDON_LABELS: Record<DeploymentCheck['addon'], string> = {
  argo: 'Argo Workflows controller',
  'spark-operator': 'Spark operator',
};

export class NotReadyError extends Error {
  constructor(
    readonly check: DeploymentCheck,
    readonly explanation: NotReadyExplanation,
    timeoutMs: number,
  ) {
    super(`Not Available after ${Math.round(timeoutMs / 1000)} s — ${explanation.text} ${explanation.fix}`);
    this.name = 'NotReadyError';
  }
}

/** Thrown while waiting when an add-on pod cannot get its image: no point waiting out the timeout. */
export class ImagePullFailedError extends Error {
  constructor(
    readonly check: DeploymentCheck,
    readonly failure: ImagePullFailure,
  ) {
    super(`${ADDON_LABELS[check.addon]} (${check.namespace}/${check.name}): pod ${failure.pod} cannot pull its image ${failure.image ?? ''} (${failure.reason}${failure.message ? `: ${failure.message}` : ''})`);
    this.name = 'ImagePullFailedError';
  }
}

export function summarizePod(pod: V1Pod): PodSummary {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const statuses = pod.status?.containerStatuses ?? [];
  const started = statuses.map((s) => s.state?.running?.startedAt);
  const allRunning = statuses.length > 0 && started.every((t) => t !== undefined);
  return {
    name: pod.metadata?.name ?? '?',
    phase: pod.status?.phase,
    unschedulable: scheduled?.status === 'False' && scheduled.reason === 'Unschedulable' ? scheduled.message ?? 'Unschedulable' : undefined,
    waiting: [...(pod.status?.initContainerStatuses ?? []), ...statuses]
      .filter((s) => Boolean(s.state?.waiting?.reason))
      .map((s) => ({ reason: s.state?.waiting?.reason ?? '', message: s.state?.waiting?.message, image: s.image })),
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    exited: statuses.some((s) => s.state?.terminated !== undefined),
    runningSince: allRunning ? new Date(Math.min(...started.map((t) => new Date(t as Date | string).getTime()))).toISOString() : undefined,
  };
}

export async function podsOf(core: CoreV1Api, deployment: V1Deployment | undefined, namespace: string): Promise<PodSummary[]> {
  const selector = deployment?.spec?.selector?.matchLabels;
  if (!selector) return [];
  const pods = await core.listNamespacedPod({ namespace, labelSelector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',') });
  return pods.items.map(summarizePod);
}

export async function readDeployment(apps: AppsV1Api, check: Pick<DeploymentCheck, 'namespace' | 'name'>): Promise<V1Deployment | undefined> {
  try {
    return await apps.readNamespacedDeployment({ name: check.name, namespace: check.namespace });
  } catch (error) {
    if (apiErrorCode(error) === 404) return undefined;
    throw new Error(`Reading Deployment ${check.namespace}/${check.name} failed: ${apiErrorMessage(error)}`);
  }
}

export async function explainDeployment(kc: KubeConfig, check: DeploymentCheck): Promise<NotReadyExplanation> {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const deployment = await readDeployment(apps, check);
  return explainNotReady(`${ADDON_LABELS[check.addon]} (${check.namespace}/${check.name})`, deployment, await podsOf(core, deployment, check.namespace));
}

export interface DeploymentWaitOptions extends WaitOptions {
  onProgress?: (ready: DeploymentCheck[], waiting: DeploymentCheck[]) => void;
  /**
   * How long a pod may keep failing to pull its image before the wait gives up with an
   * ImagePullFailedError (kubelet retries with back-off, so one failed attempt may be a blip).
   * Undefined: only the overall timeout ends the wait.
   */
  imagePullGraceMs?: number;
  /** After a warm restart: count a Deployment only once a pod of it runs again since this time. */
  runningSince?: Date;
}

export async function waitForDeployments(
  kc: KubeConfig,
  checks: readonly DeploymentCheck[],
  opts: DeploymentWaitOptions,
): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + opts.timeoutMs;
  const firstPullFailure = new Map<DeploymentCheck, number>();
  let waiting = [...checks];
  while (true) {
    opts.signal?.throwIfAborted();
    const states = await Promise.all(
      waiting.map(async (c) => {
        const deployment = await readDeployment(apps, c);
        const available = isDeploymentAvailable(deployment);
        if (available && !opts.runningSince) return { c, ok: true };
        // Pods are read only when they matter: a warm restart, or a pull failure to catch early.
        if (!opts.runningSince && opts.imagePullGraceMs === undefined) return { c, ok: false };
        const pods = await podsOf(core, deployment, c.namespace);
        if (available && opts.runningSince && runningAgainSince(pods, opts.runningSince)) return { c, ok: true };
        const pull = opts.imagePullGraceMs === undefined ? undefined : findImagePullFailure(pods);
        if (!pull) {
          firstPullFailure.delete(c);
        } else {
          const since = firstPullFailure.get(c) ?? Date.now();
          firstPullFailure.set(c, since);
          if (isPermanentPullFailure(pull.reason) || Date.now() - since >= (opts.imagePullGraceMs ?? 0)) throw new ImagePullFailedError(c, pull);
        }
        return { c, ok: false };
      }),
    );
    waiting = states.filter((s) => !s.ok).map((s) => s.c);
    opts.onProgress?.(checks.filter((c) => !waiting.includes(c)), waiting);
    if (!waiting.length) return;
    if (Date.now() >= deadline) {
      throw new NotReadyError(waiting[0], await explainDeployment(kc, waiting[0]), opts.timeoutMs);
    }
    await sleep(Math.min(opts.intervalMs ?? 1000, Math.max(0, deadline - Date.now())), opts.signal);
  }
}
