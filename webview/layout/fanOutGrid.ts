/**
 * Wide fan-outs wrapped into a grid.
 *
 * A layered layout puts the 600 items of an expanded `withItems` in one layer: a row 120,000 px wide
 * that no zoom level makes readable (boxes too small to read once the row fits, one screen of it
 * otherwise). Items of a fan-out are interchangeable for layout purposes: they share the same
 * predecessors and the same successors. So such a block is laid out as one placeholder box of the
 * grid's size, and the grid is filled in afterwards, row by row in the layer's order (item order).
 *
 * What the rest of the panel relies on stays true: every grid row is a rank of its own (culling,
 * hit-testing and left/right keys walk ranks whose boxes are sorted by x and do not overlap), and
 * each of the members' edges is drawn along the placeholder's route, into (or out of) the member's
 * column at the block's top (or bottom) edge, so the drawing reads "this step feeds these columns"
 * and no line crosses a box.
 *
 * Pure code on typed arrays, like layered.ts; only types come from there (no import cycle at run time).
 */
import type { LayoutInput, LayoutOptions, LayoutOutput } from './layered';

/** Members with more neighbours than this on either side are not treated as fan-out items. */
const maxNeighbours = 4;
/** Wanted width / height of a grid (panels are wider than tall; items read left to right). */
const gridAspect = 1.6;

export interface FanOutBlock {
  /** Member node indices, in input order. */
  members: number[];
  columns: number;
  rows: number;
  cellW: number;
  cellH: number;
}

/**
 * Sets of at least `minMembers` nodes with identical predecessors and successors (at most
 * `maxNeighbours` of each, no self loop). Such a node's neighbours are never in a block themselves:
 * a neighbour of a block has the whole block on one side, more than `maxNeighbours` nodes.
 */
export function findFanOutBlocks(input: LayoutInput, minMembers: number, gapX: number, gapY: number): FanOutBlock[] {
  const n = input.nodeCount;
  const m = input.edgeFrom.length;
  // Up to maxNeighbours predecessors and successors per node in fixed slots; more makes it ineligible.
  const preds = new Int32Array(n * maxNeighbours);
  const succs = new Int32Array(n * maxNeighbours);
  const predCount = new Int32Array(n);
  const succCount = new Int32Array(n);
  const ineligible = new Uint8Array(n);
  const outDegree = new Int32Array(n);
  const inDegree = new Int32Array(n);
  for (let e = 0; e < m; e++) {
    const a = input.edgeFrom[e];
    const b = input.edgeTo[e];
    if (a === b) {
      ineligible[a] = 1;
      continue;
    }
    outDegree[a]++;
    inDegree[b]++;
    if (!ineligible[a]) {
      if (succCount[a] < maxNeighbours) succs[a * maxNeighbours + succCount[a]++] = b;
      else ineligible[a] = 1;
    }
    if (!ineligible[b]) {
      if (predCount[b] < maxNeighbours) preds[b * maxNeighbours + predCount[b]++] = a;
      else ineligible[b] = 1;
    }
  }
  const bySignature = new Map<string, number[]>();
  // Only a node whose predecessor fans out (or whose successor joins) that wide, or a node with no
  // edges at all, can be in a block: the others skip building a signature (most nodes of most graphs).
  const candidate = (v: number): boolean => {
    if (predCount[v] + succCount[v] === 0) return true;
    for (let i = 0; i < predCount[v]; i++) if (outDegree[preds[v * maxNeighbours + i]] >= minMembers) return true;
    for (let i = 0; i < succCount[v]; i++) if (inDegree[succs[v * maxNeighbours + i]] >= minMembers) return true;
    return false;
  };
  for (let v = 0; v < n; v++) {
    if (ineligible[v] || !candidate(v)) continue;
    const key = `${sortedSet(preds, v * maxNeighbours, predCount[v])}|${sortedSet(succs, v * maxNeighbours, succCount[v])}`;
    const list = bySignature.get(key);
    if (list) list.push(v);
    else bySignature.set(key, [v]);
  }
  const blocks: FanOutBlock[] = [];
  for (const members of bySignature.values()) {
    if (members.length < minMembers) continue;
    let cellW = 0;
    let cellH = 0;
    for (const v of members) {
      cellW = Math.max(cellW, input.widths[v]);
      cellH = Math.max(cellH, input.heights[v]);
    }
    const k = members.length;
    // Columns for a grid about gridAspect times as wide as tall, then evened out so the last row is not nearly empty.
    let columns = Math.max(1, Math.min(k, Math.round(Math.sqrt((k * (cellH + gapY) * gridAspect) / (cellW + gapX)))));
    const rows = Math.ceil(k / columns);
    columns = Math.ceil(k / rows);
    blocks.push({ members, columns, rows, cellW, cellH });
  }
  // Deterministic order: by first member.
  blocks.sort((a, b) => a.members[0] - b.members[0]);
  return blocks;
}

/** The distinct values of a[from .. from + count) in ascending order, comma-separated (count ≤ 4: insertion sort). */
function sortedSet(a: Int32Array, from: number, count: number): string {
  for (let i = from + 1; i < from + count; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= from && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  let out = '';
  for (let i = from; i < from + count; i++) if (i === from || a[i] !== a[i - 1]) out += i === from ? `${a[i]}` : `,${a[i]}`;
  return out;
}

/**
 * Lays out `input` with every fan-out block of at least `minMembers` items wrapped into a grid;
 * `core` is the plain layered layout. Without such a block, `core`'s result as it is.
 */
export function layoutWithFanOutGrids(input: LayoutInput, opts: LayoutOptions, minMembers: number, core: (input: LayoutInput) => LayoutOutput): LayoutOutput {
  const rowGap = opts.gridRowGap;
  const blocks = findFanOutBlocks(input, minMembers, opts.nodeSep, rowGap);
  if (blocks.length === 0) return core(input);
  const n = input.nodeCount;
  const m = input.edgeFrom.length;

  // --- the reduced graph: each block becomes one placeholder at its first member's place ---------
  const blockOf = new Int32Array(n).fill(-1);
  blocks.forEach((b, bi) => b.members.forEach((v) => (blockOf[v] = bi)));
  const reducedOf = new Int32Array(n);
  const placeholder = new Int32Array(blocks.length).fill(-1);
  const originalOf: number[] = []; // reduced index → original node, or -1 - block index
  for (let v = 0; v < n; v++) {
    const bi = blockOf[v];
    if (bi < 0) {
      reducedOf[v] = originalOf.length;
      originalOf.push(v);
    } else {
      if (placeholder[bi] < 0) {
        placeholder[bi] = originalOf.length;
        originalOf.push(-1 - bi);
      }
      reducedOf[v] = placeholder[bi];
    }
  }
  const k = originalOf.length;
  const widths = new Float32Array(k);
  const heights = new Float32Array(k);
  for (let r = 0; r < k; r++) {
    const o = originalOf[r];
    if (o >= 0) {
      widths[r] = input.widths[o];
      heights[r] = input.heights[o];
    } else {
      const b = blocks[-1 - o];
      widths[r] = b.columns * b.cellW + (b.columns - 1) * opts.nodeSep;
      heights[r] = b.rows * b.cellH + (b.rows - 1) * rowGap;
    }
  }
  // Edges touching a block collapse into one reduced edge per (from, to); the others stay as they are.
  const edgeMap = new Int32Array(m);
  const from: number[] = [];
  const to: number[] = [];
  const shared = new Map<number, number>(); // reduced (from, to) as from × k + to
  for (let e = 0; e < m; e++) {
    const a = reducedOf[input.edgeFrom[e]];
    const b = reducedOf[input.edgeTo[e]];
    if (blockOf[input.edgeFrom[e]] >= 0 || blockOf[input.edgeTo[e]] >= 0) {
      const key = a * k + b;
      const known = shared.get(key);
      if (known !== undefined) {
        edgeMap[e] = known;
        continue;
      }
      shared.set(key, from.length);
    }
    edgeMap[e] = from.length;
    from.push(a);
    to.push(b);
  }
  const reduced = core({ nodeCount: k, edgeFrom: Int32Array.from(from), edgeTo: Int32Array.from(to), widths, heights, options: input.options });

  // --- vertical bands: a rank holding blocks gets one sub-row per grid row ----------------------
  const rc = reduced.rankCount;
  const subRows = new Int32Array(rc).fill(1);
  const pitch = new Float32Array(rc);
  for (let r = 0; r < k; r++) {
    const rank = reduced.rank[r];
    const o = originalOf[r];
    if (o >= 0) pitch[rank] = Math.max(pitch[rank], input.heights[o]);
    else {
      const b = blocks[-1 - o];
      pitch[rank] = Math.max(pitch[rank], b.cellH);
      subRows[rank] = Math.max(subRows[rank], b.rows);
    }
  }
  const firstRow = new Int32Array(rc + 1); // output rank of each reduced rank's first sub-row
  for (let r = 0; r < rc; r++) firstRow[r + 1] = firstRow[r] + subRows[r];
  const rankCount = firstRow[rc];
  const rankTop = new Float32Array(rankCount);
  const rankBottom = new Float32Array(rankCount);
  const bandTop = new Float32Array(rc);
  const bandBottom = new Float32Array(rc);
  let cursor = 0;
  for (let r = 0; r < rc; r++) {
    const h = pitch[r] || opts.dummyWidth;
    bandTop[r] = cursor;
    for (let q = 0; q < subRows[r]; q++) {
      rankTop[firstRow[r] + q] = cursor + q * (h + rowGap);
      rankBottom[firstRow[r] + q] = rankTop[firstRow[r] + q] + h;
    }
    bandBottom[r] = rankBottom[firstRow[r + 1] - 1];
    cursor = bandBottom[r] + opts.rankSep;
  }

  // --- nodes: the others keep their x and sit in their rank's first sub-row; members fill grids -----
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const rank = new Int32Array(n);
  const rowCentre = (r: number, q: number): number => (rankTop[firstRow[r] + q] + rankBottom[firstRow[r] + q]) / 2;
  const blockLeft = new Float64Array(blocks.length);
  for (let r = 0; r < k; r++) {
    const o = originalOf[r];
    const rr = reduced.rank[r];
    if (o >= 0) {
      x[o] = reduced.x[r];
      y[o] = rowCentre(rr, 0);
      rank[o] = firstRow[rr];
      continue;
    }
    const bi = -1 - o;
    const b = blocks[bi];
    blockLeft[bi] = reduced.x[r] - reduced.widths[r] / 2;
    b.members.forEach((v, i) => {
      const q = Math.floor(i / b.columns);
      x[v] = blockLeft[bi] + (i % b.columns) * (b.cellW + opts.nodeSep) + b.cellW / 2;
      y[v] = rowCentre(rr, q);
      rank[v] = firstRow[rr] + q;
    });
  }

  // Per output rank, real nodes in x order: a placeholder gives its members of that grid row.
  const layerStart = new Int32Array(rankCount + 1);
  const layerNodes = new Int32Array(n);
  let filled = 0;
  for (let r = 0; r < rc; r++) {
    for (let q = 0; q < subRows[r]; q++) {
      layerStart[firstRow[r] + q] = filled;
      for (let i = reduced.layerStart[r]; i < reduced.layerStart[r + 1]; i++) {
        const o = originalOf[reduced.layerNodes[i]];
        if (o >= 0) {
          if (q === 0) layerNodes[filled++] = o;
          continue;
        }
        const b = blocks[-1 - o];
        for (let c = 0; c < b.columns; c++) {
          const idx = q * b.columns + c;
          if (idx < b.members.length) layerNodes[filled++] = b.members[idx];
        }
      }
    }
  }
  layerStart[rankCount] = filled;

  // --- edges: the reduced route, its bends moved to their rank's new band, its ends to the nodes ---
  // A bend in a band of several grid rows becomes a vertical run through the whole band, and an edge
  // leaving a node of such a band downwards first drops to the band's bottom: no line cuts a grid.
  const bandOf = (py: number): number => {
    // Bends sit at a reduced rank's band centre: find that rank (binary search on the bands' bottoms).
    let lo = 0;
    let hi = rc - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (reduced.rankBottom[mid] < py) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const tall = (r: number): boolean => subRows[r] > 1;
  // Where an edge meets node v: on its bottom side when the edge runs on below it, else on its top.
  // A grid's items meet their edges at the grid's top or bottom edge, in their own column.
  const endpoint = (v: number, below: boolean): [number, number] => {
    const bi = blockOf[v];
    if (bi < 0) return [x[v], below ? y[v] + input.heights[v] / 2 : y[v] - input.heights[v] / 2];
    const rr = reduced.rank[placeholder[bi]];
    // x[v] is the item's column centre (set above).
    return [x[v], below ? rankBottom[firstRow[rr] + blocks[bi].rows - 1] : bandTop[rr]];
  };
  // Below a node that is not in a grid, in a band with grid rows: the band's bottom.
  const dropOf = (v: number): number | undefined => {
    if (blockOf[v] >= 0) return undefined;
    const r = reduced.rank[reducedOf[v]];
    return tall(r) ? bandBottom[r] : undefined;
  };
  // One flat list of points for all edges (no array per edge: 20k edges at 10k nodes).
  const points: number[] = [];
  const edgePointStart = new Int32Array(m + 1);
  const edgeReversed = new Uint8Array(m);
  for (let e = 0; e < m; e++) {
    const a = input.edgeFrom[e];
    const b = input.edgeTo[e];
    const re = edgeMap[e];
    edgePointStart[e] = points.length / 2;
    edgeReversed[e] = a === b ? 1 : reduced.edgeReversed[re];
    if (a === b) continue;
    const src = reduced.edgePointStart[re];
    const count = reduced.edgePointStart[re + 1] - src;
    const downward = reduced.edgePoints[(src + count - 1) * 2 + 1] > reduced.edgePoints[src * 2 + 1];
    // A downward edge leaves its source's bottom and enters its target's top; a reversed one the other way.
    const [ax, ay] = endpoint(a, downward);
    const [bx, by] = endpoint(b, !downward);
    points.push(ax, ay);
    const dropA = ay > y[a] ? dropOf(a) : undefined;
    if (dropA !== undefined) points.push(ax, dropA);
    for (let i = 1; i < count - 1; i++) {
      const px = reduced.edgePoints[(src + i) * 2];
      const r = bandOf(reduced.edgePoints[(src + i) * 2 + 1]);
      // A grid end moves the route's end sideways, up to the grid's width: the run to or from the
      // neighbouring bend then goes through the gap between bands, not across that band's boxes.
      const gridEndNext = (i === 1 && blockOf[a] >= 0) || (i === count - 2 && blockOf[b] >= 0);
      if (tall(r) || gridEndNext) points.push(px, downward ? bandTop[r] : bandBottom[r], px, downward ? bandBottom[r] : bandTop[r]);
      else points.push(px, (bandTop[r] + bandBottom[r]) / 2);
    }
    const dropB = by > y[b] ? dropOf(b) : undefined;
    if (dropB !== undefined) points.push(bx, dropB);
    points.push(bx, by);
  }
  edgePointStart[m] = points.length / 2;
  const edgePoints = Float32Array.from(points);

  return {
    nodeCount: n,
    x,
    y,
    widths: Float32Array.from(input.widths),
    heights: Float32Array.from(input.heights),
    rank,
    rankCount,
    layerStart,
    layerNodes,
    rankTop,
    rankBottom,
    edgePointStart,
    edgePoints,
    edgeReversed,
    width: reduced.width,
    height: rankCount > 0 ? rankBottom[rankCount - 1] : 0,
  };
}
