/**
 * One place the DAG is shown (the side-bar view or an editor panel). Messages posted before the
 * webview said `ready` are queued — coalesced, since only the latest full snapshot of each kind
 * matters — until `ready`, which the host answers with its current full snapshot. A webview that is hidden loses its page (we do not use
 * retainContextWhenHidden), so it will send `ready` again and get a fresh snapshot.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HostMessage, WebviewMessage } from '../../protocol/dagMessages';
import { buildDagHtml } from './html';
import { parseWebviewMessage } from './messages';

export interface SurfaceEvents {
  onReady(surface: DagSurface): void;
  onMessage(message: WebviewMessage, surface: DagSurface): void;
}

/** Which queued message a new one replaces (full snapshots only: the newest wins). */
function slotOf(message: HostMessage): string {
  switch (message.type) {
    case 'graph':
    case 'graphUtf8':
    case 'empty':
      return 'graph';
    case 'status':
    case 'clearStatus':
      return 'status';
    case 'revealNode':
      return 'reveal';
    case 'viewModes':
      return 'viewModes';
  }
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class DagSurface implements vscode.Disposable {
  private ready = false;
  private queue = new Map<string, HostMessage>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    private readonly events: SurfaceEvents,
  ) {
    webview.options = webviewOptions(extensionUri);
    this.subscriptions.push(
      webview.onDidReceiveMessage((data: unknown) => {
        const message = parseWebviewMessage(data);
        if (!message) return;
        if (message.type === 'ready') {
          this.ready = true;
          // The host answers `ready` with its current full snapshot, which supersedes queued
          // graph/status messages; only a queued "reveal this node" still means something.
          const reveal = this.queue.get('reveal');
          this.queue.clear();
          this.events.onReady(this);
          if (reveal) this.post(reveal);
          return;
        }
        this.events.onMessage(message, this);
      }),
    );
    this.load(extensionUri);
  }

  private load(extensionUri: vscode.Uri): void {
    this.ready = false;
    const asUri = (...parts: string[]): string => this.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
    this.webview.html = buildDagHtml({
      cspSource: this.webview.cspSource,
      scriptUri: asUri('dist', 'webview', 'dag.js'),
      styleUri: asUri('media', 'dag.css'),
      nonce: randomBytes(18).toString('base64'),
      boot: { workerUri: asUri('dist', 'webview', 'layout-worker.js'), placeholder: 'Open a pipeline file (Argo, Kubeflow, SageMaker, Spark) to see its DAG.' },
    });
  }

  /** The page is gone (hidden view): queue until it is back and says ready again. */
  markHidden(): void {
    this.ready = false;
  }

  post(message: HostMessage): void {
    if (!this.ready) {
      this.queue.set(slotOf(message), message);
      return;
    }
    void this.webview.postMessage(message);
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}
