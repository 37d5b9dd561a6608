/** Pod logs of a run: follow them live (Log with follow) or read them once (notebook output). */
import { CoreV1Api, Log, type KubeConfig } from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import { SPARK_DRIVER_CONTAINER, SPARK_EXECUTOR_CONTAINER } from '../../core/component';
import type { PodInfo } from './watch';

/** The container whose log is the run's output: Argo's "main", Spark's driver (or executor). */
export function logContainer(pod: Pick<PodInfo, 'containers'>): string | undefined {
  for (const preferred of ['main', SPARK_DRIVER_CONTAINER, SPARK_EXECUTOR_CONTAINER]) {
    if (pod.containers.includes(preferred)) return preferred;
  }
  return pod.containers[0];
}

export interface LogSink {
  /** Text as it arrives (may hold partial lines). */
  data(pod: string, text: string): void;
  /** Kindling's own notes: "following pod x", "logs unavailable: …". */
  note(text: string): void;
}

/**
 * Follows the logs of every pod of a run once it has started; feed it the watch's pod events.
 * Each pod is followed once; the stream ends when the container does.
 */
export class RunLogFollower {
  private readonly log: Log;
  private readonly started = new Set<string>();
  private readonly controllers: AbortController[] = [];
  private stopped = false;

  constructor(
    kc: KubeConfig,
    private readonly namespace: string,
    private readonly sink: LogSink,
  ) {
    this.log = new Log(kc);
  }

  onPod(pod: PodInfo): void {
    if (this.stopped || this.started.has(pod.name)) return;
    if (pod.phase !== 'Running' && pod.phase !== 'Succeeded' && pod.phase !== 'Failed') return;
    const container = logContainer(pod);
    if (!container) return;
    this.started.add(pod.name);
    this.sink.note(`── ${pod.name} (${container}) ──`);
    const stream = new Writable({
      write: (chunk: Buffer | string, _enc, callback) => {
        this.sink.data(pod.name, chunk.toString());
        callback();
      },
    });
    this.log
      .log(this.namespace, pod.name, container, stream, { follow: true })
      .then(
        (controller) => {
          if (this.stopped) controller.abort();
          else this.controllers.push(controller);
        },
        (err: unknown) => this.sink.note(`(logs of ${pod.name} unavailable: ${err instanceof Error ? err.message : String(err)})`),
      );
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.controllers) c.abort();
  }
}

export async function readPodLog(kc: KubeConfig, namespace: string, pod: string, container: string): Promise<string> {
  return kc.makeApiClient(CoreV1Api).readNamespacedPodLog({ name: pod, namespace, container });
}
