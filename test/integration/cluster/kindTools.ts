/**
 * Shared by the cluster integration tests: the real kind binary and tools/kindcheck, built by
 * scripts/kind-build.sh into ~/.cache/kindling/kind/<version>/ (built here on first use), and the
 * pinned add-on manifests, copied from the Go module proxy by scripts/kind-manifests.sh.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KIND_VERSION } from '../../../src/core/cluster/versions';

const root = path.resolve(__dirname, '..', '..', '..');

export function kindCacheDir(): string {
  return path.join(process.env.KINDLING_CACHE || path.join(os.homedir(), '.cache', 'kindling'), 'kind', KIND_VERSION);
}

/** Paths of the real kind and kindcheck binaries, building them if needed (about a minute cold). */
export function kindBinaries(): { kind: string; kindcheck: string } {
  const dir = kindCacheDir();
  const kind = path.join(dir, 'kind');
  const kindcheck = path.join(dir, 'kindcheck');
  if (!existsSync(kind) || !existsSync(kindcheck)) {
    execFileSync('sh', [path.join(root, 'scripts', 'kind-build.sh')], { stdio: 'inherit', env: { ...process.env, KIND_VERSION } });
  }
  return { kind, kindcheck };
}

let manifestDir: string | undefined;

/** A fresh folder laid out like kindling.cluster.addonManifestDir, with the real upstream files. */
export function realManifestDir(): string {
  if (!manifestDir) {
    manifestDir = mkdtempSync(path.join(os.tmpdir(), 'kindling-manifests-'));
    execFileSync('sh', [path.join(root, 'scripts', 'kind-manifests.sh'), manifestDir], { stdio: 'inherit' });
  }
  return manifestDir;
}
