/**
 * Live run status → the DAG panel's colours: the controller's view of a run, mapped onto the node ids
 * (statusKey ?? id) the parser produced for the submitted file.
 *
 * Argo names every node of a run `<workflow name><path>`, and the Argo parser gives each graph node
 * the same path as `statusKey` (".train", ".inner[0].s1", ".shards(0:eu)", ".onExit"), so a node's
 * status is the status node whose name minus the workflow name equals its key. Graph nodes with no
 * matching status node take their members' combined status (the exit-handler group, a withParam
 * fan-out's one representative member `(*)`); nodes the run has not reached are `pending` while it
 * runs and `omitted` once it has ended.
 *
 * A file can hold several pipelines with the same keys; `graphKey` names the one that was submitted,
 * so the panel does not colour its siblings.
 */
import type { NodeStatus, PipelineGraph, StatusSnapshot } from '../model/pipelineGraph';
import { storedWorkflowNodes } from './workflowNodes';

/** The parts of an Argo Workflow object the mapping reads (shape of `status.nodes` entries). */
export interface WorkflowLike {
  metadata?: { name?: string; namespace?: string };
  status?: {
    phase?: string;
    nodes?: Record<string, { name?: string; displayName?: string; templateName?: string; type?: string; phase?: string; boundaryID?: string; children?: string[] }>;
    /** gzip + base64 of `nodes` as JSON, when the controller found the Workflow too large (workflowNodes.ts). */
    compressedNodes?: string;
    /** Set when the nodes live in Argo's database instead (persistence.nodeStatusOffLoad). */
    offloadNodeStatusVersion?: string;
  };
}

/** The parts of a SparkApplication the mapping reads. */
export interface SparkApplicationLike {
  metadata?: { name?: string; namespace?: string };
  status?: { applicationState?: { state?: string }; executorState?: Record<string, string> };
}

export function argoPhaseStatus(phase: string | undefined): NodeStatus {
  switch (phase) {
    case undefined:
    case '':
    case 'Pending':
      return 'pending';
    case 'Running':
      return 'running';
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
      return 'failed';
    case 'Error':
      return 'error';
    case 'Skipped':
      return 'skipped';
    case 'Omitted':
      return 'omitted';
    default:
      return 'unknown';
  }
}

const ended = (s: NodeStatus): boolean => s === 'succeeded' || s === 'failed' || s === 'error' || s === 'skipped' || s === 'omitted';

/** One status for several (a group's members, a fan-out's iterations): what a user would call the whole. */
export function combineStatuses(list: NodeStatus[]): NodeStatus | undefined {
  if (!list.length) return undefined;
  if (list.includes('running')) return 'running';
  if (list.includes('error')) return 'error';
  if (list.includes('failed')) return 'failed';
  if (list.includes('pending')) return list.some(ended) ? 'running' : 'pending';
  if (list.includes('unknown')) return 'unknown';
  if (list.includes('succeeded')) return 'succeeded';
  return list.every((s) => s === 'skipped') ? 'skipped' : 'omitted';
}

export function workflowRunId(namespace: string, name: string): string {
  return `workflow/${namespace}/${name}`;
}

export function sparkRunId(namespace: string, name: string): string {
  return `sparkapplication/${namespace}/${name}`;
}

/** Status of every node of `graph` from the Workflow object the controller keeps updating. */
export function mapWorkflowStatus(graph: PipelineGraph, wf: WorkflowLike, graphKey?: string): StatusSnapshot {
  const name = wf.metadata?.name ?? '';
  const phase = argoPhaseStatus(wf.status?.phase);
  const read = storedWorkflowNodes(wf);
  const statuses: Record<string, NodeStatus> = {};
  const keyOf = (n: { id: string; statusKey?: string }): string => n.statusKey ?? n.id;
  if (read.nodes === undefined) {
    // Offloaded (or undecodable) nodes: the run's phase is known, its nodes' phases are not.
    for (const n of graph.nodes) statuses[keyOf(n)] = 'unknown';
    return scoped({ runId: workflowRunId(wf.metadata?.namespace ?? '', name), statuses, phase, unavailable: read.unavailable }, graphKey);
  }
  const byKey = new Map<string, NodeStatus>();
  for (const id in read.nodes) {
    const node = read.nodes[id] as { name?: unknown; phase?: string };
    if (typeof node.name !== 'string' || !node.name.startsWith(name)) continue;
    byKey.set(node.name.slice(name.length), argoPhaseStatus(node.phase));
  }
  const members = new Map<string, string[]>();
  for (const n of graph.nodes) if (n.parent !== undefined) members.set(n.parent, [...(members.get(n.parent) ?? []), n.id]);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const runEnded = ended(phase);
  const resolved = new Map<string, NodeStatus | undefined>();

  const statusOf = (id: string): NodeStatus | undefined => {
    if (resolved.has(id)) return resolved.get(id);
    resolved.set(id, undefined); // cycle guard; parents never contain themselves, but stay safe
    const node = byId.get(id);
    if (!node) return undefined;
    let s: NodeStatus | undefined;
    if (node.statusKey !== undefined) {
      s = byKey.get(node.statusKey);
      if (s === undefined && node.statusKey.endsWith('(*)')) {
        // withParam: one drawn member stands for every iteration Argo expands at run time.
        const prefix = `${node.statusKey.slice(0, -3)}(`;
        s = combineStatuses([...byKey].filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('.')).map(([, v]) => v));
      }
    }
    if (s === undefined && members.has(id)) s = combineStatuses((members.get(id) ?? []).map(statusOf).filter((x): x is NodeStatus => x !== undefined));
    if (s === undefined) s = runEnded ? 'omitted' : 'pending';
    resolved.set(id, s);
    return s;
  };
  for (const n of graph.nodes) {
    const s = statusOf(n.id);
    if (s) statuses[keyOf(n)] = s;
  }
  return scoped({ runId: workflowRunId(wf.metadata?.namespace ?? '', name), statuses, phase }, graphKey);
}

export function sparkStateStatus(state: string | undefined): NodeStatus {
  switch (state) {
    case undefined:
    case '':
    case 'NEW':
    case 'SUBMITTED':
    case 'PENDING_RERUN':
    case 'PENDING':
      return 'pending';
    case 'RUNNING':
    case 'SUCCEEDING':
    case 'FAILING':
      return 'running';
    case 'COMPLETED':
      return 'succeeded';
    case 'FAILED':
    case 'SUBMISSION_FAILED':
      return 'failed';
    default:
      return 'unknown';
  }
}

/**
 * SparkApplication: the application state colours the driver; the executors node takes the
 * executors' own states when the operator reports them, else waits (pending) while the application
 * runs and stays uncoloured after it (an application can finish without any executor report).
 */
export function mapSparkStatus(graph: PipelineGraph, app: SparkApplicationLike, graphKey?: string): StatusSnapshot {
  const phase = sparkStateStatus(app.status?.applicationState?.state);
  const executors = combineStatuses(Object.values(app.status?.executorState ?? {}).map(sparkStateStatus));
  const statuses: Record<string, NodeStatus> = {};
  for (const n of graph.nodes) {
    const key = n.statusKey ?? n.id;
    if (n.kind === 'spark-driver') statuses[key] = phase;
    else if (n.kind === 'spark-executor') {
      const s = executors ?? (ended(phase) ? undefined : 'pending');
      if (s) statuses[key] = s;
    }
  }
  return scoped({ runId: sparkRunId(app.metadata?.namespace ?? '', app.metadata?.name ?? ''), statuses, phase }, graphKey);
}

/** `graphKey` (src/core/model/statusScope.ts) ties the snapshot to the submitted document's graph. */
function scoped(snapshot: StatusSnapshot, graphKey: string | undefined): StatusSnapshot {
  return graphKey === undefined ? snapshot : { ...snapshot, graphKey };
}
