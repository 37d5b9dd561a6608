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
import { graphMessage, shownDocument, type HostMessage, type WebviewMessage } from '../../protocol/dagMessages';
import { getSetting } from '../config';
import type { KindlingContext } from '../context';
import { WebviewPanelIds } from '../ids';
import { ArgoQuickFixes } from './quickFixes';
import { DagSurface, webviewOptions } from './surface';
import { WorkspaceTemplates } from './templates';

const dagPanelViewType = WebviewPanelIds.dag;

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
    if (this.snapshot) surface.post(this.snapshot);
    else if (this.current) this.render(); // broadcasts, this surface included
    const status = this.currentStatus();
    if (status) surface.post({ type: 'status', payload: status });
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
    if (immediate) this.render();
    else this.scheduleRender();
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
    this.broadcast(this.snapshot);
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
    if (status) this.statusByDocument.set(documentUri, status);
    else this.statusByDocument.delete(documentUri);
    if (this.current?.document.uri.toString() !== documentUri) return;
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
      case 'ready':
        return;
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
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    for (const s of this.surfaces) s.dispose();
    this.surfaces.clear();
    this.panel?.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}
