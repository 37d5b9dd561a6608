/**
 * The doctor command: probe, show each finding (explanation + fix) in the output channel, and
 * offer the automatable fixes as buttons.
 */
import * as vscode from 'vscode';
import { blockingFindings, diagnose, formatFindings, type Finding } from '../../core/cluster/doctor';
import { KIND_DOWNLOADS, kindPlatform } from '../../core/cluster/kindRelease';
import { KIND_VERSION } from '../../core/cluster/versions';
import { downloadVerified } from '../../kube/cluster/download';
import { gatherProbes } from '../../kube/cluster/probes';
import { CommandIds } from '../ids';
import type { KindlingContext } from '../context';
import { readClusterSettings } from './clusterSettings';

export async function runDoctor(ctx: KindlingContext, opts: { quietWhenHealthy?: boolean } = {}): Promise<Finding[]> {
  const settings = readClusterSettings(ctx);
  const findings = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Kindling: checking Docker, kind and ports' },
    async () => diagnose(await gatherProbes(settings)),
  );
  ctx.log.info(`Doctor for cluster "${settings.clusterName}":\n${formatFindings(findings)}`);
  const problems = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
  if (!problems.length) {
    if (!opts.quietWhenHealthy) void vscode.window.showInformationMessage('Kindling doctor: everything needed for the local cluster is in place.');
    return findings;
  }
  void offerFixes(ctx, problems);
  return findings;
}

async function offerFixes(ctx: KindlingContext, problems: Finding[]): Promise<void> {
  const first = problems[0];
  const actions = problems.flatMap((f) => (f.action ? [{ finding: f, ...f.action }] : [])).slice(0, 2);
  const more = problems.length > 1 ? ` (+${problems.length - 1} more in the log)` : '';
  const text = `Kindling doctor: ${first.title}. ${first.detail} Fix: ${first.fix}${more}`;
  const show = blockingFindings(problems).length ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const choice = await show(text, ...actions.map((a) => a.label), 'Show Details');
  if (choice === 'Show Details') {
    ctx.log.show(true);
    return;
  }
  const action = actions.find((a) => a.label === choice);
  if (action) await runFix(ctx, action.id);
}

export async function runFix(ctx: KindlingContext, id: NonNullable<Finding['action']>['id']): Promise<void> {
  switch (id) {
    case 'downloadKind':
      await downloadKind(ctx);
      break;
    case 'startCluster':
      await vscode.commands.executeCommand(CommandIds.createCluster);
      break;
    case 'deleteCluster':
      await vscode.commands.executeCommand(CommandIds.deleteCluster);
      break;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'kindling.cluster');
      break;
    case 'openDockerInstall':
      await vscode.env.openExternal(vscode.Uri.parse('https://docs.docker.com/get-started/get-docker/'));
      break;
    case 'openKindInstall':
      await vscode.env.openExternal(vscode.Uri.parse('https://kind.sigs.k8s.io/docs/user/quick-start/#installation'));
      break;
  }
}

/** Downloads the pinned kind release for this OS/arch into global storage, verified by SHA-256. */
export async function downloadKind(ctx: KindlingContext): Promise<void> {
  const platform = kindPlatform(process.platform, process.arch);
  const entry = platform ? KIND_DOWNLOADS[platform] : undefined;
  if (!entry?.sha256) {
    void vscode.window.showErrorMessage(`Kindling cannot verify a kind download for ${process.platform}/${process.arch}, so it will not download one. Install kind ${KIND_VERSION} yourself.`);
    return;
  }
  const dest = readClusterSettings(ctx).kindDownloadPath;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Downloading kind ${KIND_VERSION}`, cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      try {
        await downloadVerified({ url: entry.url, sha256: entry.sha256, dest, executable: true, signal: abort.signal });
        ctx.log.info(`kind ${KIND_VERSION} downloaded to ${dest} (SHA-256 verified)`);
        void vscode.window.showInformationMessage(`kind ${KIND_VERSION} is installed for Kindling (checksum verified).`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.log.error(`kind download failed: ${message}`);
        void vscode.window.showErrorMessage(`Kindling: downloading kind failed: ${message}`);
      }
    },
  );
}
