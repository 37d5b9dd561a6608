/**
 * The DAG panel app: receives full snapshots from the host (graph, status), lays them out in a
 * worker, paints them on one canvas, and keeps only UI state (view, selection, collapsed groups,
 * which graph of a multi-document file) in the webview's getState/setState, per document.
 */
import type { NodeStatus, ParseResult, PipelineDiagnostic, PipelineGraph, StatusSnapshot } from '../src/core/model/pipelineGraph';
import { statusesForGraph } from '../src/core/model/statusScope';
import type { DagWebviewState, GraphPayload, HostMessage, RenderReason, WebviewMessage } from '../src/protocol/dagMessages';
import { projectGraph } from './layout/project';
import {
  centreOn,
  chooseLod,
  fitTransform,
  hitTest,
  initialTransform,
  screenToWorld,
  wantsMinimap,
  zoomAt,
  type ViewTransform,
} from './layout/view';
import type { LayoutInput } from './layout/layered';
import type { LayoutClient } from './layoutClient';
import { drawScene, Minimap } from './renderer';
import { applyStatus, buildScene, NodeFlag, nodeHeight, type Scene } from './scene';
import { boxWidth, estimatedBoxWidth } from './layout/labelWidth';
import { readTheme, watchTheme, type Theme } from './theme';

export interface HostApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const maxRememberedDocs = 20;
/** Screen-reader list of node names: capped, since 10k list items would cost more than the canvas. */
const maxListedNodes = 2000;
/** Decodes big graph snapshots (`graphUtf8`); one decoder for the page's life. */
const utf8 = new TextDecoder();

interface Elements {
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  minimap: HTMLCanvasElement;
  search: HTMLInputElement;
  matchCount: HTMLElement;
  graphSelect: HTMLSelectElement;
  banner: HTMLElement;
  message: HTMLElement;
  card: HTMLElement;
  nodeList: HTMLElement;
  live: HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function buildDom(root: HTMLElement): Elements {
  root.replaceChildren();
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Pipeline DAG tools' });
  const search = el('input', { type: 'search', class: 'search', placeholder: 'Search steps', 'aria-label': 'Search steps by name', spellcheck: 'false' });
  const matchCount = el('span', { class: 'match-count', 'aria-live': 'polite' });
  const prev = el('button', { class: 'icon', title: 'Previous match (Shift+Enter)', 'aria-label': 'Previous match', 'data-action': 'prev' }, '↑');
  const next = el('button', { class: 'icon', title: 'Next match (Enter)', 'aria-label': 'Next match', 'data-action': 'next' }, '↓');
  const graphSelect = el('select', { class: 'graph-select', 'aria-label': 'Pipeline in this file', hidden: '' });
  const fit = el('button', { class: 'icon', title: 'Fit to view (0)', 'aria-label': 'Fit to view', 'data-action': 'fit' }, '⤢');
  const collapse = el('button', { class: 'icon', title: 'Collapse all groups', 'aria-label': 'Collapse all groups', 'data-action': 'collapse' }, '⊟');
  const expand = el('button', { class: 'icon', title: 'Expand all groups', 'aria-label': 'Expand all groups', 'data-action': 'expand' }, '⊞');
  toolbar.append(search, matchCount, prev, next, graphSelect, fit, collapse, expand);
  const banner = el('div', { class: 'banner', role: 'alert', hidden: '' });
  const stage = el('div', { class: 'stage' });
  const canvas = el('canvas', {
    class: 'graph',
    tabindex: '0',
    role: 'application',
    'aria-roledescription': 'pipeline graph',
    'aria-label': 'Pipeline graph. Arrow keys pan, plus and minus zoom, 0 fits, Shift+arrows move between steps, Enter opens the step source.',
  });
  const minimap = el('canvas', { class: 'minimap', width: '160', height: '120', 'aria-hidden': 'true', hidden: '' });
  const message = el('div', { class: 'message' });
  const card = el('div', { class: 'card', role: 'tooltip', hidden: '' });
  stage.append(canvas, minimap, message, card);
  const nodeList = el('ul', { class: 'sr-only', id: 'node-list', 'aria-label': 'Pipeline steps' });
  const live = el('div', { class: 'sr-only', 'aria-live': 'polite' });
  root.append(toolbar, banner, stage, nodeList, live);
  return { root, canvas, minimap, search, matchCount, graphSelect, banner, message, card, nodeList, live };
}

export class DagApp {
  private readonly e: Elements;
  private theme: Theme;
  private scene: Scene | undefined;
  private doc: GraphPayload | undefined;
  private graph: PipelineGraph | undefined;
  private view: ViewTransform = { scale: 1, panX: 0, panY: 0 };
  private viewW = 0;
  private viewH = 0;
  private dpr = 1;
  private collapsed = new Set<string>();
  private graphIndex = 0;
  private selected: string | undefined;
  private hovered = -1;
  private matches: number[] = [];
  private matchCursor = -1;
  private lastStatus: StatusSnapshot | undefined;
  private layoutGeneration = 0;
  private framePending = false;
  /** Something changed since the last paint (cleared by every paint). */
  private paintWanted = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly minimap: Minimap;
  private rgbCache = new Map<string, number>();
  private asciiWidth = new Map<string, Float32Array>();
  /**
   * While the view moves (pan, zoom), frames are blits of a pre-rendered bitmap of the viewport
   * plus a margin: software canvas cannot redraw thousands of nodes at 60 fps, but it can move a
   * bitmap. Any change other than the view (graph, status, selection, theme) invalidates it, and a
   * crisp repaint follows once the view settles.
   */
  private readonly cache = { canvas: document.createElement('canvas'), valid: false, scale: 1, panX: 0, panY: 0, mx: 0, my: 0 };
  private moving = false;
  private autoView = true;
  private workerProblemReported = false;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private prerenderTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    root: HTMLElement,
    private readonly host: HostApi,
    private readonly layouts: LayoutClient,
    placeholder: string,
  ) {
    this.e = buildDom(root);
    this.theme = readTheme();
    this.minimap = new Minimap(this.e.minimap);
    this.showMessage(placeholder);
    this.wireEvents();
    watchTheme(() => {
      this.theme = readTheme();
      this.rgbCache.clear();
      if (this.scene) {
        this.scene.fitted.fill(undefined);
        this.renderMinimap();
      }
      this.requestPaint();
    });
  }

  // ─── host messages ──────────────────────────────────────────────────────────────────────────

  handle(message: HostMessage): void {
    const received = performance.now();
    switch (message.type) {
      case 'graph':
        void this.onGraph(message.payload, received);
        return;
      case 'graphUtf8': {
        const { resultUtf8, ...rest } = message.payload;
        let result: ParseResult;
        try {
          result = JSON.parse(utf8.decode(resultUtf8)) as ParseResult;
        } catch (error) {
          this.post({ type: 'error', payload: { message: `Unreadable graph snapshot: ${errorText(error)}` } });
          return;
        }
        void this.onGraph({ ...rest, result }, received);
        return;
      }
      case 'empty':
        this.doc = undefined;
        this.graph = undefined;
        this.scene = undefined;
        this.setBanner([]);
        this.showMessage(message.payload.reason);
        this.e.root.dataset.state = 'empty';
        this.e.root.dataset.nodeCount = '0';
        this.e.nodeList.replaceChildren();
        this.requestPaint();
        return;
      case 'status':
        this.lastStatus = message.payload;
        this.recolour(received);
        return;
      case 'clearStatus':
        this.lastStatus = undefined;
        this.recolour(received);
        return;
      case 'revealNode':
        this.revealNode(message.payload.nodeId, false);
        return;
      case 'viewModes':
        // The run view's toolbar is drawn by the run-mode work (issue 16); until then the spec view only.
        return;
    }
  }

  private post(message: WebviewMessage): void {
    this.host.postMessage(message);
  }

  private async onGraph(payload: GraphPayload, received: number): Promise<void> {
    const sameDoc = this.doc?.documentUri === payload.documentUri;
    if (!sameDoc) this.saveState(); // remember the view of the document we are leaving
    this.doc = payload;
    const { result } = payload;
    this.setBanner(result.diagnostics);
    if (!sameDoc) {
      this.restoreDocState(payload.documentUri);
      this.rememberShown(payload.documentUri);
    }
    this.fillGraphSelect(result.graphs);
    if (result.graphs.length === 0) {
      this.graph = undefined;
      this.scene = undefined;
      const firstError = result.diagnostics.find((d) => d.severity === 'error');
      this.showMessage(
        firstError ? `Cannot draw ${payload.fileName}: ${describe(firstError)}` : `No pipeline found in ${payload.fileName}. Kindling draws Argo, Kubeflow, SageMaker and Spark pipeline files.`,
      );
      this.e.root.dataset.state = 'empty';
      this.e.root.dataset.nodeCount = '0';
      this.e.nodeList.replaceChildren();
      this.requestPaint();
      return;
    }
    if (this.graphIndex >= result.graphs.length) this.graphIndex = 0;
    this.graph = result.graphs[this.graphIndex];
    await this.relayout(sameDoc && this.scene !== undefined ? 'keep' : 'restore', 'graph', received);
  }

  /** Projects, lays out (worker) and paints the current graph. */
  private async relayout(viewMode: 'keep' | 'restore' | 'anchor', reason: RenderReason, started: number, anchor?: string): Promise<void> {
    const graph = this.graph;
    if (!graph) return;
    const generation = ++this.layoutGeneration;
    if (!this.scene) this.showMessage(`Laying out ${graph.nodes.length.toLocaleString()} steps…`);
    this.e.root.dataset.state = 'layout';
    const projectionStart = performance.now();
    const projection = projectGraph(graph, this.collapsed);
    const build = (): LayoutInput => {
      const k = projection.visible.length;
      return {
        nodeCount: k,
        edgeFrom: projection.edgeFrom.slice(),
        edgeTo: projection.edgeTo.slice(),
        widths: this.nodeWidths(graph, projection.visible),
        heights: new Float32Array(k).fill(nodeHeight),
      };
    };
    let laidOut;
    try {
      laidOut = await this.layouts.layout(build());
    } catch (error) {
      // The worker died (or was refused): lay out here instead; the client now stays on the UI thread.
      this.post({ type: 'error', payload: { message: `Layout worker failed, using the UI thread: ${errorText(error)}` } });
      laidOut = await this.layouts.layout(build());
    }
    const output = laidOut.output;
    this.e.root.dataset.layoutWhere = laidOut.where;
    if (laidOut.where === 'main' && this.layouts.workerProblem && !this.workerProblemReported) {
      this.workerProblemReported = true;
      this.post({ type: 'error', payload: { message: `Layout worker unavailable (${this.layouts.workerProblem}); laying out on the UI thread.` } });
    }
    if (generation !== this.layoutGeneration || graph !== this.graph) return; // a newer snapshot won
    const layoutMs = performance.now() - projectionStart;
    const previous = this.scene;
    const anchorBefore = anchor && previous ? this.worldOf(previous, anchor) : undefined;
    this.scene = buildScene(graph, projection, output);
    applyStatus(this.scene, this.shownStatuses());
    this.hideMessage();
    this.resize();
    if (viewMode === 'restore') {
      const saved = this.doc ? this.loadState().docs[this.doc.documentUri] : undefined;
      this.view = saved ? { scale: saved.scale, panX: saved.panX, panY: saved.panY } : initialTransform(output, this.viewW, this.viewH);
      this.autoView = !saved || saved.auto === true;
      if (saved?.auto) this.view = initialTransform(output, this.viewW, this.viewH);
    } else if (viewMode === 'keep' && this.autoView) {
      this.view = initialTransform(output, this.viewW, this.viewH);
    } else if (viewMode === 'anchor' && anchorBefore && anchor) {
      // Keep the toggled group under the same screen point.
      const after = this.worldOf(this.scene, anchor);
      if (after) {
        this.view = {
          scale: this.view.scale,
          panX: this.view.panX + (anchorBefore[0] - after[0]) * this.view.scale,
          panY: this.view.panY + (anchorBefore[1] - after[1]) * this.view.scale,
        };
      }
    }
    this.updateMatches(false);
    this.applySelectionFlags();
    this.renderMinimap();
    const paintStart = performance.now();
    this.paint();
    const paintMs = performance.now() - paintStart;
    const root = this.e.root;
    root.dataset.state = 'ready';
    root.dataset.nodeCount = String(graph.nodes.length);
    root.dataset.visibleCount = String(this.scene.count);
    root.dataset.layoutMs = layoutMs.toFixed(1);
    // The screen-reader list is not needed for the first frame; build it once the frame is out.
    const scene = this.scene;
    this.reportAfterFrame(reason, this.scene.count, layoutMs, paintMs, started, () => {
      if (scene === this.scene) this.fillNodeList(scene);
    });
  }

  /**
   * Box widths that fit the label (within limits): measured with the canvas font for moderate
   * graphs, estimated from the length for huge ones, where measuring would delay the first paint.
   */
  private nodeWidths(graph: PipelineGraph, visible: Int32Array): Float32Array {
    const widths = new Float32Array(visible.length);
    const ctx = visible.length <= 3000 ? this.e.canvas.getContext('2d') : null;
    if (!ctx) {
      for (let v = 0; v < visible.length; v++) widths[v] = estimatedBoxWidth(graph.nodes[visible[v]].label);
      return widths;
    }
    ctx.font = `600 12px ${this.theme.font}`;
    // Most labels get the minimum width without being measured (see boxWidth): 1k nodes, ~1,000
    // measureText calls -> a few.
    const advances = this.asciiAdvances(ctx);
    const measure = (text: string): number => ctx.measureText(text).width;
    for (let v = 0; v < visible.length; v++) widths[v] = boxWidth(graph.nodes[visible[v]].label, advances, measure);
    return widths;
  }

  /** Advance of each printable ASCII character (32-126) in the context's current font, cached per font. */
  private asciiAdvances(ctx: CanvasRenderingContext2D): Float32Array {
    const cached = this.asciiWidth.get(ctx.font);
    if (cached) return cached;
    const advances = new Float32Array(95);
    for (let c = 32; c <= 126; c++) advances[c - 32] = ctx.measureText(String.fromCharCode(c)).width;
    this.asciiWidth.set(ctx.font, advances);
    return advances;
  }

  private worldOf(scene: Scene, nodeId: string): [number, number] | undefined {
    const gi = scene.graph.nodes.findIndex((n) => n.id === nodeId);
    if (gi < 0) return undefined;
    const v = scene.projection.repOf[gi];
    return [scene.layout.x[v], scene.layout.y[v]];
  }

  private recolour(received: number): void {
    const scene = this.scene;
    if (!scene) return;
    applyStatus(scene, this.shownStatuses());
    this.renderMinimap();
    const paintStart = performance.now();
    this.paint();
    this.reportAfterFrame('status', scene.count, 0, performance.now() - paintStart, received);
  }

  /**
   * Reports a render once its frame is out: canvas 2D only records drawing commands, rasterizing
   * happens when the frame is produced, so "painted" is after the next animation frame.
   */
  private reportAfterFrame(reason: RenderReason, nodes: number, layoutMs: number, paintMs: number, started: number, then?: () => void): void {
    requestAnimationFrame(() =>
      setTimeout(() => {
        this.post({ type: 'rendered', payload: { reason, nodes, layoutMs, paintMs, totalMs: performance.now() - started } });
        then?.();
      }, 0),
    );
  }

  // ─── painting ───────────────────────────────────────────────────────────────────────────────

  private requestPaint(): void {
    this.paintWanted = true;
    if (this.framePending) return;
    this.framePending = true;
    requestAnimationFrame(() => {
      this.framePending = false;
      // A synchronous paint since the request (a new layout paints at once) already drew this
      // state; painting again would rasterize the whole canvas a second time in the same frame.
      if (!this.paintWanted) return;
      if (this.moving && this.scene) this.paintFromCache();
      else this.paint();
    });
  }

  /** Paints synchronously (timings are taken by the callers); the view bitmap is re-made later. */
  paint(): void {
    this.paintWanted = false;
    const ctx = this.e.canvas.getContext('2d');
    if (!ctx) return;
    this.cache.valid = false;
    this.schedulePrerender();
    if (!this.scene) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, this.e.canvas.width, this.e.canvas.height);
      this.e.minimap.hidden = true;
      return;
    }
    const stats = drawScene(ctx, this.scene, this.view, this.viewW, this.viewH, this.dpr, this.theme);
    this.e.root.dataset.lod = stats.lod;
    const showMap = wantsMinimap(this.scene.count, this.scene.layout, this.view, this.viewW, this.viewH);
    this.e.minimap.hidden = !showMap;
    if (showMap) this.minimap.draw(this.view, this.viewW, this.viewH, this.theme);
  }

  /** One frame of a moving view: the cached bitmap, moved and scaled; re-rendered when exhausted. */
  private paintFromCache(): void {
    this.paintWanted = false;
    const ctx = this.e.canvas.getContext('2d');
    const scene = this.scene;
    if (!ctx || !scene) return;
    const c = this.cache;
    const place = (): { x: number; y: number; k: number; ok: boolean } => {
      const k = this.view.scale / c.scale;
      const x = this.view.panX - (c.panX + c.mx) * k;
      const y = this.view.panY - (c.panY + c.my) * k;
      const w = (this.viewW + 2 * c.mx) * k;
      const h = (this.viewH + 2 * c.my) * k;
      const ok = c.valid && k > 0.6 && k < 1.7 && x <= 0 && y <= 0 && x + w >= this.viewW && y + h >= this.viewH;
      return { x, y, k, ok };
    };
    let at = place();
    if (!at.ok) {
      this.renderCache();
      at = place();
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = this.theme.background;
    ctx.fillRect(0, 0, this.e.canvas.width, this.e.canvas.height);
    const d = this.dpr;
    ctx.drawImage(c.canvas, at.x * d, at.y * d, (this.viewW + 2 * c.mx) * at.k * d, (this.viewH + 2 * c.my) * at.k * d);
    const showMap = wantsMinimap(scene.count, scene.layout, this.view, this.viewW, this.viewH);
    this.e.minimap.hidden = !showMap;
    if (showMap) this.minimap.draw(this.view, this.viewW, this.viewH, this.theme);
  }

  private renderCache(): void {
    const scene = this.scene;
    if (!scene) return;
    const c = this.cache;
    // A margin of 40% per side: ~3x the pixels of one frame, re-rendered every few hundred px of pan.
    c.mx = Math.round(this.viewW * 0.4);
    c.my = Math.round(this.viewH * 0.4);
    const w = Math.round((this.viewW + 2 * c.mx) * this.dpr);
    const h = Math.round((this.viewH + 2 * c.my) * this.dpr);
    if (c.canvas.width !== w || c.canvas.height !== h) {
      c.canvas.width = w;
      c.canvas.height = h;
    }
    const ctx = c.canvas.getContext('2d');
    if (!ctx) return;
    c.scale = this.view.scale;
    c.panX = this.view.panX;
    c.panY = this.view.panY;
    drawScene(ctx, scene, { scale: c.scale, panX: c.panX + c.mx, panY: c.panY + c.my }, this.viewW + 2 * c.mx, this.viewH + 2 * c.my, this.dpr, this.theme);
    c.valid = true;
  }

  /** Prepares the bitmap in idle time after a still paint, so the first frame of a drag is cheap. */
  private schedulePrerender(): void {
    if (this.prerenderTimer) clearTimeout(this.prerenderTimer);
    this.prerenderTimer = setTimeout(() => {
      this.prerenderTimer = undefined;
      if (!this.moving && !this.cache.valid && this.scene) this.renderCache();
    }, 120);
  }

  private renderMinimap(): void {
    if (this.scene) this.minimap.render(this.scene, this.theme, (c) => this.colourToRgba(c));
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

  private resize(): void {
    const rect = this.e.canvas.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    this.viewW = Math.max(1, Math.round(rect.width));
    this.viewH = Math.max(1, Math.round(rect.height));
    const w = Math.round(this.viewW * this.dpr);
    const h = Math.round(this.viewH * this.dpr);
    if (this.e.canvas.width !== w || this.e.canvas.height !== h) {
      this.e.canvas.width = w;
      this.e.canvas.height = h;
    }
  }

  // ─── view, selection, search ────────────────────────────────────────────────────────────────

  setView(view: ViewTransform, auto = false): void {
    this.view = view;
    this.autoView = auto;
    this.moving = true;
    this.requestPaint();
    this.scheduleSave();
    // When the view stops moving, one crisp paint (the bitmap may have been scaled).
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.moving = false;
      const c = this.cache;
      if (!c.valid || c.scale !== this.view.scale) this.requestPaint();
    }, 150);
  }

  panBy(dx: number, dy: number): void {
    this.setView({ scale: this.view.scale, panX: this.view.panX + dx, panY: this.view.panY + dy });
  }

  zoomBy(factor: number, sx = this.viewW / 2, sy = this.viewH / 2): void {
    this.setView(zoomAt(this.view, factor, sx, sy));
  }

  /** Screen position (CSS px in the canvas) of a node's centre: for tests that click nodes. */
  nodeScreenCentre(nodeId: string): { x: number; y: number } | undefined {
    const scene = this.scene;
    const at = scene ? this.worldOf(scene, nodeId) : undefined;
    if (!at) return undefined;
    return { x: at[0] * this.view.scale + this.view.panX, y: at[1] * this.view.scale + this.view.panY };
  }

  /** The view and selection, for the E2E tests that check they survive edits and reloads. */
  viewState(): { documentUri?: string; scale: number; panX: number; panY: number; auto: boolean; selected?: string } {
    return { documentUri: this.doc?.documentUri, ...this.view, auto: this.autoView, selected: this.selected };
  }

  fit(): void {
    if (this.scene) this.setView(fitTransform(this.scene.layout, this.viewW, this.viewH), true);
  }

  private applySelectionFlags(): void {
    const scene = this.scene;
    if (!scene) return;
    for (let v = 0; v < scene.count; v++) scene.flags[v] &= ~(NodeFlag.Selected | NodeFlag.Hovered);
    if (this.selected) {
      const gi = scene.graph.nodes.findIndex((n) => n.id === this.selected);
      if (gi >= 0) scene.flags[scene.projection.repOf[gi]] |= NodeFlag.Selected;
    }
    if (this.hovered >= 0 && this.hovered < scene.count) scene.flags[this.hovered] |= NodeFlag.Hovered;
  }

  private select(v: number, reveal: boolean, openSource: boolean): void {
    const scene = this.scene;
    if (!scene || v < 0) return;
    const node = scene.graph.nodes[scene.projection.visible[v]];
    this.selected = node.id;
    this.applySelectionFlags();
    if (reveal) this.ensureVisible(v);
    this.e.live.textContent = `${node.label}, ${node.kind}${node.subtitle ? `, ${node.subtitle}` : ''}`;
    this.requestPaint();
    this.scheduleSave();
    if (openSource && this.doc) this.post({ type: 'openSource', payload: { documentUri: this.doc.documentUri, nodeId: node.id } });
  }

  /** From the host: the editor cursor is in this node's source range. */
  private revealNode(nodeId: string, openSource: boolean): void {
    const scene = this.scene;
    if (!scene) return;
    const gi = scene.graph.nodes.findIndex((n) => n.id === nodeId);
    if (gi < 0) return;
    this.select(scene.projection.repOf[gi], true, openSource);
  }

  private ensureVisible(v: number): void {
    const scene = this.scene;
    if (!scene) return;
    const l = scene.layout;
    const sx = l.x[v] * this.view.scale + this.view.panX;
    const sy = l.y[v] * this.view.scale + this.view.panY;
    const pad = 40;
    if (sx < pad || sy < pad || sx > this.viewW - pad || sy > this.viewH - pad) {
      this.setView(centreOn(this.view, l.x[v], l.y[v], this.viewW, this.viewH));
    }
  }

  private updateMatches(jump: boolean): void {
    const scene = this.scene;
    const query = this.e.search.value.trim().toLowerCase();
    this.matches = [];
    this.matchCursor = -1;
    if (scene) {
      const dim = query.length > 0;
      const matched = new Uint8Array(scene.count);
      if (dim) {
        const nodes = scene.graph.nodes;
        for (let gi = 0; gi < nodes.length; gi++) {
          // Members of a collapsed group match through the group box.
          if (nodes[gi].label.toLowerCase().includes(query) || nodes[gi].id.toLowerCase().includes(query)) matched[scene.projection.repOf[gi]] = 1;
        }
      }
      for (let v = 0; v < scene.count; v++) {
        let f = scene.flags[v] & ~(NodeFlag.Match | NodeFlag.Dimmed);
        if (dim) f |= matched[v] ? NodeFlag.Match : NodeFlag.Dimmed;
        scene.flags[v] = f;
        if (matched[v]) this.matches.push(v);
      }
      // Reading order: top to bottom, then left to right.
      const l = scene.layout;
      this.matches.sort((a, b) => l.rank[a] - l.rank[b] || l.x[a] - l.x[b]);
    }
    this.e.matchCount.textContent = query ? `${this.matches.length ? '' : 'No results'}${this.matches.length ? `${this.matches.length} found` : ''}` : '';
    if (jump && this.matches.length) this.stepMatch(1);
    this.requestPaint();
  }

  private stepMatch(direction: 1 | -1): void {
    if (!this.matches.length || !this.scene) return;
    this.matchCursor = (this.matchCursor + direction + this.matches.length) % this.matches.length;
    const v = this.matches[this.matchCursor];
    this.e.matchCount.textContent = `${this.matchCursor + 1} of ${this.matches.length}`;
    this.select(v, false, false);
    const l = this.scene.layout;
    // Centre it, zoomed in enough to read.
    const scale = Math.max(this.view.scale, 0.8);
    this.setView(centreOn({ scale, panX: 0, panY: 0 }, l.x[v], l.y[v], this.viewW, this.viewH));
  }

  private toggleGroup(nodeId: string): void {
    if (this.collapsed.has(nodeId)) this.collapsed.delete(nodeId);
    else this.collapsed.add(nodeId);
    this.scheduleSave();
    void this.relayout('anchor', 'view', performance.now(), nodeId);
  }

  private setAllGroups(collapse: boolean): void {
    const graph = this.graph;
    if (!graph) return;
    this.collapsed.clear();
    if (collapse) {
      // Collapse only the outermost groups; inner ones would be hidden anyway.
      const ids = new Set(graph.nodes.map((n) => n.id));
      for (const n of graph.nodes) if (n.kind === 'group' && !(n.parent && ids.has(n.parent))) this.collapsed.add(n.id);
    }
    this.scheduleSave();
    void this.relayout('restore', 'view', performance.now()).then(() => this.fit());
  }

  // ─── DOM: banner, hover card, lists ─────────────────────────────────────────────────────────

  private showMessage(text: string): void {
    this.e.message.textContent = text;
    this.e.message.hidden = false;
  }

  private hideMessage(): void {
    this.e.message.hidden = true;
  }

  private setBanner(diagnostics: PipelineDiagnostic[]): void {
    const problems = diagnostics.filter((d) => d.severity !== 'info');
    const b = this.e.banner;
    b.replaceChildren();
    if (!problems.length) {
      b.hidden = true;
      return;
    }
    const errors = problems.filter((d) => d.severity === 'error').length;
    b.hidden = false;
    b.className = `banner ${errors ? 'error' : 'warning'}`;
    const text = el('span', { class: 'banner-text' });
    const summary = `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}: `;
    text.textContent = summary + describe(problems[0]);
    text.title = problems.map(describe).join('\n');
    const show = el('button', { class: 'link' }, 'Show problems');
    show.addEventListener('click', () => this.post({ type: 'showProblems', payload: { diagnostics: problems } }));
    b.append(text, show);
  }

  private fillGraphSelect(graphs: PipelineGraph[]): void {
    const s = this.e.graphSelect;
    s.replaceChildren();
    s.hidden = graphs.length < 2;
    graphs.forEach((g, i) => {
      const option = el('option', { value: String(i) }, g.name || `${g.format} #${i + 1}`);
      if (i === this.graphIndex) option.selected = true;
      s.append(option);
    });
  }

  private fillNodeList(scene: Scene): void {
    const list = this.e.nodeList;
    const items: HTMLElement[] = [];
    const limit = Math.min(scene.count, maxListedNodes);
    for (let v = 0; v < limit; v++) {
      const node = scene.graph.nodes[scene.projection.visible[v]];
      const li = el('li', { 'data-node-id': node.id }, `${node.label} (${node.kind})`);
      items.push(li);
    }
    if (scene.count > limit) items.push(el('li', {}, `and ${(scene.count - limit).toLocaleString()} more steps`));
    list.replaceChildren(...items);
  }

  private showCard(v: number, sx: number, sy: number): void {
    const scene = this.scene;
    const card = this.e.card;
    if (!scene || v < 0) {
      card.hidden = true;
      return;
    }
    const gi = scene.projection.visible[v];
    const node = scene.graph.nodes[gi];
    const rows: HTMLElement[] = [el('div', { class: 'card-title' }, node.label)];
    const kindLine = [node.kind, node.groupKind, node.subtitle].filter(Boolean).join(' · ');
    rows.push(el('div', { class: 'card-kind' }, kindLine));
    if (scene.projection.memberCount[gi] > 0) {
      const hidden = scene.projection.hiddenCount[v];
      rows.push(el('div', { class: 'card-kind' }, `${scene.projection.memberCount[gi]} direct steps${hidden ? `, ${hidden} hidden (click ▸ to expand)` : ''}`));
    }
    const status = this.statusOf(node.statusKey ?? node.id);
    if (status) rows.push(el('div', { class: `card-status status-${status}` }, `status: ${status}`));
    const dl = el('dl');
    for (const d of node.details.slice(0, 12)) {
      dl.append(el('dt', {}, d.key), el('dd', {}, d.value.length > 400 ? d.value.slice(0, 399) + '…' : d.value));
    }
    if (node.details.length) rows.push(dl);
    card.replaceChildren(...rows);
    card.hidden = false;
    this.placeCard(sx, sy);
  }

  /** Next to the pointer, kept inside the stage. */
  private placeCard(sx: number, sy: number): void {
    const card = this.e.card;
    const w = card.offsetWidth;
    const h = card.offsetHeight;
    card.style.left = `${Math.max(4, Math.min(sx + 14, this.viewW - w - 4))}px`;
    card.style.top = `${Math.max(4, sy + 14 + h > this.viewH ? sy - h - 10 : sy + 14)}px`;
  }

  private statusOf(key: string): NodeStatus | undefined {
    return this.shownStatuses()?.[key];
  }

  /** The run's statuses if the run is of the graph shown (a sibling document may share its keys). */
  private shownStatuses(): Record<string, NodeStatus> | undefined {
    return statusesForGraph(this.lastStatus, this.doc?.result.graphs ?? [], this.graphIndex);
  }

  // ─── state ──────────────────────────────────────────────────────────────────────────────────

  private loadState(): DagWebviewState {
    const raw = this.host.getState();
    if (raw && typeof raw === 'object' && 'docs' in raw && 'recent' in raw) return raw as DagWebviewState;
    return { docs: {}, recent: [] };
  }

  private restoreDocState(uri: string): void {
    const saved = this.loadState().docs[uri];
    this.collapsed = new Set(saved?.collapsed ?? []);
    this.selected = saved?.selected;
    this.graphIndex = saved?.graphIndex ?? 0;
  }

  /** Which document this page shows, so a panel restored after a reload can ask for it again. */
  private rememberShown(uri: string): void {
    const state = this.loadState();
    if (state.shown === uri) return;
    state.shown = uri;
    this.host.setState(state);
  }

  private scheduleSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.saveState(), 300);
  }

  private saveState(): void {
    if (!this.doc) return;
    const state = this.loadState();
    const uri = this.doc.documentUri;
    state.docs[uri] = { ...this.view, auto: this.autoView, selected: this.selected, collapsed: [...this.collapsed], graphIndex: this.graphIndex };
    state.shown = uri;
    state.recent = [uri, ...state.recent.filter((u) => u !== uri)];
    for (const old of state.recent.splice(maxRememberedDocs)) delete state.docs[old];
    this.host.setState(state);
  }

  // ─── input ──────────────────────────────────────────────────────────────────────────────────

  private wireEvents(): void {
    const { canvas, search, root, minimap, graphSelect } = this.e;
    new ResizeObserver(() => {
      this.resize();
      // A view we chose (fit) follows the panel's size; one the user chose stays put.
      if (this.autoView && this.scene) this.view = initialTransform(this.scene.layout, this.viewW, this.viewH);
      this.paint();
    }).observe(canvas);

    let drag: { x: number; y: number; panX: number; panY: number; moved: boolean; id: number } | undefined;
    canvas.addEventListener('pointerdown', (ev) => {
      canvas.focus();
      drag = { x: ev.clientX, y: ev.clientY, panX: this.view.panX, panY: this.view.panY, moved: false, id: ev.pointerId };
      canvas.setPointerCapture(ev.pointerId);
    });
    canvas.addEventListener('pointermove', (ev) => {
      if (drag) {
        const dx = ev.clientX - drag.x;
        const dy = ev.clientY - drag.y;
        if (drag.moved || Math.abs(dx) + Math.abs(dy) > 3) {
          drag.moved = true;
          this.e.card.hidden = true;
          this.setView({ scale: this.view.scale, panX: drag.panX + dx, panY: drag.panY + dy });
        }
        return;
      }
      this.hoverAt(ev.offsetX, ev.offsetY);
    });
    const endDrag = (ev: PointerEvent): void => {
      if (!drag) return;
      const wasClick = !drag.moved;
      drag = undefined;
      if (canvas.hasPointerCapture(ev.pointerId)) canvas.releasePointerCapture(ev.pointerId);
      if (wasClick && ev.type === 'pointerup') this.clickAt(ev.offsetX, ev.offsetY);
    };
    canvas.addEventListener('pointerup', endDrag);
    canvas.addEventListener('pointercancel', endDrag);
    canvas.addEventListener('pointerleave', () => {
      this.e.card.hidden = true;
      this.setHovered(-1);
    });
    canvas.addEventListener('dblclick', (ev) => {
      const v = this.nodeAt(ev.offsetX, ev.offsetY);
      if (v >= 0 && this.scene?.group[v]) this.toggleGroup(this.scene.graph.nodes[this.scene.projection.visible[v]].id);
    });
    canvas.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        if (ev.shiftKey) {
          this.panBy(-ev.deltaY, 0);
          return;
        }
        // Pinch and mouse wheels both zoom around the pointer; trackpads send small deltas.
        const factor = Math.exp(-ev.deltaY * (ev.ctrlKey ? 0.01 : 0.0015));
        this.zoomBy(factor, ev.offsetX, ev.offsetY);
      },
      { passive: false },
    );
    canvas.addEventListener('keydown', (ev) => this.onKey(ev));

    search.addEventListener('input', () => this.updateMatches(false));
    search.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        if (this.matchCursor < 0 && !ev.shiftKey) this.stepMatch(1);
        else this.stepMatch(ev.shiftKey ? -1 : 1);
      } else if (ev.key === 'Escape') {
        search.value = '';
        this.updateMatches(false);
        canvas.focus();
      }
    });
    root.addEventListener('click', (ev) => {
      const target = ev.target instanceof HTMLElement ? ev.target.closest('button[data-action]') : null;
      if (!target) return;
      switch (target.getAttribute('data-action')) {
        case 'prev':
          this.stepMatch(-1);
          break;
        case 'next':
          this.stepMatch(1);
          break;
        case 'fit':
          this.fit();
          break;
        case 'collapse':
          this.setAllGroups(true);
          break;
        case 'expand':
          this.setAllGroups(false);
          break;
      }
    });
    graphSelect.addEventListener('change', () => {
      this.graphIndex = Number(graphSelect.value) || 0;
      this.graph = this.doc?.result.graphs[this.graphIndex];
      this.scheduleSave();
      void this.relayout('restore', 'view', performance.now()).then(() => this.fit());
    });
    const minimapJump = (ev: PointerEvent): void => {
      const [wx, wy] = this.minimap.toWorld(ev.offsetX, ev.offsetY);
      this.setView(centreOn(this.view, wx, wy, this.viewW, this.viewH));
    };
    minimap.addEventListener('pointerdown', (ev) => {
      minimap.setPointerCapture(ev.pointerId);
      minimapJump(ev);
    });
    minimap.addEventListener('pointermove', (ev) => {
      if (minimap.hasPointerCapture(ev.pointerId)) minimapJump(ev);
    });
    window.addEventListener('keydown', (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && ev.key === 'f') {
        ev.preventDefault();
        search.focus();
        search.select();
      }
    });
  }

  private nodeAt(sx: number, sy: number): number {
    if (!this.scene) return -1;
    const [wx, wy] = screenToWorld(this.view, sx, sy);
    // A few pixels of slack when zoomed out, so tiny boxes can still be hit.
    return hitTest(this.scene.layout, wx, wy, chooseLod(this.view.scale) === 'full' ? 0 : 3 / this.view.scale);
  }

  private setHovered(v: number): void {
    if (v === this.hovered) return;
    this.hovered = v;
    this.applySelectionFlags();
    this.requestPaint();
  }

  private hoverAt(sx: number, sy: number): void {
    const v = this.nodeAt(sx, sy);
    const same = v === this.hovered && v >= 0 && !this.e.card.hidden;
    this.setHovered(v);
    this.e.canvas.style.cursor = v >= 0 ? 'pointer' : 'grab';
    if (same) this.placeCard(sx, sy); // same node: only follow the pointer, no DOM rebuild
    else this.showCard(v, sx, sy);
  }

  private clickAt(sx: number, sy: number): void {
    const scene = this.scene;
    const v = this.nodeAt(sx, sy);
    if (!scene || v < 0) return;
    const gi = scene.projection.visible[v];
    // The chevron area of a group header toggles it; anywhere else opens the source.
    const [wx] = screenToWorld(this.view, sx, sy);
    const left = scene.layout.x[v] - scene.layout.widths[v] / 2;
    if (scene.group[v] && wx - left < 28) {
      this.toggleGroup(scene.graph.nodes[gi].id);
      return;
    }
    this.select(v, false, true);
  }

  private selectedVisible(): number {
    const scene = this.scene;
    if (!scene || !this.selected) return -1;
    const gi = scene.graph.nodes.findIndex((n) => n.id === this.selected);
    return gi < 0 ? -1 : scene.projection.repOf[gi];
  }

  private onKey(ev: KeyboardEvent): void {
    const step = 60;
    if (ev.shiftKey && ev.key.startsWith('Arrow')) {
      ev.preventDefault();
      this.moveSelection(ev.key);
      return;
    }
    switch (ev.key) {
      case 'ArrowLeft':
        this.panBy(step, 0);
        break;
      case 'ArrowRight':
        this.panBy(-step, 0);
        break;
      case 'ArrowUp':
        this.panBy(0, step);
        break;
      case 'ArrowDown':
        this.panBy(0, -step);
        break;
      case '+':
      case '=':
        this.zoomBy(1.25);
        break;
      case '-':
      case '_':
        this.zoomBy(0.8);
        break;
      case '0':
        this.fit();
        break;
      case 'Enter':
      case ' ': {
        const v = this.selectedVisible();
        if (v >= 0) this.select(v, true, true);
        break;
      }
      case 'c': {
        const v = this.selectedVisible();
        if (v >= 0 && this.scene?.group[v]) this.toggleGroup(this.scene.graph.nodes[this.scene.projection.visible[v]].id);
        break;
      }
      case 'Escape':
        this.selected = undefined;
        this.applySelectionFlags();
        this.requestPaint();
        break;
      default:
        return;
    }
    ev.preventDefault();
  }

  /** Shift+arrows: up/down follow edges, left/right walk the layer. */
  private moveSelection(key: string): void {
    const scene = this.scene;
    if (!scene) return;
    const l = scene.layout;
    let v = this.selectedVisible();
    if (v < 0) {
      v = l.layerNodes.length ? l.layerNodes[0] : -1;
      if (v >= 0) this.select(v, true, false);
      return;
    }
    let next = -1;
    if (key === 'ArrowLeft' || key === 'ArrowRight') {
      const r = l.rank[v];
      for (let i = l.layerStart[r]; i < l.layerStart[r + 1]; i++) {
        if (l.layerNodes[i] !== v) continue;
        const j = key === 'ArrowLeft' ? i - 1 : i + 1;
        if (j >= l.layerStart[r] && j < l.layerStart[r + 1]) next = l.layerNodes[j];
        break;
      }
    } else {
      const p = scene.projection;
      // The neighbour closest in x along an edge in the requested direction.
      let best = Infinity;
      for (let e = 0; e < p.edgeFrom.length; e++) {
        const other = key === 'ArrowDown' ? (p.edgeFrom[e] === v ? p.edgeTo[e] : -1) : p.edgeTo[e] === v ? p.edgeFrom[e] : -1;
        if (other < 0) continue;
        const d = Math.abs(l.x[other] - l.x[v]);
        if (d < best) {
          best = d;
          next = other;
        }
      }
    }
    if (next >= 0) this.select(next, true, false);
  }
}

function describe(d: PipelineDiagnostic): string {
  return d.range ? `${d.message} (line ${d.range.startLine + 1}, column ${d.range.startCol + 1})` : d.message;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
