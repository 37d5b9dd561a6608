/**
 * "Submit Pipeline" in VS Code: the active (or right-clicked, or DAG-panel) pipeline file is saved if
 * the user agrees, checked with the same parser the DAG panel uses (its errors block submission),
 * created through src/kube/runs (submitPipeline.ts) in the kindling.yaml namespace, followed in the
 * Runs view like a component run (phase, timings, Cancel, pod logs), and coloured live in the DAG
 * panel: every change of the run object is mapped onto the panel's node ids (src/core/pipelineRun).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ComponentError, formatMs } from '../../core/component';
import type { KindlingConfig } from '../../core/config';
import type { StatusSnapshot } from '../../core/model/pipelineGraph';
import { graphKey } from '../../core/model/statusScope';
import {
  chooseDocument,
  describeDocument,
  graphIndexForDocument,
  listDocuments,
  mapSparkStatus,
  mapWorkflowStatus,
  type FileDocument,
  type SparkApplicationLike,
  type WorkflowLike,
} from '../../core/pipelineRun';
import {
  connect,
  preparePipeline,
  RunError,
  RunLogFollower,
  startPipeline,
} from '../../kube/runs';
import type { KindlingContext } from '../context';
import { findProjectConfig } from '../projectConfig';
import type { DagStatusApi } from '../dag/statusApi';
import type { ConfigDiagnostics } from './configDiagnostics';
import { isRunEntry, type RunEntry, type RunsTreeProvider } from './runsTree';
import { showRunProgress } from './runProgress';
import { askSubmitParameters } from './submitParameters';
import { loadRunConfig, mirrorRunUpdates, RunIdentity, runTarget } from './runSetup';

/** The panel redraws colours at most this often while a run changes (full snapshots, so the last one wins). */
const STATUS_INTERVAL_MS = 250;

export class PipelineSubmitter {
  private readonly identity = new RunIdentity();

  constructor(
    private readonly ctx: KindlingContext,
    private readonly tree: RunsTreeProvider,
    private readonly configDiagnostics: ConfigDiagnostics,
  ) {}

  /** `second` is the explorer's selection (an array) when the command comes from its context menu. */
  async submit(arg?: unknown, second?: unknown): Promise<void> {
    const invokedAt = Date.now();
    const dag = (await this.ctx.getFeature('dag')).api as DagStatusApi;
    const document = await this.resolveDocument(arg, dag);
    if (!document) return;
    const fileName = path.basename(document.fileName);
    const relativePath = vscode.workspace.asRelativePath(document.uri);

    // The panel's own parse: its errors are the ones the user sees, and its node ids get the colours.
    const parsed = await dag.parseForRun(document);
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const first = errors[0];
      const where = first.range ? `${fileName}:${first.range.startLine + 1}` : fileName;
      const pick = await vscode.window.showErrorMessage(
        `Kindling: fix ${errors.length} problem${errors.length === 1 ? '' : 's'} in ${fileName} first (${where}: ${first.message}).`,
        'Show Problems',
      );
      if (pick) {
        await vscode.window.showTextDocument(document, { selection: first.range ? new vscode.Range(first.range.startLine, first.range.startCol, first.range.endLine, first.range.endCol) : undefined });
        await vscode.commands.executeCommand('workbench.actions.view.problems');
      }
      return;
    }
    const chosen = await this.chooseDocument(document, relativePath, arg, second);
    if (!chosen) return;
    // The workflow's parameters, prefilled with the file's values or the last ones given for it;
    // Run Again sends the run's own values without asking.
    const again = isRunEntry(arg) && Object.keys(arg.parameters).length ? arg.parameters : undefined;
    const parameters = again ?? (await askSubmitParameters(this.ctx.extension.workspaceState, document.uri, chosen, fileName));
    if (!parameters) return;
    // The panel's graph of that document: its node ids get the colours, and only it (graphKey).
    const graphIndex = graphIndexForDocument(parsed.graphs, chosen);
    const graph = parsed.graphs[graphIndex];
    if (!graph) {
      void vscode.window.showWarningMessage(`Kindling: ${relativePath}:${chosen.startLine + 1}: the DAG panel drew no pipeline for ${describeDocument(chosen)}; nothing submitted.`);
      return;
    }
    const scope = graphKey(parsed.graphs, graphIndex);

    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const workspaceRoot = folder?.uri.fsPath ?? path.dirname(document.uri.fsPath);
    const config = await this.loadConfig(document.uri, workspaceRoot);
    if (!config) return;

    const target = runTarget();
    let kc;
    let manifests;
    try {
      kc = connect(target);
      await this.identity.prepare(kc, config, (m) => this.ctx.log.info(m));
      manifests = await preparePipeline({
        filePath: document.uri.fsPath,
        workspaceRoot,
        config,
        kindlingVersion: String(this.ctx.extension.extension.packageJSON.version),
        documentIndex: chosen.index,
        expectedDocument: { kind: chosen.kind, name: chosen.name },
        parameters,
      });
    } catch (err) {
      await this.report(err, fileName);
      return;
    }

    const documentUri = document.uri.toString();
    const status = new StatusThrottle((s) => dag.setStatus(documentUri, s));
    const toSnapshot = (obj: unknown): StatusSnapshot =>
      manifests.ref.kind === 'Workflow' ? mapWorkflowStatus(graph, obj as WorkflowLike, scope) : mapSparkStatus(graph, obj as SparkApplicationLike, scope);
    // The panel's run view follows every object the watch sees (a run found after a reload is older: this one wins).
    const runKind = manifests.ref.kind === 'SparkApplication' ? 'SparkApplication' : 'Workflow';
    dag.setRunObject(documentUri, { kind: runKind, object: { metadata: { name: manifests.runName, namespace: manifests.namespace } } });
    // A new run starts from clean colours: nothing of the previous run's state stays on the panel.
    dag.setStatus(documentUri, toSnapshot({ metadata: { name: manifests.runName, namespace: manifests.namespace } }));

    const channel = vscode.window.createOutputChannel(`Kindling run: ${manifests.runName}`);
    channel.appendLine(`[kindling] ${manifests.source} from ${relativePath}:${chosen.startLine + 1} → ${manifests.ref.kind} ${manifests.runName} in ${manifests.namespace} on ${kc.getCurrentContext()}`);
    const entry: RunEntry = {
      ref: manifests.ref,
      kind: 'pipeline',
      phase: 'Pending',
      timings: { invokedAt },
      uri: document.uri,
      document: { kind: chosen.submitKind ?? chosen.kind ?? '', name: chosen.name ?? '' },
      args: [],
      parameters,
      channel,
      kubeconfigPath: target.kubeconfigPath,
      context: kc.getCurrentContext(),
    };
    const follower = new RunLogFollower(kc, manifests.namespace, {
      data: (pod, text) => channel.append(text.replace(/^(?=.)/gm, `${pod}: `)),
      note: (text) => channel.appendLine(`[kindling] ${text}`),
    });
    const onUpdate = mirrorRunUpdates(entry, channel, this.tree);
    let started;
    try {
      const onObject = (obj: unknown): void => {
        status.push(toSnapshot(obj));
        dag.setRunObject(documentUri, { kind: runKind, object: obj });
      };
      started = await startPipeline(kc, manifests, { invokedAt, onUpdate, onPod: (p) => follower.onPod(p), onObject });
    } catch (err) {
      follower.stop();
      channel.dispose();
      dag.setStatus(documentUri, undefined);
      await this.report(err, fileName);
      return;
    }
    entry.dispose = () => {
      started.watch.stop();
      follower.stop();
      status.dispose();
      channel.dispose();
    };
    this.tree.add(entry);
    this.ctx.log.info(`Pipeline ${manifests.runName} submitted in ${formatMs(started.submittedAt - invokedAt)}`);

    await showRunProgress({ kc, runName: manifests.runName, ref: manifests.ref, channel, current: entry, done: started.watch.done });
    status.flush();
    await follower.finish();
    const final = started.watch.snapshot();
    const took = final.timings.finishedAt !== undefined ? ` in ${formatMs(final.timings.finishedAt - invokedAt)}` : '';
    const show = (pick: string | undefined): void => {
      if (pick === 'Show Logs') channel.show(true);
      else if (pick === 'Show DAG') void vscode.commands.executeCommand('kindling.showDag', document.uri);
    };
    if (final.status.phase === 'Succeeded') show(await vscode.window.showInformationMessage(`Kindling: ${manifests.runName} succeeded${took}.`, 'Show DAG', 'Show Logs'));
    else {
      show(
        await vscode.window.showErrorMessage(
          `Kindling: ${manifests.runName} ${final.status.phase === 'Failed' ? 'failed' : 'ended'}${took}: ${final.status.message ?? final.status.raw ?? 'no reason given'}`,
          'Show DAG',
          'Show Logs',
        ),
      );
    }
  }

  /**
   * Which document of the file: the only pipeline in it; else the one under the cursor (palette,
   * editor title), the one submitted last time (Run Again), or a pick (explorer, DAG panel without an
   * editor, cursor in a document that is not a pipeline).
   */
  private async chooseDocument(document: vscode.TextDocument, relativePath: string, arg: unknown, second: unknown): Promise<FileDocument | undefined> {
    let docs: FileDocument[];
    try {
      docs = listDocuments(document.getText(), relativePath);
    } catch (err) {
      await this.report(err, path.basename(document.fileName));
      return undefined;
    }
    if (isRunEntry(arg) && arg.document) {
      const again = docs.find((d) => d.submitKind === arg.document?.kind && (d.name ?? '') === arg.document?.name);
      if (again) return again;
    }
    const fromExplorer = Array.isArray(second) || isRunEntry(arg);
    const editor = fromExplorer ? undefined : vscode.window.visibleTextEditors.find((e) => e.document === document);
    const active = vscode.window.activeTextEditor?.document === document ? vscode.window.activeTextEditor : editor;
    const cursor = active ? document.offsetAt(active.selection.active) : undefined;
    const choice = chooseDocument(docs, relativePath, cursor);
    switch (choice.kind) {
      case 'chosen':
        return choice.document;
      case 'none':
        void vscode.window.showWarningMessage(`Kindling: ${choice.message}`);
        return undefined;
      case 'not-submittable': {
        const pick = await vscode.window.showWarningMessage(`Kindling: ${choice.message}`, 'Pick a Pipeline');
        return pick ? this.pickDocument(choice.candidates, relativePath) : undefined;
      }
      case 'ask':
        return this.pickDocument(choice.candidates, relativePath);
    }
  }

  private async pickDocument(candidates: FileDocument[], relativePath: string): Promise<FileDocument | undefined> {
    const picked = await vscode.window.showQuickPick(
      candidates.map((d) => ({ label: `${d.submitKind} ${d.name ?? '(unnamed)'}`, description: `line ${d.startLine + 1}`, document: d })),
      { title: `Submit which pipeline of ${relativePath}?`, placeHolder: 'Kind, name and line of each pipeline in the file' },
    );
    return picked?.document;
  }

  /** Explorer Uri, else the active editor, else the document the DAG panel shows (its title button). */
  private async resolveDocument(arg: unknown, dag: DagStatusApi): Promise<vscode.TextDocument | undefined> {
    let document: vscode.TextDocument | undefined;
    if (arg instanceof vscode.Uri) document = await vscode.workspace.openTextDocument(arg);
    else if (isRunEntry(arg) && arg.uri) document = await vscode.workspace.openTextDocument(arg.uri);
    else {
      const active = vscode.window.activeTextEditor?.document;
      document = active && /\.(ya?ml|json)$/i.test(active.fileName) ? active : dag.shownDocument();
    }
    if (!document) {
      void vscode.window.showWarningMessage('Kindling: open an Argo Workflow or SparkApplication file to submit it.');
      return undefined;
    }
    if (document.uri.scheme !== 'file') {
      void vscode.window.showWarningMessage('Kindling: only files on disk can be submitted (save it first).');
      return undefined;
    }
    if (document.isDirty) {
      const pick = await vscode.window.showWarningMessage(
        `${path.basename(document.fileName)} has unsaved changes. Submit Pipeline sends the file on disk.`,
        { modal: true },
        'Save and Submit',
      );
      if (pick !== 'Save and Submit' || !(await document.save())) return undefined;
    }
    return document;
  }

  private async loadConfig(file: vscode.Uri, workspaceRoot: string): Promise<KindlingConfig | undefined> {
    const configPath = await findProjectConfig(file.fsPath, workspaceRoot);
    const configUri = configPath ? vscode.Uri.file(configPath) : undefined;
    if (!configUri) {
      void vscode.window.showErrorMessage('Kindling: no kindling.yaml in this workspace. It names the namespace and service account pipeline runs use (see Run as Component).');
      return undefined;
    }
    return loadRunConfig(configUri, this.configDiagnostics);
  }

  private async report(err: unknown, fileName: string): Promise<void> {
    if (err instanceof RunError && (err.code === 'unreachable' || err.code === 'no-context')) {
      const pick = await vscode.window.showErrorMessage(`Kindling: ${err.message}`, 'Create Local Cluster');
      if (pick) await vscode.commands.executeCommand('kindling.createCluster');
      return;
    }
    if (err instanceof RunError || err instanceof ComponentError) {
      void vscode.window.showErrorMessage(`Kindling: could not submit ${fileName}: ${err.message}`);
      return;
    }
    throw err;
  }
}

/** At most one snapshot per STATUS_INTERVAL_MS reaches the panel; the latest is never dropped. */
class StatusThrottle {
  private pending: StatusSnapshot | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (s: StatusSnapshot) => void) {}

  push(s: StatusSnapshot): void {
    this.pending = s;
    if (!this.timer) this.flush();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const s = this.pending;
    this.pending = undefined;
    if (!s) return;
    this.send(s);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.pending) this.flush();
    }, STATUS_INTERVAL_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
