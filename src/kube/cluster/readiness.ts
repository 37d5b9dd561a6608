/**
 * Waits until Deployments are Available, with a timeout and an AbortSignal. On timeout the error
 * says which Deployment, and why (pods unschedulable, image pulls failing, crash loops).
 */
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import type { DeploymentCheck } from '../../core/cluster/addonPlan';
import { explainNotReady, isDeploymentAvailable, type NotReadyExplanation, type PodSummary } from '../../core/cluster/readiness';
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

export function summarizePod(pod: V1Pod): PodSummary {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return {
    name: pod.metadata?.name ?? '?',
    phase: pod.status?.phase,
    unschedulable: scheduled?.status === 'False' && scheduled.reason === 'Unschedulable' ? scheduled.message ?? 'Unschedulable' : undefined,
    waiting: [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
      .map((s) => s.state?.waiting)
      .filter((w): w is { reason: string; message?: string } => Boolean(w?.reason))
      .map((w) => ({ reason: w.reason, message: w.message })),
  };
}

async function readDeployment(apps: AppsV1Api, check: DeploymentCheck): Promise<V1Deployment | undefined> {
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
  const selector = deployment?.spec?.selector?.matchLabels;
  const pods = selector
    ? (await core.listNamespacedPod({ namespace: check.namespace, labelSelector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',') })).items
    : [];
  return explainNotReady(`${ADDON_LABELS[check.addon]} (${check.namespace}/${check.name})`, deployment, pods.map(summarizePod));
}

export async function waitForDeployments(
  kc: KubeConfig,
  checks: readonly DeploymentCheck[],
  opts: WaitOptions & { onProgress?: (ready: DeploymentCheck[], waiting: DeploymentCheck[]) => void },
): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  const deadline = Date.now() + opts.timeoutMs;
  let waiting = [...checks];
  while (true) {
    opts.signal?.throwIfAborted();
    const states = await Promise.all(waiting.map(async (c) => ({ c, ok: isDeploymentAvailable(await readDeployment(apps, c)) })));
    waiting = states.filter((s) => !s.ok).map((s) => s.c);
    opts.onProgress?.(checks.filter((c) => !waiting.includes(c)), waiting);
    if (!waiting.length) return;
    if (Date.now() >= deadline) {
      throw new NotReadyError(waiting[0], await explainDeployment(kc, waiting[0]), opts.timeoutMs);
    }
    await sleep(Math.min(opts.intervalMs ?? 1000, Math.max(0, deadline - Date.now())), opts.signal);
  }
}
