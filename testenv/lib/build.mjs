// Builds (or reuses) every binary of the test environment, cached outside the repo by version:
//   ~/.cache/kindling/testenv/bin/<component>-<version>/   (KINDLING_TESTENV_CACHE overrides the root)
// A component's folder appears only when its build finished (built in <folder>.tmp, then renamed), so
// an interrupted build is redone, never half-used.
//
// Cold-build strategy on a 2-core machine: module downloads are network-bound, compiles are CPU-bound.
// All downloads (and the pyspark venv) start at once; compiles then run one after another, each using
// both cores (go build parallelises packages), and share the Go build cache. Binaries are built with
// -trimpath -ldflags=-s -w (no symbol tables: smaller, faster links).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync, chmodSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheRoot(env = process.env) {
  return env.KINDLING_TESTENV_CACHE || join(homedir(), '.cache', 'kindling', 'testenv');
}

const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a command; resolves with stdout; rejects with the tail of its output. Output also goes to logFile. */
export function run(cmd, args, { cwd, env, logStream, quiet } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let tail = '';
    const onData = (isOut) => (chunk) => {
      const s = chunk.toString();
      if (isOut) out += s;
      tail = (tail + s).slice(-4000);
      logStream?.write(s);
      if (!quiet && process.env.KINDLING_TESTENV_VERBOSE) process.stderr.write(s);
    };
    child.stdout.on('data', onData(true));
    child.stderr.on('data', onData(false));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${tail}`));
    });
  });
}

function hasExecutable(name) {
  for (const dir of (process.env.PATH || '').split(':')) {
    if (dir && existsSync(join(dir, name))) return true;
  }
  return false;
}

/** Debian packages the environment needs on a fresh machine (installed when missing). */
const DEBIAN_PREREQS = [
  { bin: 'openssl', pkg: 'openssl' },
  { bin: 'java', pkg: 'openjdk-17-jre-headless' },
];

async function ensureDebianPrereqs(log) {
  const missing = DEBIAN_PREREQS.filter((p) => !hasExecutable(p.bin)).map((p) => p.pkg);
  if (!hasExecutable('go')) throw new Error('Go is not on PATH: the test environment builds its binaries with the Go toolchain.');
  if (!missing.length) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => (process.getuid?.() === 0 ? run('apt-get', args, { env }) : run('sudo', ['-E', 'apt-get', ...args], { env }));
  await apt(['update', '-qq']);
  await apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

async function goModDir(modAtVersion, logStream) {
  const json = await run('go', ['mod', 'download', '-json', modAtVersion], { logStream });
  const info = JSON.parse(json);
  if (info.Error) throw new Error(`go mod download ${modAtVersion}: ${info.Error}`);
  return info.Dir;
}

/** A writable copy of a module's folder (the module cache is read-only), for modules with replace blocks. */
function writableCopy(src, dest) {
  rmSync(dest, { recursive: true, force: true });
  cpSync(src, dest, { recursive: true });
  const walk = (d) => {
    chmodSync(d, 0o755);
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else chmodSync(p, 0o644);
    }
  };
  walk(dest);
}

// KWOK's Logs/ClusterLogs CRDs: kwok runs with --enable-crds=Logs,ClusterLogs so a test can say which
// file serves which pod's container log (see docs/testenv.md, "Container logs").
const KWOK_LOG_CRDS = ['kwok.x-k8s.io_logs.yaml', 'kwok.x-k8s.io_clusterlogs.yaml'];

function copyKwokLogCrds(moduleDir, out) {
  mkdirSync(join(out, 'crds'), { recursive: true });
  for (const f of KWOK_LOG_CRDS) cpSync(join(moduleDir, 'kustomize', 'crd', 'bases', f), join(out, 'crds', f));
}

/**
 * The components: each has a folder name (by version), the files it produces, a `download` step
 * (network) and a `compile` step (CPU). `repoRoot` is the Kindling checkout (for testenv/go/kube).
 */
function components(versions, repoRoot, root) {
  const work = join(root, 'work');
  const goFlags = ['-trimpath', '-buildvcs=false']; // no VCS stamping: module copies have no .git, the wrapper lives in ours
  const k8s = versions.kubernetes;
  const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(k8s) || [];
  const kubeModule = join(repoRoot, 'testenv', 'go', 'kube');
  const kubeMains = ['k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kube-controller-manager', 'k8s.io/kubernetes/cmd/kube-scheduler'];
  const argoDir = join(work, `argo-workflows-${versions.argoWorkflows}`);
  const sparkDir = join(work, `spark-operator-${versions.sparkOperator}`);
  const kwokDir = join(work, `kwok-${versions.kwok}`);
  return [
    {
      name: `kubernetes-${k8s}`,
      what: `kube-apiserver, kube-controller-manager, kube-scheduler ${k8s} and etcd ${versions.etcd} (wrapper module testenv/go/kube)`,
      files: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'],
      download: (ctx) => run('go', ['list', '-deps', ...kubeMains, 'go.etcd.io/etcd/server/v3'], { cwd: kubeModule, logStream: ctx.logStream }),
      compile: async (ctx, out) => {
        const x = (k, v) => `-X k8s.io/component-base/version.${k}=${v}`;
        const ldflags = ['-s', '-w', x('gitVersion', k8s), x('gitMajor', major), x('gitMinor', minor), x('gitTreeState', 'clean')].join(' ');
        // One invocation for all four programs: the go command schedules their packages and links together.
        await run('go', ['build', ...goFlags, '-ldflags', ldflags, '-o', out + '/', ...kubeMains, 'go.etcd.io/etcd/server/v3'], { cwd: kubeModule, logStream: ctx.logStream });
        // go names the etcd main package (go.etcd.io/etcd/server/v3) after its path without the major version.
        renameSync(join(out, 'server'), join(out, 'etcd'));
      },
    },
    {
      name: `kwok-${versions.kwok}`,
      what: `KWOK controller ${versions.kwok}`,
      files: ['kwok'],
      download: async (ctx) => {
        writableCopy(await goModDir(`sigs.k8s.io/kwok@${versions.kwok}`, ctx.logStream), kwokDir);
        await run('go', ['list', '-deps', './cmd/kwok'], { cwd: kwokDir, logStream: ctx.logStream });
      },
      compile: (ctx, out) =>
        run('go', ['build', ...goFlags, '-ldflags', `-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${versions.kwok.replace(/^v/, '')}`, '-o', join(out, 'kwok'), './cmd/kwok'], { cwd: kwokDir, logStream: ctx.logStream }),
      after: (out) => copyKwokLogCrds(kwokDir, out),
    },
    {
      name: `argo-workflows-${versions.argoWorkflows}`,
      what: `Argo workflow-controller ${versions.argoWorkflows}`,
      files: ['workflow-controller'],
      download: async (ctx) => {
        writableCopy(await goModDir(`github.com/argoproj/argo-workflows/v3@${versions.argoWorkflows}`, ctx.logStream), argoDir);
        await run('go', ['list', '-deps', './cmd/workflow-controller'], { cwd: argoDir, logStream: ctx.logStream });
      },
      compile: (ctx, out) =>
        run('go', ['build', ...goFlags, '-ldflags', `-s -w -X github.com/argoproj/argo-workflows/v3.version=${versions.argoWorkflows}`, '-o', join(out, 'workflow-controller'), './cmd/workflow-controller'], { cwd: argoDir, logStream: ctx.logStream }),
      // CRDs ship in the module folder; the controller is run against them.
      after: (out) => cpSync(join(argoDir, 'manifests', 'base', 'crds', 'minimal'), join(out, 'crds'), { recursive: true }),
    },
    {
      name: `spark-operator-${versions.sparkOperator}`,
      what: `Kubeflow Spark operator ${versions.sparkOperator}`,
      files: ['spark-operator'],
      download: async (ctx) => {
        writableCopy(await goModDir(`github.com/kubeflow/spark-operator/v2@${versions.sparkOperator}`, ctx.logStream), sparkDir);
        await run('go', ['list', '-deps', './cmd/operator'], { cwd: sparkDir, logStream: ctx.logStream });
      },
      compile: (ctx, out) =>
        run('go', ['build', ...goFlags, '-ldflags', `-s -w -X github.com/kubeflow/spark-operator/v2.version=${versions.sparkOperator}`, '-o', join(out, 'spark-operator'), './cmd/operator'], { cwd: sparkDir, logStream: ctx.logStream }),
      after: (out) => cpSync(join(sparkDir, 'config', 'crd', 'bases'), join(out, 'crds'), { recursive: true }),
    },
  ];
}

async function ensurePyspark(versions, root, logStream) {
  const dir = join(root, `pyspark-${versions.pyspark}`);
  const venv = join(dir, 'venv');
  const sparkHome = join(venv, 'lib', 'python' + (await pythonVersion()), 'site-packages', 'pyspark');
  if (existsSync(join(venv, '.complete'))) return { sparkHome, built: false };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // A venv cannot be moved after creation (absolute paths in its scripts): build in place, mark when done.
  await run('python3', ['-m', 'venv', venv], { logStream });
  await run(join(venv, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', `pyspark==${versions.pyspark}`], { logStream });
  writeFileSync(join(venv, '.complete'), new Date().toISOString() + '\n');
  return { sparkHome, built: true };
}

let pyVersionCache;
async function pythonVersion() {
  pyVersionCache ??= (await run('python3', ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'])).trim();
  return pyVersionCache;
}

/**
 * Makes sure every binary exists; returns their paths. `log(line)` prints progress.
 * Build output goes to <cache>/build.log.
 */
export async function ensureBuilt({ versions, repoRoot, log, logStream }) {
  const root = cacheRoot();
  const binRoot = join(root, 'bin');
  mkdirSync(binRoot, { recursive: true });
  mkdirSync(join(root, 'work'), { recursive: true });
  const started = Date.now();
  const ctx = { logStream };
  const comps = components(versions, repoRoot, root);
  const todo = comps.filter((c) => !c.files.every((f) => existsSync(join(binRoot, c.name, f))));
  const pysparkReady = existsSync(join(root, `pyspark-${versions.pyspark}`, 'venv', '.complete'));
  if (todo.length || !pysparkReady) await ensureDebianPrereqs(log);
  for (const c of comps) if (!todo.includes(c)) log(`cached: ${c.what}`);

  // Downloads in parallel (network), compiles one at a time (CPU).
  const timed = async (label, fn) => {
    const t = Date.now();
    log(`${label} …`);
    const result = await fn();
    log(`${label}: done in ${fmt(Date.now() - t)}`);
    return result;
  };
  const pyspark = pysparkReady
    ? (log(`cached: pyspark ${versions.pyspark} venv`), ensurePyspark(versions, root, logStream))
    : timed(`pyspark ${versions.pyspark} venv (pip)`, () => ensurePyspark(versions, root, logStream));
  const downloads = new Map(todo.map((c) => [c.name, timed(`download ${c.name} modules`, () => c.download(ctx))]));
  // Keep unhandled-rejection noise away; errors surface when awaited below.
  for (const p of [...downloads.values(), pyspark]) p.catch(() => {});

  for (const c of todo) {
    await downloads.get(c.name);
    const out = join(binRoot, c.name);
    const tmp = out + '.tmp';
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await timed(`compile ${c.what}`, () => c.compile(ctx, tmp));
    c.after?.(tmp);
    rmSync(out, { recursive: true, force: true });
    renameSync(tmp, out);
  }
  const py = await pyspark;
  // CRDs are copied at build time; for cached components make sure they are there too.
  const bins = Object.fromEntries(comps.map((c) => [c.name.replace(/-v?\d.*$/, ''), join(binRoot, c.name)]));
  // A kwok binary cached before the log CRDs were copied: take them from the Go module cache.
  if (!KWOK_LOG_CRDS.every((f) => existsSync(join(bins.kwok, 'crds', f)))) {
    copyKwokLogCrds(await goModDir(`sigs.k8s.io/kwok@${versions.kwok}`, logStream), bins.kwok);
  }
  if (todo.length || py.built) log(`build finished in ${fmt(Date.now() - started)}`);
  return {
    kubeDir: bins.kubernetes,
    kwok: join(bins.kwok, 'kwok'),
    kwokCrdDir: join(bins.kwok, 'crds'),
    workflowController: join(bins['argo-workflows'], 'workflow-controller'),
    argoCrdDir: join(bins['argo-workflows'], 'crds'),
    sparkOperator: join(bins['spark-operator'], 'spark-operator'),
    sparkCrdDir: join(bins['spark-operator'], 'crds'),
    sparkHome: py.sparkHome,
  };
}
