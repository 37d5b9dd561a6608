import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layeredLayout, type LayoutInput, type LayoutOutput } from '../../../webview/layout/layered';
import { projectGraph } from '../../../webview/layout/project';
import { generateSampleGraph } from '../../../bench/dag/sampleGraph';

function input(n: number, edges: [number, number][], width = 100, height = 40): LayoutInput {
  return {
    nodeCount: n,
    edgeFrom: Int32Array.from(edges.map((e) => e[0])),
    edgeTo: Int32Array.from(edges.map((e) => e[1])),
    widths: new Float32Array(n).fill(width),
    heights: new Float32Array(n).fill(height),
  };
}

function sampleInput(nodes: number, seed = 3): LayoutInput {
  const p = projectGraph(generateSampleGraph(nodes, { seed }), new Set());
  const k = p.visible.length;
  return { nodeCount: k, edgeFrom: p.edgeFrom, edgeTo: p.edgeTo, widths: new Float32Array(k).fill(184), heights: new Float32Array(k).fill(44) };
}

function assertNoOverlapInLayers(out: LayoutOutput, gap = 0): void {
  for (let r = 0; r < out.rankCount; r++) {
    for (let i = out.layerStart[r] + 1; i < out.layerStart[r + 1]; i++) {
      const a = out.layerNodes[i - 1];
      const b = out.layerNodes[i];
      const rightOfA = out.x[a] + out.widths[a] / 2;
      const leftOfB = out.x[b] - out.widths[b] / 2;
      assert.ok(leftOfB - rightOfA >= gap - 1e-3, `rank ${r}: nodes ${a} and ${b} overlap (${rightOfA} > ${leftOfB})`);
    }
  }
}

test('a chain is laid out top to bottom, one node per layer', () => {
  const out = layeredLayout(input(3, [[0, 1], [1, 2]]));
  assert.deepEqual(Array.from(out.rank), [0, 1, 2]);
  assert.ok(out.y[0] < out.y[1] && out.y[1] < out.y[2]);
  // A straight chain stays straight.
  assert.equal(out.x[0], out.x[1]);
  assert.equal(out.x[1], out.x[2]);
});

test('every edge goes downward in rank order (acyclic input)', () => {
  // One row per layer here (fan-out grids add rows and bends: fanOutGrid.test.ts).
  const inp = { ...sampleInput(1500), options: { gridFanOutsFrom: 0 } };
  const out = layeredLayout(inp);
  assert.equal(out.edgeReversed.reduce((a, b) => a + b, 0), 0, 'nothing to reverse in a DAG');
  for (let e = 0; e < inp.edgeFrom.length; e++) {
    const a = inp.edgeFrom[e];
    const b = inp.edgeTo[e];
    assert.ok(out.rank[b] > out.rank[a], `edge ${a}→${b}: rank ${out.rank[a]} → ${out.rank[b]}`);
    assert.ok(out.y[b] > out.y[a]);
    // Its polyline runs from the bottom of the source to the top of the target, monotonically down.
    const s = out.edgePointStart[e];
    const t = out.edgePointStart[e + 1];
    assert.equal(t - s, out.rank[b] - out.rank[a] + 1, 'one bend point per crossed layer');
    for (let k = s + 1; k < t; k++) assert.ok(out.edgePoints[k * 2 + 1] > out.edgePoints[(k - 1) * 2 + 1]);
  }
});

test('no two nodes of a layer overlap, with the requested gap', () => {
  const inp = sampleInput(3000);
  const out = layeredLayout({ ...inp, options: { nodeSep: 24 } });
  assertNoOverlapInLayers(out, 24);
  // Dummy lanes are spaced too: bend points of different edges in one layer never coincide.
  const seen = new Set<string>();
  for (let e = 0; e < inp.edgeFrom.length; e++) {
    for (let k = out.edgePointStart[e] + 1; k < out.edgePointStart[e + 1] - 1; k++) {
      const key = `${out.edgePoints[k * 2].toFixed(2)},${out.edgePoints[k * 2 + 1]}`;
      assert.ok(!seen.has(key), `two long edges share the lane at ${key}`);
      seen.add(key);
    }
  }
});

test('layers list every node exactly once, sorted by x', () => {
  const inp = sampleInput(800);
  const out = layeredLayout(inp);
  const seen = new Uint8Array(inp.nodeCount);
  for (let r = 0; r < out.rankCount; r++) {
    for (let i = out.layerStart[r]; i < out.layerStart[r + 1]; i++) {
      const v = out.layerNodes[i];
      assert.equal(out.rank[v], r);
      seen[v]++;
      if (i > out.layerStart[r]) assert.ok(out.x[out.layerNodes[i - 1]] < out.x[v]);
    }
  }
  assert.ok(seen.every((c) => c === 1));
  // The drawing starts at x = 0 and its width covers every box.
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < inp.nodeCount; v++) {
    min = Math.min(min, out.x[v] - out.widths[v] / 2);
    max = Math.max(max, out.x[v] + out.widths[v] / 2);
  }
  assert.ok(Math.abs(min) < 1e-3 || min >= 0);
  assert.ok(max <= out.width + 1e-3);
});

test('deterministic: the same input gives byte-identical output', () => {
  const a = layeredLayout(sampleInput(2000, 11));
  const b = layeredLayout(sampleInput(2000, 11));
  assert.deepEqual(Buffer.from(a.x.buffer), Buffer.from(b.x.buffer));
  assert.deepEqual(Buffer.from(a.y.buffer), Buffer.from(b.y.buffer));
  assert.deepEqual(Buffer.from(a.edgePoints.buffer), Buffer.from(b.edgePoints.buffer));
});

test('cycles are broken by reversing an edge, which then points upward', () => {
  const out = layeredLayout(input(3, [[0, 1], [1, 2], [2, 0]]));
  assert.equal(out.edgeReversed[2], 1);
  assert.equal(out.edgeReversed[0] + out.edgeReversed[1], 0);
  // Edge 2→0 is drawn from node 2 (bottom) to node 0 (top).
  const s = out.edgePointStart[2];
  const t = out.edgePointStart[3] - 1;
  assert.ok(out.edgePoints[s * 2 + 1] > out.edgePoints[t * 2 + 1]);
});

test('self loops and empty graphs do not break the layout', () => {
  const loop = layeredLayout(input(2, [[0, 0], [0, 1]]));
  assert.equal(loop.edgePointStart[1] - loop.edgePointStart[0], 0, 'a self loop has no polyline');
  assert.equal(loop.rank[1], 1);
  const empty = layeredLayout(input(0, []));
  assert.equal(empty.rankCount, 0);
  assert.equal(empty.width, 0);
});

test('a source feeding only a deep node sits right above it', () => {
  // 0→1→2→3 and 4→3: node 4 belongs on rank 2, not rank 0.
  const out = layeredLayout(input(5, [[0, 1], [1, 2], [2, 3], [4, 3]]));
  assert.equal(out.rank[4], 2);
});

test('barycenter ordering keeps two independent chains uncrossed', () => {
  // Two chains whose second layer would cross if ordered by index: 0→3, 1→2.
  const out = layeredLayout(input(4, [[0, 3], [1, 2]]));
  assert.equal(Math.sign(out.x[0] - out.x[1]), Math.sign(out.x[3] - out.x[2]));
});

test('10,000 nodes lay out without blowing up (a loose bound; speed is measured by bench:dag)', () => {
  const inp = sampleInput(10000);
  const t0 = performance.now();
  const out = layeredLayout(inp);
  const ms = performance.now() - t0;
  assert.equal(out.nodeCount, inp.nodeCount);
  assert.ok(ms < 5000, `took ${ms} ms`);
});
