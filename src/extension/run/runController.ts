/**
 * "Run as Component" in VS Code: pick the file, ask for arguments (remembered per file), validate
 * kindling.yaml (diagnostics), offer an image rebuild when dependencies changed, submit through
 * src/kube/runs, stream logs into an output channel named after the run, and show status in a
 * notification (with Cancel) and in the Runs view.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ComponentError,
  describeTimings,
  detectComponentKind,
  extractNotebookOutput,
  formatMs,
  isComponentFile,
  isTerminal,
  notebookParameterNames,
  parseParameters,
  splitArgs,
  type ComponentManifests,
} from '../../core/component';
import { configDefaults, type KindlingConfig } from '../../core/config';
import {
  cancelRun,
  chooseDelivery,
  connect,
  listRuns,
  prepareComponent,
  readPodLog,
  readProjectConfig,
  RunError,
  RunLogFollower,
  startComponent,
  watchRun,
  type RunSnapshot,
} from '../../kube/runs';
import { getSetting } from '../config';
import { findProjectConfig } from '../projectConfig';
import type { KindlingContext } from '../context';
import type { ConfigDiagnostics } from './configDiagnostics';
import { isRunEntry, RunsTreeProvider, type RunEntry } from './runsTree';
import { showRunProgress } from './runProgress';
import { loadRunConfig, mirrorRunUpdates, RunIdentity, runTarget } from './runSetup';

interface LastChoice {
  args: string[];
  parameters: Record<string, string>;
  /** What the user typed, to prefill the box next time. */
  text: string;
}

export class RunController implements vscode.Disposable {
  readonly tree: RunsTreeProvider;
  private lastRun: { uri: vscode.Uri; choice: LastChoice } | undefined;
  private readonly identity = new RunIdentity();

  constructor(
    private readonly ctx: KindlingContext,
    /** Shared with the live kindling.yaml check so one set of squiggles shows. */
    private readonly diagnostics: ConfigDiagnostics,
  ) {
    this.tree = new RunsTreeProvider(() => this.loadClusterRuns());
  }

  dispose(): void {
    this.tree.dispose();
  }

  /** kindling.runAsComponent: arg is the explorer's Uri; from the palette/editor title, the active editor. */
  async runAsComponent(arg?: unknown): Promise<void> {
    const uri = await this.resolveFile(arg);
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
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const workspaceRoot = folder?.uri.fsPath ?? path.dirname(uri.fsPath);
    const configPath = await findProjectConfig(uri.fsPath, workspaceRoot);
    const configUri = configPath ? vscode.Uri.file(configPath) : undefined;
    if (!configUri) {
      const pick = await vscode.window.showErrorMessage(
        'Kindling: no kindling.yaml in this workspace. It names the image components run on (images.default) and their defaults.',
        'Create kindling.yaml',
      );
      if (pick) await this.createConfig(workspaceRoot);
      return;
    }
    const config = await loadRunConfig(configUri, this.diagnostics);
    if (!config) return;
    // Where the time before "submitted" goes, in the Kindling log: the first run of a session was seen
    // taking ~1.3 s against ~0.3 s for the next one (E2E), and the total alone does not say why.
    const steps: [string, number][] = [['config', Date.now()]];
    if (!(await this.checkDependencies(workspaceRoot, config))) return;
    steps.push(['dependency check', Date.now()]);

    const target = runTarget();
    let kc;
    try {
      kc = connect(target);
    } catch (err) {
      await this.reportRunError(err);
      return;
    }
    try {
      await this.identity.prepare(kc, config, (m) => this.ctx.log.info(m));
    } catch (err) {
      await this.reportRunError(err);
      return;
    }
    steps.push(['cluster check', Date.now()]);
    let manifests: ComponentManifests;
    try {
      manifests = await prepareComponent({
        filePath: uri.fsPath,
        workspaceRoot,
        config,
        delivery: chooseDelivery(kc, getSetting('cluster.name'), workspaceRoot, uri.fsPath),
        kindlingVersion: String(this.ctx.extension.extension.packageJSON.version),
        args: choice.args,
        parameters: choice.parameters,
      });
    } catch (err) {
      if (err instanceof ComponentError || err instanceof RunError) {
        void vscode.window.showErrorMessage(`Kindling: ${err.message}`);
        return;
      }
      throw err;
    }
    steps.push(['manifests', Date.now()]);
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
    const follower = new RunLogFollower(kc, manifests.namespace, {
      data: (_pod, text) => channel.append(text),
      note: (text) => channel.appendLine(`[kindling] ${text}`),
    });
    const onUpdate = mirrorRunUpdates(entry, channel, this.tree);
    let started;
    try {
      started = await startComponent(kc, manifests, { invokedAt, onUpdate, onPod: (p) => follower.onPod(p) });
    } catch (err) {
      follower.stop();
      channel.dispose();
      await this.reportRunError(err);
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
    // The loop's stages in the run's own output, where the user is already looking (also in the Runs view hover).
    const stages = describeTimings(final.timings);
    if (stages) channel.appendLine(`[kindling] timings: ${stages}`);
    if (manifests.notebookOutput) await this.collectNotebookOutput(kc, manifests, final, uri, channel);
    const took = final.timings.finishedAt !== undefined ? ` in ${formatMs(final.timings.finishedAt - invokedAt)}` : '';
    if (final.status.phase === 'Succeeded') {
      const pick = await vscode.window.showInformationMessage(`Kindling: ${manifests.runName} succeeded${took}.`, 'Show Logs', 'Run Again');
      await this.afterPick(pick, entry);
    } else {
      const pick = await vscode.window.showErrorMessage(
        `Kindling: ${manifests.runName} ${final.status.phase === 'Failed' ? 'failed' : 'ended'}${took}: ${final.status.message ?? final.status.raw ?? 'no reason given'}`,
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

  private async reportRunError(err: unknown): Promise<void> {
    if (err instanceof RunError && (err.code === 'unreachable' || err.code === 'no-context')) {
      const pick = await vscode.window.showErrorMessage(`Kindling: ${err.message}`, 'Create Local Cluster');
      if (pick) await vscode.commands.executeCommand('kindling.createCluster');
      return;
    }
    if (err instanceof RunError) {
      void vscode.window.showErrorMessage(`Kindling: ${err.message}`);
      return;
    }
    throw err;
  }

  private async resolveFile(arg: unknown): Promise<vscode.Uri | undefined> {
    let uri: vscode.Uri | undefined;
    if (arg instanceof vscode.Uri) uri = arg;
    else uri = vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri || !isComponentFile(uri.path)) {
      void vscode.window.showWarningMessage('Kindling: open or select a .py, .ipynb or .sh file to run it as a component.');
      return undefined;
    }
    if (uri.scheme !== 'file') {
      void vscode.window.showWarningMessage('Kindling: only files on disk can run as components (save it first).');
      return undefined;
    }
    const dirty =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty) ??
      vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty);
    if (dirty) {
      const pick = await vscode.window.showWarningMessage(`${path.basename(uri.fsPath)} has unsaved changes. The run uses the file on disk.`, { modal: true }, 'Save and Run');
      if (pick !== 'Save and Run') return undefined;
      if (!(await dirty.save())) return undefined;
    }
    return uri;
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

  /**
   * Code changes need no rebuild (the file is mounted or carried in a ConfigMap); dependency
   * changes do. Compare requirements.txt + Dockerfile with what they were at the last build and
   * offer a build — never start one silently.
   */
  private async checkDependencies(workspaceRoot: string, config: KindlingConfig): Promise<boolean> {
    const hash = createHash('sha256');
    let found = 0;
    for (const name of ['requirements.txt', 'Dockerfile']) {
      try {
        // Node's fs, as in ../projectConfig.ts (why: there).
        hash.update(name).update(await readFile(path.join(workspaceRoot, name)));
        found++;
      } catch {
        // Not every project has both.
      }
    }
    if (!found) return true;
    const digest = hash.digest('hex');
    const key = `kindling.run.depsHash:${workspaceRoot}`;
    const previous = this.ctx.extension.workspaceState.get<string>(key);
    if (previous === undefined) {
      // First run here: take the current files as what the image was built from. Not awaited: the
      // run does not need it stored, and the store's round trip to the window took up to ~0.3 s (E2E).
      void this.ctx.extension.workspaceState.update(key, digest);
      return true;
    }
    if (previous === digest) return true;
    const pick = await vscode.window.showWarningMessage(
      `requirements.txt or the Dockerfile changed since the image was last built. Code changes run without a rebuild, but new dependencies need one (docker build + push to ${config.images.default}; needs Docker).`,
      'Build Image…',
      'Run Anyway',
      'Mark as Built',
    );
    if (pick === 'Mark as Built') {
      await this.ctx.extension.workspaceState.update(key, digest);
      return true;
    }
    if (pick === 'Run Anyway') return true;
    if (pick !== 'Build Image…') return false;
    const hasDocker = await new Promise<boolean>((resolve) => execFile('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 5000 }, (err) => resolve(!err)));
    if (!hasDocker) {
      void vscode.window.showErrorMessage('Kindling: Docker is not available here (no docker CLI or daemon), so the image cannot be rebuilt on this machine. Build it elsewhere, or Run Anyway with the current image.');
      return false;
    }
    if (!(await exists(path.join(workspaceRoot, 'Dockerfile')))) {
      void vscode.window.showErrorMessage('Kindling: there is no Dockerfile in the workspace folder to build the image from.');
      return false;
    }
    // A visible terminal: the user sees the build, its errors, and when it is done.
    const terminal = vscode.window.createTerminal({ name: 'Kindling: image build', cwd: workspaceRoot });
    const image = config.images.default;
    terminal.sendText(`docker build -t ${image} . && docker push ${image}`);
    terminal.show();
    await this.ctx.extension.workspaceState.update(key, digest);
    void vscode.window.showInformationMessage('Kindling: image build started in the terminal. Run the component again when it has finished.');
    return false;
  }

  private async createConfig(workspaceRoot: string): Promise<void> {
    const uri = vscode.Uri.file(path.join(workspaceRoot, 'kindling.yaml'));
    const text = [
      '# Kindling project configuration (schema: kindling.schema.json, bundled with the extension).',
      'version: 1',
      'images:',
      '  default: localhost:5001/my-project:latest   # pin a tag or @sha256: digest',
      `namespace: ${configDefaults.namespace}`,
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    await vscode.window.showTextDocument(uri);
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
        phase: r.status.phase,
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

// Node's fs, as in ../projectConfig.ts (why: there): runs take files on disk only.
async function exists(fsPath: string): Promise<boolean> {
  try {
    await stat(fsPath);
    return true;
  } catch {
    return false;
  }
}
