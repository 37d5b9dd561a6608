/**
 * The panel's DOM skeleton: toolbar, banner, the canvas stage and the screen-reader parts. Built once;
 * the modules that own each part (details/, selection.ts, run/) fill them.
 */

export interface Elements {
  root: HTMLElement;
  toolbar: HTMLElement;
  canvas: HTMLCanvasElement;
  minimap: HTMLCanvasElement;
  search: HTMLInputElement;
  matchCount: HTMLElement;
  graphSelect: HTMLSelectElement;
  banner: HTMLElement;
  /** Run-mode bars (view toggle, run actions, failures): empty and hidden in the spec view. */
  runBar: HTMLElement;
  stage: HTMLElement;
  message: HTMLElement;
  card: HTMLElement;
  nodeList: HTMLElement;
  live: HTMLElement;
}

/** An element with attributes and text content: every string from a pipeline file goes in as text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** What the canvas tells screen readers; Enter does something else in the run view. */
export const canvasLabels = {
  spec: 'Pipeline graph. Arrow keys pan, plus and minus zoom, 0 fits, Shift+arrows move between steps, Enter opens the step source.',
  run: "Run graph. Arrow keys pan, plus and minus zoom, 0 fits, Shift+arrows move between steps, Enter opens the step's details and logs, F8 and Shift+F8 go to the next and previous failed step, c expands or collapses a group.",
} as const;

export function buildDom(root: HTMLElement): Elements {
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
  const runBar = el('div', { class: 'run-bar', hidden: '' });
  const stage = el('div', { class: 'stage' });
  const canvas = el('canvas', {
    class: 'graph',
    tabindex: '0',
    role: 'application',
    'aria-roledescription': 'pipeline graph',
    'aria-label': canvasLabels.spec,
  });
  const minimap = el('canvas', { class: 'minimap', width: '160', height: '120', 'aria-hidden': 'true', hidden: '' });
  const message = el('div', { class: 'message' });
  const card = el('div', { class: 'card', role: 'tooltip', hidden: '' });
  stage.append(canvas, minimap, message, card);
  const nodeList = el('ul', { class: 'sr-only', id: 'node-list', 'aria-label': 'Pipeline steps' });
  const live = el('div', { class: 'sr-only', 'aria-live': 'polite' });
  root.append(toolbar, banner, runBar, stage, nodeList, live);
  return { root, toolbar, canvas, minimap, search, matchCount, graphSelect, banner, runBar, stage, message, card, nodeList, live };
}
