/**
 * The kind CLI: find it, ask its version, create / delete / list clusters. Output is kept so that
 * failures reach the user as kind's own words plus our explanation (core/cluster/failures.ts).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { KindProbe } from '../../core/cluster/doctor';
import { describeFailure, run, type RunOptions, type RunResult } from './exec';

export interface KindLocation {
  path: string;
  source: 'setting' | 'path' | 'download';
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** kindling.cluster.kindPath, then PATH, then Kindling's verified download folder. */
export function locateKind(opts: { settingPath?: string; downloadPath?: string; env?: NodeJS.ProcessEnv }): KindLocation | undefined {
  if (opts.settingPath) return { path: opts.settingPath, source: 'setting' };
  const found = onPath('kind', opts.env ?? process.env);
  if (found) return { path: found, source: 'path' };
  if (opts.downloadPath && existsSync(opts.downloadPath)) return { path: opts.downloadPath, source: 'download' };
  return undefined;
}

export class KindCli {
  constructor(
    readonly location: KindLocation,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private exec(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return run(this.location.path, args, { timeoutMs: 60_000, env: this.env, ...opts });
  }

  async probe(): Promise<KindProbe> {
    const result = await this.exec(['version'], { timeoutMs: 15_000 });
    if (result.code === 0) return { path: this.location.path, source: this.location.source, version: result.stdout.trim() };
    return { path: this.location.path, source: this.location.source, error: describeFailure('kind', result) };
  }

  async getClusters(): Promise<string[]> {
    const result = await this.exec(['get', 'clusters']);
    if (result.code !== 0) throw new Error(describeFailure('kind get clusters', result));
    return result.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('No kind clusters'));
  }

  /** Creates the cluster; `kubeconfigPath` receives the new context (kind merges into it). */
  createCluster(configPath: string, opts: RunOptions & { kubeconfigPath?: string; waitSeconds?: number } = {}): Promise<RunResult> {
    const args = ['create', 'cluster', '--config', configPath];
    if (opts.kubeconfigPath) args.push('--kubeconfig', opts.kubeconfigPath);
    if (opts.waitSeconds) args.push('--wait', `${opts.waitSeconds}s`);
    // Pulling the node image the first time can take minutes on a slow link.
    return this.exec(args, { timeoutMs: 15 * 60_000, ...opts });
  }

  /** Removes the node containers and the context kind added to the kubeconfig. */
  deleteCluster(name: string, opts: RunOptions & { kubeconfigPath?: string } = {}): Promise<RunResult> {
    const args = ['delete', 'cluster', '--name', name];
    if (opts.kubeconfigPath) args.push('--kubeconfig', opts.kubeconfigPath);
    return this.exec(args, { timeoutMs: 5 * 60_000, ...opts });
  }

  /**
   * Copies images from the container engine into every node of the cluster: one `docker save` of
   * all of them (layers they share are written once) imported into each node's containerd. kind
   * leaves out images a node already holds with the same ID, so a second Create costs seconds.
   */
  loadDockerImages(clusterName: string, images: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.exec(['load', 'docker-image', '--name', clusterName, ...images], { timeoutMs: 15 * 60_000, ...opts });
  }

  /** Imports a docker-archive tar into every node's containerd (no check for images already there). */
  loadImageArchive(clusterName: string, file: string, opts: RunOptions = {}): Promise<RunResult> {
    return this.exec(['load', 'image-archive', '--name', clusterName, file], { timeoutMs: 15 * 60_000, ...opts });
  }

  async exportKubeconfig(name: string, kubeconfigPath?: string): Promise<void> {
    const args = ['export', 'kubeconfig', '--name', name];
    if (kubeconfigPath) args.push('--kubeconfig', kubeconfigPath);
    const result = await this.exec(args);
    if (result.code !== 0) throw new Error(describeFailure('kind export kubeconfig', result));
  }
}
