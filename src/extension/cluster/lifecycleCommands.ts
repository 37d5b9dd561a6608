/**
 * Create / start and delete, with a cancellable progress notification naming the current step,
 * and errors that say the step, the cause and the fix — and offer to delete a half-made cluster.
 */
import * as vscode from 'vscode';
import { ClusterStepError, STEP_TITLES } from '../../core/cluster/failures';
import { kindContextName, NODE_WORKSPACE_PATH } from '../../core/cluster/kindConfig';
import { registryHostAlias } from '../../core/cluster/registry';
import { createCluster, deleteCluster } from '../../kube/cluster/lifecycle';
import { CommandIds } from '../ids';
import type { KindlingContext } from '../context';
import { readClusterSettings } from './clusterSettings';
import { runDoctor } from './doctor';

function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`Kindling runs kind and docker only in a trusted workspace. Trust this folder to ${what}.`);
  return false;
}

let running: Promise<unknown> | undefined;

export async function createClusterCommand(ctx: KindlingContext, onDone: () => void): Promise<void> {
  if (!requireTrust('create the local cluster')) return;
  if (running) {
    void vscode.window.showInformationMessage('Kindling is already creating the cluster; see the progress notification.');
    return;
  }
  const settings = readClusterSettings(ctx);
  const job = vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Kindling: cluster "${settings.clusterName}"`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const started = Date.now();
      const result = await createCluster({
        ...settings,
        signal: abort.signal,
        onStep: (step, message) => {
          ctx.log.info(`[${STEP_TITLES[step]}] ${message}`);
          progress.report({ message });
        },
        onLog: (line) => ctx.log.trace(line),
      });
      const verb = result.outcome === 'created' ? 'created' : result.outcome === 'started' ? 'started again' : 'checked';
      ctx.log.info(`Cluster "${settings.clusterName}" ${verb} in ${Math.round((Date.now() - started) / 1000)} s; context ${result.context}; workspace at ${NODE_WORKSPACE_PATH} in the node; registry ${registryHostAlias(settings.registryPort)}`);
      void vscode.window.showInformationMessage(
        `Kindling: cluster "${settings.clusterName}" ${verb}: Argo Workflows and the Spark operator are ready. Push images to ${registryHostAlias(settings.registryPort)}.`,
      );
    },
  );
  running = Promise.resolve(job);
  try {
    await running;
  } catch (error) {
    await reportCreateFailure(ctx, error, settings.clusterName);
  } finally {
    running = undefined;
    onDone();
  }
}

async function reportCreateFailure(ctx: KindlingContext, error: unknown, clusterName: string): Promise<void> {
  if (!(error instanceof ClusterStepError)) throw error;
  ctx.log.error(`${error.message}${error.details ? `\n${error.details}` : ''}`);
  const title = STEP_TITLES[error.step];
  const left = error.clusterLeftBehind ? ` The cluster "${clusterName}" exists but is not finished.` : '';
  const buttons = [...(error.clusterLeftBehind ? ['Delete Cluster'] : []), ...(error.step === 'doctor' ? ['Run Doctor'] : []), 'Show Log'];
  const choice = await vscode.window.showErrorMessage(`Kindling: ${title} failed. ${error.reason} ${error.fix}${left}`, ...buttons);
  if (choice === 'Delete Cluster') await vscode.commands.executeCommand(CommandIds.deleteCluster);
  else if (choice === 'Run Doctor') await runDoctor(ctx);
  else if (choice === 'Show Log') ctx.log.show(true);
}

export async function deleteClusterCommand(ctx: KindlingContext, onDone: () => void): Promise<void> {
  if (!requireTrust('delete the local cluster')) return;
  const settings = readClusterSettings(ctx);
  const deleteOnly = 'Delete Cluster';
  const deleteAll = 'Delete Cluster and Registry';
  const choice = await vscode.window.showWarningMessage(
    `Delete the local cluster "${settings.clusterName}"?`,
    {
      modal: true,
      detail: `This removes its node container, everything running in it, and the kube context ${kindContextName(settings.clusterName)}. The registry keeps your pushed images unless you delete it too.`,
    },
    deleteOnly,
    deleteAll,
  );
  if (!choice) return;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Kindling: deleting cluster "${settings.clusterName}"` },
      () => deleteCluster({ ...settings, removeRegistry: choice === deleteAll }),
    );
    ctx.log.info(`Deleted cluster "${settings.clusterName}"${result.registryRemoved ? ' and its registry' : ''}.`);
    void vscode.window.showInformationMessage(`Kindling: cluster "${settings.clusterName}" deleted${result.registryRemoved ? ' with its registry' : ''}.`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log.error(message);
    void vscode.window.showErrorMessage(`Kindling: ${message}`, 'Show Log').then((c) => c && ctx.log.show(true));
  } finally {
    onDone();
  }
}
