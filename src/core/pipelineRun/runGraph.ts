/**
 * An Argo run as the nodes the controller actually created (`status.nodes`), for the DAG panel's run
 * view: every loop iteration, retry attempt, nested DAG/steps level and exit-handler node.
 *
 * How Argo v3.6 links its nodes (workflow/controller dag.go, steps.go, operator.go), which this reads:
 * - A DAG or Steps node is a boundary: the nodes it runs carry `boundaryID` = its id. Its `children`
 *   are only its first nodes (root tasks, the first step group), which it contains.
 * - A TaskGroup (a DAG task with withItems/withParam/withSequence) has the iterations `task(i:item)`
 *   as children; a StepGroup `steps[i]` has its steps `steps[i].name` (loop items included); a Retry
 *   node has its attempts `task(0)`, `task(1)`. Those children carry the enclosing boundary's id as
 *   `boundaryID`, so the wrapper, not the boundary, is what contains them here.
 * - Every other `children` link is a dependency: a task's outbound nodes list the tasks that depend
 *   on it, a step's outbound nodes the next step group, a node its own `<name>.onExit` hook.
 * - A container-set Pod is the boundary of its Container nodes.
 * - The workflow's exit handler `<workflow>.onExit` has no boundary and no parent link; it runs after
 *   the entrypoint's root node, which is the edge drawn here.
 * Groups therefore follow containment, edges follow dependencies (Argo's own UI draws both as edges).
 */
import type { EdgeKind, NodeKind, NodeStatus, PipelineEdge, PipelineGraph, PipelineNode } from '../model/pipelineGraph';
import { argoPhaseStatus } from './liveStatus';
import { detailsOf, SharedTexts, templateOf } from './runNodeDetails';
import { storedWorkflowNodes, type ArgoNodeStatus } from './workflowNodes';

export { formatPhaseCounts, phaseCounts, PHASE_SYMBOLS } from './phaseCounts';
export { artifactLocation, humanDuration } from './runNodeDetails';

export interface RunGraph {
  /** Node id = Argo node id, which is also the key of `statuses`. */
  graph: PipelineGraph;
  statuses: Record<string, NodeStatus>;
  /** The run's own phase. */
  phase: NodeStatus;
  /**
   * Failed or errored leaf nodes (pods, skipped-with-error, …; not groups), in the order they started;
   * without the failed attempts of a Retry node that succeeded in the end.
   */
  failed: string[];
  /** Groups to draw collapsed at first: nested groups with more than `collapseAbove` members. */
  collapsedByDefault: string[];
}

export interface RunGraphOptions {
  /** Groups with more members than this start collapsed (default 20). */
  collapseAbove?: number;
  /** "Now" for the duration of nodes still running (ms since epoch; default Date.now()). */
  now?: number;
}

const GROUP_TYPES = new Set(['DAG', 'Steps', 'StepGroup', 'TaskGroup', 'Retry']);

export function workflowRunGraph(wf: unknown, options: RunGraphOptions = {}): RunGraph | { unavailable: string } {
  // The stored objects, not copies (readWorkflowNodes copies every node: too slow for 10,000).
  const read = storedWorkflowNodes(wf);
  if (read.nodes === undefined) return { unavailable: read.unavailable };
  const nodes = new Map<string, ArgoNodeStatus>();
  for (const id in read.nodes) {
    const n = read.nodes[id] as unknown as ArgoNodeStatus;
    nodes.set(id, n.id === id && typeof n.name === 'string' ? n : { ...n, id, name: typeof n.name === 'string' ? n.name : id });
  }
  const meta = (wf as { metadata?: { name?: string; annotations?: Record<string, string> } } | undefined)?.metadata;
  const wfName = meta?.name ?? '';
  const wfStatus = (wf as { status?: { phase?: string } } | undefined)?.status;
  const collapseAbove = options.collapseAbove ?? 20;
  const now = options.now ?? Date.now();
  const all = [...nodes.values()];

  const parentOf = containment(nodes, all);
  const members = new Map<string, string[]>();
  for (const n of all) {
    const p = parentOf.get(n.id);
    if (p === undefined) continue;
    let list = members.get(p);
    if (!list) members.set(p, (list = []));
    list.push(n.id);
  }
  for (const [p, list] of members) orderMembers(nodes.get(p) as ArgoNodeStatus, list, nodes);

  const rootId = wfName && nodes.has(wfName) ? wfName : undefined;
  const exitNode = all.find((n) => n.name === `${wfName}.onExit` && !parentOf.has(n.id));
  const topLevel = all.filter((n) => !parentOf.has(n.id)).map((n) => n.id);
  topLevel.sort((a, b) => topRank(a) - topRank(b) || byStart(nodes.get(a) as ArgoNodeStatus, nodes.get(b) as ArgoNodeStatus));
  function topRank(id: string): number {
    return id === rootId ? 0 : id === exitNode?.id ? 2 : 1;
  }

  // Parents before their members (depth-first), members in their run order.
  const order: string[] = [];
  const stack = [...topLevel].reverse();
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    const list = members.get(id);
    if (list) for (let i = list.length - 1; i >= 0; i--) stack.push(list[i]);
  }

  const wfPrefix = wfName ? `${wfName}.` : undefined;
  const wfRef = { metadata: meta };
  const texts = new SharedTexts();
  const statuses: Record<string, NodeStatus> = {};
  const graphNodes: PipelineNode[] = [];
  for (const id of order) {
    const n = nodes.get(id) as ArgoNodeStatus;
    statuses[id] = argoPhaseStatus(n.phase);
    const isGroup = members.has(id) || GROUP_TYPES.has(n.type ?? '');
    const node: PipelineNode = {
      id,
      label: labelOf(n, wfPrefix),
      kind: isGroup ? 'group' : leafKind(n.type),
      details: detailsOf(n, nodes, parentOf.get(id), now, wfRef, texts),
    };
    if (isGroup) node.groupKind = id === exitNode?.id ? 'exit-handler' : groupKindOf(n, nodes);
    const parent = parentOf.get(id);
    if (parent !== undefined) node.parent = parent;
    const subtitle = templateOf(n) ?? n.type;
    if (subtitle) node.subtitle = subtitle;
    graphNodes.push(node);
  }

  // Argo never lists a child twice (addChildNode checks), so the links need no de-duplication.
  const edges: PipelineEdge[] = [];
  for (const id of order) {
    const n = nodes.get(id) as ArgoNodeStatus;
    if (!n.children) continue;
    const exitName = `${n.name}.onExit`;
    for (const c of n.children) {
      const child = nodes.get(c);
      if (!child || c === id || parentOf.get(c) === id) continue;
      const kind: EdgeKind = child.name === exitName ? 'exit' : child.type === 'StepGroup' ? 'sequence' : 'depends';
      edges.push({ from: id, to: c, kind });
    }
  }
  if (exitNode && rootId && rootId !== exitNode.id) edges.push({ from: rootId, to: exitNode.id, kind: 'exit' });

  // An attempt that failed before its Retry node succeeded is history, not a failure to look at.
  const recovered = (id: string) => {
    const p = parentOf.get(id);
    return p !== undefined && nodes.get(p)?.type === 'Retry' && statuses[p] === 'succeeded';
  };
  const failed = order
    .filter((id) => !members.has(id) && (statuses[id] === 'failed' || statuses[id] === 'error') && !recovered(id))
    // sort is stable: nodes that started in the same second keep their drawing order.
    .sort((a, b) => startOrder(nodes.get(a) as ArgoNodeStatus, nodes.get(b) as ArgoNodeStatus));
  const collapsedByDefault = order.filter((id) => parentOf.has(id) && (members.get(id)?.length ?? 0) > collapseAbove);

  return {
    graph: { format: 'argo-workflow', name: wfName, nodes: graphNodes, edges },
    statuses,
    phase: argoPhaseStatus(wfStatus?.phase),
    failed,
    collapsedByDefault,
  };
}

/** What a watch update changes most of the time: the phases, not the graph. */
export interface RunStatus {
  /** Argo node id → status, as `workflowRunGraph` gives them. */
  statuses: Record<string, NodeStatus>;
  phase: NodeStatus;
  /**
   * A fingerprint of what the run graph would draw: node ids, their links and which nodes failed
   * (a failure's message is shown in the graph's details without hovering). Equal fingerprints mean
   * the graph the panel has is still right and only the statuses need sending.
   */
  shape: string;
}

/**
 * The statuses of a run's nodes and the fingerprint of its graph, without building the graph: on a
 * 10,000-node run, building node details and groups on every update cost 100–450 ms (bench:live),
 * this loop a few ms (decoding compressedNodes, when Argo stored them so, is shared with the build).
 */
export function workflowRunStatus(wf: unknown): RunStatus | { unavailable: string } {
  const read = storedWorkflowNodes(wf);
  if (read.nodes === undefined) return { unavailable: read.unavailable };
  const statuses: Record<string, NodeStatus> = {};
  let count = 0;
  let links = 0;
  let failures = 0;
  for (const id in read.nodes) {
    const n = read.nodes[id] as unknown as Pick<ArgoNodeStatus, 'phase' | 'children'>;
    const status = argoPhaseStatus(n.phase);
    statuses[id] = status;
    count++;
    links = mixText(Math.imul(links, 31) + (n.children?.length ?? 0), id);
    if (status === 'failed' || status === 'error') failures = mixText(failures, id);
  }
  const phase = argoPhaseStatus((wf as { status?: { phase?: string } } | undefined)?.status?.phase);
  return { statuses, phase, shape: `${count}:${links}:${failures}` };
}

/** A cheap 32-bit string hash step (not for security: a change detector). */
function mixText(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/** Which node contains which: wrappers (TaskGroup, StepGroup, Retry) claim their items first, then boundaries. */
function containment(nodes: Map<string, ArgoNodeStatus>, all: ArgoNodeStatus[]): Map<string, string> {
  const parentOf = new Map<string, string>();
  for (const n of all) {
    if ((n.type !== 'TaskGroup' && n.type !== 'Retry' && n.type !== 'StepGroup') || !n.children) continue;
    // Its own items are named after it: `task(3:x)`, `task(1)` (attempt), `steps[0].name`; its other
    // children are its dependents or hooks (`task.onExit`), and a step group after an empty one.
    const stepGroup = n.type === 'StepGroup';
    const itemPrefix = stepGroup ? `${n.name}.` : `${n.name}(`;
    for (const c of n.children) {
      const child = nodes.get(c);
      if (child && c !== n.id && child.name.startsWith(itemPrefix) && !(stepGroup && child.type === 'StepGroup')) parentOf.set(c, n.id);
    }
  }
  for (const n of all) {
    if (!parentOf.has(n.id) && n.boundaryID && n.boundaryID !== n.id && nodes.has(n.boundaryID)) parentOf.set(n.id, n.boundaryID);
  }
  // A hand-edited or half-written status could make a node its own ancestor; drop such links.
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = known to reach the top
  for (const start of parentOf.keys()) {
    const path: string[] = [];
    let id: string | undefined = start;
    while (id !== undefined && state.get(id) !== 2) {
      if (state.get(id) === 1) {
        parentOf.delete(path[path.length - 1]);
        break;
      }
      state.set(id, 1);
      path.push(id);
      id = parentOf.get(id);
    }
    for (const p of path) state.set(p, 2);
  }
  return parentOf;
}

function orderMembers(parent: ArgoNodeStatus, list: string[], nodes: Map<string, ArgoNodeStatus>): void {
  const childIndex = new Map((parent.children ?? []).map((c, i) => [c, i]));
  const unlisted = Number.MAX_SAFE_INTEGER;
  list.sort((a, b) => (childIndex.get(a) ?? unlisted) - (childIndex.get(b) ?? unlisted) || byStart(nodes.get(a) as ArgoNodeStatus, nodes.get(b) as ArgoNodeStatus));
}

/** Earlier start first; not started last (RFC 3339 UTC times compare as strings). */
function startOrder(a: ArgoNodeStatus, b: ArgoNodeStatus): number {
  const sa = a.startedAt ?? '\uffff';
  const sb = b.startedAt ?? '\uffff';
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

function byStart(a: ArgoNodeStatus, b: ArgoNodeStatus): number {
  return startOrder(a, b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

const LOOP_ITEM = /\(\d+(:[^)]*)?\)$/;

function groupKindOf(n: ArgoNodeStatus, nodes: Map<string, ArgoNodeStatus>): PipelineNode['groupKind'] {
  switch (n.type) {
    case 'TaskGroup':
      return 'fan-out';
    case 'StepGroup':
      // A step group that holds loop iterations is a fan-out; one of plain parallel steps is a step.
      return (n.children ?? []).some((c) => LOOP_ITEM.test(nodes.get(c)?.name ?? '')) ? 'fan-out' : 'steps';
    case 'Retry':
      return 'loop';
    case 'Steps':
      return 'steps';
    default:
      return 'dag'; // DAG, and a container-set Pod (a DAG of containers)
  }
}

function leafKind(type: string | undefined): NodeKind {
  switch (type) {
    case 'Suspend':
      return 'suspend';
    case 'HTTP':
      return 'http';
    case 'Plugin':
      return 'plugin';
    default:
      return 'container'; // Pod, Container, Skipped
  }
}

function labelOf(n: ArgoNodeStatus, wfPrefix: string | undefined): string {
  // Workflow-level hooks are displayed by their full name: "<workflow>.onExit" → "onExit".
  if (wfPrefix && n.displayName === n.name && n.name.startsWith(wfPrefix)) return n.name.slice(wfPrefix.length);
  return n.displayName || n.name;
}
