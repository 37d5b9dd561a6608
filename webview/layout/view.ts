/**
 * Viewport maths, level of detail and hit-testing on a finished layout. Pure (no DOM) so the unit
 * tests cover exactly what the renderer uses.
 */
import type { LayoutOutput } from './layered';

/** The subset of a layout that searching by position needs. */
export type SpatialLayout = Pick<
  LayoutOutput,
  'x' | 'y' | 'widths' | 'heights' | 'rankCount' | 'rankTop' | 'rankBottom' | 'layerStart' | 'layerNodes' | 'width' | 'height'
>;

/** Screen = world × scale + pan. */
export interface ViewTransform {
  scale: number;
  panX: number;
  panY: number;
}

/**
 * How much to draw per node:
 * - `full`: shape, icon, label and subtitle (text is legible from ~6 px font size up);
 * - `boxes`: filled boxes and edges, no text (text would be unreadable and costs most);
 * - `dots`: a few pixels per node and bundled edges.
 */
export type Lod = 'full' | 'boxes' | 'dots';

export const lodThresholds = { full: 0.45, boxes: 0.1 } as const;

export function chooseLod(scale: number): Lod {
  if (scale >= lodThresholds.full) return 'full';
  if (scale >= lodThresholds.boxes) return 'boxes';
  return 'dots';
}

export const minScale = 0.002;
export const maxScale = 3;

export function clampScale(scale: number): number {
  return Math.min(maxScale, Math.max(minScale, scale));
}

/** A transform showing the whole layout inside a viewport with a margin. */
export function fitTransform(layout: Pick<SpatialLayout, 'width' | 'height'>, viewW: number, viewH: number, margin = 24): ViewTransform {
  const w = Math.max(1, layout.width);
  const h = Math.max(1, layout.height);
  const scale = clampScale(Math.min(1, (viewW - 2 * margin) / w, (viewH - 2 * margin) / h));
  return { scale, panX: (viewW - w * scale) / 2, panY: (viewH - h * scale) / 2 };
}

/**
 * The first view of a graph: the whole graph when it fits legibly; otherwise the top of the graph
 * at the full width (tall pipelines read top-down), never below the fit-all scale.
 */
export function initialTransform(layout: Pick<SpatialLayout, 'width' | 'height'>, viewW: number, viewH: number, margin = 24): ViewTransform {
  const fit = fitTransform(layout, viewW, viewH, margin);
  if (fit.scale >= lodThresholds.full) return fit;
  const widthScale = clampScale(Math.min(1, (viewW - 2 * margin) / Math.max(1, layout.width)));
  const scale = Math.max(fit.scale, Math.max(widthScale, lodThresholds.boxes));
  return { scale, panX: Math.max(margin, (viewW - layout.width * scale) / 2), panY: margin };
}

/** Zoom by `factor` keeping the screen point (sx, sy) fixed. */
export function zoomAt(t: ViewTransform, factor: number, sx: number, sy: number): ViewTransform {
  const scale = clampScale(t.scale * factor);
  const k = scale / t.scale;
  return { scale, panX: sx - (sx - t.panX) * k, panY: sy - (sy - t.panY) * k };
}

/** Centre the world point (wx, wy) in the viewport. */
export function centreOn(t: ViewTransform, wx: number, wy: number, viewW: number, viewH: number): ViewTransform {
  return { scale: t.scale, panX: viewW / 2 - wx * t.scale, panY: viewH / 2 - wy * t.scale };
}

export function screenToWorld(t: ViewTransform, sx: number, sy: number): [number, number] {
  return [(sx - t.panX) / t.scale, (sy - t.panY) / t.scale];
}

/** First rank whose bottom is ≥ y (binary search; ranks are sorted top to bottom). */
export function firstRankBelow(l: SpatialLayout, y: number): number {
  let lo = 0;
  let hi = l.rankCount;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (l.rankBottom[mid] < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range [begin, end) into layerNodes of rank r whose boxes overlap [x0, x1]. */
export function layerSpan(l: SpatialLayout, r: number, x0: number, x1: number): [number, number] {
  const start = l.layerStart[r];
  const stop = l.layerStart[r + 1];
  // Boxes in a layer are sorted by x and do not overlap, so right edges are sorted too.
  let lo = start;
  let hi = stop;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = l.layerNodes[mid];
    if (l.x[v] + l.widths[v] / 2 < x0) lo = mid + 1;
    else hi = mid;
  }
  const begin = lo;
  hi = stop;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = l.layerNodes[mid];
    if (l.x[v] - l.widths[v] / 2 <= x1) lo = mid + 1;
    else hi = mid;
  }
  return [begin, lo];
}

/** Calls `visit` for every node whose box overlaps the world rectangle; O(log n + visible). */
export function forEachNodeIn(l: SpatialLayout, x0: number, y0: number, x1: number, y1: number, visit: (v: number) => void): void {
  for (let r = firstRankBelow(l, y0); r < l.rankCount && l.rankTop[r] <= y1; r++) {
    const [begin, end] = layerSpan(l, r, x0, x1);
    for (let i = begin; i < end; i++) {
      const v = l.layerNodes[i];
      const halfH = l.heights[v] / 2;
      if (l.y[v] + halfH >= y0 && l.y[v] - halfH <= y1) visit(v);
    }
  }
}

/** The node under the world point, or -1. `slop` widens boxes (in world units) for small targets. */
export function hitTest(l: SpatialLayout, wx: number, wy: number, slop = 0): number {
  let found = -1;
  let best = Infinity;
  forEachNodeIn(l, wx - slop, wy - slop, wx + slop, wy + slop, (v) => {
    const dx = Math.max(0, Math.abs(wx - l.x[v]) - l.widths[v] / 2);
    const dy = Math.max(0, Math.abs(wy - l.y[v]) - l.heights[v] / 2);
    const d = dx * dx + dy * dy;
    if (d < best) {
      best = d;
      found = v;
    }
  });
  return found;
}

/** Whether the overview map is worth showing: only when the graph is much larger than the view. */
export function wantsMinimap(nodeCount: number, l: Pick<SpatialLayout, 'width' | 'height'>, t: ViewTransform, viewW: number, viewH: number): boolean {
  if (nodeCount < 30) return false;
  return l.width * t.scale > viewW * 1.2 || l.height * t.scale > viewH * 1.2;
}
