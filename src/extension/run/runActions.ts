/**
 * The run actions as VS Code commands (Runs view context menu, palette, and the DAG panel's run
 * buttons, which pass `{ runId }`): Stop, Terminate, Suspend, Resume, Retry Failed, Resubmit, Delete,
 * Copy Name. The work is in src/kube/runs/actions.ts; here: which run, a modal confirmation where the
 * action destroys work (Stop, Terminate, Delete), and the outcome or the refusal in plain words.
 */
import * as vscode from 'vscode';
import { isTerminal, type ResourceRef } from '../../core/component';
import type { RunAction } from '../../protocol/dagMessages';
import {
  ActionRefused,
  connect,
  deleteRun,
  resubmitRun,
  resumeRun,
  retryRun,
  RunError,
  shutdownRun,
  suspendRun,
  watchRun,
  type ActionResult,
} from '../../kube/runs';
import type { KindlingContext } from '../context';
import { isRunEntry, type RunEntry, type RunsTreeProvider } from './runsTree';
import { mirrorRunUpdates, runTarget } from './runSetup';

interface ActionSpec {
  /** "stop" in "Could not stop train-abc12". */
  verb: string;
  /** Which runs the palette's pick offers (the Runs view menu says the same with `when`). */
  applies: (run: RunEntry) => boolean;
  confirm?: (run: RunEntry) => { message: string; detail: string; button: string };
}

const workflow = (r: RunEntry): boolean => r.ref.kind === 'Workflow';
const active = (r: RunEntry): boolean => !isTerminal(r.phase);

const specs: Record<RunAction, ActionSpec> = {
  stop: {
    verb: 'stop',
    applies: active,
    confirm: (r) =>
      workflow(r)
        ? { message: `Stop ${r.ref.name}?`, detail: 'Running steps are stopped and no new ones start; exit handlers still run. The run ends as Failed.', button: 'Stop' }
        : { message: `Stop ${r.ref.name}?`, detail: `A ${r.ref.kind} is stopped by deleting it, with its pods and logs.`, button: 'Stop and Delete' },
  },
  terminate: {
    verb: 'terminate',
    applies: (r) => workflow(r) && active(r),
    confirm: (r) => ({ message: `Terminate ${r.ref.name}?`, detail: 'Running steps are killed at once and exit handlers do not run.', button: 'Terminate' }),
  },
  suspend: { verb: 'suspend', applies: (r) => workflow(r) && r.phase === 'Running' && !r.suspended },
  resume: { verb: 'resume', applies: (r) => workflow(r) && r.phase === 'Running' && r.suspended === true },
  retry: { verb: 'retry', applies: (r) => workflow(r) && r.phase === 'Failed' },
  resubmit: { verb: 'resubmit', applies: (r) => r.ref.kind !== 'Pod' },
  delete: {
    verb: 'delete',
    applies: () => true,
    confirm: (r) => ({ message: `Delete ${r.ref.name}?`, detail: `The ${r.ref.kind} and its pods (with their logs) are removed from ${r.context ?? 'the cluster'}.${active(r) ? ' It is still running.' : ''}`, button: 'Delete' }),
  },
  copyName: { verb: 'copy the name of', applies: () => true },
};

export class RunActionCommands {
  constructor(
    private readonly ctx: KindlingContext,
    private readonly tree: RunsTreeProvider,
  ) {}

  /** One command handler per action; `arg`: a Runs view item, `{ runId }`, or nothing (then a pick). */
  async run(action: RunAction, arg?: unknown): Promise<void> {
    const spec = specs[action];
    const run = await this.resolve(arg, spec);
    if (!run) return;
    if (action === 'copyName') {
      await vscode.env.clipboard.writeText(run.ref.name);
      void vscode.window.setStatusBarMessage(`Kindling: copied ${run.ref.name}`, 3000);
      return;
    }
    const confirm = spec.confirm?.(run);
    if (confirm) {
      const pick = await vscode.window.showWarningMessage(confirm.message, { modal: true, detail: confirm.detail }, confirm.button);
      if (pick !== confirm.button) return;
    }
    const kc = connect({ kubeconfigPath: run.kubeconfigPath, context: run.context ?? runTarget().context });
    let result: ActionResult;
    try {
      result = await this.perform(action, kc, run.ref);
    } catch (err) {
      this.report(err, spec.verb, run);
      return;
    }
    this.ctx.log.info(`${action} ${run.ref.kind} ${run.ref.name}: ${result.message}`);
    void vscode.window.showInformationMessage(`Kindling: ${result.message}`);
    if (action === 'suspend' || action === 'resume') {
      // At once, also for a listed run no watch follows: the row offers the other action next.
      run.suspended = action === 'suspend';
      if (this.tree.all().includes(run)) this.tree.update(run);
    }
    if (action === 'delete' || (action === 'stop' && run.ref.kind !== 'Workflow')) this.tree.remove(run);
    else if (action === 'resubmit' && result.created) this.follow({ ...run, ref: result.created, phase: 'Pending', message: undefined, timings: {}, channel: undefined, dispose: undefined, pods: undefined }, kc, true);
    else if (action === 'retry' || action === 'resume') this.follow(run, kc, false);
  }

  private perform(action: RunAction, kc: ReturnType<typeof connect>, ref: ResourceRef): Promise<ActionResult> {
    switch (action) {
      case 'stop':
        return shutdownRun(kc, ref, 'Stop');
      case 'terminate':
        return shutdownRun(kc, ref, 'Terminate');
      case 'suspend':
        return suspendRun(kc, ref);
      case 'resume':
        return resumeRun(kc, ref);
      case 'retry':
        return retryRun(kc, ref);
      case 'resubmit':
        return resubmitRun(kc, ref);
      case 'delete':
        return deleteRun(kc, ref);
      case 'copyName':
        return Promise.resolve({ message: ref.name });
    }
  }

  /** Keeps the Runs view row current while the run runs again (its earlier watch ended with it). */
  private follow(entry: RunEntry, kc: ReturnType<typeof connect>, add: boolean): void {
    const channel = entry.channel ?? { appendLine: (): void => undefined };
    const watch = watchRun(kc, entry.ref, { onUpdate: mirrorRunUpdates(entry, channel, this.tree) });
    const previous = entry.dispose;
    entry.dispose = () => {
      watch.stop();
      previous?.();
    };
    void watch.done.then(() => watch.stop());
    if (add) this.tree.add(entry);
  }

  private async resolve(arg: unknown, spec: ActionSpec): Promise<RunEntry | undefined> {
    if (isRunEntry(arg)) return arg;
    const runId = arg && typeof arg === 'object' && typeof (arg as { runId?: unknown }).runId === 'string' ? (arg as { runId: string }).runId : undefined;
    if (runId) {
      const ref = refFromRunId(runId);
      if (!ref) {
        void vscode.window.showErrorMessage(`Kindling: "${runId}" does not name a run (expected workflow/<namespace>/<name>).`);
        return undefined;
      }
      const known = this.tree.all().find((r) => r.ref.kind === ref.kind && r.ref.namespace === ref.namespace && r.ref.name === ref.name);
      // A run the panel shows but the Runs view does not list (yet): acted on in the run context.
      return known ?? { ref, phase: 'Unknown', timings: {}, args: [], parameters: {}, ...runTarget() };
    }
    const runs = this.tree.all().filter(spec.applies);
    if (!runs.length) {
      void vscode.window.showInformationMessage(`Kindling: no run in the Runs view to ${spec.verb}.`);
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.ref.name, description: `${r.kind ?? r.ref.kind} · ${r.phase}`, run: r })),
      { placeHolder: `Which run to ${spec.verb}?` },
    );
    return pick?.run;
  }

  private report(err: unknown, verb: string, run: RunEntry): void {
    if (err instanceof ActionRefused) {
      void vscode.window.showWarningMessage(`Kindling: ${err.message}`);
      if (err.reason === 'gone') this.tree.remove(run);
      return;
    }
    if (err instanceof RunError && err.code === 'forbidden') {
      void vscode.window.showErrorMessage(`Kindling: you may not ${verb} ${run.ref.name} on ${run.context ?? 'this cluster'}: your account lacks the right (RBAC). ${err.message}`);
      return;
    }
    if (err instanceof RunError) {
      void vscode.window.showErrorMessage(`Kindling: could not ${verb} ${run.ref.name}: ${err.message}`);
      return;
    }
    throw err;
  }
}

/** `workflow/<ns>/<name>` / `sparkapplication/<ns>/<name>` (core/pipelineRun/liveStatus.ts) → the run's ref. */
export function refFromRunId(runId: string): ResourceRef | undefined {
  const [kind, namespace, name, ...rest] = runId.split('/');
  if (!namespace || !name || rest.length) return undefined;
  if (kind === 'workflow') return { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', kind: 'Workflow', namespace, name };
  if (kind === 'sparkapplication') return { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications', kind: 'SparkApplication', namespace, name };
  return undefined;
}
