/** The hover card: a node's kind, status and details next to the pointer, kept inside the stage. */
import type { NodeStatus } from '../../src/core/model/pipelineGraph';
import { el } from '../dom';
import type { Scene } from '../scene';
import type { Viewport } from '../view/viewport';

export class HoverCard {
  constructor(
    private readonly card: HTMLElement,
    private readonly viewport: Viewport,
    private readonly statusOf: (key: string) => NodeStatus | undefined,
  ) {}

  get shown(): boolean {
    return !this.card.hidden;
  }

  hide(): void {
    this.card.hidden = true;
  }

  show(scene: Scene | undefined, v: number, sx: number, sy: number): void {
    const card = this.card;
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
    this.place(sx, sy);
  }

  /** Next to the pointer, kept inside the stage. */
  place(sx: number, sy: number): void {
    const card = this.card;
    const w = card.offsetWidth;
    const h = card.offsetHeight;
    const { width, height } = this.viewport;
    card.style.left = `${Math.max(4, Math.min(sx + 14, width - w - 4))}px`;
    card.style.top = `${Math.max(4, sy + 14 + h > height ? sy - h - 10 : sy + 14)}px`;
  }
}
