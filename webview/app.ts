/**
 * The DAG panel app's controller: receives full snapshots from the host (graph, status), lays them
 * out in a worker and hands the result to the parts that own the page:
 * - view/viewport.ts (zoom and pan) and view/painter.ts (canvas, bitmap cache, minimap);
 * - selection.ts (selection, hover, search);
 * - details/ (hover card, banner, messages, screen-reader list);
 * - persistence.ts (UI state per document in getState/setState);
 * - input.ts (keyboard and pointer);
 * - run/runMode.ts (the run view: "Spec | Run", collapsed fan-outs with phase counts, failures,
 *   Next failed, phase filter, run actions; its rules in run/runView.ts, its bar in run/runBar.ts).
 */
import type { NodeStatus, ParseResult, PipelineGraph, StatusSnapshot } from '../src/core/model/pipelineGraph';
import { statusesForGraph } from '../src/core/model/statusScope';
import type { GraphPayload, HostMessage, RenderReason, WebviewMessage } from '../src/protocol/dagMessages';
import { HoverCard } from './details/hoverCard';
import { describe, PanelText } from './details/panelText';
import { buildDom, canvasLabels, type Elements } from './dom';
import { wireInput, type InputActions } from './input';
import { boxWidth, estimatedBoxWidth, maxNodeWidth } from './layout/labelWidth';
import type { LayoutInput } from './layout/layered';
import { projectGraph, type ProjectedGraph } from './layout/project';
import { chooseLod, hitTest, screenToWorld } from './layout/view';
import type { LayoutClient } from './layoutClient';
import { Persistence, runStateKey, type ShownState } from './persistence';
import { RunMode, type RunViewState } from './run/runMode';
import { applyStatus, buildScene, nodeHeight, type Scene } from './scene';
import { Selection, visibleOf } from './selection';
import { readTheme, watchTheme, type Theme } from './theme';
import { Painter } from './view/painter';
import { Viewport } from './view/viewport';

export interface HostApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Decodes big graph snapshots (`graphUtf8`); one decoder for the page's life. */
const utf8 = new TextDecoder();

export class DagApp implements InputActions {
  private readonly e: Elements;
  private theme: Theme;
  private scene: Scene | undefined;
  private doc: GraphPayload | undefined;
  private graph: PipelineGraph | undefined;
  private collapsed = new Set<string>();
  private graphIndex = 0;
  private lastStatus: StatusSnapshot | undefined;
  private layoutGeneration = 0;
  private asciiWidth = new Map<string, Float32Array>();
  private workerProblemReported = false;
  private readonly viewport: Viewport;
  private readonly painter: Painter;
  private readonly selection: Selection;
  private readonly text: PanelText;
  private readonly card: HoverCard;
  private readonly persistence: Persistence;
  private readonly runMode: RunMode;

  constructor(
    root: HTMLElement,
    private readonly host: HostApi,
    private readonly layouts: LayoutClient,
    placeholder: string,
  ) {
    this.e = buildDom(root);
    this.theme = readTheme();
    this.viewport = new Viewport(this.e.canvas, {
      moved: () => {
        this.painter.request();
        this.persistence.schedule();
      },
      settled: () => this.painter.settled(),
    });
    this.painter = new Painter(this.e.root, this.e.canvas, this.e.minimap, this.viewport, { scene: () => this.scene, theme: () => this.theme });
    this.persistence = new Persistence(host, () => this.shownState());
    this.selection = new Selection({
      e: this.e,
      viewport: this.viewport,
      scene: () => this.scene,
      requestPaint: () => this.painter.request(),
      scheduleSave: () => this.persistence.schedule(),
      activated: (nodeId) => this.activated(nodeId),
    });
    this.text = new PanelText(this.e, (m) => this.post(m));
    this.card = new HoverCard(this.e.card, this.viewport, (key) => this.shownStatuses()?.[key]);
    this.runMode = new RunMode(this.e.runBar, this.selection, {
      doc: () => this.doc,
      graph: () => this.graph,
      scene: () => this.scene,
      statuses: () => this.shownStatuses(),
      collapsed: () => this.collapsed,
      setCollapsed: (ids) => (this.collapsed = ids),
      relayout: () => this.relayout('keep', 'view', performance.now()),
      post: (m) => this.post(m),
      saveSoon: () => this.persistence.schedule(),
      requestPaint: () => this.painter.request(),
      activate: (nodeId) => this.activated(nodeId),
    });
    this.text.showMessage(placeholder);
    wireInput(this.e, this.viewport, this.selection, this.painter.minimap, this);
    watchTheme(() => {
      this.theme = readTheme();
      this.painter.themeChanged();
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
        this.runMode.reset();
        this.text.setBanner([]);
        this.showEmpty(message.payload.reason);
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
        this.revealNode(message.payload.nodeId);
        return;
      case 'viewModes':
        this.runMode.setModes(message.payload);
        return;
    }
  }

  private post(message: WebviewMessage): void {
    this.host.postMessage(message);
  }

  private showEmpty(reason: string): void {
    this.text.showMessage(reason);
    this.e.root.dataset.state = 'empty';
    this.e.root.dataset.nodeCount = '0';
    this.text.clearNodeList();
    this.painter.request();
  }

  private async onGraph(payload: GraphPayload, received: number): Promise<void> {
    // The spec and the run view of a file keep their own view, selection and collapsed groups.
    const sameDoc = this.doc !== undefined && stateKeyOf(this.doc) === stateKeyOf(payload);
    if (!sameDoc) this.persistence.save(); // remember the view of the document we are leaving
    this.doc = payload;
    const { result } = payload;
    this.e.canvas.setAttribute('aria-label', payload.run ? canvasLabels.run : canvasLabels.spec);
    this.text.setBanner(result.diagnostics);
    if (!sameDoc) {
      this.restoreDocState(stateKeyOf(payload));
      this.persistence.rememberShown(payload.documentUri);
    }
    this.text.fillGraphSelect(result.graphs, this.graphIndex);
    if (payload.run?.unavailable) {
      this.graph = undefined;
      this.scene = undefined;
      this.runMode.prepare();
      this.showEmpty(`The nodes of run ${payload.run.name} cannot be shown: ${payload.run.unavailable}`);
      return;
    }
    if (result.graphs.length === 0) {
      this.graph = undefined;
      this.scene = undefined;
      this.runMode.prepare();
      const firstError = result.diagnostics.find((d) => d.severity === 'error');
      this.showEmpty(
        firstError ? `Cannot draw ${payload.fileName}: ${describe(firstError)}` : `No pipeline found in ${payload.fileName}. Kindling draws Argo, Kubeflow, SageMaker and Spark pipeline files.`,
      );
      return;
    }
    if (this.graphIndex >= result.graphs.length) this.graphIndex = 0;
    this.graph = result.graphs[this.graphIndex];
    this.runMode.prepare();
    await this.relayout(sameDoc && this.scene !== undefined ? 'keep' : 'restore', 'graph', received);
  }

  /** Projects, lays out (worker) and paints the current graph. */
  private async relayout(viewMode: 'keep' | 'restore' | 'anchor', reason: RenderReason, started: number, anchor?: string): Promise<void> {
    const graph = this.graph;
    if (!graph) return;
    const generation = ++this.layoutGeneration;
    if (!this.scene) this.text.showMessage(`Laying out ${graph.nodes.length.toLocaleString()} steps…`);
    this.e.root.dataset.state = 'layout';
    const projectionStart = performance.now();
    const projection = projectGraph(graph, this.collapsed);
    const build = (): LayoutInput => {
      const k = projection.visible.length;
      return {
        nodeCount: k,
        edgeFrom: projection.edgeFrom.slice(),
        edgeTo: projection.edgeTo.slice(),
        widths: this.nodeWidths(graph, projection),
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
    const anchorBefore = anchor && previous ? worldOf(previous, anchor) : undefined;
    this.scene = buildScene(graph, projection, output);
    applyStatus(this.scene, this.shownStatuses());
    this.runMode.decorate();
    this.text.hideMessage();
    const vp = this.viewport;
    vp.resize();
    if (viewMode === 'restore') {
      const saved = this.doc ? this.persistence.saved(stateKeyOf(this.doc)) : undefined;
      if (saved) vp.view = { scale: saved.scale, panX: saved.panX, panY: saved.panY };
      else vp.initial(output);
      vp.auto = !saved || saved.auto === true;
      if (saved?.auto) vp.initial(output);
    } else if (viewMode === 'keep' && vp.auto) {
      vp.initial(output);
    } else if (viewMode === 'anchor' && anchorBefore && anchor) {
      // Keep the toggled group under the same screen point.
      const after = worldOf(this.scene, anchor);
      if (after) {
        const v = vp.view;
        vp.view = { scale: v.scale, panX: v.panX + (anchorBefore[0] - after[0]) * v.scale, panY: v.panY + (anchorBefore[1] - after[1]) * v.scale };
      }
    }
    this.selection.updateMatches(false);
    this.selection.applyFlags();
    this.painter.renderMinimap();
    const paintStart = performance.now();
    this.painter.paint();
    const paintMs = performance.now() - paintStart;
    const root = this.e.root;
    root.dataset.state = 'ready';
    root.dataset.nodeCount = String(graph.nodes.length);
    root.dataset.visibleCount = String(this.scene.count);
    root.dataset.layoutMs = layoutMs.toFixed(1);
    // The screen-reader list is not needed for the first frame; build it once the frame is out.
    const scene = this.scene;
    this.reportAfterFrame(reason, this.scene.count, layoutMs, paintMs, started, () => {
      if (scene === this.scene) this.text.fillNodeList(scene);
    });
  }

  /**
   * Box widths that fit the label (within limits): measured with the canvas font for moderate
   * graphs, estimated from the length for huge ones, where measuring would delay the first paint.
   */
  private nodeWidths(graph: PipelineGraph, projection: ProjectedGraph): Float32Array {
    const { visible } = projection;
    const widths = new Float32Array(visible.length);
    const ctx = visible.length <= 3000 ? this.e.canvas.getContext('2d') : null;
    if (!ctx) {
      for (let v = 0; v < visible.length; v++) widths[v] = estimatedBoxWidth(graph.nodes[visible[v]].label);
    } else {
      ctx.font = `600 12px ${this.theme.font}`;
      // Most labels get the minimum width without being measured (see boxWidth): 1k nodes, ~1,000
      // measureText calls -> a few.
      const advances = this.asciiAdvances(ctx);
      const measure = (text: string): number => ctx.measureText(text).width;
      for (let v = 0; v < visible.length; v++) widths[v] = boxWidth(graph.nodes[visible[v]].label, advances, measure);
    }
    // A collapsed group of a run reads "score ×5000: 4,990 ✓ 7 ✗ 3 ⟳": the widest box there is.
    if (this.runMode.active) for (let v = 0; v < visible.length; v++) if (projection.hiddenCount[v] > 0) widths[v] = maxNodeWidth;
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

  private recolour(received: number): void {
    const scene = this.scene;
    if (!scene) return;
    applyStatus(scene, this.shownStatuses());
    this.runMode.decorate();
    this.painter.renderMinimap();
    const paintStart = performance.now();
    this.painter.paint();
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

  /** The run's statuses if the run is of the graph shown (a sibling document may share its keys). */
  private shownStatuses(): Record<string, NodeStatus> | undefined {
    return statusesForGraph(this.lastStatus, this.doc?.result.graphs ?? [], this.graphIndex);
  }

  // ─── hooks for the benchmark and E2E tests (main.ts) ────────────────────────────────────────

  paint(): void {
    this.painter.paint();
  }

  panBy(dx: number, dy: number): void {
    this.viewport.panBy(dx, dy);
  }

  zoomBy(factor: number): void {
    this.viewport.zoomBy(factor);
  }

  fit(): void {
    if (this.scene) this.viewport.fit(this.scene.layout);
  }

  /** Screen position (CSS px in the canvas) of a node's centre: for tests that click nodes. */
  nodeScreenCentre(nodeId: string): { x: number; y: number } | undefined {
    const at = this.scene ? worldOf(this.scene, nodeId) : undefined;
    if (!at) return undefined;
    const [x, y] = this.viewport.toScreen(at[0], at[1]);
    return { x, y };
  }

  /** The view and selection, for the E2E tests that check they survive edits and reloads. */
  viewState(): { documentUri?: string; scale: number; panX: number; panY: number; auto: boolean; selected?: string } {
    return { documentUri: this.doc?.documentUri, ...this.viewport.view, auto: this.viewport.auto, selected: this.selection.selected };
  }

  /** The run view as drawn, for tests and screenshots: collapsed groups' texts, failures, filter. */
  runState(): RunViewState | undefined {
    return this.runMode.state();
  }

  /** Expands or collapses a group by id (tests and screenshots; users click its chevron). */
  toggleGroupById(nodeId: string): Promise<void> {
    return this.toggleGroup(nodeId);
  }

  /** "Next failed node" (F8) / previous (Shift+F8). */
  stepFailed(direction: 1 | -1): Promise<void> {
    return this.runMode.stepFailed(direction);
  }

  // ─── input actions (input.ts) ───────────────────────────────────────────────────────────────

  nodeAt(sx: number, sy: number): number {
    if (!this.scene) return -1;
    const { view } = this.viewport;
    const [wx, wy] = screenToWorld(view, sx, sy);
    // A few pixels of slack when zoomed out, so tiny boxes can still be hit.
    return hitTest(this.scene.layout, wx, wy, chooseLod(view.scale) === 'full' ? 0 : 3 / view.scale);
  }

  hoverAt(sx: number, sy: number): void {
    const v = this.nodeAt(sx, sy);
    const same = v === this.selection.hovered && v >= 0 && this.card.shown;
    this.selection.setHovered(v);
    this.e.canvas.style.cursor = v >= 0 ? 'pointer' : 'grab';
    if (same) this.card.place(sx, sy); // same node: only follow the pointer, no DOM rebuild
    else this.card.show(this.scene, v, sx, sy);
  }

  leave(): void {
    this.card.hide();
    this.selection.setHovered(-1);
  }

  clickAt(sx: number, sy: number): void {
    const scene = this.scene;
    const v = this.nodeAt(sx, sy);
    if (!scene || v < 0) return;
    // The chevron area of a group header toggles it; anywhere else opens the source.
    const [wx] = screenToWorld(this.viewport.view, sx, sy);
    const left = scene.layout.x[v] - scene.layout.widths[v] / 2;
    if (scene.group[v] && wx - left < 28) {
      this.toggleGroupAt(v);
      return;
    }
    this.selection.select(v, false, true);
  }

  toggleGroupAt(v: number): void {
    const scene = this.scene;
    if (v >= 0 && scene?.group[v]) this.toggleGroup(scene.graph.nodes[scene.projection.visible[v]].id);
  }

  setAllGroups(collapse: boolean): void {
    const graph = this.graph;
    if (!graph) return;
    this.collapsed.clear();
    if (collapse) {
      // Collapse only the outermost groups; inner ones would be hidden anyway.
      const ids = new Set(graph.nodes.map((n) => n.id));
      for (const n of graph.nodes) if (n.kind === 'group' && !(n.parent && ids.has(n.parent))) this.collapsed.add(n.id);
    }
    this.runMode.allGroups(collapse);
    this.persistence.schedule();
    void this.relayout('restore', 'view', performance.now()).then(() => this.fit());
  }

  chooseGraph(index: number): void {
    this.graphIndex = index;
    this.graph = this.doc?.result.graphs[this.graphIndex];
    this.persistence.schedule();
    void this.relayout('restore', 'view', performance.now()).then(() => this.fit());
  }

  resized(): void {
    const vp = this.viewport;
    vp.resize();
    // A view we chose (fit) follows the panel's size; one the user chose stays put.
    if (vp.auto && this.scene) vp.initial(this.scene.layout);
    this.painter.paint();
  }

  toolbarAction(action: string, button: HTMLElement): boolean {
    return this.runMode.toolbarAction(action, button);
  }

  key(ev: KeyboardEvent): boolean {
    return this.runMode.key(ev);
  }

  // ─── selection, groups ──────────────────────────────────────────────────────────────────────

  /** Click or Enter on a node: in the spec view, its source; in the run view, its details and logs. */
  private activated(nodeId: string): void {
    const doc = this.doc;
    if (!doc) return;
    if (!this.runMode.open(nodeId)) this.post({ type: 'openSource', payload: { documentUri: doc.documentUri, nodeId } });
  }

  /** From the host: the editor cursor is in this node's source range. */
  private revealNode(nodeId: string): void {
    const scene = this.scene;
    if (!scene) return;
    const v = visibleOf(scene, nodeId);
    if (v >= 0) this.selection.select(v, true, false);
  }

  private toggleGroup(nodeId: string): Promise<void> {
    const collapse = !this.collapsed.delete(nodeId);
    if (collapse) this.collapsed.add(nodeId);
    this.runMode.groupToggled(nodeId, collapse);
    this.persistence.schedule();
    return this.relayout('anchor', 'view', performance.now(), nodeId);
  }

  // ─── state ──────────────────────────────────────────────────────────────────────────────────

  private restoreDocState(key: string): void {
    const saved = this.persistence.saved(key);
    this.collapsed = new Set(saved?.collapsed ?? []);
    this.runMode.restore(saved?.expanded);
    this.selection.selected = saved?.selected;
    this.graphIndex = saved?.graphIndex ?? 0;
  }

  private shownState(): ShownState | undefined {
    if (!this.doc) return undefined;
    const state = { ...this.viewport.view, auto: this.viewport.auto, selected: this.selection.selected, collapsed: [...this.collapsed], graphIndex: this.graphIndex };
    return { key: stateKeyOf(this.doc), documentUri: this.doc.documentUri, state: this.doc.run ? { ...state, expanded: this.runMode.savedExpanded() } : state };
  }
}

/** Where a payload's UI state is kept: per document, and per run for a run view. */
function stateKeyOf(payload: Pick<GraphPayload, 'documentUri' | 'run'>): string {
  return payload.run ? runStateKey(payload.documentUri, payload.run.runId) : payload.documentUri;
}

function worldOf(scene: Scene, nodeId: string): [number, number] | undefined {
  const gi = scene.graph.nodes.findIndex((n) => n.id === nodeId);
  if (gi < 0) return undefined;
  const v = scene.projection.repOf[gi];
  return [scene.layout.x[v], scene.layout.y[v]];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
