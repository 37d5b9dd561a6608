/**
 * Selection, hover and search: which node is selected (by id, so it survives relayouts and
 * collapsing), which is under the pointer, and the search matches with the cursor through them.
 * Both end up as flags on the scene, which the renderer draws.
 */
import type { Elements } from './dom';
import { NodeFlag, type Scene } from './scene';
import type { Viewport } from './view/viewport';

export interface SelectionContext {
  readonly e: Pick<Elements, 'search' | 'matchCount' | 'live'>;
  readonly viewport: Viewport;
  scene(): Scene | undefined;
  requestPaint(): void;
  scheduleSave(): void;
  /** The user activated a node (click, Enter): the mode decides what that opens. */
  activated(nodeId: string): void;
}

/** Scale at which a node jumped to (search, next failed) is centred: enough to read its label. */
export const readableScale = 0.8;

export class Selection {
  selected: string | undefined;
  hovered = -1;
  private matches: number[] = [];
  private matchCursor = -1;
  /** Search matches by visible node, while there is a query. */
  private matched: Uint8Array | undefined;
  private filter: Uint8Array | undefined;

  constructor(private readonly ctx: SelectionContext) {}

  /** Visible index of the selected node (its collapsed group when it is hidden), or -1. */
  selectedVisible(): number {
    const scene = this.ctx.scene();
    if (!scene || !this.selected) return -1;
    return visibleOf(scene, this.selected);
  }

  applyFlags(): void {
    const scene = this.ctx.scene();
    if (!scene) return;
    for (let v = 0; v < scene.count; v++) scene.flags[v] &= ~(NodeFlag.Selected | NodeFlag.Hovered);
    if (this.selected) {
      const v = visibleOf(scene, this.selected);
      if (v >= 0) scene.flags[v] |= NodeFlag.Selected;
    }
    if (this.hovered >= 0 && this.hovered < scene.count) scene.flags[this.hovered] |= NodeFlag.Hovered;
  }

  setHovered(v: number): void {
    if (v === this.hovered) return;
    this.hovered = v;
    this.applyFlags();
    this.ctx.requestPaint();
  }

  clear(): void {
    this.selected = undefined;
    this.applyFlags();
    this.ctx.requestPaint();
  }

  /** Selects visible node `v`; `reveal` scrolls it into view, `activate` opens it (source or details). */
  select(v: number, reveal: boolean, activate: boolean): void {
    const scene = this.ctx.scene();
    if (!scene || v < 0) return;
    const node = scene.graph.nodes[scene.projection.visible[v]];
    this.selected = node.id;
    this.applyFlags();
    if (reveal) this.ctx.viewport.ensureVisible(scene.layout.x[v], scene.layout.y[v]);
    this.ctx.e.live.textContent = `${node.label}, ${node.kind}${node.subtitle ? `, ${node.subtitle}` : ''}`;
    this.ctx.requestPaint();
    this.ctx.scheduleSave();
    if (activate) this.ctx.activated(node.id);
  }

  /** Selects a node by id and centres it, zoomed in enough to read. */
  selectAndCentre(nodeId: string): boolean {
    const scene = this.ctx.scene();
    const v = scene ? visibleOf(scene, nodeId) : -1;
    if (!scene || v < 0) return false;
    this.select(v, false, false);
    this.ctx.viewport.centre(scene.layout.x[v], scene.layout.y[v], readableScale);
    return true;
  }

  /**
   * Search: flags matches and dims the rest; `jump` moves to the first match. Called after every
   * relayout (visible indices changed) and on each keystroke.
   */
  updateMatches(jump: boolean): void {
    const scene = this.ctx.scene();
    const query = this.ctx.e.search.value.trim().toLowerCase();
    this.matches = [];
    this.matchCursor = -1;
    this.matched = undefined;
    if (scene) {
      if (query.length > 0) {
        const matched = (this.matched = new Uint8Array(scene.count));
        const nodes = scene.graph.nodes;
        for (let gi = 0; gi < nodes.length; gi++) {
          // Members of a collapsed group match through the group box.
          if (nodes[gi].label.toLowerCase().includes(query) || nodes[gi].id.toLowerCase().includes(query)) matched[scene.projection.repOf[gi]] = 1;
        }
        for (let v = 0; v < scene.count; v++) if (matched[v]) this.matches.push(v);
      }
      this.applyDimming();
      // Reading order: top to bottom, then left to right.
      const l = scene.layout;
      this.matches.sort((a, b) => l.rank[a] - l.rank[b] || l.x[a] - l.x[b]);
    }
    this.ctx.e.matchCount.textContent = query ? `${this.matches.length ? '' : 'No results'}${this.matches.length ? `${this.matches.length} found` : ''}` : '';
    if (jump && this.matches.length) this.stepMatch(1);
    this.ctx.requestPaint();
  }

  /**
   * The run view's phase filter: 1 per visible node that passes, undefined for none. Dims like a
   * search; a node is drawn plainly only when it passes both. The caller paints.
   */
  setFilter(mask: Uint8Array | undefined): void {
    if (mask === undefined && this.filter === undefined) return;
    this.filter = mask;
    this.applyDimming();
  }

  private applyDimming(): void {
    const scene = this.ctx.scene();
    if (!scene) return;
    const matched = this.matched;
    // A mask from before a relayout does not fit the new visible nodes; the controller sets a new one.
    const filter = this.filter?.length === scene.count ? this.filter : undefined;
    for (let v = 0; v < scene.count; v++) {
      let f = scene.flags[v] & ~(NodeFlag.Match | NodeFlag.Dimmed);
      if (matched) f |= matched[v] ? NodeFlag.Match : NodeFlag.Dimmed;
      if (filter && !filter[v]) f |= NodeFlag.Dimmed;
      scene.flags[v] = f;
    }
  }

  /** Enter in the search box: the first match, then the next (Shift: the previous). */
  searchEnter(backwards: boolean): void {
    if (this.matchCursor < 0 && !backwards) this.stepMatch(1);
    else this.stepMatch(backwards ? -1 : 1);
  }

  stepMatch(direction: 1 | -1): void {
    const scene = this.ctx.scene();
    if (!this.matches.length || !scene) return;
    this.matchCursor = (this.matchCursor + direction + this.matches.length) % this.matches.length;
    const v = this.matches[this.matchCursor];
    this.ctx.e.matchCount.textContent = `${this.matchCursor + 1} of ${this.matches.length}`;
    this.select(v, false, false);
    const l = scene.layout;
    this.ctx.viewport.centre(l.x[v], l.y[v], readableScale);
  }

  /** Shift+arrows: up/down follow edges, left/right walk the layer. */
  moveSelection(key: string): void {
    const scene = this.ctx.scene();
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

/** Visible index of a node by id: itself, or the collapsed group that hides it; -1 if unknown. */
export function visibleOf(scene: Scene, nodeId: string): number {
  const gi = scene.graph.nodes.findIndex((n) => n.id === nodeId);
  return gi < 0 ? -1 : scene.projection.repOf[gi];
}
