/**
 * Quick fixes for the DAG parser's diagnostics (the 'kindling' collection published by
 * controller.ts). The edits come from pure core code (core/pipeline/argoQuickFix.ts); this only
 * turns them into a CodeAction for the diagnostic under the cursor.
 */
import * as vscode from 'vscode';
import { continueOnToDepends } from '../../core/pipeline/argoQuickFix';

export class ArgoQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== 'kindling' || d.code !== 'continue-on-with-depends') continue;
      const fix = continueOnToDepends(document.getText(), d.range.start.line, d.range.start.character);
      if (!fix) continue;
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      for (const e of fix.edits) action.edit.replace(document.uri, new vscode.Range(e.range.startLine, e.range.startCol, e.range.endLine, e.range.endCol), e.newText);
      actions.push(action);
    }
    return actions;
  }
}
