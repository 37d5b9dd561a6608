/**
 * The run view's bars above the graph: the "Spec | Run" toggle, the run's name, phase and actions,
 * "Next failed node" and the phase filter, and the failures strip that lists every failed node with
 * its message, so nobody has to hover to find out what went wrong. Buttons carry `data-action`;
 * input.ts routes their clicks to the controller.
 */
import type { NodeStatus } from '../../src/core/model/pipelineGraph';
import type { DagViewMode, RunViewInfo } from '../../src/protocol/dagMessages';
import { el } from '../dom';
import { phaseFilters, runActionLabels, runActionsFor, type PhaseFilter } from './runView';

export interface FailureItem {
  id: string;
  label: string;
  message?: string;
}

export interface RunBarState {
  current: DagViewMode;
  available: readonly DagViewMode[];
  run?: RunViewInfo;
  failed: readonly FailureItem[];
  cursor: number;
  filter: PhaseFilter;
}

/** The strip lists this many failures; a run with more says how many more (Next failed walks them all). */
const maxListedFailures = 200;

export class RunBar {
  private controlsKey = '';
  private failuresKey = '';
  private readonly controls: HTMLElement;
  private readonly failures: HTMLElement;

  constructor(
    private readonly bar: HTMLElement,
    private readonly onFilter: (filter: PhaseFilter) => void,
  ) {
    this.controls = el('div', { class: 'run-controls', role: 'toolbar', 'aria-label': 'Run view tools' });
    this.failures = el('div', { class: 'failures', role: 'region', 'aria-label': 'Failed steps', hidden: '' });
    bar.append(this.controls, this.failures);
  }

  render(s: RunBarState): void {
    const offersRun = s.available.includes('run');
    this.bar.hidden = !offersRun && s.current !== 'run';
    if (this.bar.hidden) {
      this.controlsKey = this.failuresKey = '';
      return;
    }
    const inRun = s.current === 'run' && s.run !== undefined && !s.run.unavailable;
    const key = JSON.stringify([s.current, s.available, s.run?.runId, s.run?.name, s.run?.phase, s.run?.suspended, s.run?.message, inRun, s.failed.length > 0]);
    if (key !== this.controlsKey) {
      this.controlsKey = key;
      this.buildControls(s, inRun);
    }
    this.updateCursor(s);
    const select = this.controls.querySelector<HTMLSelectElement>('select.phase-filter');
    if (select && select.value !== s.filter) select.value = s.filter;
    this.renderFailures(inRun ? s.failed : []);
  }

  private buildControls(s: RunBarState, inRun: boolean): void {
    const parts: HTMLElement[] = [];
    if (s.available.length > 1) {
      const toggle = el('div', { class: 'view-toggle', role: 'group', 'aria-label': 'View' });
      for (const mode of ['spec', 'run'] as const) {
        if (!s.available.includes(mode)) continue;
        const text = mode === 'spec' ? 'Spec' : 'Run';
        const b = el('button', {
          class: 'toggle',
          'data-action': `view-${mode}`,
          'aria-pressed': String(s.current === mode),
          title: mode === 'spec' ? 'Show the pipeline as written in the file' : 'Show the nodes the run created, with their phases',
        }, text);
        toggle.append(b);
      }
      parts.push(toggle);
    }
    if (s.run && s.current === 'run') {
      const run = s.run;
      parts.push(el('span', { class: `run-name status-${run.phase}`, title: run.message ? `${run.name}: ${run.message}` : run.name }, `${run.name} · ${phaseWord(run.phase)}${run.suspended ? ' (suspended)' : ''}`));
    }
    if (inRun && s.run) {
      const nav = el('div', { class: 'run-nav', role: 'group', 'aria-label': 'Failed steps' });
      const disabled: Record<string, string> = s.failed.length === 0 ? { disabled: '' } : {};
      nav.append(
        el('button', { class: 'action', 'data-action': 'prev-failed', title: 'Previous failed step (Shift+F8)', 'aria-label': 'Previous failed step', ...disabled }, '◂'),
        el('button', { class: 'action', 'data-action': 'next-failed', title: 'Next failed step (F8)', 'aria-label': 'Next failed step', ...disabled }, 'Next failed ▸'),
        el('span', { class: 'failed-count', 'aria-live': 'polite' }),
      );
      const filter = el('select', { class: 'phase-filter', 'aria-label': 'Show steps in phase', title: 'Dim the steps in other phases' });
      for (const [value, text] of phaseFilters) filter.append(el('option', { value }, text));
      filter.value = s.filter;
      filter.addEventListener('change', () => this.onFilter(filter.value as PhaseFilter));
      parts.push(nav, filter);
    }
    if (s.run && s.current === 'run') {
      // Offered even when the run's nodes cannot be read: the run itself can still be stopped or deleted.
      const actions = el('div', { class: 'run-actions', role: 'group', 'aria-label': 'Run actions' });
      for (const action of runActionsFor(s.run.phase, s.run.suspended)) {
        const label = runActionLabels[action];
        actions.append(el('button', { class: 'action', 'data-action': `run-${action}`, title: label.title, 'aria-label': `${label.text} (${s.run.name})` }, label.text));
      }
      parts.push(actions);
    }
    this.controls.replaceChildren(...parts);
  }

  private updateCursor(s: RunBarState): void {
    const count = this.controls.querySelector('.failed-count');
    if (!count) return;
    const n = s.failed.length;
    count.textContent = n === 0 ? 'no failures' : s.cursor >= 0 ? `${s.cursor + 1} of ${n} failed` : `${n} failed`;
  }

  private renderFailures(failed: readonly FailureItem[]): void {
    const key = JSON.stringify(failed.slice(0, maxListedFailures).map((f) => [f.id, f.label, f.message]));
    if (key === this.failuresKey) return;
    this.failuresKey = key;
    this.failures.hidden = failed.length === 0;
    if (!failed.length) {
      this.failures.replaceChildren();
      return;
    }
    const list = el('ul', { class: 'failure-list' });
    for (const f of failed.slice(0, maxListedFailures)) {
      const li = el('li');
      const name = el('button', { class: 'link failure', 'data-action': 'failure', 'data-node-id': f.id, title: 'Show this step and its details' }, f.label);
      li.append(el('span', { class: 'failure-mark', 'aria-hidden': 'true' }, '✗'), name);
      if (f.message) li.append(el('span', { class: 'failure-message' }, f.message));
      list.append(li);
    }
    if (failed.length > maxListedFailures) list.append(el('li', { class: 'failure-more' }, `and ${failed.length - maxListedFailures} more (F8 walks them all)`));
    const title = el('div', { class: 'failures-title' }, `${failed.length} failed ${failed.length === 1 ? 'step' : 'steps'}`);
    this.failures.replaceChildren(title, list);
  }
}

function phaseWord(phase: NodeStatus): string {
  return phase.charAt(0).toUpperCase() + phase.slice(1);
}
