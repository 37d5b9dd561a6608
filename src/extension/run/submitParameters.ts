/**
 * Submit Pipeline's parameter prompts: one box per `spec.arguments.parameters` entry (a pick for an
 * `enum`), prefilled with what was given last time for the same file and document, else the file's
 * value; nothing is asked when the workflow has no parameters. Escape cancels the submission.
 */
import * as vscode from 'vscode';
import type { FileDocument } from '../../core/pipelineRun';
import { prefillParameters, submitParameters } from '../../core/pipelineRun/parameters';

/** undefined: cancelled; `{}`: nothing to ask. */
export async function askSubmitParameters(state: vscode.Memento, uri: vscode.Uri, document: FileDocument, fileName: string): Promise<Record<string, string> | undefined> {
  const params = submitParameters(document.object);
  if (!params.length) return {};
  const key = `kindling.submit.parameters:${uri.toString()}#${document.submitKind ?? ''}/${document.name ?? ''}`;
  const values = prefillParameters(params, state.get<Record<string, string>>(key));
  for (const [i, p] of params.entries()) {
    const title = `Submit ${fileName}: parameter ${i + 1} of ${params.length}`;
    let value: string | undefined;
    if (p.options) {
      const picked = await vscode.window.showQuickPick(
        p.options.map((o) => ({ label: o, description: o === p.value ? 'default' : undefined, picked: o === values[p.name] })),
        { title, placeHolder: `${p.name}${p.description ? ` — ${p.description}` : ''} (now ${values[p.name] ?? 'unset'})`, ignoreFocusOut: true },
      );
      value = picked?.label;
    } else {
      value = await vscode.window.showInputBox({
        title,
        prompt: `${p.name}${p.description ? ` — ${p.description}` : ''}${p.value !== undefined ? ` (file's value: ${p.value})` : ''}`,
        value: values[p.name] ?? '',
        // A value typed survives a click elsewhere; Escape cancels the submission.
        ignoreFocusOut: true,
        validateInput: (v) => (v === '' && p.value === undefined ? `${p.name} has no value in the file: Argo needs one.` : undefined),
      });
    }
    if (value === undefined) return undefined;
    values[p.name] = value;
  }
  await state.update(key, values);
  return values;
}
