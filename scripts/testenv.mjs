// The integration test environment: two real control planes on this machine (see docs/testenv.md).
//   node scripts/testenv.mjs up                 build or reuse binaries, start what is not running (no-op when healthy)
//   node scripts/testenv.mjs down [--keep-data] stop only what `up` started (by PID file); wipe etcd data
//   node scripts/testenv.mjs status [--quiet]   health of every component, kubeconfig paths; exit 1 unless all healthy
//   node scripts/testenv.mjs restart <component> [--kill]   e.g. `restart local-apiserver --kill` (used by tests)
//   node scripts/testenv.mjs build              only build/cache the binaries
//   node scripts/testenv.mjs gen-kube-module    regenerate testenv/go/kube/go.mod after changing versions.json
//   node scripts/testenv.mjs kind build|up|down|status   the real-container room: our dockerd, kind node and add-on images (testenv/kind/cli.mjs)
// Run dir: $KINDLING_TESTENV_DIR (default ~/.cache/kindling/testenv/run); binary cache: ~/.cache/kindling/testenv/bin.
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, ensureBuilt, run } from '../testenv/lib/build.mjs';
import {
  PORTS, argumentsChanged, bootstrapLocal, bootstrapRemote, componentStatus, componentsFor, ensureCredentials, kubeconfigPaths,
  pointNodesAtKwok, runDir, startComponent, stopComponent, waitHealthy, waitNodesReady, wipeData, writeState,
} from '../testenv/lib/env.mjs';
import { withDirLock } from '../testenv/lib/dirLock.mjs';
import { logFile } from '../testenv/lib/procs.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const versions = JSON.parse(readFileSync(join(repoRoot, 'testenv', 'versions.json'), 'utf8'));
const stagesFile = join(repoRoot, 'testenv', 'kwok-stages.yaml');
const [command = 'status', ...rest] = process.argv.slice(2);
const flags = new Set(rest.filter((a) => a.startsWith('--')));
const positional = rest.filter((a) => !a.startsWith('--'));
const t0 = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (line) => console.log(`[testenv +${secs(Date.now() - t0)}] ${line}`);

/** Binary paths without building (for status/down/restart: they never build). */
function binsFromCache() {
  const bin = join(cacheRoot(), 'bin');
  const pyDir = join(cacheRoot(), `pyspark-${versions.pyspark}`, 'venv', 'lib');
  let sparkHome = '';
  if (existsSync(pyDir)) {
    for (const d of ['python3.13', 'python3.12', 'python3.11', 'python3.10', 'python3.9']) {
      if (existsSync(join(pyDir, d, 'site-packages', 'pyspark'))) sparkHome = join(pyDir, d, 'site-packages', 'pyspark');
    }
  }
  return {
    kubeDir: join(bin, `kubernetes-${versions.kubernetes}`),
    kwok: join(bin, `kwok-${versions.kwok}`, 'kwok'),
    workflowController: join(bin, `argo-workflows-${versions.argoWorkflows}`, 'workflow-controller'),
    argoCrdDir: join(bin, `argo-workflows-${versions.argoWorkflows}`, 'crds'),
    sparkOperator: join(bin, `spark-operator-${versions.sparkOperator}`, 'spark-operator'),
    sparkCrdDir: join(bin, `spark-operator-${versions.sparkOperator}`, 'crds'),
    sparkHome,
    versions,
  };
}

async function statuses(components) {
  return Promise.all(components.map(async (c) => ({ c, s: await componentStatus(c) })));
}

async function status() {
  const comps = componentsFor(binsFromCache());
  const all = await statuses(comps);
  const healthy = all.every(({ s }) => s.healthy);
  if (!flags.has('--quiet')) {
    for (const { c, s } of all) {
      const state = s.healthy ? 'healthy' : s.running ? 'RUNNING, NOT HEALTHY' : 'stopped';
      console.log(`${c.name.padEnd(28)} ${state.padEnd(22)} ${s.pid ? `pid ${s.pid}`.padEnd(11) : ''.padEnd(11)} ports ${c.ports.join(',')}`);
    }
    const kc = kubeconfigPaths();
    console.log(`\nrun dir:      ${runDir()}   (logs/, pids/, state.json)`);
    console.log(`kubeconfigs:  ${kc.local}  (context kindling-local)`);
    console.log(`              ${kc.remote}  (contexts kindling-remote, kindling-remote-restricted)`);
    console.log(`              ${kc.all}  (all three)`);
    console.log(`versions:     kubernetes ${versions.kubernetes}, etcd ${versions.etcd}, kwok ${versions.kwok}, argo ${versions.argoWorkflows}, spark-operator ${versions.sparkOperator}, pyspark ${versions.pyspark}`);
    console.log(`\n${healthy ? 'test environment is up' : 'test environment is NOT up (npm run testenv:up)'}`);
  }
  return healthy ? 0 : 1;
}

async function up() {
  {
    const all = await statuses(componentsFor(binsFromCache()));
    if (all.every(({ c, s }) => s.healthy && !argumentsChanged(c, { stagesFile }))) {
      log('already up and healthy: nothing to do (npm run testenv:status for details)');
      return 0;
    }
  }
  mkdirSync(runDir(), { recursive: true });
  const buildLog = join(cacheRoot(), 'build.log');
  mkdirSync(cacheRoot(), { recursive: true });
  const logStream = createWriteStream(buildLog, { flags: 'a' });
  log(`binaries: cache ${join(cacheRoot(), 'bin')} (build output: ${buildLog})`);
  const bins = { ...(await ensureBuilt({ versions, repoRoot, log, logStream })), versions };
  logStream.end();
  const tStart = Date.now();
  ensureCredentials();
  const comps = componentsFor(bins);
  const ctx = { stagesFile };
  const byName = Object.fromEntries(comps.map((c) => [c.name, c]));
  const ensure = async (name) => {
    const c = byName[name];
    let s = await componentStatus(c);
    if (s.running && argumentsChanged(c, ctx)) {
      log(`${name}: started with other arguments than testenv now uses: restarting it`);
      await stopComponent(c);
      s = await componentStatus(c);
    }
    if (s.healthy) return log(`${name}: already running (pid ${s.pid})`);
    if (s.running) {
      log(`${name}: running but not healthy: waiting up to 20 s, then restarting it`);
      try {
        await waitHealthy(c, 20_000);
        return;
      } catch {
        await stopComponent(c);
      }
    }
    const t = Date.now();
    await startComponent(c, ctx);
    log(`${name}: started and healthy in ${secs(Date.now() - t)} (log ${logFile(runDir(), name)})`);
  };
  // Control planes first (the two clusters' etcd/apiservers start side by side).
  await Promise.all([
    (async () => { await ensure('local-etcd'); await ensure('local-apiserver'); })(),
    (async () => { await ensure('remote-etcd'); await ensure('remote-apiserver'); })(),
  ]);
  let t = Date.now();
  await Promise.all([bootstrapLocal({ bins, versions }), bootstrapRemote({ bins, sagemakerCrdDir: undefined })]);
  log(`CRDs, namespaces, RBAC, fake nodes applied in ${secs(Date.now() - t)}`);
  await Promise.all([ensure('local-controller-manager'), ensure('remote-controller-manager'), ensure('local-scheduler'), ensure('local-kwok')]);
  t = Date.now();
  const ready = await waitNodesReady();
  log(`${ready} KWOK nodes Ready in ${secs(Date.now() - t)}`);
  await pointNodesAtKwok();
  await Promise.all([ensure('local-workflow-controller'), ensure('local-spark-operator')]);
  writeState({
    startedAt: new Date().toISOString(),
    versions,
    ports: PORTS,
    kubeconfig: kubeconfigPaths(),
    contexts: { local: 'kindling-local', remote: 'kindling-remote', remoteRestricted: 'kindling-remote-restricted' },
    sparkHome: bins.sparkHome,
    components: Object.fromEntries(comps.map((c) => [c.name, { ports: c.ports, log: logFile(runDir(), c.name) }])),
  });
  log(`test environment up: clusters started in ${secs(Date.now() - tStart)}, total ${secs(Date.now() - t0)}`);
  log(`kubeconfigs: ${Object.values(kubeconfigPaths()).join(', ')}`);
  return 0;
}

async function down() {
  const comps = componentsFor(binsFromCache()).reverse();
  // Controllers first, then the control planes, etcd last.
  let stopped = 0;
  for (const c of comps) {
    if (await stopComponent(c)) {
      stopped++;
      log(`stopped ${c.name}`);
    }
  }
  if (!flags.has('--keep-data')) wipeData();
  log(stopped ? `stopped ${stopped} processes${flags.has('--keep-data') ? '' : '; etcd data removed'}` : 'nothing was running');
  return 0;
}

async function restart() {
  const name = positional[0];
  const comps = componentsFor(binsFromCache());
  const c = comps.find((x) => x.name === name);
  if (!c) {
    console.error(`unknown component ${name}; one of: ${comps.map((x) => x.name).join(', ')}`);
    return 2;
  }
  const t = Date.now();
  await stopComponent(c, flags.has('--kill') ? { signal: 'SIGKILL' } : {});
  log(`${name} ${flags.has('--kill') ? 'killed' : 'stopped'}`);
  await startComponent(c, { stagesFile });
  log(`${name} started again and healthy in ${secs(Date.now() - t)}`);
  return 0;
}

/** Regenerates testenv/go/kube/go.mod for versions.kubernetes from k8s.io/kubernetes's own go.mod. */
async function genKubeModule() {
  const k8s = versions.kubernetes;
  const info = JSON.parse(await run('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${k8s}`]));
  const upstream = readFileSync(info.GoMod, 'utf8');
  const staging = [...upstream.matchAll(/^\s*(k8s\.io\/[\w.-]+) => \.\/staging\/src\//gm)].map((m) => m[1]);
  const goLine = /^go (\S+)$/m.exec(upstream)?.[1];
  const godebug = /^godebug .*$/m.exec(upstream)?.[0];
  const minor = k8s.replace(/^v1\./, 'v0.');
  const dir = join(repoRoot, 'testenv', 'go', 'kube');
  const lines = [
    '// Generated by `node scripts/testenv.mjs gen-kube-module`: a wrapper that lets `go build` compile Kubernetes',
    '// commands from the module proxy (k8s.io/kubernetes replaces its staging modules with local folders).',
    'module kindling.dev/testenv/kube', '', `go ${goLine}`, '', ...(godebug ? [godebug, ''] : []),
    `require k8s.io/kubernetes ${k8s}`, '', 'replace (', ...staging.map((m) => `\t${m} => ${m} ${minor}`), ')', '',
  ];
  writeFileSync(join(dir, 'go.mod'), lines.join('\n'));
  await run('go', ['mod', 'tidy'], { cwd: dir });
  const etcd = /go\.etcd\.io\/etcd\/server\/v3 (\S+)/.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))?.[1];
  log(`testenv/go/kube/go.mod regenerated for ${k8s} (${staging.length} staging modules; etcd ${etcd}: set "etcd" in versions.json to it)`);
  return 0;
}

const commands = {
  up,
  down,
  status,
  restart,
  build: async () => {
    await ensureBuilt({ versions, repoRoot, log, logStream: createWriteStream(join(cacheRoot(), 'build.log'), { flags: 'a' }) });
    return 0;
  },
  'gen-kube-module': genKubeModule,
};

if (command === 'kind') {
  const { main } = await import('../testenv/kind/cli.mjs');
  process.exit(await main(rest));
}
if (!commands[command]) {
  console.error(`usage: node scripts/testenv.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
/** One up/down/restart at a time per run dir. */
function withLock(fn) {
  return withDirLock(join(runDir(), '.lock'), fn, { log, what: 'another testenv command' });
}

try {
  process.exitCode = ['up', 'down', 'restart'].includes(command) ? await withLock(commands[command]) : await commands[command]();
} catch (err) {
  console.error(`[testenv] ${command} failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
