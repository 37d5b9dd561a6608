// The test environment's own Docker engine: a dockerd that only Kindling's tests use.
//
// Everything it owns lives under <cache>/kind/engine/ (cache: ~/.cache/kindling/testenv):
//   docker.sock   its API socket (DOCKER_HOST=unix://…); never /var/run/docker.sock
//   data/         data root: images and build cache survive `down`, so built images are a cache
//   exec/         exec root (its containerd's sockets and state)
//   dockerd.pid   written by dockerd; `stopEngine` signals only this pid, after checking that the
//                 process is a dockerd serving our socket
//   daemon.json   generated: the capability-dropping runtime (runc-nocap beside this file) as default
//   dockerd.log
// Network: its own bridge `kindling0` (10.210.0.1/24) for the default network, and its own pool
// (10.211.0.0/16) for networks such as kind's, so it never takes docker0 or 172.17.0.0/16 from a
// user's engine on the same machine. (Both engines still add rules to the host's iptables: that is
// how Docker works; the rules name different bridges.)
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../lib/build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const BRIDGE = { name: 'kindling0', cidr: '10.210.0.1/24' };
const ADDRESS_POOL = { base: '10.211.0.0/16', size: 24 };

export function enginePaths(root = cacheRoot()) {
  const dir = join(root, 'kind', 'engine');
  const sock = join(dir, 'docker.sock');
  return {
    dir,
    sock,
    dockerHost: `unix://${sock}`,
    dataRoot: join(dir, 'data'),
    execRoot: join(dir, 'exec'),
    pidFile: join(dir, 'dockerd.pid'),
    config: join(dir, 'daemon.json'),
    log: join(dir, 'dockerd.log'),
    runtime: join(dir, 'runc-nocap'),
  };
}

/** GET on the engine's API socket; resolves with the status code (0 when nothing answers). */
function ping(sock, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = request({ socketPath: sock, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
    req.end();
  });
}

function readPid(pidFile) {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return pid > 0 ? pid : 0;
  } catch {
    return 0;
  }
}

/** True when `pid` is a live dockerd started with our socket (a recycled pid is never ours). */
function isOurDockerd(pid, sock) {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith('dockerd')) && argv.includes(`unix://${sock}`);
  } catch {
    return false;
  }
}

export async function engineStatus(paths = enginePaths()) {
  const pid = readPid(paths.pidFile);
  const running = pid > 0 && isOurDockerd(pid, paths.sock);
  const healthy = running && (await ping(paths.sock)) === 200;
  return { pid: running ? pid : 0, running, healthy, dockerHost: paths.dockerHost };
}

function ensureBridge() {
  const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  let exists = true;
  try {
    ip('link', 'show', BRIDGE.name);
  } catch {
    exists = false;
  }
  if (!exists) ip('link', 'add', BRIDGE.name, 'type', 'bridge');
  if (!ip('-4', 'addr', 'show', 'dev', BRIDGE.name).includes(BRIDGE.cidr)) ip('addr', 'add', BRIDGE.cidr, 'dev', BRIDGE.name);
  ip('link', 'set', BRIDGE.name, 'up');
}

function writeConfig(paths) {
  mkdirSync(paths.dir, { recursive: true });
  // dockerd needs the runtime at the path the config names before it creates any container.
  copyFileSync(join(here, 'runc-nocap'), paths.runtime);
  chmodSync(paths.runtime, 0o755);
  const config = {
    runtimes: { 'runc-nocap': { path: paths.runtime } },
    'default-runtime': 'runc-nocap',
    'storage-driver': 'overlay2',
    bridge: BRIDGE.name,
    'default-address-pools': [ADDRESS_POOL],
    // Nothing here pulls from a registry (none is reachable); fail fast instead of retrying.
    'max-download-attempts': 1,
  };
  writeFileSync(paths.config, JSON.stringify(config, null, 2) + '\n');
}

/**
 * Starts our dockerd unless it is already healthy. Resolves with { started } (false: it was running).
 * Rejects with the tail of dockerd.log when it does not answer within `timeoutMs`.
 */
export async function startEngine({ log = () => {}, timeoutMs = 60_000, paths = enginePaths() } = {}) {
  const status = await engineStatus(paths);
  if (status.healthy) return { started: false, pid: status.pid };
  if (status.running) await stopEngine({ paths });
  if (process.getuid?.() !== 0) throw new Error('the test engine runs dockerd, which needs root (CI runs as root)');
  for (const bin of ['dockerd', 'containerd', 'runc', 'jq']) {
    const found = (process.env.PATH || '').split(':').concat('/usr/sbin', '/sbin').some((d) => d && existsSync(join(d, bin)));
    if (!found) throw new Error(`${bin} is missing: run scripts/setup-machine.sh (Debian docker.io containerd runc jq)`);
  }
  writeConfig(paths);
  ensureBridge();
  mkdirSync(paths.dataRoot, { recursive: true });
  mkdirSync(paths.execRoot, { recursive: true });
  rmSync(paths.sock, { force: true });
  const out = openSync(paths.log, 'a');
  const args = [
    '--host', paths.dockerHost,
    '--data-root', paths.dataRoot,
    '--exec-root', paths.execRoot,
    '--pidfile', paths.pidFile,
    '--config-file', paths.config,
  ];
  log(`dockerd ${args.join(' ')}`);
  const child = spawn('dockerd', args, {
    detached: true,
    stdio: ['ignore', out, out],
    cwd: '/',
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  child.unref();
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    if ((await ping(paths.sock, 1000)) === 200) return { started: true, pid: child.pid };
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = existsSync(paths.log) ? readFileSync(paths.log, 'utf8').split('\n').slice(-15).join('\n') : '';
  if (!exited) process.kill(child.pid, 'SIGTERM');
  throw new Error(`dockerd did not answer on ${paths.sock} ${exited ? '(it exited)' : `within ${timeoutMs / 1000} s`}; ${paths.log}:\n${tail}`);
}

/** Stops our dockerd (only the pid in our pid file, only if it serves our socket). Resolves true when it stopped one. */
export async function stopEngine({ paths = enginePaths(), timeoutMs = 60_000 } = {}) {
  // dockerd stops its running containers (kind nodes: systemd inside, ~10 s each) before it exits.
  const pid = readPid(paths.pidFile);
  if (!pid || !isOurDockerd(pid, paths.sock)) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isOurDockerd(pid, paths.sock)) await new Promise((r) => setTimeout(r, 200));
  if (isOurDockerd(pid, paths.sock)) process.kill(pid, 'SIGKILL');
  return true;
}
