/**
 * Canvas renderer. One canvas for the whole graph (a DOM element per node stalls at a few thousand
 * nodes), culled to the viewport by binary search over the layers, batched by colour so a frame is
 * a handful of fill/stroke calls, and three levels of detail (see chooseLod).
 * Every string from the pipeline file is drawn with fillText: text, never markup.
 */
import { EdgeStyle } from './layout/project';
import { chooseLod, forEachNodeIn, type Lod, type ViewTransform } from './layout/view';
import { NodeFlag, sceneBundles, type Scene } from './scene';
import { kindCodes, type Theme } from './theme';

export interface FrameStats {
  lod: Lod;
  nodesDrawn: number;
  edgesDrawn: number;
}

const kindIcon: Record<(typeof kindCodes)[number], string> = {
  container: '▣',
  script: 'ƒ',
  resource: '☸',
  spark: '✦',
  'spark-driver': '✦',
  'spark-executor': '✧',
  suspend: '‖',
  http: '⇄',
  plugin: '⚙',
  'kfp-component': '▣',
  sagemaker: '◈',
  condition: '◆',
  group: '▾',
  unresolved: '?',
};

const conditionCode = kindCodes.indexOf('condition');
const unresolvedCode = kindCodes.indexOf('unresolved');

// Reused between frames to avoid allocation while panning.
let bucketNodes = new Int32Array(0);
const bucketCount = new Int32Array(64);

export function drawScene(
  ctx: CanvasRenderingContext2D,
  scene: Scene,
  t: ViewTransform,
  viewW: number,
  viewH: number,
  dpr: number,
  theme: Theme,
): FrameStats {
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, viewW, viewH);
  const lod = chooseLod(t.scale);
  const l = scene.layout;
  // Visible world rectangle, with a margin so strokes at the border are not cut.
  const margin = 8 / t.scale;
  const x0 = -t.panX / t.scale - margin;
  const y0 = -t.panY / t.scale - margin;
  const x1 = (viewW - t.panX) / t.scale + margin;
  const y1 = (viewH - t.panY) / t.scale + margin;
  ctx.setTransform(dpr * t.scale, 0, 0, dpr * t.scale, dpr * t.panX, dpr * t.panY);

  const edgesDrawn = lod === 'dots' ? drawBundles(ctx, scene, t, x0, y0, x1, y1, theme) : drawEdges(ctx, scene, t, lod, x0, y0, x1, y1, theme);

  // Collect visible nodes once, bucketed by palette (status colour wins over kind colour).
  if (bucketNodes.length < scene.count) bucketNodes = new Int32Array(scene.count);
  const visible: number[] = [];
  forEachNodeIn(l, x0, y0, x1, y1, (v) => visible.push(v));
  if (lod === 'full') drawFull(ctx, scene, t, visible, theme);
  else drawBoxes(ctx, scene, t, visible, theme, lod);
  return { lod, nodesDrawn: visible.length, edgesDrawn };
}

function paletteOf(scene: Scene, v: number): number {
  return scene.status[v] ? 32 + scene.status[v] : scene.kind[v];
}

function colourOf(theme: Theme, palette: number): string {
  return palette >= 32 ? theme.status[palette - 32] : theme.kind[palette];
}

function drawBoxes(ctx: CanvasRenderingContext2D, scene: Scene, t: ViewTransform, visible: number[], theme: Theme, lod: Lod): void {
  const l = scene.layout;
  // Buckets as a counting sort over palette indices: O(visible), no per-node state changes.
  bucketCount.fill(0);
  for (const v of visible) bucketCount[paletteOf(scene, v)]++;
  const starts = new Int32Array(65);
  for (let p = 0; p < 64; p++) starts[p + 1] = starts[p] + bucketCount[p];
  const fill = starts.slice(0, 64);
  for (const v of visible) bucketNodes[fill[paletteOf(scene, v)]++] = v;
  // Never smaller than ~2 screen pixels, or zoomed-out graphs vanish.
  const minSize = 2 / t.scale;
  const anyDimmed = visible.some((v) => scene.flags[v] & NodeFlag.Dimmed);
  for (let p = 0; p < 64; p++) {
    if (starts[p] === starts[p + 1]) continue;
    ctx.fillStyle = colourOf(theme, p) || theme.muted;
    for (const pass of anyDimmed ? [0, 1] : [0]) {
      ctx.globalAlpha = pass === 1 ? 0.25 : lod === 'dots' ? 1 : 0.8;
      ctx.beginPath();
      for (let i = starts[p]; i < starts[p + 1]; i++) {
        const v = bucketNodes[i];
        const dimmed = (scene.flags[v] & NodeFlag.Dimmed) !== 0;
        if (anyDimmed && dimmed !== (pass === 1)) continue;
        const w = Math.max(minSize, l.widths[v]);
        const h = Math.max(minSize, l.heights[v]);
        ctx.rect(l.x[v] - w / 2, l.y[v] - h / 2, w, h);
      }
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;
  // Selection and search matches must stay findable when zoomed out: outline them.
  ctx.lineWidth = 3 / t.scale;
  for (const v of visible) {
    const f = scene.flags[v];
    if (!(f & (NodeFlag.Selected | NodeFlag.Match | NodeFlag.Hovered))) continue;
    ctx.strokeStyle = f & NodeFlag.Selected ? theme.selection : f & NodeFlag.Match ? theme.match : theme.focus;
    const w = Math.max(minSize, l.widths[v]) + 6 / t.scale;
    const h = Math.max(minSize, l.heights[v]) + 6 / t.scale;
    ctx.strokeRect(l.x[v] - w / 2, l.y[v] - h / 2, w, h);
  }
}

function nodePath(ctx: CanvasRenderingContext2D, scene: Scene, v: number): void {
  const l = scene.layout;
  const w = l.widths[v];
  const h = l.heights[v];
  const left = l.x[v] - w / 2;
  const top = l.y[v] - h / 2;
  if (scene.kind[v] === conditionCode) {
    // Condition: a hexagon (a diamond would leave no room for the label).
    const k = h / 2;
    ctx.moveTo(left + k, top);
    ctx.lineTo(left + w - k, top);
    ctx.lineTo(left + w, top + h / 2);
    ctx.lineTo(left + w - k, top + h);
    ctx.lineTo(left + k, top + h);
    ctx.lineTo(left, top + h / 2);
    ctx.closePath();
  } else {
    ctx.roundRect(left, top, w, h, scene.group[v] ? 2 : 6);
  }
}

function drawFull(ctx: CanvasRenderingContext2D, scene: Scene, t: ViewTransform, visible: number[], theme: Theme): void {
  const l = scene.layout;
  const px = 1 / t.scale;
  // Collapsed groups: a second box behind, so they read as "a stack of steps".
  ctx.beginPath();
  for (const v of visible) {
    if (scene.group[v] && scene.projection.hiddenCount[v] > 0) ctx.roundRect(l.x[v] - l.widths[v] / 2 + 5, l.y[v] - l.heights[v] / 2 + 5, l.widths[v], l.heights[v], 2);
  }
  ctx.fillStyle = theme.nodeFill;
  ctx.fill();
  ctx.strokeStyle = theme.nodeBorder;
  ctx.lineWidth = px;
  ctx.stroke();

  // Bodies.
  ctx.beginPath();
  for (const v of visible) nodePath(ctx, scene, v);
  ctx.fillStyle = theme.nodeFill;
  ctx.fill();

  // Status tint and search matches over the body.
  for (const v of visible) {
    const s = scene.status[v];
    const f = scene.flags[v];
    if (!s && !(f & NodeFlag.Match)) continue;
    ctx.beginPath();
    nodePath(ctx, scene, v);
    ctx.globalAlpha = f & NodeFlag.Match ? 1 : 0.22;
    ctx.fillStyle = f & NodeFlag.Match ? theme.match : theme.status[s];
    ctx.fill();
  }
  ctx.globalAlpha = 1;

  // Accent stripe per kind (status colour when running), clipped to the node's left edge.
  for (const v of visible) {
    if (scene.kind[v] === conditionCode) continue;
    ctx.fillStyle = colourOf(theme, paletteOf(scene, v)) || theme.muted;
    ctx.beginPath();
    ctx.roundRect(l.x[v] - l.widths[v] / 2, l.y[v] - l.heights[v] / 2, 4, l.heights[v], [6, 0, 0, 6]);
    ctx.fill();
  }

  // Borders: normal ones in one stroke; unresolved ones dashed; selection and hover on top.
  ctx.lineWidth = theme.highContrast ? 2 * px : px;
  ctx.strokeStyle = theme.contrastBorder || theme.nodeBorder;
  ctx.beginPath();
  for (const v of visible) if (scene.kind[v] !== unresolvedCode && !scene.status[v]) nodePath(ctx, scene, v);
  ctx.stroke();
  for (const v of visible) {
    if (!scene.status[v]) continue;
    ctx.strokeStyle = theme.status[scene.status[v]];
    ctx.lineWidth = 2 * px;
    ctx.beginPath();
    nodePath(ctx, scene, v);
    ctx.stroke();
  }
  ctx.setLineDash([4 * px, 3 * px]);
  ctx.strokeStyle = theme.kind[unresolvedCode];
  ctx.lineWidth = 1.5 * px;
  ctx.beginPath();
  for (const v of visible) if (scene.kind[v] === unresolvedCode && !scene.status[v]) nodePath(ctx, scene, v);
  ctx.stroke();
  ctx.setLineDash([]);
  for (const v of visible) {
    const f = scene.flags[v];
    if (!(f & (NodeFlag.Selected | NodeFlag.Hovered))) continue;
    ctx.strokeStyle = f & NodeFlag.Selected ? theme.selection : theme.focus;
    ctx.lineWidth = (f & NodeFlag.Selected ? 2.5 : 1.5) * px;
    ctx.beginPath();
    nodePath(ctx, scene, v);
    ctx.stroke();
  }

  // Text: icon, label, subtitle. Fonts in world units; the transform scales them.
  const iconX = 16;
  const textX = 30;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.font = `13px ${theme.font}`;
  for (const v of visible) {
    const left = l.x[v] - l.widths[v] / 2;
    ctx.fillStyle = colourOf(theme, scene.kind[v]) || theme.foreground;
    const icon = scene.group[v] ? (scene.projection.hiddenCount[v] > 0 ? '▸' : '▾') : kindIcon[kindCodes[scene.kind[v]]];
    ctx.fillText(icon, left + iconX - 4, l.y[v]);
  }
  ctx.font = `600 12px ${theme.font}`;
  ctx.fillStyle = theme.foreground;
  for (const v of visible) {
    const left = l.x[v] - l.widths[v] / 2;
    const maxW = l.widths[v] - textX - 8;
    let label = scene.fitted[v];
    if (label === undefined) label = scene.fitted[v] = fitText(ctx, scene.labels[v], maxW);
    ctx.fillText(label, left + textX, l.y[v] - 7);
  }
  ctx.font = `11px ${theme.font}`;
  ctx.fillStyle = theme.muted;
  for (const v of visible) {
    const left = l.x[v] - l.widths[v] / 2;
    ctx.fillText(fitText(ctx, scene.subtitles[v], l.widths[v] - textX - 8), left + textX, l.y[v] + 9);
  }
  // Search filter: nodes that do not match fade under a veil of background colour, text included.
  ctx.beginPath();
  let anyDimmed = false;
  for (const v of visible) {
    if (!(scene.flags[v] & NodeFlag.Dimmed)) continue;
    anyDimmed = true;
    ctx.rect(l.x[v] - l.widths[v] / 2 - 1, l.y[v] - l.heights[v] / 2 - 1, l.widths[v] + 8, l.heights[v] + 8);
  }
  if (anyDimmed) {
    ctx.globalAlpha = 0.6;
    ctx.fillStyle = theme.background;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
}

/** Shortens text with an ellipsis to fit maxW (binary search over the length). */
export function fitText(ctx: CanvasRenderingContext2D, text: string, maxW: number): string {
  if (ctx.measureText(text).width <= maxW) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(text.slice(0, mid) + '…').width <= maxW) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + '…';
}

function edgeColour(theme: Theme, style: number): string {
  switch (style) {
    case EdgeStyle.ConditionTrue:
      return theme.status[3] || theme.edge;
    case EdgeStyle.ConditionFalse:
      return theme.status[4] || theme.edge;
    default:
      return theme.edge;
  }
}

function drawEdges(ctx: CanvasRenderingContext2D, scene: Scene, t: ViewTransform, lod: Lod, x0: number, y0: number, x1: number, y1: number, theme: Theme): number {
  const l = scene.layout;
  const p = scene.projection;
  const box = scene.edgeBox;
  const pts = l.edgePoints;
  const px = 1 / t.scale;
  let drawn = 0;
  const curved = lod === 'full';
  for (let style = 0; style <= EdgeStyle.Contains; style++) {
    ctx.beginPath();
    let any = false;
    for (let e = 0; e < p.edgeFrom.length; e++) {
      if (p.edgeStyle[e] !== style) continue;
      if (box[e * 4] > x1 || box[e * 4 + 2] < x0 || box[e * 4 + 1] > y1 || box[e * 4 + 3] < y0) continue;
      const a = l.edgePointStart[e];
      const b = l.edgePointStart[e + 1];
      if (b - a < 2) continue;
      any = true;
      drawn++;
      ctx.moveTo(pts[a * 2], pts[a * 2 + 1]);
      for (let k = a + 1; k < b; k++) {
        const qx = pts[k * 2];
        const qy = pts[k * 2 + 1];
        if (curved) {
          const sx = pts[(k - 1) * 2];
          const sy = pts[(k - 1) * 2 + 1];
          const my = (sy + qy) / 2;
          ctx.bezierCurveTo(sx, my, qx, my, qx, qy);
        } else {
          ctx.lineTo(qx, qy);
        }
      }
      if (curved) {
        // Arrowhead along the last segment's end direction (vertical for the curves we draw).
        const sy = pts[(b - 2) * 2 + 1];
        const qx = pts[(b - 1) * 2];
        const qy = pts[(b - 1) * 2 + 1];
        const dir = qy >= sy ? 1 : -1;
        ctx.moveTo(qx - 4, qy - 7 * dir);
        ctx.lineTo(qx, qy);
        ctx.lineTo(qx + 4, qy - 7 * dir);
      }
    }
    if (!any) continue;
    ctx.strokeStyle = edgeColour(theme, style);
    // Straight edges (the zoomed-out "boxes" view) are 1 px: software canvas rasterizes lines of
    // 1 px or less on a fast path; at 1.2 px the edge stroke alone was ~30 ms of a 1k-node first frame.
    ctx.lineWidth = (theme.highContrast ? 2 : curved ? 1.2 : 1) * px;
    if (style === EdgeStyle.Contains || style === EdgeStyle.Exit) ctx.setLineDash([3 * px, 3 * px]);
    ctx.globalAlpha = style === EdgeStyle.Contains ? 0.6 : 1;
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
  }
  if (curved) drawEdgeLabels(ctx, scene, x0, y0, x1, y1, theme);
  return drawn;
}

/** Condition labels ("true"/"false", "Failed") near each edge's midpoint, as plain text. */
function drawEdgeLabels(ctx: CanvasRenderingContext2D, scene: Scene, x0: number, y0: number, x1: number, y1: number, theme: Theme): void {
  if (!scene.edgeLabels.length) return;
  const box = scene.edgeBox;
  const l = scene.layout;
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = 'left';
  ctx.fillStyle = theme.muted;
  for (const { edge: e, text } of scene.edgeLabels) {
    if (box[e * 4] > x1 || box[e * 4 + 2] < x0 || box[e * 4 + 1] > y1 || box[e * 4 + 3] < y0) continue;
    const s = l.edgePointStart[e];
    const end = l.edgePointStart[e + 1] - 1;
    if (end <= s) continue;
    // Near the target end: edges leaving one node share their start, so midpoints collide.
    const t = 0.72;
    const mx = l.edgePoints[s * 2] * (1 - t) + l.edgePoints[end * 2] * t;
    const my = l.edgePoints[s * 2 + 1] * (1 - t) + l.edgePoints[end * 2 + 1] * t;
    ctx.fillText(text, mx + 6, my);
  }
}

function drawBundles(ctx: CanvasRenderingContext2D, scene: Scene, t: ViewTransform, x0: number, y0: number, x1: number, y1: number, theme: Theme): number {
  const b = sceneBundles(scene);
  ctx.beginPath();
  let drawn = 0;
  for (let i = 0; i < b.length; i += 4) {
    const ax = b[i];
    const ay = b[i + 1];
    const bx = b[i + 2];
    const by = b[i + 3];
    if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) continue;
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    drawn++;
  }
  ctx.strokeStyle = theme.edge;
  ctx.globalAlpha = 0.5;
  ctx.lineWidth = 1 / t.scale;
  ctx.stroke();
  ctx.globalAlpha = 1;
  return drawn;
}

/**
 * The overview map: one pixel-ish dot per node written straight into ImageData (10k nodes in well
 * under a millisecond), re-rendered on layout or status change; the viewport box is drawn per frame.
 */
export class Minimap {
  private image: ImageData | undefined;
  private sx = 1;
  private sy = 1;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  render(scene: Scene, theme: Theme, colourToRgb: (c: string) => number): void {
    const w = this.canvas.width;
    const h = this.canvas.height;
    const ctx = this.canvas.getContext('2d');
    if (!ctx || w === 0 || h === 0) return;
    const image = ctx.createImageData(w, h);
    const pixels = new Uint32Array(image.data.buffer);
    const l = scene.layout;
    // Stretch to fill the box: tall pipelines would otherwise be a one-pixel strip.
    this.sx = (w - 4) / Math.max(1, l.width);
    this.sy = (h - 4) / Math.max(1, l.height);
    const cache = new Map<number, number>();
    for (let v = 0; v < scene.count; v++) {
      const palette = paletteOf(scene, v);
      let rgba = cache.get(palette);
      if (rgba === undefined) cache.set(palette, (rgba = colourToRgb(colourOf(theme, palette) || theme.muted)));
      const px = Math.round(2 + l.x[v] * this.sx);
      const py = Math.round(2 + l.y[v] * this.sy);
      const halfW = Math.max(0, Math.round((l.widths[v] * this.sx) / 2) - 1);
      for (let x = px - halfW; x <= px + halfW; x++) {
        if (x >= 0 && x < w && py >= 0 && py < h) pixels[py * w + x] = rgba;
      }
    }
    this.image = image;
  }

  draw(t: ViewTransform, viewW: number, viewH: number, theme: Theme): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx || !this.image) return;
    ctx.putImageData(this.image, 0, 0);
    ctx.strokeStyle = theme.focus;
    ctx.lineWidth = 1;
    const x = 2 + (-t.panX / t.scale) * this.sx;
    const y = 2 + (-t.panY / t.scale) * this.sy;
    ctx.strokeRect(x, y, Math.max(3, (viewW / t.scale) * this.sx), Math.max(3, (viewH / t.scale) * this.sy));
  }

  /** World point under a minimap pixel. */
  toWorld(mx: number, my: number): [number, number] {
    return [(mx - 2) / this.sx, (my - 2) / this.sy];
  }
}
