import * as vscode from 'vscode';
import type { ConfigError } from '../../core/config';

/** kindling.yaml problems as squiggles + Problems entries, from the same loader the run uses. */
export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('kindling.yaml');

  set(uri: vscode.Uri, errors: ConfigError[]): void {
    this.collection.set(
      uri,
      errors.map((e) => {
        const d = new vscode.Diagnostic(toRange(e), e.message, vscode.DiagnosticSeverity.Error);
        d.source = 'kindling';
        return d;
      }),
    );
  }

  clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  firstRange(uri: vscode.Uri): vscode.Range | undefined {
    return this.collection.get(uri)?.[0]?.range;
  }

  dispose(): void {
    this.collection.dispose();
  }
}

function toRange(e: ConfigError): vscode.Range {
  const end = e.endLine > e.line || e.endColumn > e.column ? new vscode.Position(e.endLine, e.endColumn) : new vscode.Position(e.line, e.column + 1);
  return new vscode.Range(new vscode.Position(e.line, e.column), end);
}
