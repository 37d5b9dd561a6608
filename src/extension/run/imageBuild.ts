/**
 * Kindling: Build Image — docker build of the project's Dockerfile (next to kindling.yaml) and docker
 * push to the registry of images.default (the Kindling cluster's localhost:<port>), with progress in a
 * notification and docker's output in the "Kindling: Image Build" channel. Afterwards the dependency
 * files count as built, and the next run resolves the pushed digest from the registry (runComponent.ts).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatMs } from '../../core/component';
import { buildImage, ImageBuildError, type BuiltImage } from '../../kube/images';
import { findProjectConfig } from '../projectConfig';
import type { KindlingContext } from '../context';
import type { ConfigDiagnostics } from './configDiagnostics';
import { loadRunConfig } from './runSetup';

/** The files an image is built from; a change in either needs a rebuild, a code change never does. */
export const DEPENDENCY_FILES = ['requirements.txt', 'Dockerfile'];

/** SHA-256 over the project's dependency files; undefined when it has none. */
export async function dependencyHash(projectDir: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  let found = 0;
  for (const name of DEPENDENCY_FILES) {
    try {
      // Node's fs, as in ../projectConfig.ts (why: there).
      hash.update(name).update(await readFile(path.join(projectDir, name)));
      found++;
    } catch {
      // Not every project has both.
    }
  }
  return found ? hash.digest('hex') : undefined;
}

export function dependencyHashKey(projectDir: string): string {
  return `kindling.run.depsHash:${projectDir}`;
}

export class ImageBuilder implements vscode.Disposable {
  private channel: vscode.OutputChannel | undefined;
  private running: Promise<BuiltImage | undefined> | undefined;

  constructor(
    private readonly ctx: KindlingContext,
    private readonly diagnostics: ConfigDiagnostics,
  ) {}

  dispose(): void {
    this.channel?.dispose();
  }

  /** kindling.buildImage: arg is a file or kindling.yaml Uri (explorer, the run's offer); else the active editor or first folder. */
  async command(arg?: unknown): Promise<BuiltImage | undefined> {
    const from = arg instanceof vscode.Uri ? arg : (vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri);
    if (!from || from.scheme !== 'file') {
      void vscode.window.showWarningMessage('Kindling: open a file of the project (the folder with kindling.yaml) to build its image.');
      return undefined;
    }
    const folder = vscode.workspace.getWorkspaceFolder(from);
    const configPath = path.basename(from.fsPath) === 'kindling.yaml' ? from.fsPath : await findProjectConfig(from.fsPath, folder?.uri.fsPath ?? path.dirname(from.fsPath));
    if (!configPath) {
      void vscode.window.showErrorMessage('Kindling: no kindling.yaml here; it names the image to build (images.default).');
      return undefined;
    }
    // One build at a time: a second click joins the running one.
    if (this.running) return this.running;
    this.running = this.build(configPath).finally(() => (this.running = undefined));
    return this.running;
  }

  private async build(configPath: string): Promise<BuiltImage | undefined> {
    const config = await loadRunConfig(vscode.Uri.file(configPath), this.diagnostics);
    if (!config) return undefined;
    const projectDir = path.dirname(configPath);
    const image = config.images.default;
    const depsBefore = await dependencyHash(projectDir);
    this.channel ??= vscode.window.createOutputChannel('Kindling: Image Build');
    const channel = this.channel;
    channel.show(true);
    channel.appendLine(`[kindling] ${new Date().toISOString()} building ${image} from ${projectDir}`);
    try {
      const built = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Kindling: building ${image}`, cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let last = 0;
          return buildImage({
            image,
            contextDir: projectDir,
            signal: abort.signal,
            onStage: (_stage, message) => {
              channel.appendLine(`[kindling] ${message}`);
              progress.report({ message });
            },
            onLine: (line) => {
              channel.appendLine(line);
              // Docker's step lines ("Step 3/9 : RUN …") say where the build is; not every line.
              if (/^Step \d+\/\d+/.test(line) && Date.now() - last > 250) {
                last = Date.now();
                progress.report({ message: line.slice(0, 80) });
              }
            },
          });
        },
      );
      if (depsBefore) await this.ctx.extension.workspaceState.update(dependencyHashKey(projectDir), depsBefore);
      channel.appendLine(`[kindling] pushed ${built.pinned} (build ${formatMs(built.buildMs)}, push ${formatMs(built.pushMs)})`);
      this.ctx.log.info(`Built and pushed ${built.pinned}`);
      void vscode.window.showInformationMessage(`Kindling: ${image} built and pushed (${built.digest.slice(0, 19)}…). The next run uses it.`);
      return built;
    } catch (err) {
      if (!(err instanceof ImageBuildError)) throw err;
      channel.appendLine(`[kindling] ${err.message}`);
      const pick = await vscode.window.showErrorMessage(`Kindling: ${err.message}${err.tail ? `\n${err.tail.split('\n').slice(-3).join('\n')}` : ''}`, 'Show Output');
      if (pick) channel.show();
      return undefined;
    }
  }
}
