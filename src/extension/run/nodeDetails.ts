/**
 * "Show Node Details and Logs": a read-only Markdown editor beside the panel for one node of a run
 * (from a click in the DAG panel's run view, or a Runs view row and a pick of its nodes). Its content
 * comes from a NodeDetailsFeed (src/kube/runs), which re-reads the run while the node runs and streams
 * the pod's log; the editor follows through onDidChange. Closing its tab ends the feed's requests.
 */
import * as vscode from 'vscode';
import { readWorkflowNodes } from '../../core/pipelineRun';
import { parseRunId } from '../../core/pipelineRun/nodeDetails';
import { sparkRunId, workflowRunId } from '../../core/pipelineRun/liveStatus';
import { SPARK_DRIVER_NODE, sparkExecutorNodeId, type SparkApplicationRun } from '../../core/pipelineRun/sparkRunGraph';
import { connect, NodeDetailsFeed, readRunObject } from '../../kube/runs';
import type { KindlingContext } from '../context';
import { isRunEntry, type RunEntry } from './runsTree';
import { runTarget } from './runSetup';

export const NODE_DETAILS_SCHEME = 'kindling-node';

interface Target {
  runId: string;
  nodeId: string;
  /** For the tab title. */
  label?: string;
}

export class NodeDetailsEditors implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly feeds = new Map<string, NodeDetailsFeed>();
  /** Feeds whose tab has been seen: only those end when no tab shows them (a feed starts before its tab exists). */
  private readonly tabbed = new Set<string>();
  /** The text each document got last: a change that came before its document was open is sent again. */
  private readonly served = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly ctx: KindlingContext) {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(NODE_DETAILS_SCHEME, this),
      // A closed tab ends the feed (onDidCloseTextDocument comes much later for virtual documents).
      vscode.window.tabGroups.onDidChangeTabs(() => this.stopUnshown()),
      vscode.workspace.onDidOpenTextDocument((doc) => this.catchUp(doc.uri)),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === NODE_DETAILS_SCHEME) this.stop(doc.uri.toString());
      }),
    ];
  }

  /** `kindling.runs.showNodeDetails`: `{ runId, nodeId }` from the panel, or a Runs view row (pick a node). */
  async show(arg?: unknown): Promise<void> {
    const target = isTarget(arg) ? arg : isRunEntry(arg) ? await this.pickNode(arg) : undefined;
    if (!target) {
      if (!isRunEntry(arg)) void vscode.window.showInformationMessage('Kindling: click a node in the DAG panel\'s run view, or use this command on a run in the Runs view.');
      return;
    }
    const uri = detailsUri(target);
    const key = uri.toString();
    // Opening the same node again shows fresh facts: a finished feed is replaced (an open document
    // is asked for its content again, which starts the new feed).
    this.stop(key);
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    this.catchUp(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
  }

  provideTextDocumentContent(uri: vscode.Uri): string | Promise<string> {
    const key = uri.toString();
    const known = this.feeds.get(key);
    if (known) return this.serve(key, known.text());
    const target = targetOf(uri);
    if (!target) return 'Kindling: this node details link is not valid any more.\n';
    let kc;
    try {
      kc = connect(runTarget());
    } catch (err) {
      return `Kindling: ${err instanceof Error ? err.message : String(err)}\n`;
    }
    const feed = new NodeDetailsFeed(kc, target.runId, target.nodeId, () => this.changed.fire(uri));
    this.feeds.set(key, feed);
    return feed.start().then(
      (text) => this.serve(key, text),
      (err: unknown) => `Kindling: could not read ${target.runId}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }

  private serve(key: string, text: string): string {
    this.served.set(key, text);
    return text;
  }

  /**
   * VS Code drops a content change for a document still being opened: the log note that arrives
   * while the editor opens would never be shown. Once the document is open, it gets what it missed.
   */
  private catchUp(uri: vscode.Uri): void {
    if (uri.scheme !== NODE_DETAILS_SCHEME) return;
    const key = uri.toString();
    const feed = this.feeds.get(key);
    if (feed && feed.text() !== this.served.get(key)) this.changed.fire(uri);
  }

  private stop(key: string): void {
    this.feeds.get(key)?.stop();
    this.feeds.delete(key);
    this.tabbed.delete(key);
    this.served.delete(key);
  }

  private stopUnshown(): void {
    const open = new Set<string>();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) if (tab.input instanceof vscode.TabInputText) open.add(tab.input.uri.toString());
    }
    for (const key of [...this.feeds.keys()]) {
      if (open.has(key)) this.tabbed.add(key);
      else if (this.tabbed.has(key)) this.stop(key);
    }
  }

  /** A run from the Runs view: its nodes that ran pods, failed ones first. */
  private async pickNode(run: RunEntry): Promise<Target | undefined> {
    if (run.ref.kind !== 'Workflow' && run.ref.kind !== 'SparkApplication') {
      void vscode.window.showInformationMessage(`Kindling: ${run.ref.name} is a single pod; Show Run Logs shows its log.`);
      return undefined;
    }
    const kc = connect({ kubeconfigPath: run.kubeconfigPath, context: run.context });
    const { namespace, name } = run.ref;
    let obj: unknown;
    try {
      obj = await readRunObject(kc, run.ref.kind, namespace, name);
    } catch (err) {
      void vscode.window.showErrorMessage(`Kindling: could not read ${name}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    type Item = vscode.QuickPickItem & { nodeId: string };
    let items: Item[];
    let runId: string;
    if (run.ref.kind === 'SparkApplication') {
      runId = sparkRunId(namespace, name);
      const app = obj as SparkApplicationRun;
      items = [
        { label: 'driver', description: app.status?.applicationState?.state, nodeId: SPARK_DRIVER_NODE },
        ...Object.entries(app.status?.executorState ?? {}).map(([pod, state]) => ({ label: pod, description: state, nodeId: sparkExecutorNodeId(pod) })),
      ];
    } else {
      runId = workflowRunId(namespace, name);
      const read = readWorkflowNodes(obj);
      if (!read.nodes) {
        void vscode.window.showWarningMessage(`Kindling: ${read.unavailable}`);
        return undefined;
      }
      const rank = (phase: string | undefined): number => (phase === 'Failed' || phase === 'Error' ? 0 : phase === 'Running' ? 1 : 2);
      items = Object.values(read.nodes)
        .filter((n) => n.type === 'Pod' || n.type === 'Container')
        .sort((a, b) => rank(a.phase) - rank(b.phase) || (a.startedAt ?? '').localeCompare(b.startedAt ?? ''))
        .map((n) => ({ label: n.displayName ?? n.name, description: n.phase, detail: n.message, nodeId: n.id }));
    }
    const pick = await vscode.window.showQuickPick(items, { title: `Details of which node of ${name}?`, matchOnDescription: true, matchOnDetail: true });
    return pick ? { runId, nodeId: pick.nodeId, label: pick.label } : undefined;
  }

  dispose(): void {
    for (const feed of this.feeds.values()) feed.stop();
    this.feeds.clear();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

function isTarget(v: unknown): v is Target {
  return !!v && typeof v === 'object' && typeof (v as Target).runId === 'string' && typeof (v as Target).nodeId === 'string';
}

/** `kindling-node:/<namespace>/<run>/<node label>.md?<runId and nodeId>`: the tab reads "<node>.md". */
export function detailsUri(target: Target): vscode.Uri {
  const run = parseRunId(target.runId);
  const label = (target.label ?? target.nodeId).replace(/[/\\?#%]+/g, '_').slice(0, 80);
  const query = new URLSearchParams({ runId: target.runId, nodeId: target.nodeId }).toString();
  return vscode.Uri.from({ scheme: NODE_DETAILS_SCHEME, path: `/${run?.namespace ?? '_'}/${run?.name ?? '_'}/${label}.md`, query });
}

function targetOf(uri: vscode.Uri): Target | undefined {
  const q = new URLSearchParams(uri.query);
  const runId = q.get('runId');
  const nodeId = q.get('nodeId');
  return runId && nodeId ? { runId, nodeId } : undefined;
}
