/**
 * Follows one run until it finishes: the custom resource (phase) and its pods (scheduled, started),
 * both through the API server's watch, recording the loop timings as they are observed. Watches
 * are re-established when the server closes them (it does, every few minutes).
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import {
  isTerminal,
  Labels,
  lostContactMessage,
  podGoneMessage,
  podProblem,
  podStatus,
  sparkStatus,
  withFailureDetail,
  workflowStatus,
  type PodProblem,
  type PodShape,
  type ResourceRef,
  type RunStatus,
  type RunTimings,
} from '../../core/component';

export interface PodInfo {
  name: string;
  phase: string;
  nodeName?: string;
  containers: string[];
  /** Containers that have stopped (their log will not grow). */
  terminatedContainers: string[];
  /** Why a pod failed (container termination reason/message), when it did. */
  reason?: string;
  annotations: Record<string, string>;
  /** What is wrong with the pod, read from its status (image pull, OOMKilled, …), if anything. */
  problem?: PodProblem;
}

export interface RunSnapshot {
  ref: ResourceRef;
  status: RunStatus;
  timings: RunTimings;
  pods: PodInfo[];
}

export interface WatchRunOptions {
  invokedAt?: number;
  submittedAt?: number;
  onUpdate?: (snapshot: RunSnapshot) => void;
  /** Every pod event (e.g. to start following logs once a pod runs). */
  onPod?: (pod: PodInfo) => void;
  /** The run object itself at every change (e.g. Argo's status.nodes for the DAG panel's colours). */
  onObject?: (obj: unknown) => void;
  /** The local registry as pushed to from this machine (localhost:<port>), for image-pull advice. */
  localRegistry?: string;
  /**
   * How long the API server may stay unreachable before the run is given up as Unknown (the node
   * container stopped): without it the watch would retry for ever and the run never end. Default 30 s.
   */
  unreachableMs?: number;
}

export interface RunWatch {
  /** Resolves when the run reaches Succeeded/Failed (or was deleted), or with the last state after stop(). */
  readonly done: Promise<RunSnapshot>;
  snapshot(): RunSnapshot;
  /** Record when the create call returned (the watch may start before the object exists). */
  setSubmittedAt(at: number): void;
  stop(): void;
}

interface KubeObj extends PodShape {
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: { nodeName?: string; containers?: { name: string; image?: string; resources?: { limits?: Record<string, unknown> } }[] };
  status?: PodShape['status'] & { conditions?: { type?: string; status?: string }[] };
}

export function watchRun(kc: KubeConfig, ref: ResourceRef, opts: WatchRunOptions = {}): RunWatch {
  const watch = new Watch(kc);
  const timings: RunTimings = { invokedAt: opts.invokedAt, submittedAt: opts.submittedAt };
  const pods = new Map<string, PodInfo>();
  let status: RunStatus = { phase: 'Pending' };
  let stopped = false;
  /** Pods deleted before they finished (cancel, eviction, node gone): said when the run fails. */
  const gone = new Set<string>();
  /** Since when every watch call has failed, and with what (reset by any event). */
  let failingSince: number | undefined;
  let lastError = '';
  const unreachableMs = opts.unreachableMs ?? 30_000;
  const controllers: AbortController[] = [];
  let resolveDone: (s: RunSnapshot) => void = () => undefined;
  const done = new Promise<RunSnapshot>((resolve) => (resolveDone = resolve));
  const snapshot = (): RunSnapshot => ({ ref, status, timings: { ...timings }, pods: [...pods.values()] });
  const emit = (): void => opts.onUpdate?.(snapshot());

  const finish = (): void => {
    if (stopped) return;
    stopped = true;
    for (const c of controllers) c.abort();
    resolveDone(snapshot());
  };

  const onRun = (type: string, obj: Parameters<typeof workflowStatus>[0] & Parameters<typeof sparkStatus>[0]): void => {
    failingSince = undefined;
    // A bare-Pod run is its own pod: one watch serves both, so a pod that finishes before a second
    // watch would report it still gets its log followed.
    if (ref.kind === 'Pod') {
      onPod(type, obj as KubeObj);
      if (stopped) return;
    }
    if (type === 'DELETED') {
      status = { phase: 'Failed', message: status.phase === 'Succeeded' ? status.message : 'The run was deleted (cancelled).', raw: 'Deleted' };
      if (status.phase === 'Failed' || isTerminal(status.phase)) timings.finishedAt ??= Date.now();
      emit();
      finish();
      return;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    opts.onObject?.(obj);
    status = ref.kind === 'Workflow' ? workflowStatus(obj) : ref.kind === 'Pod' ? podStatus(obj) : sparkStatus(obj);
    if (status.phase === 'Failed') status = withPodReason(status);
    if (isTerminal(status.phase)) timings.finishedAt ??= Date.now();
    emit();
    if (isTerminal(status.phase)) finish();
  };

  const withPodReason = (s: RunStatus): RunStatus => {
    // The pod's own status explains more than the controller (OOMKilled with its limit, a pull failure).
    const problem = [...pods.values()].find((p) => p.problem)?.problem;
    // Its message already says what the controller would (OOMKilled, exit code) and more.
    if (problem) return { ...s, message: problem.message };
    const reason = [...pods.values()].find((p) => p.reason)?.reason;
    if (reason) return { ...s, message: withFailureDetail(s.message, reason) };
    const vanished = [...gone][0];
    return vanished ? { ...s, message: withFailureDetail(s.message, podGoneMessage(vanished)) } : s;
  };

  const onPod = (type: string, obj: KubeObj): void => {
    const name = obj.metadata?.name;
    if (!name || type === 'BOOKMARK' || type === 'ERROR') return;
    failingSince = undefined;
    const phase = obj.status?.phase ?? 'Pending';
    const now = Date.now();
    const scheduled = !!obj.spec?.nodeName || !!obj.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True');
    if (scheduled) timings.scheduledAt ??= now;
    // A pod that finished between two events still "started": the watch may never show Running.
    if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') {
      timings.scheduledAt ??= now;
      timings.startedAt ??= now;
    }
    const terminated = obj.status?.containerStatuses?.map((c) => c.state?.terminated).find((t) => t && (t.exitCode ?? 0) !== 0);
    const info: PodInfo = {
      name,
      phase,
      nodeName: obj.spec?.nodeName,
      containers: (obj.spec?.containers ?? []).map((c) => c.name),
      terminatedContainers: (obj.status?.containerStatuses ?? []).filter((c) => c.name && c.state?.terminated).map((c) => c.name as string),
      reason: terminated ? [terminated.reason, terminated.message, `exit code ${terminated.exitCode}`].filter(Boolean).join(': ') : undefined,
      annotations: obj.metadata?.annotations ?? {},
      problem: podProblem(obj, { localRegistry: opts.localRegistry }),
    };
    if (type === 'DELETED') {
      pods.delete(name);
      if (phase !== 'Succeeded' && phase !== 'Failed' && !isTerminal(status.phase)) gone.add(name);
    } else pods.set(name, info);
    opts.onPod?.(info);
    // A pod that can never start (its image is not there, a Secret is missing) leaves an Argo workflow
    // Running for ever: the run is over for the user, with the pod's reason.
    if (info.problem?.fatal && info.problem.kind !== 'oom' && !isTerminal(status.phase)) {
      status = { phase: 'Failed', raw: info.problem.reason, message: info.problem.message };
      timings.finishedAt ??= now;
      emit();
      finish();
      return;
    }
    emit();
  };

  const giveUp = (): void => {
    if (stopped || isTerminal(status.phase)) return;
    status = { phase: 'Unknown', raw: 'Unreachable', message: lostContactMessage(kc.getCurrentCluster()?.server ?? 'the API server', lastError, Date.now() - (failingSince ?? Date.now())) };
    timings.finishedAt ??= Date.now();
    emit();
    finish();
  };

  const start = <T>(path: string, query: Record<string, string>, handler: (type: string, obj: T) => void, attempt = 0): void => {
    if (stopped) return;
    const restart = (err?: unknown): void => {
      if (stopped) return;
      if (err) {
        lastError = err instanceof Error ? err.message : String(err);
        failingSince ??= Date.now();
        if (Date.now() - failingSince >= unreachableMs) {
          giveUp();
          return;
        }
      }
      // Back off a little on repeated failures; a closed-by-server watch restarts at once.
      setTimeout(() => start(path, query, handler, attempt + 1), Math.min(err ? 2000 : 5000, attempt * 250));
    };
    watch
      .watch(path, query, (type: string, obj: T) => handler(type, obj), (err: unknown) => restart(err))
      .then(
        (controller) => {
          if (stopped) controller.abort();
          else controllers.push(controller);
        },
        (err: unknown) => restart(err ?? new Error('the watch could not be opened')),
      );
  };

  const ns = encodeURIComponent(ref.namespace);
  // The core group (a bare-Pod run) lives under /api, the custom resources under /apis/<group>.
  const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  start(`${base}/namespaces/${ns}/${ref.plural}`, { fieldSelector: `metadata.name=${ref.name}` }, onRun);
  // Argo (podMetadata) and the Spark operator (driver/executor labels) both copy our run label to pods.
  if (ref.kind !== 'Pod') start(`/api/v1/namespaces/${ns}/pods`, { labelSelector: `${Labels.run}=${ref.name}` }, onPod);

  return {
    done,
    snapshot,
    setSubmittedAt: (at) => {
      timings.submittedAt = at;
    },
    stop: () => finish(),
  };
}
