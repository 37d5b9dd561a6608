/**
 * What the node details editor says about one node of a run: the facts of an Argo node
 * (`status.nodes[id]`) or of a SparkApplication's driver/executor, which pods' logs belong to it, and
 * the Markdown text the read-only editor shows (logs included, as they arrive).
 */
import { artifactLocation, humanDuration } from './runGraph';
import { argoPodName, readWorkflowNodes, type ArgoNodeStatus } from './workflowNodes';
import { SPARK_DRIVER_NODE, sparkExecutorNodeId, sparkNodePod, type SparkApplicationRun } from './sparkRunGraph';

export interface DetailsPod {
  name: string;
  /** What the pod is to the node: "pod", "driver", "executor 1", "attempt 2". */
  role: string;
}

export interface NodeDetailsModel {
  /** The node's own name ("score(17:17)"). */
  title: string;
  /** "Workflow refit-x7k2p in ml-dev". */
  run: string;
  /** Ordered facts: phase, start, finish, duration, message, exit code, pod, attempts. */
  facts: [string, string][];
  parameters: { direction: 'input' | 'output'; name: string; value: string }[];
  artifacts: { direction: 'input' | 'output'; name: string; location: string }[];
  /** Pods whose logs belong to the node, the node's own first. */
  pods: DetailsPod[];
  /** Why there is no pod to read (a DAG or Steps node), if there is none. */
  noPod?: string;
  /** True once nothing will change any more (the node ended): its logs stop growing too. */
  ended: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const endedArgo = new Set(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted']);

/** "2026-12-05 02:14:03 UTC" from an RFC 3339 time; the input as it is when it does not parse. */
export function formatTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC`;
}

/** Finished − started, or "running for …" against `now` while it has not finished. */
export function formatDuration(started: string | undefined, finished: string | undefined, now: number): string | undefined {
  const s = started ? Date.parse(started) : NaN;
  if (Number.isNaN(s)) return undefined;
  const f = finished ? Date.parse(finished) : NaN;
  return Number.isNaN(f) ? `running for ${humanDuration(now - s)}` : humanDuration(f - s);
}

function ioOf(node: ArgoNodeStatus, direction: 'input' | 'output'): { parameters: NodeDetailsModel['parameters']; artifacts: NodeDetailsModel['artifacts'] } {
  const io = direction === 'input' ? node.inputs : node.outputs;
  const parameters: NodeDetailsModel['parameters'] = [];
  const artifacts: NodeDetailsModel['artifacts'] = [];
  if (!isObj(io)) return { parameters, artifacts };
  for (const p of Array.isArray(io.parameters) ? io.parameters : []) {
    if (isObj(p) && str(p.name)) parameters.push({ direction, name: str(p.name) as string, value: str(p.value) ?? (p.value === undefined ? '' : JSON.stringify(p.value)) });
  }
  for (const a of Array.isArray(io.artifacts) ? io.artifacts : []) {
    if (isObj(a) && str(a.name)) artifacts.push({ direction, name: str(a.name) as string, location: artifactLocation(a) });
  }
  return { parameters, artifacts };
}

/** The facts of one node of an Argo Workflow; a plain reason when the node cannot be read. */
export function workflowNodeDetails(wf: unknown, nodeId: string, now = Date.now()): NodeDetailsModel | { missing: string } {
  const meta = isObj(wf) && isObj(wf.metadata) ? wf.metadata : {};
  const wfName = str(meta.name) ?? '';
  const read = readWorkflowNodes(wf);
  if (!read.nodes) return { missing: read.unavailable };
  const nodes = read.nodes;
  const node = nodes[nodeId];
  if (!node) return { missing: `The run ${wfName} has no node ${nodeId} (any more: a retry or resubmit replaces failed nodes).` };
  const facts: [string, string][] = [];
  const add = (k: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') facts.push([k, v]);
  };
  add('Phase', node.phase ?? 'Pending');
  add('Type', node.type);
  add('Template', node.templateName);
  add('Started', formatTime(node.startedAt));
  add('Finished', formatTime(node.finishedAt));
  add('Duration', formatDuration(node.startedAt, node.finishedAt, now));
  add('Message', node.message);
  const outputs = isObj(node.outputs) ? node.outputs : {};
  add('Exit code', str(outputs.exitCode));
  add('Host node', node.hostNodeName);

  // Retry attempts: a Retry node's children are its attempts (pods named <task>(0), <task>(1), …).
  const retryParent = node.type === 'Retry' ? node : Object.values(nodes).find((n) => n.type === 'Retry' && n.children?.includes(node.id));
  const attempts = (retryParent?.children ?? []).map((id) => nodes[id]).filter((n): n is ArgoNodeStatus => !!n);
  if (retryParent && attempts.length) {
    const index = attempts.findIndex((a) => a.id === node.id);
    add('Attempts', index >= 0 ? `attempt ${index + 1} of ${attempts.length}` : `${attempts.length} (${attempts.map((a) => a.phase ?? 'Pending').join(', ')})`);
  }

  const pods: DetailsPod[] = [];
  let noPod: string | undefined;
  const wfMeta = { metadata: { name: wfName, annotations: isObj(meta.annotations) ? (meta.annotations as Record<string, string>) : undefined } };
  if (node.type === 'Pod' || node.type === 'Container' || node.type === undefined) {
    const pod = node.podName ?? argoPodName(wfMeta, node);
    if (pod) pods.push({ name: pod, role: 'pod' });
  } else if (node.type === 'Retry') {
    // The latest attempt first: that is the one a user reads after a failure.
    attempts.forEach((a, i) => {
      const pod = a.podName ?? argoPodName(wfMeta, a);
      if (pod) pods.unshift({ name: pod, role: `attempt ${i + 1}` });
    });
  }
  if (!pods.length) noPod = `${node.type ?? 'This'} nodes run no pod of their own; open one of their steps for logs.`;
  if (pods[0]) add('Pod', pods[0].name);

  const input = ioOf(node, 'input');
  const output = ioOf(node, 'output');
  return {
    title: node.displayName ?? node.name,
    run: `Workflow ${wfName} in ${str(meta.namespace) ?? ''}`,
    facts,
    parameters: [...input.parameters, ...output.parameters],
    artifacts: [...input.artifacts, ...output.artifacts],
    pods,
    noPod,
    ended: endedArgo.has(node.phase ?? ''),
  };
}

const endedSpark = new Set(['COMPLETED', 'FAILED', 'SUBMISSION_FAILED']);

/**
 * A SparkApplication's driver or executor: the application's facts, and the logs of the driver and
 * every executor (the clicked one first), as a Spark user reads them together.
 */
export function sparkNodeDetails(app: SparkApplicationRun, nodeId: string, now = Date.now()): NodeDetailsModel | { missing: string } {
  const name = app.metadata?.name ?? '';
  const status = app.status ?? {};
  const clickedPod = sparkNodePod(app, nodeId);
  const executors = Object.entries(status.executorState ?? {}).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  if (nodeId !== SPARK_DRIVER_NODE && !executors.some(([pod]) => sparkExecutorNodeId(pod) === nodeId)) {
    return { missing: `The SparkApplication ${name} reports no executor ${clickedPod ?? nodeId}.` };
  }
  const facts: [string, string][] = [];
  const add = (k: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') facts.push([k, v]);
  };
  const state = status.applicationState?.state || 'NEW';
  add('Application state', state);
  if (nodeId !== SPARK_DRIVER_NODE) add('Executor state', status.executorState?.[clickedPod ?? '']);
  add('Submitted', formatTime(status.lastSubmissionAttemptTime));
  add('Finished', formatTime(status.terminationTime));
  add('Duration', formatDuration(status.lastSubmissionAttemptTime, status.terminationTime, now));
  add('Message', status.applicationState?.errorMessage);
  add('Driver pod', status.driverInfo?.podName);
  add('Executors', executors.length ? executors.map(([pod, s]) => `${pod} ${s}`).join(', ') : undefined);
  add('Attempts', status.submissionAttempts !== undefined ? `${status.submissionAttempts} submission, ${status.executionAttempts ?? 0} execution` : undefined);
  const pods: DetailsPod[] = [];
  if (status.driverInfo?.podName) pods.push({ name: status.driverInfo.podName, role: 'driver' });
  for (const [pod] of executors) pods.push({ name: pod, role: pod.replace(/^.*-exec-/, 'executor ') });
  const clicked = pods.findIndex((p) => p.name === clickedPod);
  if (clicked > 0) pods.unshift(...pods.splice(clicked, 1));
  return {
    title: nodeId === SPARK_DRIVER_NODE ? 'driver' : (clickedPod ?? nodeId),
    run: `SparkApplication ${name} in ${app.metadata?.namespace ?? ''}`,
    facts,
    parameters: [],
    artifacts: [],
    pods,
    noPod: pods.length ? undefined : 'The operator has not created the driver pod yet.',
    ended: endedSpark.has(state),
  };
}

export interface PodLogText {
  pod: string;
  /** The log as received so far (whole lines). */
  text: string;
  /** A plain-words note: "streaming…", "logs are not available: …". */
  note?: string;
}

/** Longest log kept per pod in the editor: the end is what matters after a failure. */
export const maxLogChars = 200_000;

/** The editor's Markdown: facts as a table, then each pod's log in a fenced block. */
export function renderNodeDetails(model: NodeDetailsModel, logs: PodLogText[]): string {
  const cell = (v: string): string => v.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const out: string[] = [`# ${model.title}`, '', model.run, '', '| | |', '|---|---|'];
  for (const [k, v] of model.facts) out.push(`| ${k} | ${cell(v)} |`);
  if (model.parameters.length) {
    out.push('', '## Parameters', '', '| | name | value |', '|---|---|---|');
    for (const p of model.parameters) out.push(`| ${p.direction} | ${cell(p.name)} | ${cell(p.value)} |`);
  }
  if (model.artifacts.length) {
    out.push('', '## Artifacts', '', '| | name | location |', '|---|---|---|');
    for (const a of model.artifacts) out.push(`| ${a.direction} | ${cell(a.name)} | ${cell(a.location)} |`);
  }
  out.push('', '## Logs', '');
  if (model.noPod) out.push(model.noPod);
  for (const pod of model.pods) {
    const log = logs.find((l) => l.pod === pod.name);
    out.push(`### ${pod.role}: ${pod.name}`, '');
    if (log?.note) out.push(log.note, '');
    const text = log?.text ?? '';
    if (text) {
      // A fence longer than any backtick run in the log keeps it one block.
      const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
      const shown = text.length > maxLogChars ? `… (${text.length - maxLogChars} earlier characters not shown)\n${text.slice(-maxLogChars)}` : text;
      out.push(fence + 'text', shown.replace(/\n$/, ''), fence, '');
    } else if (!log?.note) out.push('(no log lines yet)', '');
  }
  return out.join('\n') + '\n';
}

/** The run a runId names (workflowRunId / sparkRunId in liveStatus.ts); undefined for anything else. */
export function parseRunId(runId: string): { kind: 'Workflow' | 'SparkApplication'; namespace: string; name: string } | undefined {
  const m = /^(workflow|sparkapplication)\/([^/]+)\/([^/]+)$/.exec(runId);
  if (!m) return undefined;
  return { kind: m[1] === 'workflow' ? 'Workflow' : 'SparkApplication', namespace: m[2] as string, name: m[3] as string };
}
