/**
 * The text of the node details editor for one node of a run, kept up to date: the run object is read
 * again while the node has not ended (its phase, finish time and message change), and the logs of its
 * pods are streamed while they run or read once when they have finished. Every change goes to
 * `onChange` (throttled); `stop()` ends every request (the editor was closed).
 *
 * Why logs are missing is said in plain words: the pod is gone, has not started yet, or ran on a
 * simulated (KWOK) node, which runs no containers and so keeps no logs.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import {
  parseRunId,
  renderNodeDetails,
  sparkNodeDetails,
  workflowNodeDetails,
  maxLogChars,
  type NodeDetailsModel,
  type PodLogText,
} from '../../core/pipelineRun/nodeDetails';
import type { SparkApplicationRun } from '../../core/pipelineRun/sparkRunGraph';
import { statusCodeOf } from './errors';
import { logContainer } from './logs';
import { streamPodLog } from './podLogStream';

export interface NodeDetailsFeedOptions {
  /** How often the run object is read again while the node runs. */
  pollMs?: number;
  /** At most one onChange per this many ms while log lines pour in. */
  throttleMs?: number;
  /** Once the node has ended, how long its log streams may stay open for their last lines. */
  drainMs?: number;
  /** At most this many pods' logs (a Spark app with many executors). */
  maxPods?: number;
}

/** The node annotation KWOK puts on the nodes it simulates. */
const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

interface PodLogState extends PodLogText {
  /** 'waiting' is tried again on the next poll; 'streaming' has a request open; 'done' is final. */
  state: 'waiting' | 'streaming' | 'done';
  controller?: AbortController;
  drainTimer?: ReturnType<typeof setTimeout>;
}

const plural = { Workflow: { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' }, SparkApplication: { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications' } };

/** The run object itself (a Workflow or SparkApplication), e.g. to list its nodes. */
export async function readRunObject(kc: KubeConfig, kind: 'Workflow' | 'SparkApplication', namespace: string, name: string): Promise<unknown> {
  return kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...plural[kind], namespace, name });
}

export class NodeDetailsFeed {
  private model: NodeDetailsModel | undefined;
  private problem: string | undefined;
  private readonly logs = new Map<string, PodLogState>();
  private stopped = false;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private lastChange = 0;
  private current = '';
  private readonly pollMs: number;
  private readonly throttleMs: number;
  private readonly drainMs: number;
  private readonly maxPods: number;
  private readonly run: ReturnType<typeof parseRunId>;
  private settledResolve: (() => void) | undefined;
  private readonly settledPromise: Promise<void>;

  constructor(
    private readonly kc: KubeConfig,
    readonly runId: string,
    readonly nodeId: string,
    private readonly onChange: (text: string) => void,
    opts: NodeDetailsFeedOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 3000;
    this.throttleMs = opts.throttleMs ?? 250;
    this.drainMs = opts.drainMs ?? 2000;
    this.maxPods = opts.maxPods ?? 12;
    this.run = parseRunId(runId);
    this.settledPromise = new Promise((resolve) => (this.settledResolve = resolve));
  }

  /** The text as it stands. */
  text(): string {
    return this.current;
  }

  /** Reads the run and starts the logs; resolves with the first full text. */
  async start(): Promise<string> {
    await this.refresh();
    this.current = this.compose();
    return this.current;
  }

  /** Resolves once nothing will change any more: the node ended and every log was read (or stop()). */
  settled(): Promise<void> {
    return this.settledPromise;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.changeTimer) clearTimeout(this.changeTimer);
    for (const log of this.logs.values()) {
      if (log.drainTimer) clearTimeout(log.drainTimer);
      log.controller?.abort();
    }
    this.settledResolve?.();
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const run = this.run;
    if (!run) {
      this.problem = `"${this.runId}" does not name a Workflow or SparkApplication run.`;
      this.finishIfSettled(true);
      return;
    }
    let object: unknown;
    try {
      object = await readRunObject(this.kc, run.kind, run.namespace, run.name);
    } catch (err) {
      const code = statusCodeOf(err);
      this.problem =
        code === 404
          ? `The ${run.kind} ${run.name} is no longer in namespace ${run.namespace} (deleted); its nodes and pods are gone with it.`
          : `Could not read the ${run.kind} ${run.name} in ${run.namespace}: ${err instanceof Error ? err.message : String(err)}`;
      // A deleted run will not come back; anything else is tried again while the editor is open.
      if (code === 404 || !this.model) this.finishIfSettled(code === 404);
      else this.schedulePoll();
      return;
    }
    const read = run.kind === 'Workflow' ? workflowNodeDetails(object, this.nodeId) : sparkNodeDetails(object as SparkApplicationRun, this.nodeId);
    if ('missing' in read) {
      this.problem = read.missing;
      this.model = undefined;
      this.finishIfSettled(true);
      return;
    }
    this.problem = undefined;
    this.model = read;
    for (const pod of read.pods.slice(0, this.maxPods)) {
      const known = this.logs.get(pod.name);
      if (!known || known.state === 'waiting') await this.openLog(run.namespace, pod.name, read.ended);
    }
    if (read.ended) {
      // Streams of a finished node get a moment for their last lines (a KWOK node never ends them).
      for (const log of this.logs.values()) {
        if (log.state === 'streaming' && !log.drainTimer) log.drainTimer = setTimeout(() => log.controller?.abort(), this.drainMs);
        if (log.state === 'waiting') {
          log.state = 'done';
          log.note = log.note ?? 'The pod did not start before the node ended: no log.';
        }
      }
    }
    this.finishIfSettled(read.ended);
  }

  private schedulePoll(): void {
    if (this.stopped || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.refresh().then(() => this.changed());
    }, this.pollMs);
  }

  /** Ended and every log read: settle; else come back on the next poll. */
  private finishIfSettled(ended: boolean): void {
    if (ended && ![...this.logs.values()].some((l) => l.state === 'streaming')) {
      this.changed(true);
      this.settledResolve?.();
      return;
    }
    if (!ended) this.schedulePoll();
  }

  private async openLog(namespace: string, podName: string, nodeEnded: boolean): Promise<void> {
    const core = this.kc.makeApiClient(CoreV1Api);
    const log: PodLogState = this.logs.get(podName) ?? { pod: podName, text: '', state: 'waiting' };
    this.logs.set(podName, log);
    let pod;
    try {
      pod = await core.readNamespacedPod({ name: podName, namespace });
    } catch (err) {
      if (statusCodeOf(err) === 404) {
        log.state = nodeEnded ? 'done' : 'waiting';
        log.note = nodeEnded
          ? `The pod ${podName} is gone (deleted after the run, or by a retry), so its log is too.`
          : `The pod ${podName} does not exist yet.`;
      } else {
        log.state = 'waiting';
        log.note = `Could not read the pod ${podName}: ${err instanceof Error ? err.message : String(err)}`;
      }
      return;
    }
    const phase = pod.status?.phase ?? 'Pending';
    const containers = (pod.spec?.containers ?? []).map((c) => c.name);
    const container = logContainer({ containers });
    if (!container) {
      log.state = 'done';
      log.note = `The pod ${podName} has no containers.`;
      return;
    }
    if (phase === 'Pending') {
      log.state = nodeEnded ? 'done' : 'waiting';
      log.note = `The pod ${podName} has not started yet (Pending).`;
      return;
    }
    const nodeName = pod.spec?.nodeName;
    const finished = phase === 'Succeeded' || phase === 'Failed';
    log.state = 'streaming';
    log.note = finished ? undefined : `Streaming ${container} of ${podName}…`;
    log.controller = new AbortController();
    const streamed = streamPodLog(
      this.kc,
      { namespace, pod: podName, container, follow: !finished },
      (text) => {
        log.text = (log.text + text).slice(-Math.round(maxLogChars * 1.2));
        this.changed();
      },
      log.controller.signal,
    );
    void streamed.then(async (end) => {
      if (log.drainTimer) clearTimeout(log.drainTimer);
      if (end.how === 'refused') log.note = await this.noLogNote(podName, container, nodeName, end.message);
      else if (end.how === 'broken') log.note = `The log stream of ${podName} broke: ${end.message}.`;
      else log.note = log.text ? undefined : `${podName} (${container}) logged nothing.`;
      log.state = 'done';
      log.controller = undefined;
      if (this.stopped) return;
      this.changed();
      this.finishIfSettled(this.model?.ended ?? true);
    });
  }

  /** Why the API server refused the log, in plain words. */
  private async noLogNote(pod: string, container: string, nodeName: string | undefined, serverMessage: string): Promise<string> {
    if (nodeName) {
      try {
        const node = await this.kc.makeApiClient(CoreV1Api).readNode({ name: nodeName });
        if (node.metadata?.annotations?.[KWOK_NODE_ANNOTATION]) {
          return `Logs are not available: ${pod} ran on ${nodeName}, a simulated (KWOK) node, which runs no containers and keeps no logs. (The API server said: ${serverMessage})`;
        }
      } catch {
        // Reading nodes may not be allowed; the server's own words still explain.
      }
    }
    return `Logs of ${pod} (${container}) are not available: ${serverMessage}`;
  }

  private compose(): string {
    const header = this.run ? `${this.run.kind} ${this.run.name} in ${this.run.namespace}` : this.runId;
    if (!this.model) return `# ${this.nodeId}\n\n${header}\n\n${this.problem ?? 'Reading the run…'}\n`;
    const text = renderNodeDetails(this.model, [...this.logs.values()]);
    return this.problem ? `${text}\n> ${this.problem}\n` : text;
  }

  /** Throttled: the first change goes at once, then at most one per throttleMs; `now` flushes. */
  private changed(now = false): void {
    if (this.stopped) return;
    const wait = this.lastChange + this.throttleMs - Date.now();
    if (now || wait <= 0) {
      if (this.changeTimer) clearTimeout(this.changeTimer);
      this.changeTimer = undefined;
      this.lastChange = Date.now();
      const text = this.compose();
      if (text === this.current) return;
      this.current = text;
      this.onChange(text);
      return;
    }
    this.changeTimer ??= setTimeout(() => {
      this.changeTimer = undefined;
      this.changed(true);
    }, wait);
  }
}
