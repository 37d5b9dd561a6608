// The real-container room for tests: our own dockerd (engine.mjs) with the kind node image, the
// add-ons' images and the example runtime image built in it (build.mjs). Types: env.d.mts.
//
//   const kind = await ensureKindTestEnv();   // starts the engine if needed, builds what is missing
//   spawn('kind', ['create', 'cluster', '--image', kind.nodeImage, …], { env: { ...process.env, ...kind.env } });
//   await stopKindTestEnv();                  // stops the engine only if ensureKindTestEnv started it
//
// Progress goes to stderr (a test runner's stdout is its TAP stream); build output to
// ~/.cache/kindling/testenv/kind/build.log.
import { createWriteStream, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../lib/build.mjs';
import { withDirLock } from '../lib/dirLock.mjs';
import { ensureKindImages, kindPaths, kindVersions } from './build.mjs';
import { enginePaths, engineStatus, startEngine, stopEngine } from './engine.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let startedEngine = false;

// Test processes that use the engine right now: <kind>/users/<pid>. The process that started the
// engine stops it at the end only when no other live user is registered (two tiers or files may
// share one engine; the second must not lose it halfway).
const usersDir = () => join(kindPaths(kindVersions(repoRoot)).root, 'users');
function registerUser() {
  mkdirSync(usersDir(), { recursive: true });
  writeFileSync(join(usersDir(), String(process.pid)), new Date().toISOString() + '\n');
}
function otherLiveUsers() {
  let names = [];
  try {
    names = readdirSync(usersDir());
  } catch {
    return [];
  }
  return names.map(Number).filter((pid) => {
    if (!pid || pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      rmSync(join(usersDir(), String(pid)), { force: true }); // a finished process that did not clean up
      return false;
    }
  });
}

function progress(prefix) {
  const t0 = Date.now();
  return (line) => process.stderr.write(`[${prefix} +${((Date.now() - t0) / 1000).toFixed(1)} s] ${line}\n`);
}

/** One engine start/build at a time on this machine. */
export function withKindLock(fn, log = () => {}) {
  const lock = join(kindPaths(kindVersions(repoRoot)).root, '.lock');
  return withDirLock(lock, fn, { log, what: 'another kind test-env command', sayEveryMs: 30_000 });
}

/** What a test needs to drive kind and docker against our engine (no building, no starting). */
export function kindTestEnvInfo() {
  const versions = kindVersions(repoRoot);
  const paths = kindPaths(versions);
  const { dockerHost } = enginePaths();
  return {
    dockerHost,
    env: { DOCKER_HOST: dockerHost, PATH: [paths.kindBinDir, paths.nodeBinDir, process.env.PATH].filter(Boolean).join(':') },
    kindBinary: join(paths.kindBinDir, 'kind'),
    kubectlBinary: paths.kubectl,
    nodeImage: versions.nodeImage,
    addonImages: Object.values(versions.addonImages),
    runtimeImage: versions.runtimeImage,
  };
}

/**
 * Starts our dockerd if it is not running and builds whatever image or binary is missing.
 * Resolves with the socket, the environment for child processes and the image names.
 */
export async function ensureKindTestEnv({ log = progress('kind-testenv') } = {}) {
  return withKindLock(async () => {
    const paths = enginePaths();
    const t = Date.now();
    registerUser();
    const { started } = await startEngine({ paths, log });
    if (started) {
      startedEngine = true;
      log(`dockerd started (${paths.dockerHost}) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    mkdirSync(kindPaths(kindVersions(repoRoot)).root, { recursive: true });
    const logStream = createWriteStream(join(kindPaths(kindVersions(repoRoot)).root, 'build.log'), { flags: 'a' });
    try {
      await ensureKindImages({ repoRoot, dockerHost: paths.dockerHost, log, logStream });
    } finally {
      logStream.end();
    }
    return kindTestEnvInfo();
  }, log);
}

/**
 * Stops the engine if (and only if) ensureKindTestEnv started it in this process and no other test
 * process registered as its user is still running; then its kind clusters are deleted first.
 */
export async function stopKindTestEnv() {
  rmSync(join(usersDir(), String(process.pid)), { force: true });
  if (!startedEngine) return;
  startedEngine = false;
  await withKindLock(async () => {
    if (otherLiveUsers().length) return;
    await deleteKindClusters();
    await stopEngine();
  });
}

/** Deletes every kind cluster in our engine (all of them are ours: nobody else uses this engine). */
export async function deleteKindClusters({ log = () => {} } = {}) {
  const info = kindTestEnvInfo();
  if (!(await engineStatus()).healthy) return [];
  const env = { ...info.env };
  // kind delete also removes the cluster's context from a kubeconfig: point it at a scratch file,
  // never at the user's ~/.kube/config.
  const kubeconfig = join(kindPaths(kindVersions(repoRoot)).root, 'delete-kubeconfig.yaml');
  const out = await run(info.kindBinary, ['get', 'clusters'], { env, quiet: true }).catch(() => '');
  const names = out.split('\n').map((s) => s.trim()).filter((s) => s && !s.startsWith('No kind clusters'));
  for (const name of names) {
    log(`kind delete cluster --name ${name}`);
    await run(info.kindBinary, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], { env, quiet: true });
  }
  return names;
}
