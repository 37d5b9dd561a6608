/**
 * Debug as Component without VS Code: submit the debug manifests (core/component/debug.ts), wait
 * for the pod to run, and port-forward to debugpy in it. The extension, the kind tests and the
 * benchmark all go through here. What the pod does next (paused, continued, ended) is the debugger's
 * and the run watch's business; stopDebugRun ends it from this side.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { DEBUGPY_PORT, DEBUGPY_WAITING_PATTERN, isDebugpyMissing, type ComponentManifests, type PodProblem } from '../../core/component';
import { cancelRun } from '../runs/cancel';
import { RunError } from '../runs/errors';
import { readPodLog } from '../runs/logs';
import { startComponent, type StartedRun } from '../runs/runComponent';
import type { PodInfo, RunSnapshot } from '../runs/watch';
import { checkPortForwardAllowed, forwardPort, type PortForwardHandle } from './portForward';

export interface DebugRunOptions {
  invokedAt?: number;
  onUpdate?: (snapshot: RunSnapshot) => void;
  onPod?: (pod: PodInfo) => void;
  /** How long the pod may stay Pending before Kindling says so (default 120 s). */
  pendingTimeoutMs?: number;
  /** How long debugpy may take to open its port once the pod runs (default 30 s). */
  connectTimeoutMs?: number;
  /** Errors of the port-forward after it started (e.g. debugpy never answered). */
  onForwardError?: (error: RunError) => void;
  log?: (message: string) => void;
}

/** Why a debug run could not be attached to. */
export class DebugRunError extends RunError {
  constructor(
    message: string,
    readonly reason: 'debugpy-missing' | 'pending' | 'ended' | 'forward',
    readonly snapshot?: RunSnapshot,
    cause?: unknown,
  ) {
    super(message, reason === 'forward' && cause instanceof RunError ? cause.code : 'other', cause);
    this.name = 'DebugRunError';
  }
}

export interface DebugTarget {
  started: StartedRun;
  pod: string;
  forward: PortForwardHandle;
  /** When the pod was seen running and the forward was listening. */
  readyAt: number;
}

export interface DebugRun {
  started: StartedRun;
  /** Resolves once the pod runs and the local port listens; rejects with a DebugRunError in plain words. */
  ready: Promise<DebugTarget>;
}

export async function startDebugRun(kc: KubeConfig, manifests: ComponentManifests, opts: DebugRunOptions = {}): Promise<DebugRun> {
  // Before anything is created: a pod waiting for a debugger that can never reach it helps nobody.
  await checkPortForwardAllowed(kc, manifests.namespace);
  let resolvePod: (pod: PodInfo) => void = () => undefined;
  const podRunning = new Promise<PodInfo>((resolve) => (resolvePod = resolve));
  let latestPending: PodInfo | undefined;
  const started = await startComponent(kc, manifests, {
    invokedAt: opts.invokedAt,
    onUpdate: opts.onUpdate,
    onPod: (pod) => {
      if (pod.containers.includes('main')) {
        if (pod.phase === 'Running') resolvePod(pod);
        else if (pod.phase === 'Pending') latestPending = pod;
      }
      opts.onPod?.(pod);
    },
  });
  const ready = (async (): Promise<DebugTarget> => {
    const pendingMs = opts.pendingTimeoutMs ?? 120_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), pendingMs)));
    const first = await Promise.race([podRunning, started.watch.done, stuck]);
    clearTimeout(timer);
    if (first === 'pending') {
      throw new DebugRunError(pendingMessage(manifests.runName, pendingMs, latestPending?.problem, latestPending?.name), 'pending', started.watch.snapshot());
    }
    if ('ref' in first) throw await explainEndedDebugRun(kc, manifests, first);
    const pod = first;
    // Running is not enough: without debugpy the pod runs for a moment and exits 86. The launcher's
    // "waiting for the debugger" line says debugpy is there and about to listen.
    const launched = await Promise.race([waitForLauncher(kc, manifests.namespace, pod.name, started.watch.done), started.watch.done]);
    if (launched !== true) throw await explainEndedDebugRun(kc, manifests, launched);
    let forward: PortForwardHandle;
    try {
      forward = await forwardPort(kc, {
        namespace: manifests.namespace,
        pod: pod.name,
        remotePort: DEBUGPY_PORT,
        connectTimeoutMs: opts.connectTimeoutMs,
        onError: opts.onForwardError,
        log: opts.log,
      });
    } catch (err) {
      throw new DebugRunError(err instanceof Error ? err.message : String(err), 'forward', started.watch.snapshot(), err);
    }
    // Closed on every path: when the run ends, nothing is left listening on this machine.
    void started.watch.done.then(() => forward.close());
    return { started, pod: pod.name, forward, readyAt: Date.now() };
  })();
  // A caller that stops early must not see an unhandled rejection.
  ready.catch(() => undefined);
  return { started, ready };
}

/**
 * Ends a debug run: the pod goes at once (a paused debuggee does not react to a polite shutdown in
 * time), and the Workflow is told to stop so Argo records it as stopped rather than failed by itself.
 */
export async function stopDebugRun(kc: KubeConfig, started: StartedRun, pod?: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const work: Promise<unknown>[] = [cancelRun(kc, started.manifests.ref).catch(() => undefined)];
  const pods = pod ? [pod] : started.watch.snapshot().pods.map((p) => p.name);
  for (const name of pods) {
    work.push(core.deleteNamespacedPod({ name, namespace: started.manifests.namespace, gracePeriodSeconds: 0 }).catch(() => undefined));
  }
  await Promise.all(work);
}

/** Polls the main container's log for the launcher's line; true once seen, never resolves after the run ended. */
async function waitForLauncher(kc: KubeConfig, namespace: string, pod: string, ended: Promise<unknown>): Promise<true> {
  let over = false;
  void ended.then(() => (over = true));
  while (!over) {
    const log = await readPodLog(kc, namespace, pod, 'main').catch(() => '');
    if (DEBUGPY_WAITING_PATTERN.test(log)) return true;
    await new Promise((r) => setTimeout(r, 150));
  }
  return new Promise<true>(() => undefined);
}

function pendingMessage(runName: string, ms: number, problem: PodProblem | undefined, pod: string | undefined): string {
  return (
    `${runName}: the pod${pod ? ` ${pod}` : ''} is still Pending after ${Math.round(ms / 1000)} s, so there is nothing to attach to yet` +
    `${problem ? `: ${problem.message}` : ' (not scheduled, or its image is still being pulled)'}. Cancel the run, or look at the pod's events.`
  );
}

/** Why a debug run ended on its own: no debugpy in the image (exit code 86 or its marker), or anything else. */
export async function explainEndedDebugRun(kc: KubeConfig, manifests: ComponentManifests, snapshot: RunSnapshot): Promise<DebugRunError> {
  const pod = snapshot.pods.find((p) => p.containers.includes('main'));
  let log = '';
  if (pod) log = await readPodLog(kc, manifests.namespace, pod.name, 'main').catch(() => '');
  const exit = Number(pod?.reason?.match(/exit code (\d+)/)?.[1] ?? NaN);
  if (isDebugpyMissing({ exitCode: Number.isNaN(exit) ? undefined : exit, log })) {
    return new DebugRunError(`The image ${manifests.image} has no debugpy, so ${manifests.runName} cannot be debugged as it is.`, 'debugpy-missing', snapshot);
  }
  return new DebugRunError(
    `${manifests.runName} ended (${snapshot.status.phase}) before the debugger could attach: ${snapshot.status.message ?? 'no reason given'}`,
    'ended',
    snapshot,
  );
}
