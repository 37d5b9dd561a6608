// Builds tools/argovalidate (Argo's own validator, see main.go) from the pinned argo-workflows
// module into ~/.cache/kindling/argovalidate/<argo version>-<source hash>/argovalidate, once per
// version and source: a changed main.go, go.mod or go.sum gets a fresh folder, an unchanged one is
// reused at once. The folder appears only when the build finished (built in <folder>.tmp, renamed),
// so an interrupted build is redone, never half-used.
//
// `node tools/argovalidate/build.mjs` builds and prints the path; the argo-validate tier imports
// ensureArgoValidate(). A fresh machine needs only Go and the Go module proxy.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCES = ['main.go', 'go.mod', 'go.sum'];

/** The argo-workflows version go.mod requires; must equal testenv/versions.json's argoWorkflows. */
export function requiredArgoVersion() {
  const m = /github\.com\/argoproj\/argo-workflows\/v3 (v\S+)/.exec(readFileSync(join(here, 'go.mod'), 'utf8'));
  if (!m) throw new Error('tools/argovalidate/go.mod does not require github.com/argoproj/argo-workflows/v3');
  return m[1];
}

export function sourceHash() {
  const h = createHash('sha256');
  for (const f of SOURCES) h.update(f).update('\0').update(readFileSync(join(here, f)));
  return h.digest('hex').slice(0, 12);
}

/**
 * Returns the path of a built argovalidate for `version` (the pin), building it when missing.
 * `log` receives progress lines. Throws with the tail of go's output when the build fails.
 */
export function ensureArgoValidate({ version, log = console.log, cacheRoot = join(homedir(), '.cache', 'kindling') } = {}) {
  const required = requiredArgoVersion();
  if (version && version !== required) {
    throw new Error(`tools/argovalidate/go.mod requires argo-workflows ${required} but the pin (testenv/versions.json) is ${version}: update go.mod (go get github.com/argoproj/argo-workflows/v3@${version} && go mod tidy)`);
  }
  const dir = join(cacheRoot, 'argovalidate', `${required}-${sourceHash()}`);
  const bin = join(dir, 'argovalidate');
  if (existsSync(bin)) {
    log(`argovalidate ${required} already built in ${dir}`);
    return { bin, builtMs: 0 };
  }
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`building argovalidate against argo-workflows ${required} (cold: a few minutes on 2 cores; module downloads from the Go proxy)`);
  const started = Date.now();
  const r = spawnSync('go', ['build', '-trimpath', '-buildvcs=false', '-ldflags', '-s -w', '-o', join(tmp, 'argovalidate'), '.'], {
    cwd: here,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) {
    throw new Error(`go build of tools/argovalidate failed: ${String(r.error ?? '')}${(r.stderr ?? '').slice(-3000)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  const builtMs = Date.now() - started;
  log(`argovalidate built in ${(builtMs / 1000).toFixed(1)} s → ${bin}`);
  return { bin, builtMs };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pinned = JSON.parse(readFileSync(join(here, '..', '..', 'testenv', 'versions.json'), 'utf8')).argoWorkflows;
  try {
    const { bin } = ensureArgoValidate({ version: pinned, log: (s) => console.log(`[argovalidate] ${s}`) });
    console.log(bin);
  } catch (err) {
    console.error(`[argovalidate] ${err.message}`);
    process.exit(1);
  }
}
