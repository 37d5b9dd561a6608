import * as vscode from 'vscode';
import type { ActivateFeature } from '../context';
import { ConfigDiagnostics } from '../run/configDiagnostics';
import { PipelineSubmitter } from '../run/pipelineSubmit';
import { isRunEntry } from '../run/runsTree';
import { ImageBuilder } from '../run/imageBuild';
import { DebugController } from '../run/debugController';
import { RunController } from '../run/runController';
import { RunActionCommands } from '../run/runActions';
import { NodeDetailsEditors } from '../run/nodeDetails';
import { PanelRunFollower } from '../run/panelRuns';
import { loadConfig } from '../../core/config';

/**
 * The run feature: Run as Component, Run Again, Cancel / Show Logs, the Runs view, and live
 * kindling.yaml diagnostics (the same loader the run uses, so the editor and the run agree).
 */
export const activateFeature: ActivateFeature = (ctx) => {
  const live = ctx.disposables.add(new ConfigDiagnostics());
  const controller = ctx.disposables.add(new RunController(ctx, live));
  const debugger_ = ctx.disposables.add(new DebugController(ctx, controller));
  const submitter = new PipelineSubmitter(ctx, controller.tree, live);
  const images = ctx.disposables.add(new ImageBuilder(ctx, live));
  const actions = new RunActionCommands(ctx, controller.tree);
  const nodeDetails = ctx.disposables.add(new NodeDetailsEditors(ctx));
  // The DAG panel asks for a file's latest run after a reload (it does no cluster I/O itself).
  const panelRuns = ctx.disposables.add(new PanelRunFollower(ctx));
  const check = (doc: vscode.TextDocument): void => {
    if (!/(^|\/)kindling\.ya?ml$/.test(doc.uri.path)) return;
    const { errors } = loadConfig(doc.getText());
    if (errors.length) live.set(doc.uri, errors);
    else live.clear(doc.uri);
  };
  vscode.workspace.textDocuments.forEach(check);
  ctx.disposables.add(vscode.workspace.onDidOpenTextDocument(check));
  ctx.disposables.add(vscode.workspace.onDidChangeTextDocument((e) => check(e.document)));
  return {
    commands: {
      'kindling.runAsComponent': (arg?: unknown) => controller.runAsComponent(arg),
      'kindling.debugAsComponent': (arg?: unknown) => debugger_.debugAsComponent(arg),
      'kindling.buildImage': (arg?: unknown) => images.command(arg),
      // The explorer passes its selection second: that is how a right-click is told from the editor title.
      'kindling.submitPipeline': (arg?: unknown, second?: unknown) => submitter.submit(arg, second),
      // A submitted pipeline runs again by submitting its file again.
      'kindling.runAgain': (arg?: unknown) => (isRunEntry(arg) && arg.kind === 'pipeline' ? submitter.submit(arg) : controller.runAgain(arg)),
      'kindling.cancelRun': (arg?: unknown) => controller.cancel(arg),
      'kindling.showRunLogs': (arg?: unknown) => controller.showLogs(arg),
      // Runs view items, the palette, and the DAG panel's run buttons ({ runId }).
      'kindling.runs.stop': (arg?: unknown) => actions.run('stop', arg),
      'kindling.runs.terminate': (arg?: unknown) => actions.run('terminate', arg),
      'kindling.runs.suspend': (arg?: unknown) => actions.run('suspend', arg),
      'kindling.runs.resume': (arg?: unknown) => actions.run('resume', arg),
      'kindling.runs.retry': (arg?: unknown) => actions.run('retry', arg),
      'kindling.runs.resubmit': (arg?: unknown) => actions.run('resubmit', arg),
      'kindling.runs.delete': (arg?: unknown) => actions.run('delete', arg),
      'kindling.runs.copyName': (arg?: unknown) => actions.run('copyName', arg),
      'kindling.runs.showNodeDetails': (arg?: unknown) => nodeDetails.show(arg),
    },
    treeProviders: { 'kindling.runs': controller.tree as vscode.TreeDataProvider<unknown> },
    api: panelRuns,
  };
};
