/**
 * A fast layered (Sugiyama-style) layout, top to bottom, for pipeline DAGs of up to ~10k nodes.
 *
 * Why our own: dagre and elkjs take seconds to minutes at 10k nodes on a 2-core machine (numbers in
 * docs/bench-notes/dag.md); the panel's budget for parse + layout is 400 ms. Every phase here is
 * O(V + E) (plus a sort per layer), so the whole layout stays linear-ish:
 *
 * 1. cycle breaking: iterative DFS, back edges are reversed (drawn pointing up)
 * 2. layering: longest path from the sources, then sources pulled down next to their successors
 * 3. long edges split by dummy nodes so they get their own lanes and take part in ordering
 * 4. ordering: barycenter sweeps (down, up, …), stable sorts, so the result is deterministic
 * 5. x coordinates: per layer, the least-squares placement at the neighbours' mean under the
 *    minimum-separation constraints (pool-adjacent-violators, exact and O(layer size))
 * 6. wide fan-outs (many items with the same neighbours) wrapped into grids (fanOutGrid.ts)
 *
 * Pure code on typed arrays: no DOM, no workers, so the layout worker and unit tests share it.
 */
import { layoutWithFanOutGrids } from './fanOutGrid';

export interface LayoutOptions {
  /** Horizontal gap between neighbouring boxes in a layer. */
  nodeSep: number;
  /** Vertical gap between layers. */
  rankSep: number;
  /** Width given to a dummy node (one lane of a long edge). */
  dummyWidth: number;
  /** Number of barycenter ordering sweeps (each is one pass down or up). */
  orderSweeps: number;
  /** Number of coordinate refinement passes. */
  coordPasses: number;
  /** Long edges beyond this many dummies in total are drawn straight instead of routed. */
  maxDummies: number;
  /**
   * Fan-outs of at least this many interchangeable items (same predecessors, same successors) are
   * wrapped into a grid instead of one very long row (fanOutGrid.ts); 0 never wraps.
   */
  gridFanOutsFrom: number;
  /** Vertical gap between the rows of such a grid. */
  gridRowGap: number;
}

export const defaultLayoutOptions: Readonly<LayoutOptions> = {
  nodeSep: 24,
  rankSep: 48,
  dummyWidth: 8,
  orderSweeps: 4,
  coordPasses: 4,
  maxDummies: 200_000,
  gridFanOutsFrom: 24,
  gridRowGap: 16,
};

export interface LayoutInput {
  nodeCount: number;
  /** Edge i goes from edgeFrom[i] to edgeTo[i] (indices into the node arrays). */
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  widths: Float32Array;
  heights: Float32Array;
  options?: Partial<LayoutOptions>;
}

export interface LayoutOutput {
  nodeCount: number;
  /** Box centres. */
  x: Float32Array;
  y: Float32Array;
  widths: Float32Array;
  heights: Float32Array;
  rank: Int32Array;
  rankCount: number;
  /** Real nodes per rank, sorted by x: layerNodes[layerStart[r] .. layerStart[r + 1]). */
  layerStart: Int32Array;
  layerNodes: Int32Array;
  /** Vertical band of each rank (top and bottom of its tallest box). */
  rankTop: Float32Array;
  rankBottom: Float32Array;
  /** Polyline of edge i (source to target): points edgePoints[2k], [2k+1] for k in [edgePointStart[i], edgePointStart[i + 1]). */
  edgePointStart: Int32Array;
  edgePoints: Float32Array;
  /** 1 if edge i was reversed to break a cycle (or is a self loop, which has no points). */
  edgeReversed: Uint8Array;
  width: number;
  height: number;
}

/** Lays out the graph. Deterministic: the same input gives the same output. */
export function layeredLayout(input: LayoutInput): LayoutOutput {
  const opts: LayoutOptions = { ...defaultLayoutOptions, ...input.options };
  if (opts.gridFanOutsFrom > 0) return layoutWithFanOutGrids(input, opts, opts.gridFanOutsFrom, layeredRows);
  return layeredRows(input);
}

/** The layered layout itself: every layer one row. */
function layeredRows(input: LayoutInput): LayoutOutput {
  const opts: LayoutOptions = { ...defaultLayoutOptions, ...input.options };
  const n = input.nodeCount;
  const m = input.edgeFrom.length;

  // --- 1. cycle breaking ---------------------------------------------------------------------
  const reversed = findBackEdges(n, input.edgeFrom, input.edgeTo);
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    if (reversed[e]) {
      from[e] = input.edgeTo[e];
      to[e] = input.edgeFrom[e];
    } else {
      from[e] = input.edgeFrom[e];
      to[e] = input.edgeTo[e];
    }
  }

  // --- 2. layering ---------------------------------------------------------------------------
  const rank = longestPathRanks(n, from, to);
  let rankCount = 0;
  for (let v = 0; v < n; v++) if (rank[v] + 1 > rankCount) rankCount = rank[v] + 1;

  // --- 3. dummy nodes for long edges ---------------------------------------------------------
  let dummyTotal = 0;
  const dummyCount = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    if (from[e] === to[e]) continue;
    const span = rank[to[e]] - rank[from[e]];
    if (span > 1 && dummyTotal + span - 1 <= opts.maxDummies) {
      dummyCount[e] = span - 1;
      dummyTotal += span - 1;
    }
  }
  const total = n + dummyTotal;
  const vRank = new Int32Array(total);
  vRank.set(rank);
  const vWidth = new Float32Array(total);
  vWidth.set(input.widths);
  // Segments between adjacent ranks (upper → lower); each routed edge contributes span segments.
  const dummyStart = new Int32Array(m); // first dummy index of edge e
  let segCount = 0;
  {
    let next = n;
    for (let e = 0; e < m; e++) {
      dummyStart[e] = next;
      if (from[e] === to[e]) continue;
      const span = rank[to[e]] - rank[from[e]];
      if (dummyCount[e] > 0) {
        for (let k = 1; k < span; k++) {
          vRank[next] = rank[from[e]] + k;
          vWidth[next] = opts.dummyWidth;
          next++;
        }
        segCount += span;
      } else if (span === 1) {
        segCount += 1;
      }
    }
  }
  const segUpper = new Int32Array(segCount);
  const segLower = new Int32Array(segCount);
  {
    let s = 0;
    for (let e = 0; e < m; e++) {
      if (from[e] === to[e]) continue;
      const span = rank[to[e]] - rank[from[e]];
      if (dummyCount[e] > 0) {
        let prev = from[e];
        for (let k = 0; k < dummyCount[e]; k++) {
          const d = dummyStart[e] + k;
          segUpper[s] = prev;
          segLower[s] = d;
          s++;
          prev = d;
        }
        segUpper[s] = prev;
        segLower[s] = to[e];
        s++;
      } else if (span === 1) {
        segUpper[s] = from[e];
        segLower[s] = to[e];
        s++;
      }
    }
  }
  const up = buildCsr(total, segLower, segUpper); // for each node, its neighbours one rank up
  const down = buildCsr(total, segUpper, segLower);

  // --- 4. ordering ---------------------------------------------------------------------------
  const layerStart = new Int32Array(rankCount + 1);
  for (let v = 0; v < total; v++) layerStart[vRank[v] + 1]++;
  for (let r = 0; r < rankCount; r++) layerStart[r + 1] += layerStart[r];
  const layer = new Int32Array(total);
  const pos = new Float64Array(total); // position within its layer
  initialOrder(total, vRank, layerStart, layer, pos, down);

  const key = new Float64Array(total);
  const sortScratch = new SortScratch(maxLayerSize(rankCount, layerStart));
  for (let sweep = 0; sweep < opts.orderSweeps; sweep++) {
    const downward = sweep % 2 === 0;
    if (downward) {
      for (let r = 1; r < rankCount; r++) reorderLayer(layer, layerStart[r], layerStart[r + 1], up, pos, key, sortScratch);
    } else {
      for (let r = rankCount - 2; r >= 0; r--) reorderLayer(layer, layerStart[r], layerStart[r + 1], down, pos, key, sortScratch);
    }
  }

  // --- 5. coordinates ------------------------------------------------------------------------
  const rankTop = new Float32Array(rankCount);
  const rankBottom = new Float32Array(rankCount);
  const rankHeight = new Float32Array(rankCount);
  for (let v = 0; v < n; v++) if (input.heights[v] > rankHeight[rank[v]]) rankHeight[rank[v]] = input.heights[v];
  let yCursor = 0;
  for (let r = 0; r < rankCount; r++) {
    const h = rankHeight[r] || opts.dummyWidth;
    rankTop[r] = yCursor;
    rankBottom[r] = yCursor + h;
    yCursor += h + opts.rankSep;
  }
  const vx = new Float64Array(total);
  // Packed start: every layer left-aligned, then refined towards the neighbours' mean.
  for (let r = 0; r < rankCount; r++) {
    let cursor = 0;
    for (let i = layerStart[r]; i < layerStart[r + 1]; i++) {
      const v = layer[i];
      vx[v] = cursor + vWidth[v] / 2;
      cursor += vWidth[v] + opts.nodeSep;
    }
  }
  // Centre each layer on the widest one before refinement, so narrow layers do not hug the left.
  centreLayers(rankCount, layerStart, layer, vx, vWidth);
  const scratch = new PavaScratch(maxLayerSize(rankCount, layerStart));
  for (let pass = 0; pass < opts.coordPasses; pass++) {
    const downward = pass % 2 === 0;
    if (downward) {
      for (let r = 1; r < rankCount; r++) placeLayer(layer, layerStart[r], layerStart[r + 1], up, down, vx, vWidth, opts.nodeSep, scratch);
    } else {
      for (let r = rankCount - 2; r >= 0; r--) placeLayer(layer, layerStart[r], layerStart[r + 1], down, up, vx, vWidth, opts.nodeSep, scratch);
    }
  }

  // Normalise so the drawing starts at x = 0.
  let minX = Infinity;
  let maxX = -Infinity;
  for (let v = 0; v < total; v++) {
    const w = vWidth[v] / 2;
    if (vx[v] - w < minX) minX = vx[v] - w;
    if (vx[v] + w > maxX) maxX = vx[v] + w;
  }
  if (!Number.isFinite(minX)) {
    minX = 0;
    maxX = 0;
  }

  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    x[v] = vx[v] - minX;
    y[v] = (rankTop[rank[v]] + rankBottom[rank[v]]) / 2;
  }

  // Real nodes per layer, in x order (dummies dropped): what hit-testing and culling search.
  const realStart = new Int32Array(rankCount + 1);
  const realNodes = new Int32Array(n);
  {
    let k = 0;
    for (let r = 0; r < rankCount; r++) {
      realStart[r] = k;
      for (let i = layerStart[r]; i < layerStart[r + 1]; i++) if (layer[i] < n) realNodes[k++] = layer[i];
    }
    realStart[rankCount] = k;
  }

  // Edge polylines, always from the edge's source to its target (reversed edges run upwards).
  const pointStart = new Int32Array(m + 1);
  for (let e = 0; e < m; e++) {
    const count = from[e] === to[e] ? 0 : 2 + dummyCount[e];
    pointStart[e + 1] = pointStart[e] + count;
  }
  const points = new Float32Array(pointStart[m] * 2);
  for (let e = 0; e < m; e++) {
    if (from[e] === to[e]) continue;
    const a = from[e];
    const b = to[e];
    const count = 2 + dummyCount[e];
    const base = pointStart[e];
    // Written in the acyclic (downward) direction, then flipped for reversed edges.
    const put = (k: number, px: number, py: number): void => {
      const idx = reversed[e] ? base + count - 1 - k : base + k;
      points[idx * 2] = px;
      points[idx * 2 + 1] = py;
    };
    put(0, x[a], y[a] + input.heights[a] / 2);
    for (let k = 0; k < dummyCount[e]; k++) {
      const d = dummyStart[e] + k;
      put(k + 1, vx[d] - minX, (rankTop[vRank[d]] + rankBottom[vRank[d]]) / 2);
    }
    put(count - 1, x[b], y[b] - input.heights[b] / 2);
  }

  const edgeReversed = new Uint8Array(m);
  for (let e = 0; e < m; e++) edgeReversed[e] = reversed[e] || input.edgeFrom[e] === input.edgeTo[e] ? 1 : 0;

  return {
    nodeCount: n,
    x,
    y,
    widths: Float32Array.from(input.widths),
    heights: Float32Array.from(input.heights),
    rank,
    rankCount,
    layerStart: realStart,
    layerNodes: realNodes,
    rankTop,
    rankBottom,
    edgePointStart: pointStart,
    edgePoints: points,
    edgeReversed,
    width: maxX - minX,
    height: rankCount > 0 ? rankBottom[rankCount - 1] : 0,
  };
}

/** Compressed adjacency: neighbours of v are idx[start[v] .. start[v + 1]). */
interface Csr {
  start: Int32Array;
  idx: Int32Array;
}

function buildCsr(n: number, src: Int32Array, dst: Int32Array): Csr {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < src.length; i++) start[src[i] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const idx = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) idx[fill[src[i]]++] = dst[i];
  return { start, idx };
}

/** Marks the edges that close a cycle in an iterative DFS (recursion would overflow at 10k). */
function findBackEdges(n: number, edgeFrom: Int32Array, edgeTo: Int32Array): Uint8Array {
  const m = edgeFrom.length;
  const reversed = new Uint8Array(m);
  // Out-edges by edge index so we can mark the edge itself.
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[edgeFrom[e] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const out = new Int32Array(m);
  for (let e = 0; e < m; e++) out[fill[edgeFrom[e]]++] = e;

  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const stack = new Int32Array(n);
  const cursor = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    let top = 0;
    stack[0] = root;
    state[root] = 1;
    cursor[root] = start[root];
    while (top >= 0) {
      const v = stack[top];
      if (cursor[v] < start[v + 1]) {
        const e = out[cursor[v]++];
        const w = edgeTo[e];
        if (w === v) continue; // self loop: no layering constraint
        if (state[w] === 1) {
          reversed[e] = 1;
        } else if (state[w] === 0) {
          state[w] = 1;
          cursor[w] = start[w];
          stack[++top] = w;
        }
      } else {
        state[v] = 2;
        top--;
      }
    }
  }
  return reversed;
}

/** Longest path from the sources (Kahn order), then sources moved down next to their successors. */
function longestPathRanks(n: number, from: Int32Array, to: Int32Array): Int32Array {
  const out = buildCsr(n, from, to);
  const indeg = new Int32Array(n);
  for (let e = 0; e < from.length; e++) if (from[e] !== to[e]) indeg[to[e]]++;
  const rank = new Int32Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let v = 0; v < n; v++) if (indeg[v] === 0) queue[tail++] = v;
  while (head < tail) {
    const v = queue[head++];
    for (let i = out.start[v]; i < out.start[v + 1]; i++) {
      const w = out.idx[i];
      if (w === v) continue;
      if (rank[v] + 1 > rank[w]) rank[w] = rank[v] + 1;
      if (--indeg[w] === 0) queue[tail++] = w;
    }
  }
  // A source feeding only deep nodes would otherwise sit in rank 0 with a very long edge.
  const hasIn = new Uint8Array(n);
  for (let e = 0; e < from.length; e++) if (from[e] !== to[e]) hasIn[to[e]] = 1;
  for (let q = tail - 1; q >= 0; q--) {
    const v = queue[q];
    if (hasIn[v]) continue;
    let min = Infinity;
    for (let i = out.start[v]; i < out.start[v + 1]; i++) {
      const w = out.idx[i];
      if (w !== v && rank[w] < min) min = rank[w];
    }
    if (Number.isFinite(min) && min - 1 > rank[v]) rank[v] = min - 1;
  }
  return rank;
}

/** DFS-like initial order: children follow their first parent, so subtrees start out together. */
function initialOrder(total: number, vRank: Int32Array, layerStart: Int32Array, layer: Int32Array, pos: Float64Array, down: Csr): void {
  const fill = layerStart.slice(0, layerStart.length - 1);
  const placed = new Uint8Array(total);
  const stack = new Int32Array(total);
  for (let root = 0; root < total; root++) {
    if (placed[root]) continue;
    // Only start from nodes whose parents are placed or that have none; others wait for a parent.
    let top = 0;
    stack[0] = root;
    placed[root] = 1;
    while (top >= 0) {
      const v = stack[top--];
      const r = vRank[v];
      pos[v] = fill[r] - layerStart[r];
      layer[fill[r]++] = v;
      // Push in reverse so the first child is visited first.
      for (let i = down.start[v + 1] - 1; i >= down.start[v]; i--) {
        const w = down.idx[i];
        if (!placed[w]) {
          placed[w] = 1;
          stack[++top] = w;
        }
      }
    }
  }
}

/** Largest layer the packed sort key supports (positions must fit in 18 bits). */
const maxPackedLayer = 1 << 18;

/**
 * Sorts one layer by the barycenter of its neighbours in the adjacent (already fixed) layer.
 * The sort key packs (barycenter in 1/1024 steps, old position) into one float64, so a native
 * numeric typed-array sort does the work (several times faster than a comparator), ties keep their
 * old order (deterministic), and the old position recovers the node.
 */
function reorderLayer(layer: Int32Array, begin: number, end: number, adj: Csr, pos: Float64Array, key: Float64Array, scratch: SortScratch): void {
  const size = end - begin;
  if (size < 2) return;
  if (size >= maxPackedLayer) {
    reorderLayerSlow(layer, begin, end, adj, pos, key);
    return;
  }
  const keys = scratch.keys.subarray(0, size);
  const old = scratch.old.subarray(0, size);
  for (let i = 0; i < size; i++) {
    const v = layer[begin + i];
    old[i] = v;
    const a = adj.start[v];
    const b = adj.start[v + 1];
    let bary: number;
    if (a === b) {
      bary = pos[v]; // no neighbours: keep its place
    } else {
      let sum = 0;
      for (let j = a; j < b; j++) sum += pos[adj.idx[j]];
      bary = sum / (b - a);
    }
    keys[i] = Math.round(bary * 1024) * maxPackedLayer + pos[v];
  }
  keys.sort();
  for (let i = 0; i < size; i++) {
    const v = old[keys[i] % maxPackedLayer];
    layer[begin + i] = v;
    pos[v] = i;
  }
}

class SortScratch {
  readonly keys: Float64Array;
  readonly old: Int32Array;
  constructor(size: number) {
    this.keys = new Float64Array(Math.min(size, maxPackedLayer));
    this.old = new Int32Array(Math.min(size, maxPackedLayer));
  }
}

/** Comparator sort for gigantic layers (beyond the packed key's range). */
function reorderLayerSlow(layer: Int32Array, begin: number, end: number, adj: Csr, pos: Float64Array, key: Float64Array): void {
  for (let i = begin; i < end; i++) {
    const v = layer[i];
    const a = adj.start[v];
    const b = adj.start[v + 1];
    if (a === b) {
      key[v] = pos[v];
      continue;
    }
    let sum = 0;
    for (let j = a; j < b; j++) sum += pos[adj.idx[j]];
    key[v] = sum / (b - a);
  }
  const slice = Array.from(layer.subarray(begin, end));
  slice.sort((p, q) => key[p] - key[q] || pos[p] - pos[q]);
  for (let i = 0; i < slice.length; i++) {
    layer[begin + i] = slice[i];
    pos[slice[i]] = i;
  }
}

function maxLayerSize(rankCount: number, layerStart: Int32Array): number {
  let max = 0;
  for (let r = 0; r < rankCount; r++) max = Math.max(max, layerStart[r + 1] - layerStart[r]);
  return max;
}

function centreLayers(rankCount: number, layerStart: Int32Array, layer: Int32Array, vx: Float64Array, vWidth: Float32Array): void {
  let widest = 0;
  const extent = new Float64Array(rankCount);
  for (let r = 0; r < rankCount; r++) {
    if (layerStart[r + 1] === layerStart[r]) continue;
    const last = layer[layerStart[r + 1] - 1];
    extent[r] = vx[last] + vWidth[last] / 2;
    if (extent[r] > widest) widest = extent[r];
  }
  for (let r = 0; r < rankCount; r++) {
    const shift = (widest - extent[r]) / 2;
    for (let i = layerStart[r]; i < layerStart[r + 1]; i++) vx[layer[i]] += shift;
  }
}

class PavaScratch {
  readonly target: Float64Array;
  readonly weight: Float64Array;
  readonly offset: Float64Array;
  readonly blockValue: Float64Array;
  readonly blockWeight: Float64Array;
  readonly blockSize: Int32Array;
  constructor(size: number) {
    this.target = new Float64Array(size);
    this.weight = new Float64Array(size);
    this.offset = new Float64Array(size);
    this.blockValue = new Float64Array(size);
    this.blockWeight = new Float64Array(size);
    this.blockSize = new Int32Array(size);
  }
}

/**
 * Places one layer as close as possible (least squares) to the mean x of each node's neighbours,
 * keeping the order and the minimum gaps. With q_i = x_i − (sum of required gaps before i) the
 * constraints become q non-decreasing: isotonic regression, solved exactly by pool-adjacent-violators.
 */
function placeLayer(
  layer: Int32Array,
  begin: number,
  end: number,
  adj: Csr,
  other: Csr,
  vx: Float64Array,
  vWidth: Float32Array,
  nodeSep: number,
  s: PavaScratch,
): void {
  const size = end - begin;
  if (size === 0) return;
  let offset = 0;
  for (let i = 0; i < size; i++) {
    const v = layer[begin + i];
    if (i > 0) offset += (vWidth[layer[begin + i - 1]] + vWidth[v]) / 2 + nodeSep;
    s.offset[i] = offset;
    const a = adj.start[v];
    const b = adj.start[v + 1];
    let desired: number;
    let weight: number;
    if (a < b) {
      let sum = 0;
      for (let j = a; j < b; j++) sum += vx[adj.idx[j]];
      desired = sum / (b - a);
      weight = b - a;
    } else {
      // No neighbours on this side: stay put, weakly (neighbours on the other side matter too).
      desired = vx[v];
      weight = other.start[v + 1] > other.start[v] ? 0.5 : 0.1;
    }
    s.target[i] = desired - offset;
    s.weight[i] = weight;
  }
  // Pool adjacent violators.
  let blocks = 0;
  for (let i = 0; i < size; i++) {
    let value = s.target[i];
    let weight = s.weight[i];
    let count = 1;
    while (blocks > 0 && s.blockValue[blocks - 1] > value) {
      const pw = s.blockWeight[blocks - 1];
      value = (s.blockValue[blocks - 1] * pw + value * weight) / (pw + weight);
      weight += pw;
      count += s.blockSize[blocks - 1];
      blocks--;
    }
    s.blockValue[blocks] = value;
    s.blockWeight[blocks] = weight;
    s.blockSize[blocks] = count;
    blocks++;
  }
  let i = 0;
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < s.blockSize[b]; k++, i++) vx[layer[begin + i]] = s.blockValue[b] + s.offset[i];
  }
}
