import * as vscode from 'vscode';
import { describeTimings, formatMs, type ResourceRef, type RunKind, type RunPhase, type RunTimings } from '../../core/component';

/** One run in the Runs view: started here, or found on the cluster. */
export interface RunEntry {
  ref: ResourceRef;
  kind?: RunKind;
  /** Started by Debug as Component (the run and its pods carry the kindling.dev/debug label). */
  debug?: boolean;
  phase: RunPhase;
  /** A Workflow suspended with Suspend (its phase stays Running): the menu offers Resume. */
  suspended?: boolean;
  message?: string;
  timings: RunTimings;
  /** The file it ran (absent for runs found on the cluster whose file is not in this workspace). */
  uri?: vscode.Uri;
  /** For a submitted pipeline: which document of the file (kind, name), so Run Again sends the same one. */
  document?: { kind: string; name: string };
  args: string[];
  parameters: Record<string, string>;
  image?: string;
  /** A Spark run's driver and executors with their phases (summarizePods). */
  pods?: string;
  /** Where its logs went (runs started in this window). */
  channel?: vscode.OutputChannel;
  /** Stops watch and log streams. */
  dispose?: () => void;
  kubeconfigPath?: string;
  context?: string;
}

const icons: Record<RunPhase, vscode.ThemeIcon> = {
  Pending: new vscode.ThemeIcon('loading~spin'),
  Running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  Succeeded: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  Failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  Unknown: new vscode.ThemeIcon('question'),
};

export class RunsTreeProvider implements vscode.TreeDataProvider<RunEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly runs: RunEntry[] = [];

  constructor(private readonly loadFromCluster?: () => Promise<RunEntry[]>) {}

  private loaded = false;

  add(entry: RunEntry): void {
    // The first listing of the cluster may already hold this run (the view opened while it was being
    // submitted): the live entry replaces that snapshot, or the view would show the run twice.
    const same = this.runs.findIndex((r) => runKey(r) === runKey(entry));
    if (same >= 0) this.runs.splice(same, 1)[0]?.dispose?.();
    this.runs.unshift(entry);
    // Keep the view readable; older runs remain on the cluster (and come back on reload).
    for (const old of this.runs.splice(50)) old.dispose?.();
    this.changed.fire(undefined);
  }

  /** A run deleted from the cluster leaves the view. */
  remove(entry: RunEntry): void {
    const at = this.runs.findIndex((r) => runKey(r) === runKey(entry));
    if (at < 0) return;
    this.runs.splice(at, 1)[0]?.dispose?.();
    this.changed.fire(undefined);
  }

  update(entry: RunEntry): void {
    this.changed.fire(entry);
  }

  all(): readonly RunEntry[] {
    return this.runs;
  }

  refresh(): void {
    this.loaded = false;
    this.changed.fire(undefined);
  }

  getTreeItem(run: RunEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(run.ref.name, vscode.TreeItemCollapsibleState.None);
    const duration = run.timings.finishedAt !== undefined && (run.timings.invokedAt ?? run.timings.submittedAt) !== undefined
      ? formatMs(run.timings.finishedAt - (run.timings.invokedAt ?? run.timings.submittedAt ?? 0))
      : undefined;
    // Phase first: the side bar is narrow and cuts the description's end, and the phase is what a user looks for.
    item.description = [run.suspended ? `${run.phase} (suspended)` : run.phase, duration, run.kind ?? run.ref.kind, run.debug ? 'debug' : undefined, run.pods].filter(Boolean).join(' · ');
    item.iconPath = run.suspended
      ? new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow'))
      : run.debug && (run.phase === 'Pending' || run.phase === 'Running') ? new vscode.ThemeIcon('debug-alt', new vscode.ThemeColor('charts.orange')) : icons[run.phase];
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${run.ref.name}** — ${run.debug ? 'debug run, ' : ''}${run.ref.kind} in \`${run.ref.namespace}\`\n\n`);
    tooltip.appendMarkdown(`Phase: ${run.phase}${run.message ? ` — ${escapeMd(run.message)}` : ''}\n\n`);
    const timings = describeTimings(run.timings);
    if (timings) tooltip.appendMarkdown(`Loop: ${timings}\n\n`);
    if (run.pods) tooltip.appendMarkdown(`Pods: ${escapeMd(run.pods)}\n\n`);
    if (run.image) tooltip.appendMarkdown(`Image: \`${run.image}\`\n\n`);
    if (run.uri) tooltip.appendMarkdown(`File: \`${vscode.workspace.asRelativePath(run.uri)}\`${run.args.length ? ` ${escapeMd(run.args.join(' '))}` : ''}\n\n`);
    item.tooltip = tooltip;
    // `<state>/<kind>/<phase>`: menus match on each part (package.json `when`). kindling.run.done.succeeded:
    // Promote This Run is offered on runs that succeeded only; Suspend on running Workflows, Resume on
    // suspended ones (`/suspended` after the phase); Retry on failed ones.
    const state = run.phase === 'Pending' || run.phase === 'Running' ? 'kindling.run.active' : run.phase === 'Succeeded' ? 'kindling.run.done.succeeded' : 'kindling.run.done';
    item.contextValue = `${state}/${run.ref.kind.toLowerCase()}/${run.phase}${run.suspended ? '/suspended' : ''}`;
    item.command = { command: 'kindling.showRunLogs', title: 'Show Logs', arguments: [run] };
    return item;
  }

  async getChildren(element?: RunEntry): Promise<RunEntry[]> {
    if (element) return [];
    if (!this.loaded && this.loadFromCluster) {
      this.loaded = true;
      try {
        const listed = await this.loadFromCluster();
        // Known runs are read after the listing: a run added while it was on its way must not come twice.
        const known = new Set(this.runs.map(runKey));
        for (const r of listed) if (!known.has(runKey(r))) this.runs.push(r);
      } catch {
        // No cluster yet is normal: the view's welcome text says how to start.
      }
    }
    return this.runs;
  }

  dispose(): void {
    for (const run of this.runs) run.dispose?.();
    this.changed.dispose();
  }
}

function runKey(run: RunEntry): string {
  return `${run.ref.namespace}/${run.ref.name}`;
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** A Runs view row passed to a command (its context menu, or a notification button), told from a Uri or nothing. */
export function isRunEntry(value: unknown): value is RunEntry {
  return !!value && typeof value === 'object' && 'ref' in value && 'phase' in value;
}
