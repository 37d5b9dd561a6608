/**
 * The workspace's Argo (Cluster)WorkflowTemplates, for resolving `templateRef`. Found with
 * findFiles (bounded in count and size), cached per file, and refreshed when a YAML file is saved,
 * created or deleted, so a render never waits on a workspace scan after the first.
 */
import * as vscode from 'vscode';
import { buildTemplateIndex, type TemplateIndex } from '../../core/pipeline';

const maxFiles = 1000;
const maxBytes = 1024 * 1024;
const templatePattern = /kind:\s*["']?(Cluster)?WorkflowTemplate\b/;

export class WorkspaceTemplates implements vscode.Disposable {
  private files = new Map<string, string>();
  private index: TemplateIndex | undefined;
  private loading: Promise<void> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the index changed after the first load (a re-render may resolve more refs). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
    this.subscriptions.push(
      watcher,
      this.changed,
      watcher.onDidCreate((uri) => void this.refresh(uri)),
      watcher.onDidChange((uri) => void this.refresh(uri)),
      watcher.onDidDelete((uri) => {
        if (this.files.delete(uri.toString())) this.rebuild();
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (/\.ya?ml$/i.test(doc.fileName)) this.update(doc.uri, doc.getText());
      }),
    );
  }

  /** The index, loading it on first use. */
  async get(): Promise<TemplateIndex | undefined> {
    if (!this.loading) this.loading = this.load();
    await this.loading;
    return this.index;
  }

  /** The index if it is loaded; never waits (for renders that must not block on a scan). */
  peek(): TemplateIndex | undefined {
    if (!this.loading) this.loading = this.load();
    return this.index;
  }

  private async load(): Promise<void> {
    const started = Date.now();
    try {
      const uris = await vscode.workspace.findFiles('**/*.{yaml,yml}', '{**/node_modules/**,**/.git/**,**/dist/**}', maxFiles);
      await Promise.all(uris.map((uri) => this.read(uri)));
    } catch (error) {
      this.log.warn(`Kindling: could not scan the workspace for WorkflowTemplates: ${String(error)}`);
    }
    this.rebuild(false);
    this.log.info(`DAG: indexed ${this.files.size} WorkflowTemplate file(s) in ${Date.now() - started} ms`);
  }

  private async read(uri: vscode.Uri): Promise<boolean> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > maxBytes) return false;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      if (!templatePattern.test(text)) return this.files.delete(uri.toString());
      this.files.set(uri.toString(), text);
      return true;
    } catch {
      return this.files.delete(uri.toString());
    }
  }

  private async refresh(uri: vscode.Uri): Promise<void> {
    if (!this.loading) return; // not loaded yet: the first load will read it
    const had = this.files.has(uri.toString());
    const has = await this.read(uri);
    if (had || has) this.rebuild();
  }

  private update(uri: vscode.Uri, text: string): void {
    if (!this.loading) return;
    const key = uri.toString();
    const had = this.files.has(key);
    if (templatePattern.test(text) && text.length <= maxBytes) this.files.set(key, text);
    else this.files.delete(key);
    if (had || this.files.has(key)) this.rebuild();
  }

  private rebuild(notify = true): void {
    this.index = buildTemplateIndex([...this.files].map(([fileName, text]) => ({ fileName, text })));
    if (notify) this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}
