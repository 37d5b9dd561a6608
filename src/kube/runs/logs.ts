/** Pod logs of a run: follow them live (through a run's pod events) or read them once (notebook output). */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { ExecutorNoiseFilter, LogLineSplitter, ResumeFilter, resumeSinceTime, SPARK_DRIVER_CONTAINER, SPARK_EXECUTOR_CONTAINER, type LogLine } from '../../core/component';
import { streamPodLog, type PodLogEnd } from './podLogStream';
import type { PodInfo } from './watch';

/** The container whose log is the run's output: Argo's "main", Spark's driver (or executor). */
export function logContainer(pod: Pick<PodInfo, 'containers'>): string | undefined {
  for (const preferred of ['main', SPARK_DRIVER_CONTAINER, SPARK_EXECUTOR_CONTAINER]) {
    if (pod.containers.includes(preferred)) return preferred;
  }
  return pod.containers[0];
}

export interface LogSink {
  /** Whole lines of a pod's log as they arrive (each with its newline; the last one may lack it). */
  data(pod: string, text: string): void;
  /** Kindling's own notes: "following pod x", "logs unavailable: …". */
  note(text: string): void;
}

export interface LogFollowOptions {
  /** Once its pod has finished, how long a stream may stay open to deliver its last lines. */
  drainMs?: number;
  /** Pause before reconnecting a stream that broke while its container was running. */
  retryMs?: number;
  /** Reconnects in a row that bring no new line before giving up on a pod. */
  maxRetries?: number;
}

interface Follow {
  pod: PodInfo;
  container: string;
  controller?: AbortController;
  drainTimer?: ReturnType<typeof setTimeout>;
  /** Set when the follow must not reconnect any more (drained or stopped). */
  closing: boolean;
  done: Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function podFinished(pod: PodInfo): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}

/** A refusal that goes away by itself: the container has not started yet, or the server had a hiccup. */
function transient(end: Extract<PodLogEnd, { how: 'refused' }>): boolean {
  return end.status >= 500 || /waiting to start|ContainerCreating|PodInitializing/i.test(end.message);
}

/**
 * Follows the log of every pod of a run once it has started; feed it the watch's pod events.
 *
 * A kubelet ends a follow when the container stops, but not every node does (KWOK's fake kubelet never
 * does), and a response can hang when a node goes away. So once a pod has finished its stream gets
 * `drainMs` to deliver its last lines and is then closed. A stream that breaks while the container
 * still runs (API server restart) is reopened from the last line's timestamp, without repeating lines.
 */
export class RunLogFollower {
  private readonly follows = new Map<string, Follow>();
  private stopped = false;
  private readonly drainMs: number;
  private readonly retryMs: number;
  private readonly maxRetries: number;

  constructor(
    private readonly kc: KubeConfig,
    private readonly namespace: string,
    private readonly sink: LogSink,
    opts: LogFollowOptions = {},
  ) {
    this.drainMs = opts.drainMs ?? 2000;
    this.retryMs = opts.retryMs ?? 1000;
    this.maxRetries = opts.maxRetries ?? 10;
  }

  onPod(pod: PodInfo): void {
    const known = this.follows.get(pod.name);
    if (known) {
      known.pod = pod;
      if (podFinished(pod)) this.drain(known);
      return;
    }
    if (this.stopped) return;
    if (pod.phase !== 'Running' && !podFinished(pod)) return;
    const container = logContainer(pod);
    if (!container) return;
    const f: Follow = { pod, container, closing: false, done: Promise.resolve() };
    this.follows.set(pod.name, f);
    this.sink.note(`── ${pod.name} (${container}) ──`);
    f.done = this.follow(f);
    if (podFinished(pod)) this.drain(f);
  }

  /** Resolves once every stream started so far has ended (by itself or by its drain), without forcing any. */
  async settled(): Promise<void> {
    let count = -1;
    // A pod event may start another follow while we wait.
    while (count !== this.follows.size) {
      count = this.follows.size;
      await Promise.all([...this.follows.values()].map((f) => f.done));
    }
  }

  /** The run is over: give every stream its drain time for the last lines, then stop. */
  async finish(): Promise<void> {
    for (const f of this.follows.values()) this.drain(f);
    await this.settled();
    this.stop();
  }

  /** Closes every stream now. */
  stop(): void {
    this.stopped = true;
    for (const f of this.follows.values()) {
      f.closing = true;
      if (f.drainTimer) clearTimeout(f.drainTimer);
      f.controller?.abort();
    }
  }

  private drain(f: Follow): void {
    if (f.drainTimer || f.closing) return;
    f.drainTimer = setTimeout(() => {
      f.closing = true;
      f.controller?.abort();
    }, this.drainMs);
  }

  private async follow(f: Follow): Promise<void> {
    const name = f.pod.name;
    const filter = new ResumeFilter();
    // Only Argo's main container has the emissary's lines; a Spark driver's log is left as it is.
    const noise = f.container === 'main' ? new ExecutorNoiseFilter() : undefined;
    let failures = 0;
    let interruptedNoted = false;
    while (!f.closing) {
      const splitter = new LogLineSplitter();
      let gotLines = false;
      const deliver = (lines: LogLine[]): void => {
        for (const line of lines) {
          if (!filter.accept(line)) continue;
          if (noise && !noise.accept(line.text)) continue;
          gotLines = true;
          this.sink.data(name, line.text);
        }
      };
      f.controller = new AbortController();
      const since = filter.lastTimestamp;
      const end = await streamPodLog(
        this.kc,
        { namespace: this.namespace, pod: name, container: f.container, follow: true, timestamps: true, sinceTime: since && resumeSinceTime(since) },
        (text) => deliver(splitter.push(text)),
        f.controller.signal,
      );
      // A broken stream's unterminated last line comes again, whole, after the reconnect.
      if (end.how === 'ended' || end.how === 'aborted') deliver(splitter.end());
      if (end.how === 'aborted') return;
      if (end.how === 'refused') {
        if (podFinished(f.pod) || !transient(end) || failures >= 3) {
          this.sink.note(`(no log from ${name} (${f.container}): ${end.message})`);
          return;
        }
        failures++;
        await sleep(this.retryMs);
        continue;
      }
      // "ended" from a kubelet means the container stopped; the pod event saying so may still be on its way.
      if (end.how === 'ended' && (podFinished(f.pod) || f.pod.terminatedContainers.includes(f.container))) return;
      failures = gotLines ? 1 : failures + 1;
      if (failures > this.maxRetries) {
        this.sink.note(`(stopped following ${name}: ${end.how === 'broken' ? end.message : 'the stream keeps ending'}, ${this.maxRetries} reconnects without a new line)`);
        return;
      }
      if (end.how === 'broken' && !interruptedNoted) {
        interruptedNoted = true;
        this.sink.note(`(log stream of ${name} interrupted: ${end.message}; reconnecting)`);
      }
      await sleep(this.retryMs * Math.min(failures, 5));
    }
  }
}

export async function readPodLog(kc: KubeConfig, namespace: string, pod: string, container: string): Promise<string> {
  return kc.makeApiClient(CoreV1Api).readNamespacedPodLog({ name: pod, namespace, container });
}
