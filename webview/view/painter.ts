/**
 * Paints the scene on the panel's canvas, and the minimap. Paints are batched to animation frames.
 *
 * While the view moves (pan, zoom), frames are blits of a pre-rendered bitmap of the viewport plus a
 * margin: software canvas cannot redraw thousands of nodes at 60 fps, but it can move a bitmap. Any
 * change other than the view (graph, status, selection, theme) invalidates it, and a crisp repaint
 * follows once the view settles.
 */
import { wantsMinimap } from '../layout/view';
import { drawScene, Minimap } from '../renderer';
import type { Scene } from '../scene';
import type { Theme } from '../theme';
import type { Viewport } from './viewport';

export interface PainterSource {
  scene(): Scene | undefined;
  theme(): Theme;
}

export class Painter {
  private framePending = false;
  /** Something changed since the last paint (cleared by every paint). */
  private paintWanted = false;
  private prerenderTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly cache = { canvas: document.createElement('canvas'), valid: false, scale: 1, panX: 0, panY: 0, mx: 0, my: 0 };
  private readonly rgbCache = new Map<string, number>();
  readonly minimap: Minimap;

  constructor(
    private readonly root: HTMLElement,
    private readonly canvas: HTMLCanvasElement,
    private readonly minimapCanvas: HTMLCanvasElement,
    private readonly vp: Viewport,
    private readonly source: PainterSource,
  ) {
    this.minimap = new Minimap(minimapCanvas);
  }

  request(): void {
    this.paintWanted = true;
    if (this.framePending) return;
    this.framePending = true;
    requestAnimationFrame(() => {
      this.framePending = false;
      // A synchronous paint since the request (a new layout paints at once) already drew this
      // state; painting again would rasterize the whole canvas a second time in the same frame.
      if (!this.paintWanted) return;
      if (this.vp.moving && this.source.scene()) this.paintFromCache();
      else this.paint();
    });
  }

  /** The view stopped moving: repaint crisply if the last frames were a scaled or stale bitmap. */
  settled(): void {
    const c = this.cache;
    if (!c.valid || c.scale !== this.vp.view.scale) this.request();
  }

  themeChanged(): void {
    this.rgbCache.clear();
    const scene = this.source.scene();
    if (scene) {
      scene.fitted.fill(undefined);
      this.renderMinimap();
    }
    this.request();
  }

  /** Paints synchronously (timings are taken by the callers); the view bitmap is re-made later. */
  paint(): void {
    this.paintWanted = false;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    this.cache.valid = false;
    this.schedulePrerender();
    const scene = this.source.scene();
    if (!scene) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
      this.minimapCanvas.hidden = true;
      return;
    }
    const vp = this.vp;
    const theme = this.source.theme();
    const stats = drawScene(ctx, scene, vp.view, vp.width, vp.height, vp.dpr, theme);
    this.root.dataset.lod = stats.lod;
    this.drawMinimap(scene, theme);
  }

  renderMinimap(): void {
    const scene = this.source.scene();
    if (scene) this.minimap.render(scene, this.source.theme(), (c) => this.colourToRgba(c));
  }

  private drawMinimap(scene: Scene, theme: Theme): void {
    const vp = this.vp;
    const showMap = wantsMinimap(scene.count, scene.layout, vp.view, vp.width, vp.height);
    this.minimapCanvas.hidden = !showMap;
    if (showMap) this.minimap.draw(vp.view, vp.width, vp.height, theme);
  }

  /** One frame of a moving view: the cached bitmap, moved and scaled; re-rendered when exhausted. */
  private paintFromCache(): void {
    this.paintWanted = false;
    const ctx = this.canvas.getContext('2d');
    const scene = this.source.scene();
    if (!ctx || !scene) return;
    const c = this.cache;
    const vp = this.vp;
    const place = (): { x: number; y: number; k: number; ok: boolean } => {
      const k = vp.view.scale / c.scale;
      const x = vp.view.panX - (c.panX + c.mx) * k;
      const y = vp.view.panY - (c.panY + c.my) * k;
      const w = (vp.width + 2 * c.mx) * k;
      const h = (vp.height + 2 * c.my) * k;
      const ok = c.valid && k > 0.6 && k < 1.7 && x <= 0 && y <= 0 && x + w >= vp.width && y + h >= vp.height;
      return { x, y, k, ok };
    };
    let at = place();
    if (!at.ok) {
      this.renderCache();
      at = place();
    }
    const theme = this.source.theme();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    const d = vp.dpr;
    ctx.drawImage(c.canvas, at.x * d, at.y * d, (vp.width + 2 * c.mx) * at.k * d, (vp.height + 2 * c.my) * at.k * d);
    this.drawMinimap(scene, theme);
  }

  private renderCache(): void {
    const scene = this.source.scene();
    if (!scene) return;
    const c = this.cache;
    const vp = this.vp;
    // A margin of 40% per side: ~3x the pixels of one frame, re-rendered every few hundred px of pan.
    c.mx = Math.round(vp.width * 0.4);
    c.my = Math.round(vp.height * 0.4);
    const w = Math.round((vp.width + 2 * c.mx) * vp.dpr);
    const h = Math.round((vp.height + 2 * c.my) * vp.dpr);
    if (c.canvas.width !== w || c.canvas.height !== h) {
      c.canvas.width = w;
      c.canvas.height = h;
    }
    const ctx = c.canvas.getContext('2d');
    if (!ctx) return;
    c.scale = vp.view.scale;
    c.panX = vp.view.panX;
    c.panY = vp.view.panY;
    drawScene(ctx, scene, { scale: c.scale, panX: c.panX + c.mx, panY: c.panY + c.my }, vp.width + 2 * c.mx, vp.height + 2 * c.my, vp.dpr, this.source.theme());
    c.valid = true;
  }

  /** Prepares the bitmap in idle time after a still paint, so the first frame of a drag is cheap. */
  private schedulePrerender(): void {
    if (this.prerenderTimer) clearTimeout(this.prerenderTimer);
    this.prerenderTimer = setTimeout(() => {
      this.prerenderTimer = undefined;
      if (!this.vp.moving && !this.cache.valid && this.source.scene()) this.renderCache();
    }, 120);
  }

  /** CSS colour → packed ABGR pixel (little-endian ImageData), resolved by the browser itself. */
  private colourToRgba(colour: string): number {
    const cached = this.rgbCache.get(colour);
    if (cached !== undefined) return cached;
    const probe = document.createElement('canvas');
    probe.width = probe.height = 1;
    const ctx = probe.getContext('2d');
    let value = 0xff888888;
    if (ctx) {
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
      value = ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
    }
    this.rgbCache.set(colour, value);
    return value;
  }
}
