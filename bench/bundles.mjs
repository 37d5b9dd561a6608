// `npm run bench:bundles -- [distDir] [--runs N]`: sizes of the shipped bundles and the .vsix, and how
// long Node takes to first require the cluster feature and then the run feature — the order a user
// who opens the Clusters view and then runs a script pays for. Each sample is a fresh Node process, so
// nothing is cached between samples. Build first (`npm run package` for the production bundles).
// Writes bench-results/bundles.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 15;
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
const dist = resolve(positional[0] ?? join(repoRoot, 'dist'));
const projectRoot = dirname(dist);

// Runs in the child: a stand-in for the `vscode` module (the bundles only touch it at load time to
// read constructors and enums), then the two requires, timed.
const child = `
const Module = require('node:module');
// esbuild's interop copies the module onto an object whose prototype is the module's prototype, so
// that too must answer every property.
const stub = () => new Proxy(function () {}, {
  get: (t, k) => (k === 'prototype' ? {} : k === Symbol.toPrimitive ? () => 0 : stub()),
  getPrototypeOf: () => stub(),
});
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? stub() : load.call(this, request, ...rest); };
const [cluster, run] = process.argv.slice(-2);
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const c0 = cpuMs(), t0 = process.hrtime.bigint();
require(cluster);
const c1 = cpuMs(), t1 = process.hrtime.bigint();
require(run);
const c2 = cpuMs(), t2 = process.hrtime.bigint();
console.log(JSON.stringify({ clusterMs: Number(t1 - t0) / 1e6, runMs: Number(t2 - t1) / 1e6, clusterCpuMs: c1 - c0, runCpuMs: c2 - c1 }));
`;

function sizes() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.js')) files.push({ file: relative(projectRoot, path), bytes: statSync(path).size });
    }
  };
  walk(dist);
  const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
  const vsix = join(projectRoot, `kindling-${version}.vsix`);
  if (existsSync(vsix)) files.push({ file: relative(projectRoot, vsix), bytes: statSync(vsix).size });
  return files.sort((a, b) => a.file.localeCompare(b.file));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const round = (x) => Math.round(x * 10) / 10;

const loadBefore = round(loadavg()[0]);
const samples = [];
for (let i = 0; i < runs; i++) {
  const result = spawnSync(process.execPath, ['-e', child, join(dist, 'features', 'cluster.js'), join(dist, 'features', 'run.js')], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`sample ${i + 1} failed:\n${result.stderr}`);
  samples.push(JSON.parse(result.stdout.trim().split('\n').pop()));
}
const files = sizes();
const result = {
  benchmark: 'bundles',
  date: new Date().toISOString(),
  dist,
  node: process.version,
  cpus: cpus().length,
  loadAverage: { before: loadBefore, after: round(loadavg()[0]) },
  files,
  requireMs: {
    cluster: round(median(samples.map((s) => s.clusterMs))),
    runAfterCluster: round(median(samples.map((s) => s.runMs))),
    total: round(median(samples.map((s) => s.clusterMs + s.runMs))),
  },
  // CPU time of the process (all its threads, so GC and compile threads count) — steadier than wall
  // time when other work shares the cores.
  cpuMs: {
    cluster: round(median(samples.map((s) => s.clusterCpuMs))),
    runAfterCluster: round(median(samples.map((s) => s.runCpuMs))),
    total: round(median(samples.map((s) => s.clusterCpuMs + s.runCpuMs))),
  },
  samples,
};
for (const { file, bytes } of files) console.log(`[bench:bundles] ${file.padEnd(32)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
console.log(
  `[bench:bundles] require cluster ${result.requireMs.cluster} ms, then run ${result.requireMs.runAfterCluster} ms, ` +
    `total ${result.requireMs.total} ms wall; CPU ${result.cpuMs.cluster} + ${result.cpuMs.runAfterCluster} = ${result.cpuMs.total} ms (median of ${runs}, node ${process.version}, load ${loadBefore}→${result.loadAverage.after})`,
);
mkdirSync(join(repoRoot, 'bench-results'), { recursive: true });
writeFileSync(join(repoRoot, 'bench-results', 'bundles.json'), JSON.stringify(result, null, 2) + '\n');
