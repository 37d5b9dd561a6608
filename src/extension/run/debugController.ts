/**
 * "Debug as Component": the run's own preparation (runPreparation.ts: config, dependency check,
 * cluster check, manifests with provenance), then the debug launch — the container starts the file
 * under debugpy (core/component/debug.ts), Kindling port-forwards to it through the API
 * (kube/debug) and starts a VS Code session of its own debugger type (debugAdapter.ts).
 *
 * Lifecycle: stopping the session deletes the run's pod (unless the script had already exited);
 * the run ending ends the session; the port-forward closes with the run, on every path.
 */
import { stat, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NODE_WORKSPACE_PATH } from '../../core/cluster/kindConfig';
import {
  addDebugpyRequirement,
  ComponentError,
  debugAttachArguments,
  debugManifests,
  debugpyFixes,
  describeTimings,
  formatMs,
  isTerminal,
  splitArgs,
  type ComponentManifests,
} from '../../core/component';
import { DebugRunError, ensureCachedDebugpy, explainEndedDebugRun, stageDebugpy, startDebugRun, stopDebugRun, type DebugRun, type DebugTarget } from '../../kube/debug';
import { RunLogFollower } from '../../kube/runs';
import type { KindlingContext } from '../context';
import { DEBUG_TYPE, registerKindlingDebugger, type KindlingDebugConfiguration } from './debugAdapter';
import type { RunController } from './runController';
import type { PreparedRun, RunChoice } from './runPreparation';
import { mirrorRunUpdates } from './runSetup';
import { isRunEntry, type RunEntry } from './runsTree';

interface LiveDebug {
  runName: string;
  invokedAt: number;
  target: DebugTarget;
  prepared: PreparedRun;
  entry: RunEntry;
  channel: vscode.OutputChannel;
  session?: vscode.DebugSession;
  /** debugpy said the script ended: the run ends by itself and is left alone. */
  exited: boolean;
  /** The user ended the session (Stop/Disconnect) while the script was still going. */
  stopRequested: boolean;
  firstStopAt?: number;
}

const isPythonFile = (p: string): boolean => /\.py$/i.test(p);

export class DebugController implements vscode.Disposable {
  private readonly live = new Map<string, LiveDebug>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly ctx: KindlingContext,
    private readonly runs: RunController,
  ) {
    this.disposables.push(
      registerKindlingDebugger({
        onStopped: (session) => {
          const d = this.forSession(session);
          if (!d || d.firstStopAt !== undefined) return;
          d.firstStopAt = Date.now();
          // The benchmark's "debugAttached": command → paused at the first breakpoint.
          this.ctx.log.info(`Debug ${d.runName}: paused ${formatMs(d.firstStopAt - d.invokedAt)} after the command`);
          d.channel.appendLine(`[kindling] debugger attached and paused ${formatMs(d.firstStopAt - d.invokedAt)} after the command`);
        },
        onExited: (session) => {
          const d = this.forSession(session);
          if (d && !d.stopRequested) d.exited = true;
        },
        onDisconnectRequested: (session) => {
          const d = this.forSession(session);
          if (d && !d.exited) d.stopRequested = true;
        },
      }),
      vscode.debug.onDidStartDebugSession((session) => {
        const d = this.forSession(session);
        if (d) d.session = session;
      }),
      vscode.debug.onDidTerminateDebugSession((session) => void this.sessionEnded(session)),
    );
  }

  dispose(): void {
    for (const d of this.live.values()) void d.target.forward.close();
    for (const x of this.disposables) x.dispose();
  }

  /** kindling.debugAsComponent: a .py file (explorer, editor title, palette) or a Runs view entry. */
  async debugAsComponent(arg?: unknown): Promise<void> {
    if (isRunEntry(arg)) {
      if (!arg.uri || !isPythonFile(arg.uri.path)) {
        void vscode.window.showWarningMessage(`Kindling: ${arg.ref.name} did not run a .py file of this workspace; open one and use Debug as Component.`);
        return;
      }
      await this.debug(arg.uri, { args: arg.args, parameters: {} });
      return;
    }
    const uri = await this.runs.preparation.resolveFile(arg, { accept: isPythonFile, what: 'a .py file', verb: 'Debug' });
    if (!uri) return;
    const choice = await this.askArguments(uri);
    if (!choice) return;
    await this.debug(uri, choice);
  }

  private async debug(uri: vscode.Uri, choice: RunChoice): Promise<void> {
    const invokedAt = Date.now();
    // A PySpark file's driver code runs as a plain script: Spark starts in local mode inside the pod.
    const prepared = await this.runs.preparation.prepare(uri, choice, { kind: 'script' });
    if (!prepared) return;
    let staged = this.ctx.extension.workspaceState.get<string>(stageKey(prepared.manifests.image));
    // A staged copy removed since (git clean): the pod would wait for a missing hostPath; ask again instead.
    if (staged && !(await exists(path.join(prepared.workspaceRoot, ...staged.split('/'), 'debugpy')))) staged = undefined;
    let manifests: ComponentManifests;
    try {
      const nodePath = staged && !prepared.manifests.configMap ? `${NODE_WORKSPACE_PATH}/${staged}` : undefined;
      manifests = debugManifests(prepared.manifests, { debugpyNodePath: nodePath });
    } catch (err) {
      if (err instanceof ComponentError) {
        void vscode.window.showErrorMessage(`Kindling: ${err.message}`);
        return;
      }
      throw err;
    }
    const { kc } = prepared;
    const channel = vscode.window.createOutputChannel(`Kindling run: ${manifests.runName}`);
    channel.appendLine(`[kindling] debug run: ${manifests.ref.kind} ${manifests.runName} in ${manifests.namespace} on ${kc.getCurrentContext()}`);
    channel.appendLine(`[kindling] image ${manifests.image}; code via ${manifests.configMap ? 'ConfigMap' : 'workspace mount (hostPath)'}${staged ? `; debugpy mounted from ${staged}` : ''}`);
    const entry: RunEntry = {
      ref: manifests.ref,
      kind: manifests.kind,
      debug: true,
      phase: 'Pending',
      timings: { invokedAt },
      uri,
      args: choice.args,
      parameters: {},
      image: manifests.image,
      channel,
      kubeconfigPath: prepared.target.kubeconfigPath,
      context: kc.getCurrentContext(),
    };
    const follower = new RunLogFollower(kc, manifests.namespace, {
      data: (_pod, text) => channel.append(text),
      note: (text) => channel.appendLine(`[kindling] ${text}`),
    });
    let run: DebugRun;
    try {
      run = await startDebugRun(kc, manifests, {
        invokedAt,
        onUpdate: mirrorRunUpdates(entry, channel, this.runs.tree),
        onPod: (p) => follower.onPod(p),
        log: (m) => this.ctx.log.debug(`debug ${manifests.runName}: ${m}`),
        onForwardError: (e) => {
          channel.appendLine(`[kindling] ${e.message}`);
          void vscode.window.showErrorMessage(`Kindling: ${e.message}`);
        },
      });
    } catch (err) {
      follower.stop();
      channel.dispose();
      await this.runs.preparation.reportRunError(err);
      return;
    }
    const { started } = run;
    entry.dispose = () => {
      started.watch.stop();
      follower.stop();
      channel.dispose();
    };
    this.runs.tree.add(entry);
    channel.show(true);

    let target: DebugTarget;
    try {
      target = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Kindling: starting ${manifests.runName} for debugging`, cancellable: true },
        async (progress, token) => {
          const sub = token.onCancellationRequested(() => void stopDebugRun(kc, started));
          const tick = setInterval(() => progress.report({ message: `${entry.phase}${entry.message ? ` — ${entry.message}` : ''}` }), 500);
          try {
            return await run.ready;
          } finally {
            clearInterval(tick);
            sub.dispose();
          }
        },
      );
    } catch (err) {
      await follower.finish();
      if (!(err instanceof DebugRunError)) throw err;
      await this.explainFailure(err, prepared, uri, choice, started);
      return;
    }
    const d: LiveDebug = { runName: manifests.runName, invokedAt, target, prepared, entry, channel, exited: false, stopRequested: false };
    this.live.set(manifests.runName, d);
    channel.appendLine(`[kindling] pod ${target.pod} running; port-forward 127.0.0.1:${target.forward.port} → ${DEBUG_PORT_TEXT}; attaching the debugger`);

    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const configuration: KindlingDebugConfiguration = {
      type: DEBUG_TYPE,
      request: 'attach',
      name: `Kindling: ${manifests.runName}`,
      kindlingPort: target.forward.port,
      kindlingRun: manifests.runName,
      ...debugAttachArguments(path.dirname(uri.fsPath)),
    };
    const ok = await vscode.debug.startDebugging(folder, configuration);
    if (!ok) {
      channel.appendLine('[kindling] VS Code did not start the debug session; stopping the run');
      await stopDebugRun(kc, started, target.pod);
    }

    // The run ending ends the session (and the forward, which debugRun.ts also closes then).
    const final = await started.watch.done;
    await target.forward.close();
    if (d.session) await vscode.debug.stopDebugging(d.session);
    this.live.delete(manifests.runName);
    await follower.finish();
    const stages = describeTimings(final.timings);
    if (stages) channel.appendLine(`[kindling] timings: ${stages}`);
    const took = final.timings.finishedAt !== undefined ? ` in ${formatMs(final.timings.finishedAt - invokedAt)}` : '';
    if (final.status.phase === 'Succeeded') {
      void vscode.window.showInformationMessage(`Kindling: debug run ${manifests.runName} succeeded${took}.`);
      return;
    }
    const why = await explainEndedDebugRun(kc, manifests, final);
    if (why.reason === 'debugpy-missing') {
      await this.offerDebugpyFix(prepared, uri, choice);
      return;
    }
    void vscode.window.showErrorMessage(`Kindling: debug run ${manifests.runName} ${final.status.phase === 'Failed' ? 'failed' : 'ended'}${took}: ${final.status.message ?? final.status.raw ?? 'no reason given'}`);
  }

  /**
   * The session ended. Stop pressed (or the window closing it) while the script still ran: the pod
   * goes. debugpy ending it (the script is over): the run finishes by itself and is left alone.
   */
  private async sessionEnded(session: vscode.DebugSession): Promise<void> {
    const d = this.forSession(session);
    if (!d) return;
    d.session = undefined;
    await d.target.forward.close();
    if (d.exited || isTerminal(d.target.started.watch.snapshot().status.phase)) return;
    d.channel.appendLine('[kindling] debug session stopped: deleting the pod');
    await stopDebugRun(d.prepared.kc, d.target.started, d.target.pod);
  }

  private async explainFailure(err: DebugRunError, prepared: PreparedRun, uri: vscode.Uri, choice: RunChoice, started: DebugRun['started']): Promise<void> {
    if (err.reason === 'debugpy-missing') {
      await this.offerDebugpyFix(prepared, uri, choice);
      return;
    }
    if (err.reason === 'pending') {
      const pick = await vscode.window.showErrorMessage(`Kindling: ${err.message}`, 'Cancel Run', 'Keep Waiting');
      if (pick === 'Cancel Run') await stopDebugRun(prepared.kc, started);
      return;
    }
    // The forward could not start (e.g. RBAC): nothing can attach, so the waiting pod goes.
    if (err.reason === 'forward') await stopDebugRun(prepared.kc, started);
    void vscode.window.showErrorMessage(`Kindling: ${err.message}`);
  }

  /**
   * The image has no debugpy. Say so and offer the two fixes; never change the image by itself.
   * "Mount debugpy" is remembered for this image, so the next debug run mounts it straight away.
   */
  private async offerDebugpyFix(prepared: PreparedRun, uri: vscode.Uri, choice: RunChoice): Promise<void> {
    const requirements = path.join(prepared.workspaceRoot, 'requirements.txt');
    const fixes = debugpyFixes({ delivery: prepared.manifests.configMap ? 'configMap' : 'hostPath', hasRequirements: await exists(requirements) });
    const stage = 'Mount debugpy (no rebuild)';
    const addReq = 'Add debugpy to requirements.txt';
    const buttons = [...(fixes.includes('stage') ? [stage] : []), ...(fixes.includes('requirements') ? [addReq] : [])];
    const pick = await vscode.window.showErrorMessage(
      `Kindling: the image ${prepared.manifests.image} has no debugpy, which Debug as Component needs inside the pod. Kindling does not change the image by itself.` +
        (fixes.includes('stage') ? ' It can mount a debugpy copy into the pod (downloaded once with pip; no rebuild).' : ' On this cluster the workspace is not mounted, so debugpy must be in the image.') +
        ' Or add debugpy to the image (requirements.txt, then rebuild).',
      ...buttons,
    );
    if (pick === stage) {
      let relative: string;
      try {
        relative = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Kindling: getting debugpy (pip)' }, async () => {
          const cached = await ensureCachedDebugpy(path.join(this.ctx.extension.globalStorageUri.fsPath, 'debugpy'), { log: (l) => this.ctx.log.info(l) });
          return stageDebugpy(cached, prepared.workspaceRoot);
        });
      } catch (err) {
        void vscode.window.showErrorMessage(`Kindling: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      await this.ctx.extension.workspaceState.update(stageKey(prepared.manifests.image), relative);
      await this.debug(uri, choice);
    } else if (pick === addReq) {
      const text = await readFile(requirements, 'utf8');
      const next = addDebugpyRequirement(text);
      if (next !== undefined) await writeFile(requirements, next);
      await vscode.window.showTextDocument(vscode.Uri.file(requirements));
      void vscode.window.showInformationMessage(
        next === undefined
          ? 'Kindling: requirements.txt already names debugpy: the image was built before it was added. Rebuild the image (Run as Component offers Build Image…).'
          : 'Kindling: debugpy added to requirements.txt. Rebuild the image (Run as Component offers Build Image…), then debug again.',
      );
    }
  }

  private async askArguments(uri: vscode.Uri): Promise<RunChoice | undefined> {
    // The same remembered arguments as Run as Component: debugging usually repeats a run.
    const key = `kindling.run.lastChoice:${uri.toString()}`;
    const last = this.ctx.extension.workspaceState.get<{ text?: string }>(key);
    const text = await vscode.window.showInputBox({
      title: `Debug ${path.basename(uri.fsPath)} as a component`,
      prompt: 'Command-line arguments (quotes group words). Empty: none.',
      value: last?.text ?? '',
      ignoreFocusOut: true,
    });
    if (text === undefined) return undefined;
    const choice = { args: splitArgs(text), parameters: {}, text };
    await this.ctx.extension.workspaceState.update(key, choice);
    return choice;
  }

  private forSession(session: vscode.DebugSession): LiveDebug | undefined {
    if (session.type !== DEBUG_TYPE) return undefined;
    const run = (session.configuration as Partial<KindlingDebugConfiguration>).kindlingRun;
    return run ? this.live.get(run) : undefined;
  }
}

const DEBUG_PORT_TEXT = 'debugpy :5678 in the pod';

function stageKey(image: string): string {
  return `kindling.debug.stagedDebugpy:${image}`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
