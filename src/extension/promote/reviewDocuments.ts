/**
 * Read-only virtual documents for the promote diff: `kindling-promote:` URIs whose text is the live
 * object and the dry-run result as normalised YAML. A TextDocumentContentProvider's documents cannot
 * be edited or saved, which is what a review of a server answer should be.
 */
import * as vscode from 'vscode';

export const REVIEW_SCHEME = 'kindling-promote';

export class ReviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private serial = 0;

  /** A new URI per promote, so a diff tab from an earlier promote keeps showing what it showed. */
  add(label: string, side: 'live' | 'dry-run', text: string, promote: number): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${promote}/${label.replace(/[^A-Za-z0-9._-]+/g, '-')}.${side}.yaml` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  nextPromote(): number {
    this.serial += 1;
    // Keep the texts of the last few promotes only: the review is short-lived.
    for (const key of this.texts.keys()) {
      const n = Number(vscode.Uri.parse(key).path.split('/')[1]);
      if (n < this.serial - 3) this.texts.delete(key);
    }
    return this.serial;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This promote review has expired. Run Kindling: Promote again.\n';
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
