/**
 * Loads the pinned add-on manifests: from the offline folder (kindling.cluster.addonManifestDir)
 * or from the pinned URLs into a cache folder. Either way each file must match its SHA-256.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ManifestSource } from '../../core/cluster/manifestSources';
import { ChecksumMismatchError, downloadVerified } from './download';

export interface ManifestStoreOptions {
  /** Offline folder; when set, nothing is downloaded. */
  localDir?: string;
  /** Where downloads are cached (the extension's global storage). */
  cacheDir: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export async function loadManifests(sources: readonly ManifestSource[], opts: ManifestStoreOptions): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const source of sources) {
    opts.signal?.throwIfAborted();
    let file: string;
    if (opts.localDir) {
      file = path.join(opts.localDir, ...source.localPath.split('/'));
    } else {
      opts.onProgress?.(`Fetching ${source.id}`);
      file = (await downloadVerified({ url: source.url, sha256: source.sha256, dest: path.join(opts.cacheDir, ...source.localPath.split('/')), signal: opts.signal })).path;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      throw new Error(`${file} is missing. kindling.cluster.addonManifestDir must hold ${source.localPath} (scripts/kind-manifests.sh fills such a folder from the Go module proxy).`);
    }
    // Hash the bytes we are about to use, not the file again: nothing can change in between.
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== source.sha256) throw new ChecksumMismatchError(file, source.sha256, actual);
    texts.set(source.id, bytes.toString('utf8'));
  }
  return texts;
}
