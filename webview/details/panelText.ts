/**
 * The panel's text around the graph: the placeholder/progress message, the problem banner, the list
 * of graphs in a multi-document file and the screen-reader list of steps.
 */
import type { PipelineDiagnostic, PipelineGraph } from '../../src/core/model/pipelineGraph';
import type { WebviewMessage } from '../../src/protocol/dagMessages';
import { el, type Elements } from '../dom';
import type { Scene } from '../scene';

/** Screen-reader list of node names: capped, since 10k list items would cost more than the canvas. */
const maxListedNodes = 2000;

export class PanelText {
  constructor(
    private readonly e: Pick<Elements, 'message' | 'banner' | 'graphSelect' | 'nodeList'>,
    private readonly post: (message: WebviewMessage) => void,
  ) {}

  showMessage(text: string): void {
    this.e.message.textContent = text;
    this.e.message.hidden = false;
  }

  hideMessage(): void {
    this.e.message.hidden = true;
  }

  setBanner(diagnostics: PipelineDiagnostic[]): void {
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

  fillGraphSelect(graphs: PipelineGraph[], current: number): void {
    const s = this.e.graphSelect;
    s.replaceChildren();
    s.hidden = graphs.length < 2;
    graphs.forEach((g, i) => {
      const option = el('option', { value: String(i) }, g.name || `${g.format} #${i + 1}`);
      if (i === current) option.selected = true;
      s.append(option);
    });
  }

  fillNodeList(scene: Scene): void {
    const items: HTMLElement[] = [];
    const limit = Math.min(scene.count, maxListedNodes);
    for (let v = 0; v < limit; v++) {
      const node = scene.graph.nodes[scene.projection.visible[v]];
      items.push(el('li', { 'data-node-id': node.id }, `${node.label} (${node.kind})`));
    }
    if (scene.count > limit) items.push(el('li', {}, `and ${(scene.count - limit).toLocaleString()} more steps`));
    this.e.nodeList.replaceChildren(...items);
  }

  clearNodeList(): void {
    this.e.nodeList.replaceChildren();
  }
}

export function describe(d: PipelineDiagnostic): string {
  return d.range ? `${d.message} (line ${d.range.startLine + 1}, column ${d.range.startCol + 1})` : d.message;
}
