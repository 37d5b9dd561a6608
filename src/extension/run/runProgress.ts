/**
 * The notification a run shows while it goes (component runs and submitted pipelines alike): its phase,
 * refreshed twice a second, and a Cancel button that stops the run on the cluster — the notification's
 * own cancel only closes it, so the run must be cancelled explicitly.
 */
import * as vscode from 'vscode';
import type { ResourceRef } from '../../core/component';
import { cancelRun, type connect } from '../../kube/runs';

type KubeConfigOf = ReturnType<typeof connect>;

export interface RunProgressOptions {
  kc: KubeConfigOf;
  runName: string;
  ref: ResourceRef;
  /** The run's output, where "cancel requested" is written. */
  channel: { appendLine(line: string): void };
  /** Read on every tick: the Runs view entry, kept up to date by the run's watch. */
  current: { phase: string; message?: string };
  /** Settles when the run has ended. */
  done: Promise<unknown>;
}

export async function showRunProgress(o: RunProgressOptions): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Kindling: ${o.runName}`, cancellable: true },
    async (progress, token) => {
      const sub = token.onCancellationRequested(() => {
        void cancelRun(o.kc, o.ref).then(
          () => o.channel.appendLine('[kindling] cancel requested'),
          (err: unknown) => void vscode.window.showErrorMessage(`Kindling: could not cancel: ${err instanceof Error ? err.message : String(err)}`),
        );
      });
      const tick = setInterval(() => progress.report({ message: `${o.current.phase}${o.current.message ? ` — ${o.current.message}` : ''}` }), 500);
      try {
        await o.done;
      } finally {
        clearInterval(tick);
        sub.dispose();
      }
    },
  );
}
