/**
 * What a component run and a submitted pipeline both do before and while they run: choose the target
 * context, read kindling.yaml (its errors become squiggles), prepare the run identity, and mirror the
 * run's watch into its Runs view entry and output.
 */
import * as vscode from 'vscode';
import { kindContextName } from '../../core/cluster/kindConfig';
import { runContextName } from '../../core/cluster/runContext';
import { isTerminal, summarizePods } from '../../core/component';
import type { KindlingConfig } from '../../core/config';
import { checkServiceAccounts, ConfigInvalidError, ensureRunIdentity, readProjectConfig, runServiceAccounts, type connect, type RunSnapshot } from '../../kube/runs';
import { getSetting } from '../config';
import type { ConfigDiagnostics } from './configDiagnostics';
import type { RunEntry, RunsTreeProvider } from './runsTree';

/** Runs go to `kindling.run.context`, else the Kindling kind cluster; KINDLING_RUN_CONTEXT overrides both (benchmarks). */
export function runTarget(): { kubeconfigPath?: string; context: string } {
  return {
    kubeconfigPath: getSetting('kubeconfig') || undefined,
    context: runContextName({ envOverride: process.env.KINDLING_RUN_CONTEXT, setting: getSetting('run.context'), clusterName: getSetting('cluster.name') }),
  };
}

/** kindling.yaml, or undefined after showing its errors (squiggles + "Open kindling.yaml" at the first one). */
export async function loadRunConfig(configUri: vscode.Uri, diagnostics: ConfigDiagnostics): Promise<KindlingConfig | undefined> {
  try {
    const config = await readProjectConfig(configUri.fsPath);
    diagnostics.clear(configUri);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigInvalidError)) throw err;
    diagnostics.set(configUri, err.errors);
    const pick = await vscode.window.showErrorMessage(`Kindling: ${err.message}`, 'Open kindling.yaml');
    if (pick) await vscode.window.showTextDocument(configUri, { selection: diagnostics.firstRange(configUri) });
    return undefined;
  }
}

/** Local cluster: create namespace + service accounts + role once per session; elsewhere only check they exist. */
export class RunIdentity {
  private readonly ready = new Set<string>();

  async prepare(kc: ReturnType<typeof connect>, config: KindlingConfig, log: (message: string) => void): Promise<void> {
    const { namespace, serviceAccounts } = runServiceAccounts(config);
    const key = `${kc.getCurrentContext()}|${namespace}|${serviceAccounts.join(',')}`;
    if (this.ready.has(key)) return;
    if (kc.getCurrentContext() === kindContextName(getSetting('cluster.name'))) {
      const created = await ensureRunIdentity(kc, namespace, serviceAccounts);
      if (created.length) log(`Prepared the local cluster for runs: ${created.join(', ')}`);
    } else {
      await checkServiceAccounts(kc, namespace, serviceAccounts);
    }
    this.ready.add(key);
  }
}

/** The watch's callback: keeps the Runs view entry current and writes each phase change to the run's output. */
/** The line a run's output gets when its phase changes. */
export function phaseLine(status: RunSnapshot['status']): string {
  return `[kindling] ${status.phase}${status.message ? `: ${status.message}` : ''}`;
}

/**
 * Mirrors a run's updates into its Runs view entry and its output. With `deferFinalLine`, the line of
 * a terminal phase is left to the caller: on a real cluster a short script's pod has ended before the
 * log stream has delivered its output, and "Succeeded" above the script's own lines reads wrong; the
 * caller writes it with phaseLine once the logs are in.
 */
export function mirrorRunUpdates(
  entry: RunEntry,
  channel: { appendLine(line: string): void },
  tree: RunsTreeProvider,
  { deferFinalLine = false }: { deferFinalLine?: boolean } = {},
): (s: RunSnapshot) => void {
  let lastPhase = '';
  return (s) => {
    entry.phase = s.status.phase;
    entry.message = s.status.message;
    entry.suspended = s.status.suspended;
    entry.timings = s.timings;
    // Executors come and go (Spark deletes them at the end): keep the last summary that had pods.
    entry.pods = summarizePods(s.pods) ?? entry.pods;
    if (s.status.phase !== lastPhase) {
      lastPhase = s.status.phase;
      if (!(deferFinalLine && isTerminal(s.status.phase))) channel.appendLine(phaseLine(s.status));
    }
    tree.update(entry);
  };
}
