/**
 * Everything the renderer needs for one laid-out graph, in typed arrays indexed by visible node.
 * Status colours live in `status` (one byte per node) so a live status update is an O(n) array
 * fill and a repaint — never a new layout.
 */
import type { NodeStatus, PipelineGraph } from '../src/core/model/pipelineGraph';
import type { LayoutOutput } from './layout/layered';
import { EdgeStyle, type ProjectedGraph } from './layout/project';
import { kindCodes, statusCodes, statusSeverity } from './theme';

export const NodeFlag = {
  Match: 1,
  Selected: 2,
  Hovered: 4,
  Dimmed: 8,
} as const;

export interface Scene {
  graph: PipelineGraph;
  projection: ProjectedGraph;
  layout: LayoutOutput;
  count: number;
  labels: string[];
  subtitles: string[];
  kind: Uint8Array;
  status: Uint8Array;
  flags: Uint8Array;
  /** 1 for a group header (expanded or collapsed). */
  group: Uint8Array;
  edgeBox: Float32Array;
  /**
   * Coarse, de-duplicated straight edges for the zoomed-out view: x0, y0, x1, y1 each. Built on the
   * first "dots" paint (sceneBundles), not with the scene: most first frames never need them.
   */
  bundles: Float32Array | undefined;
  /** Labels shortened to fit their box, computed on first full-detail paint. */
  fitted: (string | undefined)[];
  /** Labelled edges ("true", "Failed", …) by projected edge index. */
  edgeLabels: { edge: number; text: string }[];
}

export const nodeHeight = 44;

export function buildScene(graph: PipelineGraph, projection: ProjectedGraph, layout: LayoutOutput): Scene {
  const count = projection.visible.length;
  const labels: string[] = new Array<string>(count);
  const subtitles: string[] = new Array<string>(count);
  const kind = new Uint8Array(count);
  const group = new Uint8Array(count);
  const kindIndex = new Map(kindCodes.map((k, i) => [k, i]));
  for (let v = 0; v < count; v++) {
    const gi = projection.visible[v];
    const node = graph.nodes[gi];
    labels[v] = node.label || node.id;
    const isGroup = node.kind === 'group' || projection.memberCount[gi] > 0;
    group[v] = isGroup ? 1 : 0;
    subtitles[v] = isGroup
      ? `${node.groupKind ?? 'group'} · ${projection.memberCount[gi]} ${projection.memberCount[gi] === 1 ? 'step' : 'steps'}`
      : (node.subtitle ?? node.kind);
    kind[v] = kindIndex.get(node.kind) ?? 0;
  }
  const m = projection.edgeFrom.length;
  const edgeBox = new Float32Array(m * 4);
  for (let e = 0; e < m; e++) {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let k = layout.edgePointStart[e]; k < layout.edgePointStart[e + 1]; k++) {
      const px = layout.edgePoints[k * 2];
      const py = layout.edgePoints[k * 2 + 1];
      if (px < x0) x0 = px;
      if (px > x1) x1 = px;
      if (py < y0) y0 = py;
      if (py > y1) y1 = py;
    }
    edgeBox[e * 4] = x0;
    edgeBox[e * 4 + 1] = y0;
    edgeBox[e * 4 + 2] = x1;
    edgeBox[e * 4 + 3] = y1;
  }
  return {
    graph,
    projection,
    layout,
    count,
    labels,
    subtitles,
    kind,
    status: new Uint8Array(count),
    flags: new Uint8Array(count),
    group,
    edgeBox,
    bundles: undefined,
    fitted: new Array<string | undefined>(count),
    edgeLabels: labelledEdges(graph, projection),
  };
}

function labelledEdges(graph: PipelineGraph, p: ProjectedGraph): { edge: number; text: string }[] {
  if (!graph.edges.some((e) => e.label)) return [];
  const index = new Map<number, number>();
  const n = p.visible.length;
  for (let e = 0; e < p.edgeFrom.length; e++) index.set(p.edgeFrom[e] * n + p.edgeTo[e], e);
  const idOf = new Map<string, number>();
  graph.nodes.forEach((node, i) => idOf.set(node.id, i));
  const out: { edge: number; text: string }[] = [];
  for (const edge of graph.edges) {
    if (!edge.label) continue;
    const a = idOf.get(edge.from);
    const b = idOf.get(edge.to);
    if (a === undefined || b === undefined) continue;
    const e = index.get(p.repOf[a] * n + p.repOf[b]);
    if (e !== undefined) out.push({ edge: e, text: edge.label.length > 24 ? edge.label.slice(0, 23) + '…' : edge.label });
  }
  return out;
}

/** The scene's edge bundles, built on first use. */
export function sceneBundles(scene: Scene): Float32Array {
  return (scene.bundles ??= buildBundles(scene.projection, scene.layout));
}

/**
 * Edge bundles for the zoomed-out view: endpoints snapped to a coarse grid and de-duplicated, so
 * thousands of parallel fan-out edges become a handful of strokes.
 */
function buildBundles(p: ProjectedGraph, l: LayoutOutput, cell = 96): Float32Array {
  const seen = new Set<string>();
  const out: number[] = [];
  for (let e = 0; e < p.edgeFrom.length; e++) {
    if (p.edgeStyle[e] === EdgeStyle.Contains) continue;
    const a = p.edgeFrom[e];
    const b = p.edgeTo[e];
    const ax = Math.round(l.x[a] / cell);
    const ay = Math.round(l.y[a] / cell);
    const bx = Math.round(l.x[b] / cell);
    const by = Math.round(l.y[b] / cell);
    const key = `${ax},${ay},${bx},${by}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ax * cell, ay * cell, bx * cell, by * cell);
  }
  return Float32Array.from(out);
}

/**
 * Applies a status snapshot: each visible node gets its own status, a collapsed group the worst
 * status among its hidden members. Returns how many nodes have a status.
 */
export function applyStatus(scene: Scene, statuses: Record<string, NodeStatus> | undefined): number {
  const codeOf = new Map(statusCodes.map((s, i) => [s, i]));
  scene.status.fill(0);
  if (!statuses) return 0;
  let coloured = 0;
  const nodes = scene.graph.nodes;
  const repOf = scene.projection.repOf;
  for (let gi = 0; gi < nodes.length; gi++) {
    const node = nodes[gi];
    const s = statuses[node.statusKey ?? node.id] ?? statuses[node.id];
    if (!s) continue;
    const v = repOf[gi];
    const code = codeOf.get(s) ?? 0;
    const current = scene.status[v];
    if (current === 0 || statusSeverity[s] > statusSeverity[statusCodes[current]]) scene.status[v] = code;
    coloured++;
  }
  return coloured;
}
