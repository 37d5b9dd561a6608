/**
 * Turns a PipelineGraph plus the set of collapsed groups into the graph that is actually laid out:
 * members of a collapsed group disappear into it; an expanded group is drawn as a header box that
 * leads into its members, and its outgoing edges leave from its last members instead, so the
 * layering still says "after the whole group".
 *
 * Pure and DOM-free (shared by the app and the unit tests).
 */
import type { EdgeKind, PipelineGraph } from '../../src/core/model/pipelineGraph';

/** Edge styles as small integers, so they fit a typed array. */
export const EdgeStyle = {
  Depends: 0,
  Data: 1,
  ConditionTrue: 2,
  ConditionFalse: 3,
  Exit: 4,
  Sequence: 5,
  /** Group header → its first members (implicit, drawn dotted). */
  Contains: 6,
} as const;
export type EdgeStyle = (typeof EdgeStyle)[keyof typeof EdgeStyle];

export function edgeStyleOf(kind: EdgeKind): EdgeStyle {
  switch (kind) {
    case 'depends':
      return EdgeStyle.Depends;
    case 'data':
      return EdgeStyle.Data;
    case 'condition-true':
      return EdgeStyle.ConditionTrue;
    case 'condition-false':
      return EdgeStyle.ConditionFalse;
    case 'exit':
      return EdgeStyle.Exit;
    case 'sequence':
      return EdgeStyle.Sequence;
  }
}

export interface ProjectedGraph {
  /** Graph node index of each visible node (visible index → graph index). */
  visible: Int32Array;
  /** Visible index of each graph node's representative (itself or its collapsed ancestor). */
  repOf: Int32Array;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeStyle: Uint8Array;
  /** Number of graph nodes hidden inside each visible (collapsed) group, 0 otherwise. */
  hiddenCount: Int32Array;
  /** Graph index of the parent of each graph node, -1 for top level. */
  parentOf: Int32Array;
  /** Number of direct members of each graph node (groups). */
  memberCount: Int32Array;
}

export function projectGraph(graph: PipelineGraph, collapsed: ReadonlySet<string>): ProjectedGraph {
  const n = graph.nodes.length;
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) indexOf.set(graph.nodes[i].id, i);
  const parentOf = new Int32Array(n).fill(-1);
  const memberCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = graph.nodes[i].parent;
    const pi = p === undefined ? undefined : indexOf.get(p);
    if (pi !== undefined && pi !== i) {
      parentOf[i] = pi;
      memberCount[pi]++;
    }
  }
  // Representative graph node: the outermost collapsed ancestor, else the node itself.
  // Parent chains are followed with a depth cap so a malformed cycle cannot hang us.
  const repGraph = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let rep = i;
    let p = parentOf[i];
    for (let depth = 0; p >= 0 && depth < 64; depth++) {
      if (collapsed.has(graph.nodes[p].id)) rep = p;
      p = parentOf[p];
    }
    repGraph[i] = rep;
  }
  const repOf = new Int32Array(n).fill(-1);
  const visibleList: number[] = [];
  for (let i = 0; i < n; i++) {
    if (repGraph[i] === i) {
      repOf[i] = visibleList.length;
      visibleList.push(i);
    }
  }
  for (let i = 0; i < n; i++) repOf[i] = repOf[repGraph[i]];
  const visible = Int32Array.from(visibleList);
  const hiddenCount = new Int32Array(visible.length);
  for (let i = 0; i < n; i++) if (repGraph[i] !== i) hiddenCount[repOf[i]]++;

  const isExpandedGroup = (g: number): boolean => memberCount[g] > 0 && repGraph[g] === g && !collapsed.has(graph.nodes[g].id);

  // Direct members of expanded groups, and which of them have an edge to a sibling.
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const p = parentOf[i];
    if (p >= 0 && isExpandedGroup(p)) {
      let list = members.get(p);
      if (!list) members.set(p, (list = []));
      list.push(i);
    }
  }
  const hasSiblingIn = new Uint8Array(n);
  const hasSiblingOut = new Uint8Array(n);
  const graphEdges: [number, number, EdgeStyle][] = [];
  for (const e of graph.edges) {
    const a = indexOf.get(e.from);
    const b = indexOf.get(e.to);
    if (a === undefined || b === undefined) continue;
    graphEdges.push([a, b, edgeStyleOf(e.kind)]);
    if (parentOf[a] >= 0 && parentOf[a] === parentOf[b]) {
      hasSiblingOut[a] = 1;
      hasSiblingIn[b] = 1;
    }
  }

  // Where an edge leaving graph node g really starts: an expanded group ends at its last members.
  const exitCache = new Map<number, number[]>();
  const exits = (g: number, depth: number): number[] => {
    if (!isExpandedGroup(g) || depth > 64) return [g];
    const cached = exitCache.get(g);
    if (cached) return cached;
    const result: number[] = [];
    for (const member of members.get(g) ?? []) if (!hasSiblingOut[member]) result.push(...exits(member, depth + 1));
    const out = result.length ? result : [g];
    exitCache.set(g, out);
    return out;
  };

  const from: number[] = [];
  const to: number[] = [];
  const style: number[] = [];
  const seen = new Set<number>();
  const push = (a: number, b: number, s: EdgeStyle): void => {
    if (a === b) return;
    const key = a * visible.length + b;
    if (seen.has(key)) return;
    seen.add(key);
    from.push(a);
    to.push(b);
    style.push(s);
  };
  for (const [a, b, s] of graphEdges) {
    const vb = repOf[b];
    for (const x of exits(a, 0)) push(repOf[x], vb, s);
  }
  // Header → first members of every expanded group.
  for (const [g, list] of members) {
    for (const member of list) if (!hasSiblingIn[member]) push(repOf[g], repOf[member], EdgeStyle.Contains);
  }
  return {
    visible,
    repOf,
    edgeFrom: Int32Array.from(from),
    edgeTo: Int32Array.from(to),
    edgeStyle: Uint8Array.from(style),
    hiddenCount,
    parentOf,
    memberCount,
  };
}
