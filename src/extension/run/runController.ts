/**
 * "Run as Component" in VS Code: pick the file, ask for arguments (remembered per file), validate
 * kindling.yaml (diagnostics), offer an image rebuild when dependencies changed, submit through
 * src/kube/runs, stream logs into an output channel named after the run, and show status in a
 * notification (with Cancel) and in the Runs view. The steps before the launch (file, config,
 * dependency check, cluster check, manifests) are in runPreparation.ts, shared with Debug as Component.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DEBUG_LABEL,
  describeTimings,
  failureTail,
  TextTail,
  detectComponentKind,
  extractNotebookOutput,
  formatMs,
  isTerminal,
  notebookParameterNames,
  parseParameters,
  splitArgs,
  type ComponentManifests,
} from '../../core/component';
import { configDefaults } from '../../core/config';
import {
  cancelRun,
  connect,
  listRuns,
  readPodLog,
  readProjectConfig,
  RunLogFollower,
  startComponent,
  watchRun,
  type RunSnapshot,
} from '../../kube/runs';
import { getSetting } from '../config';
import type { KindlingContext } from '../context';
import type { ConfigDiagnostics } from './configDiagnostics';
import { isRunEntry, RunsTreeProvider, type RunEntry } from './runsTree';
import { showRunProgress } from './runProgress';
import { RunPreparation } from './runPreparation';
import { mirrorRunUpdates, phaseLine, runTarget } from './runSetup';

interface LastChoice {
  args: string[];
  parameters: Record<string, string>;
  /** What the user typed, to prefill the box next time. */
  text: string;
}

export class RunController implements vscode.Disposable {
  readonly tree: RunsTreeProvider;
  private lastRun: { uri: vscode.Uri; choice: LastChoice } | undefined;
  /** The steps before the launch, shared with Debug as Component. */
  readonly preparation: RunPreparation;

  constructor(
    private readonly ctx: KindlingContext,
    /** Shared with the live kindling.yaml check so one set of squiggles shows. */
    diagnostics: ConfigDiagnostics,
  ) {
    this.tree = new RunsTreeProvider(() => this.loadClusterRuns());
    this.preparation = new RunPreparation(ctx, diagnostics);
  }

  dispose(): void {
    this.tree.dispose();
  }

  /** kindling.runAsComponent: arg is the explorer's Uri; from the palette/editor title, the active editor. */
  async runAsComponent(arg?: unknown): Promise<void> {
    const uri = await this.preparation.resolveFile(arg);
    if (!uri) return;
    const choice = await this.askArguments(uri);
    if (!choice) return;
    await this.run(uri, choice);
  }

  /** kindling.runAgain: a Runs view entry, a file Uri (its last choice), or the last run. */
  async runAgain(arg?: unknown): Promise<void> {
    if (isRunEntry(arg)) {
      if (!arg.uri) {
        void vscode.window.showWarningMessage(`Kindling: ${arg.ref.name} ran a file that is not in this workspace; open it and use Run as Component.`);
        return;
      }
      await this.run(arg.uri, { args: arg.args, parameters: arg.parameters, text: '' });
      return;
    }
    if (arg instanceof vscode.Uri) {
      const choice = this.ctx.extension.workspaceState.get<LastChoice>(choiceKey(arg));
      if (choice) await this.run(arg, choice);
      else await this.runAsComponent(arg);
      return;
    }
    if (!this.lastRun) {
      void vscode.window.showInformationMessage('Kindling: nothing to run again yet. Run a file as a component first.');
      return;
    }
    await this.run(this.lastRun.uri, this.lastRun.choice);
  }

  async cancel(arg?: unknown): Promise<void> {
    const run = isRunEntry(arg) ? arg : await this.pickRun((r) => !isTerminal(r.phase));
    if (!run) return;
    const kc = connect({ kubeconfigPath: run.kubeconfigPath, context: run.context });
    const result = await cancelRun(kc, run.ref);
    void vscode.window.showInformationMessage(
      result === 'gone' ? `Kindling: ${run.ref.name} no longer exists.` : `Kindling: ${run.ref.name} ${result === 'terminated' ? 'is being terminated' : 'was deleted'}.`,
    );
  }

  async showLogs(arg?: unknown): Promise<void> {
    const run = isRunEntry(arg) ? arg : await this.pickRun(() => true);
    if (!run) return;
    if (run.channel) {
      run.channel.show(true);
      return;
    }
    // A run from an earlier session: fetch what its pods logged.
    const kc = connect({ kubeconfigPath: run.kubeconfigPath, context: run.context });
    const channel = vscode.window.createOutputChannel(`Kindling run: ${run.ref.name}`);
    run.channel = channel;
    channel.show(true);
    const follower = new RunLogFollower(kc, run.ref.namespace, { data: (_pod, text) => channel.append(text), note: (t) => channel.appendLine(t) });
    const watch = watchRun(kc, run.ref, { onPod: (p) => follower.onPod(p) });
    // Finished runs: their logs arrive at once; running ones stream until the run ends.
    void watch.done.then(() => follower.finish());
    run.dispose = () => {
      watch.stop();
      follower.stop();
      channel.dispose();
    };
  }

  private async run(uri: vscode.Uri, choice: LastChoice): Promise<void> {
    const invokedAt = Date.now();
    const prepared = await this.preparation.prepare(uri, choice, { runAs: 'pod' });
    if (!prepared) return;
    const { kc, manifests, target, steps } = prepared;
    this.lastRun = { uri, choice };

    const channel = vscode.window.createOutputChannel(`Kindling run: ${manifests.runName}`);
    channel.appendLine(`[kindling] ${manifests.ref.kind} ${manifests.runName} in ${manifests.namespace} on ${kc.getCurrentContext()}`);
    channel.appendLine(`[kindling] image ${manifests.image}; code via ${manifests.configMap ? 'ConfigMap' : 'workspace mount (hostPath)'}`);
    const entry: RunEntry = {
      ref: manifests.ref,
      kind: manifests.kind,
      phase: 'Pending',
      timings: { invokedAt },
      uri,
      args: choice.args,
      parameters: choice.parameters,
      image: manifests.image,
      channel,
      kubeconfigPath: target.kubeconfigPath,
      context: kc.getCurrentContext(),
    };
    // The end of the output: a failed run's notification quotes its traceback.
    const tail = new TextTail();
    const follower = new RunLogFollower(kc, manifests.namespace, {
      data: (_pod, text) => {
        channel.append(text);
        tail.push(text);
      },
      note: (text) => channel.appendLine(`[kindling] ${text}`),
    });
    const onUpdate = mirrorRunUpdates(entry, channel, this.tree, { deferFinalLine: true });
    let started;
    try {
      started = await startComponent(kc, manifests, { invokedAt, onUpdate, onPod: (p) => follower.onPod(p), localRegistry: `localhost:${getSetting('cluster.registryPort')}` });
    } catch (err) {
      follower.stop();
      channel.dispose();
      await this.preparation.reportRunError(err);
      return;
    }
    entry.dispose = () => {
      started.watch.stop();
      follower.stop();
      channel.dispose();
    };
    this.tree.add(entry);
    channel.show(true);
    steps.push(['create', started.submitted.submittedAt]);
    this.ctx.log.info(`Run ${manifests.runName} submitted in ${formatMs(started.submitted.submittedAt - invokedAt)} (${describeSteps(invokedAt, steps)})`);

    await showRunProgress({ kc, runName: manifests.runName, ref: manifests.ref, channel, current: entry, done: started.watch.done });
    // Not stop(): the last lines may still be on their way when the run's phase changes.
    await follower.finish();
    const final = started.watch.snapshot();
    // The terminal phase's line, held back by mirrorRunUpdates until the logs were in.
    if (isTerminal(final.status.phase)) channel.appendLine(phaseLine(final.status));
    // The watch gave up on a pod that can never start (its image cannot be pulled, a Secret is
    // missing): the controller would leave the run Running for ever, so stop it on the cluster too.
    if (final.status.phase === 'Failed' && final.pods.some((p) => p.problem?.fatal && p.problem.reason === final.status.raw)) {
      await cancelRun(kc, manifests.ref).catch((err: unknown) => channel.appendLine(`[kindling] could not stop ${manifests.runName}: ${err instanceof Error ? err.message : String(err)}`));
      channel.appendLine(`[kindling] stopped ${manifests.runName} on the cluster: ${final.status.raw}`);
    }
    // The loop's stages in the run's own output, where the user is already looking (also in the Runs view hover).
    const stages = describeTimings(final.timings);
    if (stages) channel.appendLine(`[kindling] timings: ${stages}`);
    if (manifests.notebookOutput) await this.collectNotebookOutput(kc, manifests, final, uri, channel);
    const took = final.timings.finishedAt !== undefined ? ` in ${formatMs(final.timings.finishedAt - invokedAt)}` : '';
    if (final.status.phase === 'Succeeded') {
      const pick = await vscode.window.showInformationMessage(`Kindling: ${manifests.runName} succeeded${took}.`, 'Show Logs', 'Run Again');
      await this.afterPick(pick, entry);
    } else {
      const traceback = failureTail(tail.value, 6);
      const pick = await vscode.window.showErrorMessage(
        `Kindling: ${manifests.runName} ${final.status.phase === 'Failed' ? 'failed' : 'ended'}${took}: ${final.status.message ?? final.status.raw ?? 'no reason given'}${traceback ? `\n${traceback}` : ''}`,
        'Show Logs',
        'Run Again',
      );
      await this.afterPick(pick, entry);
    }
  }

  private async afterPick(pick: string | undefined, entry: RunEntry): Promise<void> {
    if (pick === 'Show Logs') await this.showLogs(entry);
    else if (pick === 'Run Again') await this.runAgain(entry);
  }

  /**
   * Hostpath runs wrote the executed notebook into the workspace already. ConfigMap runs printed it
   * (base64) to the log: read the pod's log once and write it next to the original.
   */
  private async collectNotebookOutput(
    kc: ReturnType<typeof connect>,
    manifests: ComponentManifests,
    final: RunSnapshot,
    uri: vscode.Uri,
    channel: vscode.OutputChannel,
  ): Promise<void> {
    const out = manifests.notebookOutput;
    if (!out) return;
    const target = vscode.Uri.joinPath(uri, '..', path.posix.basename(out.relativePath));
    if (out.via === 'hostPath') {
      channel.appendLine(`[kindling] executed notebook: ${vscode.workspace.asRelativePath(target)}`);
      return;
    }
    const pod = final.pods.find((p) => p.containers.includes('main'));
    if (!pod) return;
    try {
      const log = await readPodLog(kc, manifests.namespace, pod.name, 'main');
      const b64 = extractNotebookOutput(log);
      if (!b64) {
        channel.appendLine('[kindling] the run printed no executed notebook (the runner may have failed before writing it)');
        return;
      }
      await vscode.workspace.fs.writeFile(target, Buffer.from(b64, 'base64'));
      channel.appendLine(`[kindling] executed notebook written to ${vscode.workspace.asRelativePath(target)}`);
    } catch (err) {
      channel.appendLine(`[kindling] could not fetch the executed notebook from the log: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async askArguments(uri: vscode.Uri): Promise<LastChoice | undefined> {
    const key = choiceKey(uri);
    const last = this.ctx.extension.workspaceState.get<LastChoice>(key);
    const bytes = await vscode.workspace.fs.readFile(uri);
    const content = Buffer.from(bytes).toString('utf8');
    const kind = detectComponentKind(path.basename(uri.fsPath), content);
    const isNotebook = kind === 'notebook';
    const names = isNotebook ? notebookParameterNames(content) : [];
    const text = await vscode.window.showInputBox({
      title: `Run ${path.basename(uri.fsPath)} as ${kind === 'pyspark' ? 'a SparkApplication' : 'a component'}`,
      prompt: isNotebook
        ? `Notebook parameters as key=value (papermill -p)${names.length ? `; this notebook declares: ${names.join(', ')}` : ''}. Empty: the notebook's defaults.`
        : 'Command-line arguments (quotes group words). Empty: none.',
      value: last?.text ?? '',
      placeHolder: isNotebook ? names.map((n) => `${n}=…`).join(' ') : '--epochs 3 --lr 0.01',
      // Typed arguments survive a click elsewhere (e.g. to look something up in the file); Escape cancels.
      ignoreFocusOut: true,
      validateInput: (value) => {
        if (!isNotebook) return undefined;
        const { invalid } = parseParameters(value);
        return invalid.length ? `Not key=value: ${invalid.join(' ')}` : undefined;
      },
    });
    if (text === undefined) return undefined;
    const choice: LastChoice = isNotebook ? { args: [], parameters: parseParameters(text).parameters, text } : { args: splitArgs(text), parameters: {}, text };
    await this.ctx.extension.workspaceState.update(key, choice);
    return choice;
  }

  private async pickRun(filter: (r: RunEntry) => boolean): Promise<RunEntry | undefined> {
    const runs = this.tree.all().filter(filter);
    if (!runs.length) {
      void vscode.window.showInformationMessage('Kindling: no matching runs.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.ref.name, description: `${r.kind ?? r.ref.kind} · ${r.phase}`, run: r })),
      { placeHolder: 'Pick a run' },
    );
    return pick?.run;
  }

  private async loadClusterRuns(): Promise<RunEntry[]> {
    const target = runTarget();
    const kc = connect(target);
    const folder = vscode.workspace.workspaceFolders?.[0];
    let namespace: string = configDefaults.namespace;
    if (folder) {
      try {
        namespace = (await readProjectConfig(path.join(folder.uri.fsPath, 'kindling.yaml'))).namespace ?? namespace;
      } catch {
        // An invalid or missing config is reported when the user runs something.
      }
    }
    const runs = await listRuns(kc, namespace);
    return runs.map((r) => {
      const source = r.annotations['kindling.dev/source-path'];
      let args: string[] = [];
      try {
        args = JSON.parse(r.annotations['kindling.dev/arguments'] ?? '[]') as string[];
      } catch {
        args = [];
      }
      return {
        ref: r.ref,
        kind: r.kind,
        debug: r.labels[DEBUG_LABEL] === 'true',
        phase: r.status.phase,
        suspended: r.status.suspended,
        message: r.status.message,
        timings: {},
        uri: folder && source ? vscode.Uri.joinPath(folder.uri, source) : undefined,
        args,
        parameters: {},
        image: r.annotations['kindling.dev/image'],
        kubeconfigPath: target.kubeconfigPath,
        context: target.context,
      };
    });
  }
}

/** `config 4 ms · cluster check 812 ms · …`: each step's own duration, from the previous mark. */
function describeSteps(start: number, steps: [string, number][]): string {
  let previous = start;
  return steps
    .map(([label, at]) => {
      const part = `${label} ${formatMs(at - previous)}`;
      previous = at;
      return part;
    })
    .join(' · ');
}

function choiceKey(uri: vscode.Uri): string {
  return `kindling.run.lastChoice:${uri.toString()}`;
}

