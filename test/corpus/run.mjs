// Corpus tier: our parsers against real third-party inputs.
//  1. the Argo Workflows examples/ folder of the pinned argo-workflows Go module (via `go mod download`),
//  2. KFP v2 YAML compiled by the real kfp SDK from test/corpus/kfp/*.py,
//  3. a SageMaker pipeline definition produced offline by the real sagemaker SDK.
// Inputs are prepared here (tools cached under ~/.cache/kindling/…) and handed to the tests through
// environment variables; then every test/corpus/**/*.test.ts runs with node's test runner.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTests, runNodeTests } from '../../scripts/lib/nodeTest.mjs';

// The Argo version Kindling installs, from the one pin file the test cluster and the add-on plan
// also read (KINDLING_ARGO_VERSION overrides, e.g. to try a newer patch).
const pinned = JSON.parse(readFileSync(new URL('../../testenv/versions.json', import.meta.url), 'utf8'));
const ARGO_VERSION = process.env.KINDLING_ARGO_VERSION ?? pinned.argoWorkflows;
const KFP_VERSION = process.env.KINDLING_KFP_VERSION ?? '2.17.0';
const SAGEMAKER_VERSION = process.env.KINDLING_SAGEMAKER_VERSION ?? '2.257.7';
const cacheRoot = join(homedir(), '.cache', 'kindling');
const work = mkdtempSync(join(tmpdir(), 'kindling-corpus-'));
const env = {};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) return { ok: false, out: '', err: String(r.error) };
  return { ok: r.status === 0, out: r.stdout ?? '', err: r.stderr ?? '' };
}

function step(name, fn) {
  const t0 = Date.now();
  try {
    fn();
    console.log(`[corpus] ${name}: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    // The tests see the missing variable and fail with this reason; nothing is skipped silently.
    console.log(`[corpus] ${name}: FAILED to prepare: ${err.message}`);
    env[`KINDLING_CORPUS_${name.toUpperCase()}_ERROR`] = err.message.slice(0, 2000);
  }
}

step('argo', () => {
  const mod = join(work, 'argo-mod');
  mkdirSync(mod, { recursive: true });
  writeFileSync(join(mod, 'go.mod'), 'module kindling.corpus/argo\n\ngo 1.22\n');
  const r = run('go', ['mod', 'download', '-json', `github.com/argoproj/argo-workflows/v3@${ARGO_VERSION}`], {
    cwd: mod,
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  if (!r.ok) throw new Error(`go mod download failed: ${r.err || r.out}`);
  const info = JSON.parse(r.out);
  if (!info.Dir || !existsSync(join(info.Dir, 'examples'))) throw new Error(`module has no examples/ (${info.Error ?? info.Dir})`);
  env.KINDLING_ARGO_EXAMPLES_DIR = join(info.Dir, 'examples');
  env.KINDLING_ARGO_VERSION = ARGO_VERSION;
});

/** A venv under ~/.cache/kindling/py/<name>-<version>/ with `pkg==version` installed. */
function venv(name, version) {
  const dir = join(cacheRoot, 'py', `${name}-${version}`);
  const py = join(dir, 'bin', 'python');
  const marker = join(dir, '.installed');
  if (!existsSync(marker)) {
    const mk = run('python3', ['-m', 'venv', '--clear', dir]);
    if (!mk.ok) throw new Error(`python3 -m venv failed: ${mk.err}`);
    const pip = run(py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `${name}==${version}`], { timeout: 20 * 60 * 1000 });
    if (!pip.ok) throw new Error(`pip install ${name}==${version} failed: ${pip.err.slice(-1500)}`);
    writeFileSync(marker, `${name}==${version}\n`);
  }
  return py;
}

step('kfp', () => {
  const py = venv('kfp', KFP_VERSION);
  const out = join(work, 'kfp');
  const r = run(py, [join('test', 'corpus', 'kfp', 'compile.py'), out]);
  if (!r.ok) throw new Error(`compiling KFP pipelines failed: ${r.err.slice(-1500)}`);
  env.KINDLING_KFP_OUT_DIR = out;
  env.KINDLING_KFP_VERSION = KFP_VERSION;
});

step('sagemaker', () => {
  const py = venv('sagemaker', SAGEMAKER_VERSION);
  // Offline: fake credentials, a fixed region, telemetry off (it would call out), no IMDS lookups.
  const cfgDir = join(work, 'sagemaker-config');
  mkdirSync(cfgDir, { recursive: true });
  const cfg = join(cfgDir, 'config.yaml');
  writeFileSync(cfg, "SchemaVersion: '1.0'\nSageMaker:\n  PythonSDK:\n    Modules:\n      TelemetryOptOut: true\n");
  const out = join(work, 'sagemaker-refit.json');
  const r = run(py, [join('test', 'corpus', 'sagemaker', 'refit_pipeline.py'), out], {
    timeout: 5 * 60 * 1000,
    env: {
      ...process.env,
      SAGEMAKER_USER_CONFIG_OVERRIDE: cfg,
      AWS_ACCESS_KEY_ID: 'AKIAKINDLINGFAKE',
      AWS_SECRET_ACCESS_KEY: 'kindling-fake-secret',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      SAGEMAKER_SUPPRESS_V2_WARNING: '1',
    },
  });
  if (!r.ok || !existsSync(out)) throw new Error(`sagemaker definition failed: ${(r.err || r.out).slice(-1500)}`);
  env.KINDLING_SAGEMAKER_DEF = out;
  env.KINDLING_SAGEMAKER_VERSION = SAGEMAKER_VERSION;
});

const files = findTests('test/corpus');
const code = runNodeTests(files, { tapFile: process.env.KINDLING_TAP_FILE, env });
process.exit(code);
