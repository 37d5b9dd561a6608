/**
 * The DAG panel host: follows the active editor, parses it (pure core) after a debounce, publishes
 * problems to the 'kindling' DiagnosticCollection, and sends full snapshots to every surface (the
 * side-bar view and the editor panel). Clicks in the panel reveal source; cursor moves in the
 * editor highlight the node.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findNodeAt, parsePipeline } from '../../core/pipeline';
import type { ParseResult, PipelineDiagnostic, PipelineGraph, SourceRange, StatusSnapshot } from '../../core/model/pipelineGraph';
import { graphMessage, shownDocument, type DagViewMode, type HostMessage, type RunAction, type WebviewMessage } from '../../protocol/dagMessages';
import { getSetting } from '../config';
import type { KindlingContext } from '../context';
import { CommandIds, runActionCommands, WebviewPanelIds } from '../ids';
import { findProjectConfig } from '../projectConfig';
import { DocumentRun } from './documentRun';
import { ArgoQuickFixes } from './quickFixes';
import type { PanelRunApi, RunObject } from './statusApi';
import { DagSurface, webviewOptions } from './surface';
import { WorkspaceTemplates } from './templates';

const dagPanelViewType = WebviewPanelIds.dag;

/** A run view's graph goes out at most this often while the run adds nodes; statuses go at once. */
const RUN_GRAPH_INTERVAL_MS = 250;

type Meta = { name?: string; creationTimestamp?: string };
const metaOf = (object: unknown): Meta => (object as { metadata?: Meta }).metadata ?? {};

/**
 * Whether `candidate` is a later run than `known`. A run just submitted (no creationTimestamp yet)
 * is the latest; a found run never replaces one just submitted.
 */
function isNewer(candidate: unknown, known: unknown): boolean {
  const c = metaOf(candidate).creationTimestamp;
  const k = metaOf(known).creationTimestamp;
  if (c === undefined) return true;
  return k !== undefined && Date.parse(c) >= Date.parse(k);
}

/** Formats whose runs the cluster can report (Argo and the Spark operator). */
const runnableFormats = /^argo-|^spark-application$/;

interface Current {
  document: vscode.TextDocument;
  result: ParseResult | undefined;
  version: number;
}

/** Files worth trying to draw. The parsers decide; this only skips obviously unrelated editors. */
export function isPipelineCandidate(doc: Pick<vscode.TextDocument, 'languageId' | 'fileName' | 'uri'>): boolean {
  if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-settings') return false;
  return ['yaml', 'json', 'jsonc'].includes(doc.languageId) || /\.(ya?ml|json)$/i.test(doc.fileName);
}

/** Only files that look like pipelines get entries in the Problems view (others have linters). */
const pipelineMarkers = /argoproj\.io\/|sparkoperator\.k8s\.io\/|sagemaker\.services\.k8s\.aws\/|pipelineInfo|"Steps"\s*:|deploymentSpec/;

export function toVsRange(r: SourceRange | undefined): vscode.Range {
  if (!r) return new vscode.Range(0, 0, 0, 0);
  return new vscode.Range(r.startLine, r.startCol, r.endLine, r.endCol);
}

function toDiagnostic(d: PipelineDiagnostic): vscode.Diagnostic {
  const severity =
    d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const diagnostic = new vscode.Diagnostic(toVsRange(d.range), d.message, severity);
  diagnostic.source = 'kindling';
  diagnostic.code = d.code;
  return diagnostic;
}

export class DagController implements vscode.Disposable {
  private readonly surfaces = new Set<DagSurface>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('kindling');
  private readonly templates: WorkspaceTemplates;
  private readonly subscriptions: vscode.Disposable[] = [];
  private current: Current | undefined;
  private snapshot: HostMessage | undefined;
  /** Live run colours per document URI: a panel that comes back to the file shows them again. */
  private readonly statusByDocument = new Map<string, StatusSnapshot>();
  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  private cursorTimer: ReturnType<typeof setTimeout> | undefined;
  private panel: vscode.WebviewPanel | undefined;
  private lastEditorColumn: vscode.ViewColumn | undefined;
  /** Each document's latest run (run view), and which view the user chose for it. */
  private readonly runs = new Map<string, DocumentRun>();
  private readonly modes = new Map<string, DagViewMode>();
  /** Documents whose latest run was already looked up on the cluster (once per window). */
  private readonly runLookups = new Set<string>();
  /** The last run graph sent for the current document, its shape and when. */
  private runSnapshot: HostMessage | undefined;
  private runShapeSent: string | undefined;
  private runGraphSentAt = 0;
  private runGraphTimer: ReturnType<typeof setTimeout> | undefined;
  private runGraphVersion = 0;
  private viewModesSent: string | undefined;

  constructor(private readonly ctx: KindlingContext) {
    this.templates = new WorkspaceTemplates(ctx.log);
    this.subscriptions.push(
      this.diagnostics,
      // Fixes for the diagnostics above (they exist only while this controller runs).
      vscode.languages.registerCodeActionsProvider([{ language: 'yaml' }, { pattern: '**/*.{yaml,yml}' }], new ArgoQuickFixes(), { providedCodeActionKinds: ArgoQuickFixes.kinds }),
      this.templates,
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.current?.document && e.contentChanges.length) this.scheduleRender();
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.diagnostics.delete(doc.uri)),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
      this.templates.onDidChange(() => {
        if (this.current && /templateRef|workflowTemplateRef/.test(this.current.document.getText())) this.scheduleRender();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('kindling.dag.followActiveEditor')) this.follow(vscode.window.activeTextEditor);
      }),
    );
    this.follow(vscode.window.activeTextEditor);
  }

  // ─── surfaces ───────────────────────────────────────────────────────────────────────────────

  private attach(webview: vscode.Webview): DagSurface {
    const surface = new DagSurface(webview, this.ctx.extension.extensionUri, {
      onReady: (s) => this.sendSnapshot(s),
      onMessage: (m, s) => void this.onMessage(m, s),
    });
    this.surfaces.add(surface);
    return surface;
  }

  /** The side-bar view (`kindling.dag`). */
  resolveWebviewView(view: vscode.WebviewView): void {
    const surface = this.attach(view.webview);
    view.onDidChangeVisibility(() => {
      if (!view.visible) surface.markHidden();
    });
    view.onDidDispose(() => {
      this.surfaces.delete(surface);
      surface.dispose();
    });
    if (!this.current) this.follow(vscode.window.activeTextEditor);
  }

  /** `kindling.showDag`: the panel beside the editor, for the given (right-clicked) or active file. */
  async showPanel(arg: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (uri) {
      const existing = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      const editor = existing ?? (await vscode.window.showTextDocument(uri, { preview: true, preserveFocus: false }));
      this.lastEditorColumn = editor.viewColumn;
      this.setDocument(editor.document, true);
    }
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      dagPanelViewType,
      this.panelTitle(),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      // No retainContextWhenHidden: the page restores from getState and a fresh snapshot.
      { ...webviewOptions(this.ctx.extension.extensionUri), enableFindWidget: false },
    );
    this.adoptPanel(panel);
  }

  /**
   * A panel VS Code brought back after a window reload (WebviewPanelSerializer). `state` is what
   * the page last stored with setState: it names the document the panel showed, and the page itself
   * restores that document's zoom, pan and selection from the same state once the graph arrives.
   */
  async restorePanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (this.panel) {
      // Only one DAG panel at a time; a second restored one would fight the first for the title.
      panel.dispose();
      return;
    }
    this.adoptPanel(panel);
    const shown = shownDocument(state);
    if (shown) {
      try {
        this.setDocument(await vscode.workspace.openTextDocument(vscode.Uri.parse(shown)), true);
        return;
      } catch (error) {
        // Deleted or renamed while the window was closed: fall back to the active editor.
        this.ctx.log.info(`DAG panel: cannot reopen ${shown}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (!this.current) this.follow(vscode.window.activeTextEditor);
  }

  private adoptPanel(panel: vscode.WebviewPanel): void {
    panel.title = this.panelTitle();
    panel.iconPath = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media', 'kindling.svg');
    this.panel = panel;
    const surface = this.attach(panel.webview);
    panel.onDidChangeViewState(() => {
      if (!panel.visible) surface.markHidden();
    });
    panel.onDidDispose(() => {
      this.surfaces.delete(surface);
      surface.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private panelTitle(): string {
    return this.current ? `DAG: ${path.basename(this.current.document.fileName)}` : 'Pipeline DAG';
  }

  private broadcast(message: HostMessage): void {
    for (const s of this.surfaces) s.post(message);
  }

  private sendSnapshot(surface: DagSurface): void {
    const run = this.currentRun();
    surface.post(this.viewModesMessage());
    if (run && this.currentMode() === 'run') {
      if (!this.runSnapshot) this.sendRunGraph(); // broadcasts, this surface included
      else {
        surface.post(this.runSnapshot);
        surface.post({ type: 'status', payload: run.status().status });
      }
      return;
    }
    if (this.snapshot) surface.post(this.snapshot);
    else if (this.current) this.render(); // broadcasts, this surface included
    const status = this.currentStatus();
    if (status) surface.post({ type: 'status', payload: status });
    const current = this.current;
    if (current?.result?.graphs.some((g) => runnableFormats.test(g.format))) this.lookUpRun(current.document);
  }

  private currentStatus(): StatusSnapshot | undefined {
    return this.current ? this.statusByDocument.get(this.current.document.uri.toString()) : undefined;
  }

  // ─── documents ──────────────────────────────────────────────────────────────────────────────

  private follow(editor: vscode.TextEditor | undefined): void {
    // Focus moving to the panel itself (or the output view) leaves no text editor: keep the DAG.
    if (!editor || !isPipelineCandidate(editor.document)) return;
    if (!getSetting('dag.followActiveEditor', editor.document.uri) && this.current) return;
    this.lastEditorColumn = editor.viewColumn;
    if (editor.document === this.current?.document) return;
    this.setDocument(editor.document, true);
  }

  private setDocument(document: vscode.TextDocument, immediate: boolean): void {
    if (this.current?.document !== document) {
      this.current = { document, result: undefined, version: -1 };
    }
    if (this.panel) this.panel.title = this.panelTitle();
    this.resetRunView();
    this.postViewModes();
    if (immediate) this.render();
    else this.scheduleRender();
    if (this.currentMode() === 'run') {
      this.sendRunGraph();
      return;
    }
    // Live status belongs to one document's run: the new document's own (if any) follows its graph.
    const status = this.currentStatus();
    this.broadcast(status ? { type: 'status', payload: status } : { type: 'clearStatus', payload: {} });
  }

  private scheduleRender(): void {
    if (this.renderTimer) clearTimeout(this.renderTimer);
    const delay = Math.max(0, getSetting('dag.renderDelayMs', this.current?.document.uri) ?? 250);
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.render();
    }, delay);
  }

  private render(): void {
    const current = this.current;
    if (!current) return;
    if (this.renderTimer) {
      clearTimeout(this.renderTimer);
      this.renderTimer = undefined;
    }
    const { document } = current;
    const text = document.getText();
    const templates = this.templates.peek();
    if (!templates && /templateRef|workflowTemplateRef/.test(text)) {
      // Draw now; redraw once the workspace templates are indexed (first use only).
      void this.templates.get().then(() => {
        if (this.current === current) this.render();
      });
    }
    const started = Date.now();
    const result = parsePipeline(text, { fileName: document.fileName, templates });
    const parseMs = Date.now() - started;
    current.result = result;
    current.version = document.version;
    const nodes = result.graphs.reduce((n, g) => n + g.nodes.length, 0);
    this.ctx.log.debug(`DAG: parsed ${path.basename(document.fileName)} (${nodes} nodes, ${result.diagnostics.length} problems) in ${parseMs} ms`);
    this.publishDiagnostics(document, result, text);
    this.snapshot = graphMessage({ documentUri: document.uri.toString(), fileName: path.basename(document.fileName), version: document.version, result });
    // In the run view the file's edits only update the Problems view; the spec comes back on switch.
    if (this.currentMode() === 'spec') this.broadcast(this.snapshot);
    if (result.graphs.some((g) => runnableFormats.test(g.format))) this.lookUpRun(document);
  }

  private publishDiagnostics(document: vscode.TextDocument, result: ParseResult, text: string): void {
    if (!result.graphs.length && !pipelineMarkers.test(text)) {
      this.diagnostics.delete(document.uri);
      return;
    }
    const shown = result.diagnostics.filter((d) => d.code !== 'not-a-pipeline' && d.code !== 'empty');
    this.diagnostics.set(document.uri, shown.map(toDiagnostic));
  }

  /**
   * For other features (live run status of `documentUri`'s run): full snapshots only; undefined
   * clears. Reaches the surfaces only while they show that document; kept for when they show it again.
   */
  setStatus(documentUri: string, status: StatusSnapshot | undefined): void {
    // Colours of another run than the document's latest (an older run's watch) are not this file's any more.
    const run = this.runs.get(documentUri);
    if (status && run && status.runId !== run.runId) return;
    if (status) this.statusByDocument.set(documentUri, status);
    else this.statusByDocument.delete(documentUri);
    if (this.current?.document.uri.toString() !== documentUri || this.currentMode() !== 'spec') return;
    this.broadcast(status ? { type: 'status', payload: status } : { type: 'clearStatus', payload: {} });
  }

  /** `kindling.clearRunStatus`: the user is done looking at the last run's colours. */
  clearShownStatus(): void {
    if (this.current) this.setStatus(this.current.document.uri.toString(), undefined);
  }

  /** The document the panel draws (the submit command's target when invoked from the panel). */
  shownDocument(): vscode.TextDocument | undefined {
    return this.current?.document;
  }

  /** The same parse the panel draws (workspace templates included), so live status keys match its nodes. */
  async parseForRun(document: vscode.TextDocument): Promise<ParseResult> {
    const templates = await this.templates.get();
    return parsePipeline(document.getText(), { fileName: document.fileName, templates });
  }

  // ─── run view ───────────────────────────────────────────────────────────────────────────────

  /** For other features: the latest object of `documentUri`'s run (see DagStatusApi.setRunObject). */
  setRunObject(documentUri: string, run: RunObject): void {
    const known = this.runs.get(documentUri);
    const isCurrent = this.current?.document.uri.toString() === documentUri;
    if (known && known.run.kind === run.kind && known.name === metaOf(run.object).name) known.update(run.object);
    else if (known && !isNewer(run.object, known.latest())) return; // an older run's watch (found before a submit)
    else {
      this.runs.set(documentUri, new DocumentRun(run));
      if (isCurrent) this.resetRunView();
    }
    if (!isCurrent) return;
    this.postViewModes();
    if (this.currentMode() === 'run') this.updateRunView();
  }

  private currentRun(): DocumentRun | undefined {
    return this.current ? this.runs.get(this.current.document.uri.toString()) : undefined;
  }

  /** The view drawn for the current document: the spec unless the user chose the run (and it has one). */
  private currentMode(): DagViewMode {
    if (!this.current || !this.currentRun()) return 'spec';
    return this.modes.get(this.current.document.uri.toString()) ?? 'spec';
  }

  private viewModesMessage(): HostMessage {
    const run = this.currentRun();
    return run
      ? { type: 'viewModes', payload: { current: this.currentMode(), available: ['spec', 'run'], run: run.info() } }
      : { type: 'viewModes', payload: { current: 'spec', available: ['spec'] } };
  }

  /** Sent when the toggle's state or the run's summary (phase, message) changed. */
  private postViewModes(): void {
    const message = this.viewModesMessage();
    const key = JSON.stringify(message.payload);
    if (key === this.viewModesSent) return;
    this.viewModesSent = key;
    this.broadcast(message);
  }

  private switchView(mode: DagViewMode): void {
    const current = this.current;
    if (!current) return;
    if (mode === 'run' && !this.currentRun()) {
      this.postViewModes();
      return;
    }
    if (mode === this.currentMode()) return;
    this.modes.set(current.document.uri.toString(), mode);
    this.postViewModes();
    if (mode === 'run') {
      this.sendRunGraph();
      return;
    }
    this.resetRunView();
    if (this.snapshot) this.broadcast(this.snapshot);
    else this.render();
    const status = this.currentStatus();
    this.broadcast(status ? { type: 'status', payload: status } : { type: 'clearStatus', payload: {} });
  }

  /** A watch update in the run view: statuses at once; the graph only when nodes came or failed, throttled. */
  private updateRunView(): void {
    const run = this.currentRun();
    if (!run) return;
    // Statuses without building the graph; the graph is built only when its shape changed.
    const update = run.status();
    if (update.shape !== this.runShapeSent) {
      const wait = this.runGraphSentAt + RUN_GRAPH_INTERVAL_MS - Date.now();
      if (wait <= 0) {
        this.sendRunGraph();
        return;
      }
      this.runGraphTimer ??= setTimeout(() => {
        this.runGraphTimer = undefined;
        if (this.currentMode() === 'run') this.sendRunGraph();
      }, wait);
    }
    this.broadcast({ type: 'status', payload: update.status });
  }

  private sendRunGraph(): void {
    const current = this.current;
    const run = this.currentRun();
    if (!current || !run) return;
    if (this.runGraphTimer) clearTimeout(this.runGraphTimer);
    this.runGraphTimer = undefined;
    const started = Date.now();
    const built = run.build();
    this.runSnapshot = graphMessage({
      documentUri: current.document.uri.toString(),
      fileName: path.basename(current.document.fileName),
      version: ++this.runGraphVersion,
      result: built.result,
      run: built.info,
    });
    this.runShapeSent = built.shape;
    this.runGraphSentAt = Date.now();
    const nodes = built.result.graphs[0]?.nodes.length ?? 0;
    this.ctx.log.debug(`DAG: run view of ${built.info.name} (${nodes} nodes) built in ${this.runGraphSentAt - started} ms`);
    this.broadcast(this.runSnapshot);
    this.broadcast({ type: 'status', payload: built.status });
  }

  /** Forget what the panel got of a run view (another document, another run, or back to the spec). */
  private resetRunView(): void {
    if (this.runGraphTimer) clearTimeout(this.runGraphTimer);
    this.runGraphTimer = undefined;
    this.runSnapshot = undefined;
    this.runShapeSent = undefined;
    this.runGraphSentAt = 0;
  }

  /**
   * After a window reload only the cluster knows the file's runs: ask the run feature (it owns the
   * cluster I/O) once per document of a Kindling project. Trusted workspaces only: the kubeconfig
   * setting may run programs.
   */
  private lookUpRun(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (!vscode.workspace.isTrusted || document.uri.scheme !== 'file' || !this.surfaces.size || this.runs.has(key) || this.runLookups.has(key)) return;
    this.runLookups.add(key);
    void (async () => {
      try {
        // Only files of a Kindling project (a kindling.yaml above them) can have runs: others never load the cluster code.
        const folder = vscode.workspace.getWorkspaceFolder(document.uri);
        if (!folder || !(await findProjectConfig(document.uri.fsPath, folder.uri.fsPath))) return;
        const api = (await this.ctx.getFeature('run')).api as PanelRunApi | undefined;
        await api?.followLatestRun(document);
      } catch (error) {
        this.ctx.log.debug(`DAG panel: no run looked up for ${path.basename(document.fileName)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  }

  // ─── webview → host ─────────────────────────────────────────────────────────────────────────

  private async onMessage(message: WebviewMessage, _surface: DagSurface): Promise<void> {
    switch (message.type) {
      case 'openSource':
        await this.openSource(message.payload.documentUri, message.payload.nodeId);
        return;
      case 'error':
        this.ctx.log.warn(`DAG panel: ${message.payload.message}`);
        return;
      case 'rendered': {
        const p = message.payload;
        this.ctx.log.debug(`DAG panel: ${p.reason} render of ${p.nodes} nodes: layout ${p.layoutMs.toFixed(0)} ms, paint ${p.paintMs.toFixed(0)} ms`);
        return;
      }
      case 'showProblems':
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        return;
      case 'switchView':
        this.switchView(message.payload.mode);
        return;
      case 'openNodeDetails':
        await this.openNodeDetails(message.payload.runId, message.payload.nodeId);
        return;
      case 'runAction':
        await this.runAction(message.payload.action, message.payload.runId, message.payload.nodeId);
        return;
      case 'ready':
        return;
    }
  }

  /** The run feature's details editor; the node's label names its tab. */
  private async openNodeDetails(runId: string, nodeId: string): Promise<void> {
    const run = this.currentRun();
    const label = run?.runId === runId ? run.build().result.graphs[0]?.nodes.find((n) => n.id === nodeId)?.label : undefined;
    await vscode.commands.executeCommand(CommandIds.showNodeDetails, { runId, nodeId, ...(label ? { label } : {}) });
  }

  private async runAction(action: RunAction, runId: string, nodeId: string | undefined): Promise<void> {
    // The Runs view's commands (they confirm what destroys work) take `{ runId }`.
    await vscode.commands.executeCommand(runActionCommands[action], nodeId === undefined ? { runId } : { runId, nodeId });
    // The run changes again (retry, resume) or a new one starts (resubmit): the panel follows it.
    const document = this.current?.document;
    if (!document || !(action === 'retry' || action === 'resume' || action === 'resubmit')) return;
    try {
      const api = (await this.ctx.getFeature('run')).api as PanelRunApi | undefined;
      if (action === 'resubmit') await api?.followLatestRun(document, { again: true });
      else await api?.followRun(document, runId);
    } catch (error) {
      this.ctx.log.warn(`DAG panel: cannot follow ${runId} after ${action}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private findNode(nodeId: string): { graph: PipelineGraph; range?: SourceRange; fileName?: string } | undefined {
    for (const graph of this.current?.result?.graphs ?? []) {
      const node = graph.nodes.find((n) => n.id === nodeId);
      if (node) return { graph, range: node.range, fileName: node.fileName };
    }
    return undefined;
  }

  private async openSource(documentUri: string, nodeId: string): Promise<void> {
    const current = this.current;
    if (!current || current.document.uri.toString() !== documentUri) return; // a stale click
    const found = this.findNode(nodeId);
    if (!found?.range) return;
    // Steps expanded from a WorkflowTemplate live in that template's file.
    const target = found.fileName ? vscode.Uri.parse(found.fileName) : current.document.uri;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString());
    const column = visible?.viewColumn ?? this.lastEditorColumn ?? vscode.ViewColumn.One;
    const editor = await vscode.window.showTextDocument(target, { viewColumn: column, preserveFocus: false, preview: !visible });
    const start = new vscode.Position(found.range.startLine, found.range.startCol);
    editor.selection = new vscode.Selection(start, start);
    editor.revealRange(toVsRange(found.range), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (e.textEditor.document !== this.current?.document) return;
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = setTimeout(() => {
      const current = this.current;
      if (!current?.result || current.version !== e.textEditor.document.version) return;
      const pos = e.selections[0]?.active;
      if (!pos) return;
      for (const graph of current.result.graphs) {
        if (graph.range && (pos.line < graph.range.startLine || pos.line > graph.range.endLine)) continue;
        const node = findNodeAt(graph, pos.line, pos.character);
        if (node) {
          this.broadcast({ type: 'revealNode', payload: { nodeId: node.id } });
          return;
        }
      }
    }, 150);
  }

  dispose(): void {
    if (this.renderTimer) clearTimeout(this.renderTimer);
    if (this.runGraphTimer) clearTimeout(this.runGraphTimer);
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    for (const s of this.surfaces) s.dispose();
    this.surfaces.clear();
    this.panel?.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}
