/**
 * `kindling.wrapSageMakerPipeline`: SageMaker pipeline definition JSON → ACK `Pipeline` manifest
 * (and back, for an ACK YAML), opened in a new untitled editor so nothing is written without the user.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { unwrapAckPipeline, wrapSageMakerPipeline } from '../../core/pipeline';
import type { PipelineDiagnostic } from '../../core/model/pipelineGraph';

/** A Kubernetes object name from a file name: lowercase letters, digits and dashes. */
export function resourceNameFrom(fileName: string): string {
  const base = path.basename(fileName).replace(/\.[^.]+$/, '');
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return name || 'pipeline';
}

function firstError(diagnostics: PipelineDiagnostic[]): PipelineDiagnostic | undefined {
  return diagnostics.find((d) => d.severity === 'error');
}

export async function wrapSageMakerCommand(arg: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage('Kindling: open a SageMaker pipeline definition (JSON) or an ACK Pipeline (YAML) first.');
    return;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const text = document.getText();
  const isYaml = document.languageId === 'yaml' || /\.ya?ml$/i.test(document.fileName);
  if (isYaml) {
    const { json, diagnostics } = unwrapAckPipeline(text);
    const error = firstError(diagnostics);
    if (error || !json) {
      void vscode.window.showErrorMessage(`Kindling: cannot read an ACK Pipeline from ${path.basename(document.fileName)}: ${error?.message ?? 'no pipeline definition found'}`);
      return;
    }
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'json', content: json }), { preview: false });
    return;
  }
  const { yaml, diagnostics } = wrapSageMakerPipeline(text, { name: resourceNameFrom(document.fileName) });
  const error = firstError(diagnostics);
  if (error || !yaml) {
    void vscode.window.showErrorMessage(`Kindling: cannot wrap ${path.basename(document.fileName)}: ${error?.message ?? 'no pipeline definition found'}`);
    return;
  }
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'yaml', content: yaml }), { preview: false });
  // E.g. "no role ARN: the manifest has a placeholder" — the user must see it before applying.
  const warning = diagnostics.find((d) => d.severity === 'warning');
  if (warning) void vscode.window.showWarningMessage(`Kindling: ${warning.message}`);
}
