/**
 * The run view's rules, pure (no DOM) so unit tests cover exactly what the panel does:
 * which fan-outs start collapsed, what a collapsed group's box says, the phase filter, the order
 * "Next failed node" walks, and which run actions fit the run's phase.
 */
import type { NodeStatus, PipelineGraph, PipelineNode } from '../../src/core/model/pipelineGraph';
import { formatPhaseCounts, phaseCounts } from '../../src/core/pipelineRun/phaseCounts';
import type { RunAction } from '../../src/protocol/dagMessages';

/** Groups with more direct members than this start collapsed in a run view (as runGraph.ts's default). */
export const collapseAbove = 20;

/** Direct members of each group, by group id, in graph order. */
export function groupMembers(graph: PipelineGraph): Map<string, PipelineNode[]> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const members = new Map<string, PipelineNode[]>();
  for (const n of graph.nodes) {
    if (n.parent === undefined || !ids.has(n.parent)) continue;
    let list = members.get(n.parent);
    if (!list) members.set(n.parent, (list = []));
    list.push(n);
  }
  return members;
}

/**
 * Groups a run view draws collapsed unless the user expanded them: fan-outs, and any nested group,
 * with more than `above` members. The run's outermost DAG stays open (collapsing it hides the run).
 */
export function largeGroups(graph: PipelineGraph, members: Map<string, PipelineNode[]>, above = collapseAbove): string[] {
  const out: string[] = [];
  for (const n of graph.nodes) {
    if (n.kind !== 'group' || (members.get(n.id)?.length ?? 0) <= above) continue;
    if (n.groupKind === 'fan-out' || n.parent !== undefined) out.push(n.id);
  }
  return out;
}

/**
 * The collapsed set for a run graph: what was collapsed, plus every large group the user has not
 * expanded. Evaluated on each snapshot, since a running fan-out grows after the first view.
 */
export function runCollapsed(collapsed: Iterable<string>, large: readonly string[], expanded: ReadonlySet<string>): Set<string> {
  const out = new Set(collapsed);
  for (const id of large) if (!expanded.has(id)) out.add(id);
  return out;
}

const statusOf = (n: PipelineNode, statuses: Record<string, NodeStatus> | undefined): NodeStatus | undefined =>
  statuses ? (statuses[n.statusKey ?? n.id] ?? statuses[n.id]) : undefined;

/** A collapsed group's box text from the live statuses: "score ×5000: 4,990 ✓ 7 ✗ 3 ⟳". */
export function collapsedGroupLabel(group: PipelineNode, members: readonly PipelineNode[], statuses: Record<string, NodeStatus> | undefined): string {
  const keyed: Record<string, NodeStatus> = {};
  const keys: string[] = [];
  for (const m of members) {
    const s = statusOf(m, statuses);
    keys.push(m.id);
    if (s) keyed[m.id] = s;
  }
  return formatPhaseCounts(group.label || group.id, members.length, phaseCounts(keys, keyed));
}

export type PhaseFilter = 'all' | 'failed' | 'running' | 'succeeded' | 'pending' | 'other';

export const phaseFilters: ReadonlyArray<readonly [PhaseFilter, string]> = [
  ['all', 'All phases'],
  ['failed', 'Failed'],
  ['running', 'Running'],
  ['succeeded', 'Succeeded'],
  ['pending', 'Pending'],
  ['other', 'Skipped / omitted'],
];

/** Does a node in this phase pass the filter? No status yet counts as pending. */
export function passesPhase(filter: PhaseFilter, status: NodeStatus | undefined): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'failed':
      return status === 'failed' || status === 'error';
    case 'running':
      return status === 'running';
    case 'succeeded':
      return status === 'succeeded';
    case 'pending':
      return status === undefined || status === 'pending' || status === 'unknown';
    case 'other':
      return status === 'skipped' || status === 'omitted';
  }
}

/**
 * Which visible nodes pass the filter (1) and which the panel dims (0): a node passes on its own
 * phase, a collapsed group when any member it hides passes. Undefined for 'all' (nothing dimmed).
 */
export function phaseMask(
  nodes: readonly PipelineNode[],
  repOf: ArrayLike<number>,
  visibleCount: number,
  statuses: Record<string, NodeStatus> | undefined,
  filter: PhaseFilter,
): Uint8Array | undefined {
  if (filter === 'all') return undefined;
  const mask = new Uint8Array(visibleCount);
  for (let gi = 0; gi < nodes.length; gi++) {
    if (passesPhase(filter, statusOf(nodes[gi], statuses))) mask[repOf[gi]] = 1;
  }
  return mask;
}

/**
 * Failed or errored leaf nodes (groups fail because a member did), in the order they started (the
 * `started` detail, "YYYY-MM-DD hh:mm:ss UTC", sorts as text), then in graph order.
 */
export function failedNodes(graph: PipelineGraph, statuses: Record<string, NodeStatus> | undefined): PipelineNode[] {
  if (!statuses) return [];
  const hasMembers = new Set<string>();
  for (const n of graph.nodes) if (n.parent !== undefined) hasMembers.add(n.parent);
  const out: { n: PipelineNode; started: string; i: number }[] = [];
  graph.nodes.forEach((n, i) => {
    if (n.kind === 'group' || hasMembers.has(n.id)) return;
    const s = statusOf(n, statuses);
    if (s !== 'failed' && s !== 'error') return;
    out.push({ n, started: n.details.find((d) => d.key === 'started')?.value ?? '\uffff', i });
  });
  out.sort((a, b) => (a.started < b.started ? -1 : a.started > b.started ? 1 : a.i - b.i));
  return out.map((x) => x.n);
}

/** The node's run message (Argo's `message`), if it has one. */
export function nodeMessage(n: PipelineNode): string | undefined {
  return n.details.find((d) => d.key === 'message')?.value;
}

/**
 * Next index when walking a list of `length` items from `cursor` (-1: not started) in `direction`,
 * wrapping around; -1 for an empty list.
 */
export function stepCursor(length: number, cursor: number, direction: 1 | -1): number {
  if (length === 0) return -1;
  if (cursor < 0 || cursor >= length) return direction === 1 ? 0 : length - 1;
  return (cursor + direction + length) % length;
}

/** The groups enclosing a node, innermost first: what to expand to show it. */
export function enclosingGroups(graph: PipelineGraph, nodeId: string): string[] {
  const parentOf = new Map(graph.nodes.map((n) => [n.id, n.parent]));
  const out: string[] = [];
  const seen = new Set<string>();
  let p = parentOf.get(nodeId);
  while (p !== undefined && parentOf.has(p) && !seen.has(p)) {
    seen.add(p);
    out.push(p);
    p = parentOf.get(p);
  }
  return out;
}

/**
 * Run actions offered for a run in `phase`, in toolbar order. A suspended Argo workflow still
 * reports phase Running: `suspended` (its spec.suspend) picks Resume over Suspend.
 */
export function runActionsFor(phase: NodeStatus, suspended = false): RunAction[] {
  const active = phase === 'running' || phase === 'pending' || phase === 'unknown';
  const out: RunAction[] = [];
  if (active) out.push('stop', 'terminate', suspended ? 'resume' : 'suspend');
  if (phase === 'failed' || phase === 'error') out.push('retry');
  out.push('resubmit', 'delete', 'copyName');
  return out;
}

export const runActionLabels: Readonly<Record<RunAction, { text: string; title: string }>> = {
  stop: { text: 'Stop', title: 'Stop the run: no new steps start, exit handlers still run' },
  terminate: { text: 'Terminate', title: 'Terminate the run at once, exit handlers included' },
  suspend: { text: 'Suspend', title: 'Suspend the run' },
  resume: { text: 'Resume', title: 'Resume a suspended run' },
  retry: { text: 'Retry failed', title: 'Retry the failed steps; succeeded steps are kept' },
  resubmit: { text: 'Resubmit', title: 'Submit the same spec again as a new run' },
  delete: { text: 'Delete', title: 'Delete the run' },
  copyName: { text: 'Copy name', title: "Copy the run's name" },
};
