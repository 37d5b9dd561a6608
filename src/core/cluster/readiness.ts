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
  /** Waiting reasons of containers, e.g. ImagePullBackOff, CrashLoopBackOff. */
  waiting: Array<{ reason: string; message?: string }>;
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
  const pull = pods.flatMap((p) => p.waiting.filter((w) => /ImagePull|ErrImage/.test(w.reason)).map((w) => ({ pod: p.name, ...w })))[0];
  if (pull) {
    return {
      kind: 'image-pull',
      text: `${label}: pod ${pull.pod} cannot pull its image (${pull.reason}${pull.message ? `: ${pull.message}` : ''}).`,
      fix: 'Check that Docker can reach the internet (proxy, VPN) and try again; the image is pulled only once.',
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
