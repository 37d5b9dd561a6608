// argo-validate tier: Kindling's diagnostics against Argo's own validator (issue 15).
//  1. the pinned argo-workflows module (testenv/versions.json) from the Go module proxy: its
//     examples/ and the YAML fixtures of workflow/validate/*_test.go are read from the module cache;
//  2. tools/argovalidate built from the same module (cached under ~/.cache/kindling/argovalidate/);
//  3. test/argo-validate/*.test.ts compares both on every document, writes test-results/argo-validate.{json,md}.
// Prints `[test] argo-validate: both reject N, both accept N, only Argo rejects N (misses), only
// Kindling rejects N (false alarms)` for all documents together.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTests, runNodeTests } from '../../scripts/lib/nodeTest.mjs';
import { ensureArgoValidate } from '../../tools/argovalidate/build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pinned = JSON.parse(readFileSync(join(root, 'testenv', 'versions.json'), 'utf8'));
const ARGO_VERSION = process.env.KINDLING_ARGO_VERSION ?? pinned.argoWorkflows;
const reportFile = join(root, 'test-results', 'argo-validate.json');
const env = { KINDLING_ARGO_VERSION: ARGO_VERSION };
const started = Date.now();

function prepare() {
  const work = mkdtempSync(join(tmpdir(), 'kindling-argo-validate-'));
  try {
    writeFileSync(join(work, 'go.mod'), 'module kindling.argovalidate/download\n\ngo 1.22\n');
    const r = spawnSync('go', ['mod', 'download', '-json', `github.com/argoproj/argo-workflows/v3@${ARGO_VERSION}`], {
      cwd: work, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' },
    });
    const info = r.stdout ? JSON.parse(r.stdout) : {};
    if (r.status !== 0 || !info.Dir) throw new Error(`go mod download failed: ${info.Error ?? r.stderr}`);
    if (!existsSync(join(info.Dir, 'workflow', 'validate'))) throw new Error(`${info.Dir} has no workflow/validate`);
    env.KINDLING_ARGO_MODULE_DIR = info.Dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const { bin, builtMs } = ensureArgoValidate({ version: ARGO_VERSION, log: (s) => console.log(`[argo-validate] ${s}`) });
  env.KINDLING_ARGOVALIDATE_BIN = bin;
  if (builtMs) console.log(`[argo-validate] helper build time: ${(builtMs / 1000).toFixed(1)} s`);
}

try {
  prepare();
} catch (err) {
  // The tests see the missing variables and fail with this reason; nothing is skipped silently.
  console.log(`[argo-validate] FAILED to prepare: ${err.message}`);
  env.KINDLING_ARGO_VALIDATE_ERROR = String(err.message).slice(0, 2000);
}

mkdirSync(join(root, 'test-results'), { recursive: true });
rmSync(reportFile, { force: true });
const code = runNodeTests(findTests(join(root, 'test', 'argo-validate')), { tapFile: process.env.KINDLING_TAP_FILE, env });
if (existsSync(reportFile)) {
  const c = JSON.parse(readFileSync(reportFile, 'utf8')).corpora.all;
  console.log(`[test] argo-validate: both reject ${c['both-reject']}, both accept ${c['both-accept']}, only Argo rejects ${c.miss} (misses), only Kindling rejects ${c['false-alarm']} (false alarms); Argo admits but the run will fail, Kindling says so ${c['runtime-failure']}`);
}
console.log(`[argo-validate] tier took ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(code);
