/**
 * Is a Deployment ready, and if not, why — in words a user can act on. Pure: the kube layer feeds
 * it the Deployment status and a summary of its pods.
 */

export interface DeploymentStatusLike {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    availableReplicas?: number;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}

export interface PodSummary {
  name: string;
  phase?: string;
  /** PodScheduled=False message, e.g. "0/1 nodes are available: …". */
  unschedulable?: string;
  /** Waiting reasons of containers, e.g. ImagePullBackOff, CrashLoopBackOff, with the container's image. */
  waiting: Array<{ reason: string; message?: string; image?: string }>;
  /** The pod's Ready condition is True. */
  ready?: boolean;
  /** The earliest `state.running.startedAt` over its containers (ISO time); undefined while any is not running. */
  runningSince?: string;
  /** A container's current state is terminated (the pod's containers restart always, as a Deployment's do). */
  exited?: boolean;
}

/** Reasons kubelet gives a container whose image it could not get. */
const IMAGE_PULL_REASONS = /^(ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName|RegistryUnavailable)$/;

export interface ImagePullFailure {
  pod: string;
  image?: string;
  reason: string;
  message?: string;
}

/** The first container, over the pods, that waits because its image cannot be pulled. */
export function findImagePullFailure(pods: readonly PodSummary[]): ImagePullFailure | undefined {
  for (const pod of pods) {
    const w = pod.waiting.find((entry) => IMAGE_PULL_REASONS.test(entry.reason));
    if (w) return { pod: pod.name, image: w.image, reason: w.reason, message: w.message };
  }
  return undefined;
}

/** Reasons no retry will fix: fail at once instead of waiting out the grace period. */
export function isPermanentPullFailure(reason: string): boolean {
  return reason === 'ErrImageNeverPull' || reason === 'InvalidImageName';
}

/**
 * How long a controller restarted after a warm restart must have stayed up. Its first starts come
 * before kube-proxy has written the Service rules again and fail (kube/cluster/restartBackOff.ts);
 * the kind tier saw the Spark operator Ready and then down again right after Create had returned.
 */
export const RESTART_STABLE_MS = 5000;

/**
 * After a warm restart the API server serves the status it had when the node stopped, so a
 * Deployment still reads Available while its pods are being restarted. Running again means: a pod
 * is Ready, its containers started after `notBefore` (the node's start), and it has been running for
 * RESTART_STABLE_MS at `now`.
 */
export function runningAgainSince(pods: readonly PodSummary[], notBefore: Date, now: Date = new Date()): boolean {
  // startedAt has one-second resolution: allow the second the node was started in.
  const floor = Math.floor(notBefore.getTime() / 1000) * 1000;
  return pods.some((p) => {
    if (p.ready !== true || p.runningSince === undefined) return false;
    const since = Date.parse(p.runningSince);
    return since >= floor && now.getTime() - since >= RESTART_STABLE_MS;
  });
}

/**
 * Whether a container of these pods has exited and waits for the kubelet to start it again: in
 * its crash-loop back-off, or exited and not yet reported as backing off (the kubelet can take
 * seconds to report the back-off it already applies).
 */
export function waitsForRestart(pods: readonly PodSummary[]): boolean {
  return pods.some((p) => p.exited === true || p.waiting.some((w) => w.reason === 'CrashLoopBackOff'));
}

/** A health endpoint answered 200: `head` is the first line of its HTTP response. */
export function isHealthzOk(head: string): boolean {
  return /^HTTP\/1\.[01] 200\b/.test(head.trim());
}

export function isDeploymentAvailable(d: DeploymentStatusLike | undefined): boolean {
  if (!d?.status) return false;
  const generationSeen = (d.status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  const available = d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? false;
  const wanted = d.spec?.replicas ?? 1;
  return generationSeen && available && (d.status.availableReplicas ?? 0) >= Math.min(wanted, 1);
}

export type NotReadyKind = 'missing' | 'unschedulable' | 'image-pull' | 'crash' | 'starting';

export interface NotReadyExplanation {
  kind: NotReadyKind;
  text: string;
  fix: string;
}

export function explainNotReady(label: string, deployment: DeploymentStatusLike | undefined, pods: readonly PodSummary[]): NotReadyExplanation {
  if (!deployment) {
    return { kind: 'missing', text: `${label} does not exist.`, fix: 'Run Create Local Cluster again to reinstall the add-ons.' };
  }
  const pull = findImagePullFailure(pods);
  if (pull) {
    return {
      kind: 'image-pull',
      text: `${label}: pod ${pull.pod} cannot pull its image${pull.image ? ` ${pull.image}` : ''} (${pull.reason}${pull.message ? `: ${pull.message}` : ''}).`,
      fix: 'Check that Docker can reach the internet (proxy, VPN), or set a registry mirror (kindling.cluster.registryMirrors) or preload the image (kindling.cluster.preloadImages), and try again.',
    };
  }
  const unschedulable = pods.find((p) => p.unschedulable);
  if (unschedulable) {
    return {
      kind: 'unschedulable',
      text: `${label}: pod ${unschedulable.name} cannot be scheduled: ${unschedulable.unschedulable}`,
      fix: 'Give the container engine more CPU and memory, or delete workloads you no longer need.',
    };
  }
  const crash = pods.flatMap((p) => p.waiting.filter((w) => w.reason === 'CrashLoopBackOff' || w.reason === 'CreateContainerConfigError').map((w) => ({ pod: p.name, ...w })))[0];
  if (crash) {
    return {
      kind: 'crash',
      text: `${label}: pod ${crash.pod} keeps failing (${crash.reason}).`,
      fix: `Look at its logs: kubectl logs -n <namespace> ${crash.pod}`,
    };
  }
  const condition = deployment.status?.conditions?.find((c) => c.status !== 'True');
  return {
    kind: 'starting',
    text: `${label} is still starting${pods.length ? ` (pods: ${pods.map((p) => `${p.name} ${p.phase ?? 'Unknown'}`).join(', ')})` : ' (no pods yet)'}${condition?.message ? `: ${condition.message}` : '.'}`,
    fix: 'A first start pulls images and can take a few minutes; try again, or check the pods with kubectl.',
  };
}
