// Wide fan-outs wrapped into grids (webview/layout/fanOutGrid.ts, used by layeredLayout): the grid's
// shape and order, the invariants culling and hit-testing rely on (every grid row a rank of boxes
// sorted by x), and edges that meet their boxes and never cut through another box.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findFanOutBlocks } from '../../../webview/layout/fanOutGrid';
import { layeredLayout, type LayoutInput, type LayoutOutput } from '../../../webview/layout/layered';
import { hitTest } from '../../../webview/layout/view';

const W = 180;
const H = 44;

function input(n: number, edges: [number, number][], options?: LayoutInput['options']): LayoutInput {
  return {
    nodeCount: n,
    edgeFrom: Int32Array.from(edges.map((e) => e[0])),
    edgeTo: Int32Array.from(edges.map((e) => e[1])),
    widths: new Float32Array(n).fill(W),
    heights: new Float32Array(n).fill(H),
    ...(options ? { options } : {}),
  };
}

/** root (0) → items 1..k → join (k + 1), plus `extra` edges on further nodes. */
function fanOut(k: number, extraNodes = 0, extra: [number, number][] = []): LayoutInput {
  const edges: [number, number][] = [];
  for (let i = 1; i <= k; i++) edges.push([0, i], [i, k + 1]);
  return input(k + 2 + extraNodes, [...edges, ...extra]);
}

function assertRanksSorted(out: LayoutOutput): void {
  const seen = new Uint8Array(out.nodeCount);
  for (let r = 0; r < out.rankCount; r++) {
    if (r > 0) assert.ok(out.rankTop[r] > out.rankBottom[r - 1], `rank ${r} starts below rank ${r - 1}`);
    for (let i = out.layerStart[r]; i < out.layerStart[r + 1]; i++) {
      const v = out.layerNodes[i];
      assert.equal(out.rank[v], r);
      assert.ok(out.y[v] - out.heights[v] / 2 >= out.rankTop[r] - 1e-3 && out.y[v] + out.heights[v] / 2 <= out.rankBottom[r] + 1e-3, `node ${v} inside its rank's band`);
      if (i > out.layerStart[r]) {
        const u = out.layerNodes[i - 1];
        assert.ok(out.x[u] + out.widths[u] / 2 < out.x[v] - out.widths[v] / 2, `rank ${r}: ${u} and ${v} sorted by x, apart`);
      }
      seen[v]++;
    }
  }
  assert.ok(seen.every((c) => c === 1), 'every node in exactly one rank');
}

/** Does the segment cut the inside of v's box (shrunk by 1 px)? Liang–Barsky clipping. */
function cuts(out: LayoutOutput, v: number, x1: number, y1: number, x2: number, y2: number): boolean {
  const l = out.x[v] - out.widths[v] / 2 + 1;
  const r = out.x[v] + out.widths[v] / 2 - 1;
  const t = out.y[v] - out.heights[v] / 2 + 1;
  const b = out.y[v] + out.heights[v] / 2 - 1;
  let u0 = 0;
  let u1 = 1;
  const dx = x2 - x1;
  const dy = y2 - y1;
  for (const [p, q] of [
    [-dx, x1 - l],
    [dx, r - x1],
    [-dy, y1 - t],
    [dy, b - y1],
  ]) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const u = q / p;
      if (p < 0) u0 = Math.max(u0, u);
      else u1 = Math.min(u1, u);
      if (u0 > u1) return false;
    }
  }
  return true;
}

function assertNoEdgeCutsABox(inp: LayoutInput, out: LayoutOutput): void {
  for (let e = 0; e < inp.edgeFrom.length; e++) {
    for (let k = out.edgePointStart[e] + 1; k < out.edgePointStart[e + 1]; k++) {
      const [x1, y1, x2, y2] = [out.edgePoints[k * 2 - 2], out.edgePoints[k * 2 - 1], out.edgePoints[k * 2], out.edgePoints[k * 2 + 1]];
      for (let v = 0; v < out.nodeCount; v++) {
        if (v === inp.edgeFrom[e] || v === inp.edgeTo[e]) continue;
        assert.ok(!cuts(out, v, x1, y1, x2, y2), `edge ${inp.edgeFrom[e]}→${inp.edgeTo[e]} cuts box ${v}`);
      }
    }
  }
}

test('600 interchangeable items become a grid about 1.6 times as wide as tall, filled row by row in item order', () => {
  const inp = fanOut(600);
  const out = layeredLayout(inp);
  const [block] = findFanOutBlocks(inp, 24, 24, 16);
  assert.equal(block.members.length, 600);
  assert.equal(block.columns * block.rows >= 600 && block.columns * (block.rows - 1) < 600, true, 'no empty row');
  // One row would be 600 boxes wide; the grid is a block, and the whole drawing is no wider than it.
  assert.ok(out.width < 25 * (W + 24), `width ${out.width}`);
  const gridW = block.columns * (W + 24) - 24;
  const gridH = block.rows * (H + 16) - 16;
  assert.ok(gridW / gridH > 1.2 && gridW / gridH < 2.2, `aspect ${gridW / gridH}`);
  // root, then one rank per grid row, then the join.
  assert.equal(out.rankCount, block.rows + 2);
  for (let i = 1; i <= 600; i++) {
    const q = Math.floor((i - 1) / block.columns);
    const c = (i - 1) % block.columns;
    assert.equal(out.rank[i], 1 + q, `item ${i} in grid row ${q}`);
    if (c > 0) assert.ok(out.x[i] > out.x[i - 1], `item ${i} right of item ${i - 1}`);
  }
  assert.ok(out.y[0] < out.y[1] && out.y[601] > out.y[600], 'root above the grid, join below');
  assertRanksSorted(out);
});

test('hit-testing finds every item of the grid at its own box', () => {
  const inp = fanOut(300);
  const out = layeredLayout(inp);
  for (let v = 0; v < out.nodeCount; v++) assert.equal(hitTest(out, out.x[v], out.y[v]), v);
});

test("edges meet the grid at its top (bottom) edge in the item's column, and no line cuts a box", () => {
  // Beside the grid: 602 → 603 leaves a node in the grid's first row downwards; 0 → 604 → 605 → 606 is a
  // chain, and 0 → 606 a long edge whose lane passes the grid's rank.
  const k = 120;
  const inp = fanOut(k, 5, [
    [0, k + 2],
    [k + 2, k + 3],
    [k + 3, k + 1],
    [0, k + 4],
    [k + 4, k + 5],
    [k + 5, k + 6],
    [0, k + 6],
  ]);
  const out = layeredLayout(inp);
  assertRanksSorted(out);
  const top = out.rankTop[out.rank[1]];
  const lastRow = out.rank[k];
  for (let e = 0; e < inp.edgeFrom.length; e++) {
    const a = inp.edgeFrom[e];
    const b = inp.edgeTo[e];
    const s = out.edgePointStart[e];
    const t = out.edgePointStart[e + 1] - 1;
    for (let p = s + 1; p <= t; p++) assert.ok(out.edgePoints[p * 2 + 1] > out.edgePoints[p * 2 - 1], `edge ${a}→${b} runs downwards`);
    if (b >= 1 && b <= k) {
      assert.equal(out.edgePoints[t * 2], out.x[b], 'into the item’s column');
      assert.equal(out.edgePoints[t * 2 + 1], top, 'at the grid’s top');
    } else if (a >= 1 && a <= k) {
      assert.equal(out.edgePoints[s * 2], out.x[a]);
      assert.equal(out.edgePoints[s * 2 + 1], out.rankBottom[lastRow], 'from the grid’s bottom');
    } else {
      assert.equal(out.edgePoints[s * 2 + 1], out.y[a] + H / 2, 'from the bottom of its source');
      assert.equal(out.edgePoints[t * 2 + 1], out.y[b] - H / 2, 'to the top of its target');
    }
  }
  assertNoEdgeCutsABox(inp, out);
});

test('fewer items than the threshold, items with different neighbours, or the option off: one row as before', () => {
  const small = layeredLayout(fanOut(23));
  assert.equal(small.rankCount, 3);
  const off = layeredLayout({ ...fanOut(100), options: { gridFanOutsFrom: 0 } });
  assert.equal(off.rankCount, 3);
  // 40 items, each with its own successor: not interchangeable.
  const edges: [number, number][] = [];
  for (let i = 1; i <= 40; i++) edges.push([0, i], [i, 40 + i]);
  assert.equal(layeredLayout(input(81, edges)).rankCount, 3);
  assert.deepEqual(findFanOutBlocks(input(81, edges), 24, 24, 16), []);
});

test('two fan-outs in one rank share its grid rows; cycles and self loops still lay out', () => {
  // 0 → a (1..30) → 31 and 0 → b (32..81) → 82: both grids in rank 1, rows aligned.
  const edges: [number, number][] = [];
  for (let i = 1; i <= 30; i++) edges.push([0, i], [i, 31]);
  for (let i = 32; i <= 81; i++) edges.push([0, i], [i, 82]);
  const out = layeredLayout(input(83, edges));
  assertRanksSorted(out);
  assert.equal(out.y[1], out.y[32], 'first rows side by side');
  const cyclic = input(30, [...Array.from({ length: 27 }, (_, i) => [0, i + 1] as [number, number]), [28, 0], [0, 28], [29, 29]]);
  const c = layeredLayout(cyclic);
  assertRanksSorted(c);
  assert.equal(c.edgePointStart[cyclic.edgeFrom.length] - c.edgePointStart[cyclic.edgeFrom.length - 1], 0, 'a self loop has no points');
});

test('deterministic: the same input gives byte-identical output', () => {
  const a = layeredLayout(fanOut(500));
  const b = layeredLayout(fanOut(500));
  assert.deepEqual(Buffer.from(a.x.buffer), Buffer.from(b.x.buffer));
  assert.deepEqual(Buffer.from(a.edgePoints.buffer), Buffer.from(b.edgePoints.buffer));
});
