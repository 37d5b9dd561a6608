import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layeredLayout } from '../../../webview/layout/layered';
import {
  chooseLod,
  clampScale,
  fitTransform,
  forEachNodeIn,
  hitTest,
  initialTransform,
  lodThresholds,
  screenToWorld,
  wantsMinimap,
  zoomAt,
} from '../../../webview/layout/view';

// A 3-layer graph: 0 → 1, 0 → 2, 1 → 3, 2 → 3 (a diamond), boxes 100 × 40.
const layout = layeredLayout({
  nodeCount: 4,
  edgeFrom: Int32Array.from([0, 0, 1, 2]),
  edgeTo: Int32Array.from([1, 2, 3, 3]),
  widths: new Float32Array(4).fill(100),
  heights: new Float32Array(4).fill(40),
});

test('LOD: text only when legible, boxes in between, dots when far out', () => {
  assert.equal(chooseLod(1), 'full');
  assert.equal(chooseLod(lodThresholds.full), 'full');
  assert.equal(chooseLod(lodThresholds.full - 0.01), 'boxes');
  assert.equal(chooseLod(lodThresholds.boxes), 'boxes');
  assert.equal(chooseLod(lodThresholds.boxes - 0.001), 'dots');
  assert.equal(chooseLod(0.001), 'dots');
});

test('hit-testing finds the box under a point, and nothing between boxes', () => {
  for (let v = 0; v < 4; v++) {
    assert.equal(hitTest(layout, layout.x[v], layout.y[v]), v, `centre of ${v}`);
    assert.equal(hitTest(layout, layout.x[v] + 49, layout.y[v] - 19), v, `corner of ${v}`);
  }
  // Between layers and left of everything.
  assert.equal(hitTest(layout, layout.x[0], (layout.rankBottom[0] + layout.rankTop[1]) / 2), -1);
  assert.equal(hitTest(layout, -500, layout.y[0]), -1);
  // Between nodes 1 and 2 of the middle layer: a miss, unless slop reaches a box.
  const mid = (layout.x[1] + layout.x[2]) / 2;
  assert.equal(hitTest(layout, mid, layout.y[1]), -1);
  assert.notEqual(hitTest(layout, mid, layout.y[1], 100), -1);
});

test('culling visits exactly the boxes that overlap the window', () => {
  const seen: number[] = [];
  forEachNodeIn(layout, -1e6, -1e6, 1e6, 1e6, (v) => seen.push(v));
  assert.deepEqual(seen.sort(), [0, 1, 2, 3]);
  const top: number[] = [];
  forEachNodeIn(layout, -1e6, -1e6, 1e6, layout.rankBottom[0], (v) => top.push(v));
  assert.deepEqual(top, [0]);
  const none: number[] = [];
  forEachNodeIn(layout, -1e6, layout.height + 10, 1e6, layout.height + 20, (v) => none.push(v));
  assert.deepEqual(none, []);
});

test('fit shows the whole graph centred; zoom keeps the point under the cursor', () => {
  const t = fitTransform(layout, 800, 600);
  assert.ok(layout.width * t.scale <= 800 && layout.height * t.scale <= 600);
  assert.ok(Math.abs(t.panX - (800 - layout.width * t.scale) / 2) < 1e-6);
  const z = zoomAt(t, 2, 300, 200);
  const before = screenToWorld(t, 300, 200);
  const after = screenToWorld(z, 300, 200);
  assert.ok(Math.abs(before[0] - after[0]) < 1e-9 && Math.abs(before[1] - after[1]) < 1e-9);
  assert.equal(clampScale(1e9), 3);
  assert.equal(clampScale(0), 0.002);
});

test('initial view: small graphs fit, huge ones start at the top, never unreadably small', () => {
  assert.deepEqual(initialTransform(layout, 800, 600), fitTransform(layout, 800, 600));
  const huge = { width: 20000, height: 15000 };
  const t = initialTransform(huge, 1280, 800);
  assert.ok(t.scale >= lodThresholds.boxes);
  assert.equal(t.panY, 24);
});

test('the minimap appears only for graphs larger than the view', () => {
  assert.equal(wantsMinimap(4, layout, { scale: 1, panX: 0, panY: 0 }, 800, 600), false);
  assert.equal(wantsMinimap(1000, { width: 20000, height: 15000 }, { scale: 0.2, panX: 0, panY: 0 }, 800, 600), true);
  assert.equal(wantsMinimap(1000, { width: 2000, height: 1500 }, { scale: 0.2, panX: 0, panY: 0 }, 800, 600), false);
});
