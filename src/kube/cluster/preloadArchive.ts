/**
 * The preload images of a new cluster, saved from the container engine into one archive while kind
 * boots the node, and imported into the node's containerd while kubeadm starts the control plane.
 * `kind load docker-image` after `kind create` did both in series: with ~1.5 GB of add-on images
 * that was ~60-120 s on the critical path. On a fresh cluster nothing is in the node yet, so the
 * archive is imported whole (`kind load image-archive`).
 */
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { ContainerEngineCli } from './engine';
import { describeFailure, type RunResult } from './exec';
import type { KindCli } from './kind';

/**
 * kind's progress line for kubeadm init. It comes after "Writing configuration", which restarts the
 * node's containerd to apply containerdConfigPatches: an import started before that could be cut off.
 */
const CONTROL_PLANE_STARTING = /Starting control-plane/;

export class PreloadArchive {
  readonly file: string;
  private readonly abort = new AbortController();
  private readonly saved: Promise<RunResult>;
  private readonly unlink: () => void;
  private early: Promise<RunResult> | undefined;

  constructor(
    private readonly engine: ContainerEngineCli,
    private readonly kind: KindCli,
    private readonly clusterName: string,
    readonly images: readonly string[],
    dir: string,
    signal?: AbortSignal,
  ) {
    this.file = path.join(dir, `preload-${process.pid}-${Date.now()}.tar`);
    const onAbort = () => this.abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.unlink = () => signal?.removeEventListener('abort', onAbort);
    this.saved = engine.saveImages(images, this.file, { signal: this.abort.signal });
  }

  /** Feed kind's output lines here: the import starts as soon as the node's containerd is final. */
  watchKindLine(line: string): void {
    if (!this.early && CONTROL_PLANE_STARTING.test(line)) this.early = this.importOnce();
  }

  /**
   * The images in the node once kind is done: the import started during create, or one now. An early
   * import that failed (the node was still settling) is tried once more, now that the node is up.
   */
  async load(onLine?: (line: string) => void): Promise<RunResult> {
    const early = this.early ? await this.early : undefined;
    if (early && (early.code === 0 || early.aborted)) return early;
    if (early) onLine?.(`importing during create failed, trying again: ${describeFailure('kind', early).split('\n')[0]}`);
    return this.importOnce(onLine);
  }

  private async importOnce(onLine?: (line: string) => void): Promise<RunResult> {
    const saved = await this.saved;
    if (saved.code !== 0) return { ...saved, stderr: `${this.engine.engine} save: ${describeFailure(this.engine.engine, saved)}` };
    return this.kind.loadImageArchive(this.clusterName, this.file, { signal: this.abort.signal, onLine });
  }

  /** Stops a save or import still running and removes the archive, whatever happened. */
  async dispose(): Promise<void> {
    this.unlink();
    this.abort.abort();
    await this.saved;
    await this.early;
    await rm(this.file, { force: true });
  }
}
