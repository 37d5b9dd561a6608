/**
 * The run view's part of the panel: what the panel does differently while it shows a run graph
 * (a graph payload with `run`). Large groups start collapsed and say their members' phase counts,
 * the failures are listed and walked (Next failed), the phase filter dims the rest, and the run bar
 * offers the view toggle and the run's actions. The rules are in runView.ts; this wires them to the
 * controller (app.ts) through RunModeHost.
 */
import type { NodeStatus, PipelineGraph, PipelineNode } from '../../src/core/model/pipelineGraph';
import type { DagViewMode, GraphPayload, HostToWebview, RunAction, WebviewMessage } from '../../src/protocol/dagMessages';
import type { Scene } from '../scene';
import type { Selection } from '../selection';
import { RunBar } from './runBar';
import {
  collapsedGroupLabel,
  enclosingGroups,
  failedNodes,
  groupMembers,
  largeGroups,
  nodeMessage,
  phaseMask,
  runCollapsed,
  stepCursor,
  type PhaseFilter,
} from './runView';

export interface RunModeHost {
  doc(): GraphPayload | undefined;
  graph(): PipelineGraph | undefined;
  scene(): Scene | undefined;
  statuses(): Record<string, NodeStatus> | undefined;
  /** The controller's collapsed groups (ids); the run view adds the large ones to them. */
  collapsed(): Set<string>;
  setCollapsed(ids: Set<string>): void;
  /** Lays the graph out again with the current collapsed groups. */
  relayout(): Promise<void>;
  post(message: WebviewMessage): void;
  saveSoon(): void;
  requestPaint(): void;
  /** Opens a node (its details in the run view). */
  activate(nodeId: string): void;
}

export interface RunViewState {
  runId?: string;
  collapsed: string[];
  groupLabels: Record<string, string>;
  failed: string[];
  cursor: number;
  filter: PhaseFilter;
  visible: number;
}

export class RunMode {
  /** Which views the host offers for the file (viewModes). */
  private modes: HostToWebview['viewModes'] = { current: 'spec', available: ['spec'] };
  /** The run graph's groups and their members; undefined while the panel shows no run graph. */
  private run: { members: Map<string, PipelineNode[]>; large: string[] } | undefined;
  /** Large groups the user opened: they stay open on the next snapshots. */
  private expanded = new Set<string>();
  private filter: PhaseFilter = 'all';
  private failed: PipelineNode[] = [];
  private cursor = -1;
  private readonly bar: RunBar;

  constructor(
    barElement: HTMLElement,
    private readonly selection: Selection,
    private readonly host: RunModeHost,
  ) {
    this.bar = new RunBar(barElement, (filter) => this.setFilter(filter));
  }

  /** Showing a run graph (not the spec, not an unreadable run). */
  get active(): boolean {
    return this.run !== undefined;
  }

  setModes(modes: HostToWebview['viewModes']): void {
    this.modes = modes;
    this.render();
  }

  /** Nothing drawn any more (no pipeline open). */
  reset(): void {
    this.run = undefined;
    this.failed = [];
    this.modes = { current: 'spec', available: ['spec'] };
    this.render();
  }

  /** Another document or view: its saved expanded groups, a fresh failure cursor. */
  restore(expanded: readonly string[] | undefined): void {
    this.expanded = new Set(expanded ?? []);
    this.cursor = -1;
  }

  savedExpanded(): string[] {
    return [...this.expanded];
  }

  /**
   * A graph payload arrived (before its layout): for a run graph, its groups, and the large ones
   * collapsed unless the user opened them; for anything else, no run view.
   */
  prepare(): void {
    const graph = this.host.graph();
    const doc = this.host.doc();
    if (!doc?.run || doc.run.unavailable || !graph) {
      this.run = undefined;
      this.failed = [];
      this.render();
      return;
    }
    const members = groupMembers(graph);
    const large = largeGroups(graph, members);
    this.run = { members, large };
    this.host.setCollapsed(runCollapsed(this.host.collapsed(), large, this.expanded));
  }

  /** The user expanded (false) or collapsed (true) a group. */
  groupToggled(id: string, collapsed: boolean): void {
    if (collapsed) this.expanded.delete(id);
    else this.expanded.add(id);
  }

  /** Collapse all / Expand all. */
  allGroups(collapse: boolean): void {
    if (collapse) this.expanded.clear();
    else if (this.run) this.expanded = new Set(this.run.large);
  }

  /**
   * After a layout or a status snapshot: collapsed groups' boxes show their members' phase counts,
   * the failures strip and "Next failed" follow the statuses, and the phase filter dims the rest.
   */
  decorate(): void {
    const scene = this.host.scene();
    const run = this.run;
    if (!scene || !run) {
      this.failed = [];
      this.selection.setFilter(undefined);
      this.render();
      return;
    }
    const statuses = this.host.statuses();
    const { visible, hiddenCount } = scene.projection;
    for (let v = 0; v < scene.count; v++) {
      if (hiddenCount[v] === 0) continue;
      const group = scene.graph.nodes[visible[v]];
      const text = collapsedGroupLabel(group, run.members.get(group.id) ?? [], statuses);
      if (text !== scene.labels[v]) {
        scene.labels[v] = text;
        scene.fitted[v] = undefined;
      }
    }
    const before = this.failed[this.cursor]?.id;
    this.failed = failedNodes(scene.graph, statuses);
    this.cursor = before === undefined ? -1 : this.failed.findIndex((n) => n.id === before);
    this.selection.setFilter(phaseMask(scene.graph.nodes, scene.projection.repOf, scene.count, statuses, this.filter));
    this.render();
  }

  /** Click or Enter on a node of a run graph: its details and logs. False when no run is shown. */
  open(nodeId: string): boolean {
    const run = this.host.doc()?.run;
    if (!run) return false;
    this.host.post({ type: 'openNodeDetails', payload: { runId: run.runId, nodeId } });
    return true;
  }

  /** "Next failed node" (F8) / previous (Shift+F8). */
  stepFailed(direction: 1 | -1): Promise<void> {
    if (!this.failed.length) return Promise.resolve();
    this.cursor = stepCursor(this.failed.length, this.cursor, direction);
    this.render();
    return this.goTo(this.failed[this.cursor].id, false);
  }

  /** A run bar button (input.ts routes the ones it does not know here); true if it was one. */
  toolbarAction(action: string, button: HTMLElement): boolean {
    if (action === 'view-spec' || action === 'view-run') {
      const mode: DagViewMode = action === 'view-run' ? 'run' : 'spec';
      if (mode !== this.modes.current) this.host.post({ type: 'switchView', payload: { mode } });
      return true;
    }
    if (action === 'next-failed' || action === 'prev-failed') {
      void this.stepFailed(action === 'next-failed' ? 1 : -1);
      return true;
    }
    if (action === 'failure') {
      const id = button.getAttribute('data-node-id');
      if (id) {
        const at = this.failed.findIndex((n) => n.id === id);
        if (at >= 0) this.cursor = at;
        this.render();
        void this.goTo(id, true);
      }
      return true;
    }
    const run = this.host.doc()?.run;
    if (action.startsWith('run-') && run) {
      // The host confirms the actions that destroy work; the panel only asks.
      this.host.post({ type: 'runAction', payload: { runId: run.runId, action: action.slice(4) as RunAction } });
      return true;
    }
    return false;
  }

  /** F8 / Shift+F8 anywhere but in the search box. */
  key(ev: KeyboardEvent): boolean {
    if (ev.key !== 'F8' || !this.active || ev.target instanceof HTMLInputElement) return false;
    void this.stepFailed(ev.shiftKey ? -1 : 1);
    return true;
  }

  /** The run view as drawn, for tests and screenshots. */
  state(): RunViewState | undefined {
    const scene = this.host.scene();
    const run = this.host.doc()?.run;
    if (!run || !scene || !this.run) return undefined;
    const groupLabels: Record<string, string> = {};
    for (let v = 0; v < scene.count; v++) if (scene.projection.hiddenCount[v] > 0) groupLabels[scene.graph.nodes[scene.projection.visible[v]].id] = scene.labels[v];
    return {
      runId: run.runId,
      collapsed: [...this.host.collapsed()],
      groupLabels,
      failed: this.failed.map((n) => n.id),
      cursor: this.cursor,
      filter: this.filter,
      visible: scene.count,
    };
  }

  private setFilter(filter: PhaseFilter): void {
    this.filter = filter;
    const scene = this.host.scene();
    if (scene && this.run) this.selection.setFilter(phaseMask(scene.graph.nodes, scene.projection.repOf, scene.count, this.host.statuses(), filter));
    this.render();
    this.host.requestPaint();
  }

  private render(): void {
    const doc = this.host.doc();
    this.bar.render({
      current: doc?.run ? 'run' : this.modes.current,
      available: this.modes.available,
      run: doc?.run ?? this.modes.run,
      failed: this.failed.map((n) => ({ id: n.id, label: n.label || n.id, message: nodeMessage(n) })),
      cursor: this.cursor,
      filter: this.filter,
    });
  }

  /** Shows a node: opens the groups that hide it, centres and selects it; `details` opens it too. */
  private async goTo(nodeId: string, details: boolean): Promise<void> {
    const graph = this.host.graph();
    if (!graph) return;
    const collapsed = this.host.collapsed();
    let opened = false;
    for (const g of enclosingGroups(graph, nodeId)) {
      if (!collapsed.delete(g)) continue;
      this.expanded.add(g);
      opened = true;
    }
    if (opened) {
      this.host.saveSoon();
      await this.host.relayout();
    }
    if (this.selection.selectAndCentre(nodeId) && details) this.host.activate(nodeId);
  }
}
