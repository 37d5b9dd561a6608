/**
 * The view transform of the panel (zoom and pan) and the canvas size it applies to. Who moved the
 * view matters: a view we chose (fit, initial) follows resizes and edits; one the user chose stays.
 */
import type { LayoutOutput } from '../layout/layered';
import { centreOn, fitTransform, initialTransform, zoomAt, type ViewTransform } from '../layout/view';

export interface ViewportListener {
  /** The view changed (paint the next frame, remember it). */
  moved(): void;
  /** The view stopped moving for a while (one crisp paint if frames were scaled bitmaps). */
  settled(): void;
}

type Extent = Pick<LayoutOutput, 'width' | 'height'>;

export class Viewport {
  view: ViewTransform = { scale: 1, panX: 0, panY: 0 };
  /** CSS pixels of the canvas. */
  width = 0;
  height = 0;
  dpr = 1;
  /** The view was chosen by us (fit / initial), not by the user. */
  auto = true;
  /** Pan or zoom in progress: frames may be blits of a cached bitmap. */
  moving = false;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly listener: ViewportListener,
  ) {}

  /** Matches the canvas backing store to its CSS size and the device pixel ratio. */
  resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    this.width = Math.max(1, Math.round(rect.width));
    this.height = Math.max(1, Math.round(rect.height));
    const w = Math.round(this.width * this.dpr);
    const h = Math.round(this.height * this.dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
  }

  set(view: ViewTransform, auto = false): void {
    this.view = view;
    this.auto = auto;
    this.moving = true;
    this.listener.moved();
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.moving = false;
      this.listener.settled();
    }, 150);
  }

  panBy(dx: number, dy: number): void {
    this.set({ scale: this.view.scale, panX: this.view.panX + dx, panY: this.view.panY + dy });
  }

  zoomBy(factor: number, sx = this.width / 2, sy = this.height / 2): void {
    this.set(zoomAt(this.view, factor, sx, sy));
  }

  fit(layout: Extent): void {
    this.set(fitTransform(layout, this.width, this.height), true);
  }

  /** The first view of a layout, set without the moving/settle cycle (a paint follows at once). */
  initial(layout: Extent): void {
    this.view = initialTransform(layout, this.width, this.height);
  }

  /** Centres a world point, at least at `minScale` (to read what is centred). */
  centre(wx: number, wy: number, minScale = 0): void {
    const scale = Math.max(this.view.scale, minScale);
    this.set(centreOn({ scale, panX: 0, panY: 0 }, wx, wy, this.width, this.height));
  }

  /** Centres a world point only when it is near or past the edges. */
  ensureVisible(wx: number, wy: number, pad = 40): void {
    const [sx, sy] = this.toScreen(wx, wy);
    if (sx < pad || sy < pad || sx > this.width - pad || sy > this.height - pad) {
      this.set(centreOn(this.view, wx, wy, this.width, this.height));
    }
  }

  toScreen(wx: number, wy: number): [number, number] {
    return [wx * this.view.scale + this.view.panX, wy * this.view.scale + this.view.panY];
  }
}
