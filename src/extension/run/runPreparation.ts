/**
 * "Prepare a run": everything Run as Component and Debug as Component do before they launch —
 * resolve and save the file, find and validate kindling.yaml, offer an image rebuild when
 * dependencies changed, connect and prepare the run identity, and build the manifests with
 * provenance. The launch itself (plain run, debug session) belongs to each controller.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ComponentError, isComponentFile, type ComponentKind, type ComponentManifests } from '../../core/component';
import { configDefaults, type KindlingConfig } from '../../core/config';
import { chooseDelivery, connect, prepareComponent, RunError } from '../../kube/runs';
import { getSetting } from '../config';
import { findProjectConfig } from '../projectConfig';
import type { KindlingContext } from '../context';
import type { ConfigDiagnostics } from './configDiagnostics';
import { dependencyHash, dependencyHashKey } from './imageBuild';
import { loadRunConfig, RunIdentity, runTarget } from './runSetup';
import type { BuiltImage } from '../../kube/images';

export interface RunChoice {
  args: string[];
  parameters: Record<string, string>;
}

export interface PreparedRun {
  uri: vscode.Uri;
  workspaceRoot: string;
  config: KindlingConfig;
  target: { kubeconfigPath?: string; context: string };
  kc: ReturnType<typeof connect>;
  manifests: ComponentManifests;
  /** Each step's end time, for the "submitted in … (config … · …)" log line. */
  steps: [string, number][];
}

export interface PrepareOptions {
  /** Force the component kind (Debug runs a PySpark file's driver code as a script); default: detected. */
  kind?: ComponentKind;
  /**
   * 'pod': on the Kindling cluster, run a script/shell/notebook as a bare Pod instead of a one-step
   * Workflow (first line ~0.5 s sooner, done ~8 s sooner there: docs/benchmarks.md). Elsewhere runs
   * stay Workflows, which a shared cluster's Argo UI and archive show like any pipeline step.
   */
  runAs?: 'pod';
}

export class RunPreparation {
  private readonly identity = new RunIdentity();

  constructor(
    private readonly ctx: KindlingContext,
    /** Shared with the live kindling.yaml check so one set of squiggles shows. */
    private readonly diagnostics: ConfigDiagnostics,
  ) {}

  /**
   * The file a command acts on: arg is the explorer's Uri; from the palette/editor title, the active
   * editor. Unsaved changes are saved first (after asking): runs take the file on disk.
   */
  async resolveFile(arg: unknown, opts: { accept?: (fsPath: string) => boolean; what?: string; verb?: string } = {}): Promise<vscode.Uri | undefined> {
    const accept = opts.accept ?? isComponentFile;
    const verb = opts.verb ?? 'Run';
    let uri: vscode.Uri | undefined;
    if (arg instanceof vscode.Uri) uri = arg;
    else uri = vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri || !accept(uri.path)) {
      void vscode.window.showWarningMessage(`Kindling: open or select ${opts.what ?? 'a .py, .ipynb or .sh file'} to ${verb.toLowerCase()} it as a component.`);
      return undefined;
    }
    if (uri.scheme !== 'file') {
      void vscode.window.showWarningMessage(`Kindling: only files on disk can ${verb.toLowerCase()} as components (save it first).`);
      return undefined;
    }
    const dirty =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty) ??
      vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty);
    if (dirty) {
      const button = `Save and ${verb}`;
      const pick = await vscode.window.showWarningMessage(`${path.basename(uri.fsPath)} has unsaved changes. The run uses the file on disk.`, { modal: true }, button);
      if (pick !== button) return undefined;
      if (!(await dirty.save())) return undefined;
    }
    return uri;
  }

  /** Config → dependency check → cluster check → manifests; undefined after telling the user why not. */
  async prepare(uri: vscode.Uri, choice: RunChoice, opts: PrepareOptions = {}): Promise<PreparedRun | undefined> {
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
      return undefined;
    }
    const config = await loadRunConfig(configUri, this.diagnostics);
    if (!config) return undefined;
    // Where the time before "submitted" goes, in the Kindling log: the first run of a session was seen
    // taking ~1.3 s against ~0.3 s for the next one (E2E), and the total alone does not say why.
    const steps: [string, number][] = [['config', Date.now()]];
    if (!(await this.checkDependencies(configUri, config))) return undefined;
    steps.push(['dependency check', Date.now()]);

    const target = runTarget();
    let kc;
    try {
      kc = connect(target);
      await this.identity.prepare(kc, config, (m) => this.ctx.log.info(m));
    } catch (err) {
      await this.reportRunError(err);
      return undefined;
    }
    steps.push(['cluster check', Date.now()]);
    let manifests: ComponentManifests;
    try {
      const delivery = chooseDelivery(kc, getSetting('cluster.name'), workspaceRoot, uri.fsPath);
      manifests = await prepareComponent({
        filePath: uri.fsPath,
        workspaceRoot,
        config,
        delivery,
        // On the Kindling cluster, run on the digest its registry serves now (a Build Image since the
        // last run is then pulled, and provenance records the real digest).
        resolveLocalDigest: delivery.mode === 'hostPath',
        runAs: opts.runAs === 'pod' && delivery.mode === 'hostPath' ? 'pod' : undefined,
        kindlingVersion: String(this.ctx.extension.extension.packageJSON.version),
        args: choice.args,
        parameters: choice.parameters,
        kind: opts.kind,
      });
    } catch (err) {
      if (err instanceof ComponentError || err instanceof RunError) {
        void vscode.window.showErrorMessage(`Kindling: ${err.message}`);
        return undefined;
      }
      throw err;
    }
    steps.push(['manifests', Date.now()]);
    return { uri, workspaceRoot, config, target, kc, manifests, steps };
  }

  async reportRunError(err: unknown): Promise<void> {
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

  /**
   * Code changes need no rebuild (the file is mounted or carried in a ConfigMap); dependency
   * changes do. Compare requirements.txt + Dockerfile with what they were at the last build and
   * offer a build — never start one silently.
   */
  private async checkDependencies(configUri: vscode.Uri, config: KindlingConfig): Promise<boolean> {
    const projectDir = path.dirname(configUri.fsPath);
    const digest = await dependencyHash(projectDir);
    if (!digest) return true;
    const key = dependencyHashKey(projectDir);
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
      'Build Image',
      'Run Anyway',
      'Mark as Built',
    );
    if (pick === 'Mark as Built') {
      await this.ctx.extension.workspaceState.update(key, digest);
      return true;
    }
    if (pick === 'Run Anyway') return true;
    if (pick !== 'Build Image') return false;
    // The build (progress, output channel, errors) is Build Image's; the run goes on with the new image.
    const built = await vscode.commands.executeCommand<BuiltImage | undefined>('kindling.buildImage', configUri);
    return built !== undefined;
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
}
