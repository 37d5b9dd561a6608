// `node scripts/testenv.mjs kind build|up|down|status` — the real-container room (docs/testenv.md).
//   build    start our dockerd if needed, build every missing binary and image, leave the engine as it was
//   up       dockerd running + every image present (builds what is missing); prints each step's time
//   down     delete the kind clusters in our engine, stop our dockerd (images stay: they are the cache)
//   status   engine, images (size), kind clusters; exit 1 unless the engine runs and every image is there
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dockerClient, ensureKindImages, kindPaths, kindVersions } from './build.mjs';
import { enginePaths, engineStatus, startEngine, stopEngine } from './engine.mjs';
import { deleteKindClusters, kindTestEnvInfo, repoRoot, withKindLock } from './env.mjs';

const t0 = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (line) => console.log(`[testenv kind +${secs(Date.now() - t0)}] ${line}`);

async function build({ keepEngine }) {
  const paths = enginePaths();
  const versions = kindVersions(repoRoot);
  const root = kindPaths(versions).root;
  mkdirSync(root, { recursive: true });
  const t = Date.now();
  const { started } = await startEngine({ paths, log });
  log(started ? `dockerd started in ${secs(Date.now() - t)} (${paths.dockerHost}, log ${paths.log})` : `dockerd already running (${paths.dockerHost})`);
  const buildLog = join(root, 'build.log');
  log(`build output: ${buildLog}`);
  const logStream = createWriteStream(buildLog, { flags: 'a' });
  try {
    const result = await ensureKindImages({ repoRoot, dockerHost: paths.dockerHost, log, logStream });
    if (result.timings.length) {
      log('timings:');
      for (const { step, ms } of result.timings) console.log(`  ${secs(ms).padStart(9)}  ${step}`);
    }
  } finally {
    logStream.end();
    if (started && !keepEngine) {
      await stopEngine({ paths });
      log('dockerd stopped (build started it)');
    }
  }
  log(`${keepEngine ? 'up' : 'build'} done in ${secs(Date.now() - t0)}`);
  return 0;
}

async function down() {
  const names = await deleteKindClusters({ log });
  if (names.length) log(`deleted kind clusters: ${names.join(', ')}`);
  const stopped = await stopEngine();
  log(stopped ? 'dockerd stopped (images kept in its data root)' : 'dockerd was not running');
  return 0;
}

async function status() {
  const engine = await engineStatus();
  const info = kindTestEnvInfo();
  console.log(`engine       ${engine.healthy ? 'running' : engine.running ? 'RUNNING, NOT ANSWERING' : 'stopped'}${engine.pid ? ` (pid ${engine.pid})` : ''}  ${info.dockerHost}`);
  console.log(`kind         ${info.kindBinary}`);
  if (!engine.healthy) return 1;
  const { imageInfo, docker } = dockerClient({ dockerHost: info.dockerHost });
  let missing = 0;
  for (const tag of [info.nodeImage, ...info.addonImages, info.runtimeImage]) {
    const i = await imageInfo(tag);
    if (!i) missing++;
    console.log(`image        ${tag.padEnd(52)} ${i ? `${(i.size / 1e6).toFixed(0)} MB` : 'MISSING'}`);
  }
  const clusters = await docker(['ps', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Label "io.x-k8s.kind.cluster"}} {{.Names}} {{.Status}}']);
  console.log(`kind nodes   ${clusters.trim().split('\n').filter(Boolean).join('\n             ') || 'none'}`);
  return missing ? 1 : 0;
}

const commands = {
  build: () => withKindLock(() => build({ keepEngine: false }), log),
  up: () => withKindLock(() => build({ keepEngine: true }), log),
  down: () => withKindLock(down, log),
  status,
};

export async function main(argv) {
  const [command = 'status'] = argv;
  if (!commands[command]) {
    console.error(`usage: node scripts/testenv.mjs kind ${Object.keys(commands).join('|')}`);
    return 2;
  }
  try {
    return await commands[command]();
  } catch (err) {
    console.error(`[testenv kind] ${command} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
