// `npm start`: the main job. Builds and packages the extension, installs it into a local VS Code and
// opens examples/ there, then keeps running until Ctrl-C.
//
//   npm start                     code-server (installed by the project on first run, cached after),
//                                 http://127.0.0.1:8080/ or the next free port
//   npm start -- --port 9000      that port (fails if it is taken)
//   npm start -- --host 0.0.0.0   listen beyond this machine (there is no password: --auth none)
//   npm start -- --desktop        a desktop `code` on PATH instead: install the .vsix there, open examples/
//   npm start -- --no-package     reuse kindling-<version>.vsix as it is
//
// The code-server profile (settings, installed extension, logs) lives in
// ~/.cache/kindling/start/ so it survives restarts; the .vsix is reinstalled on every start.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  cacheRoot,
  defaultUserSettings,
  ensureHarness,
  findFreePort,
  installExtension,
  isPortFree,
  repoRoot,
  startCodeServer,
  stopCodeServer,
  vsixPath,
  writeUserSettings,
} from './harness.mjs';
import { ensureDependencies } from './lib/ensureDependencies.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const host = option('--host') ?? '127.0.0.1';
const requestedPort = option('--port') ? Number(option('--port')) : undefined;
const workspace = join(repoRoot, 'examples');
const t0 = Date.now();
ensureDependencies(repoRoot, '[start]');

const say = (message) => console.log(`[start] ${message}`);
const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
function fail(message) {
  console.error(`[start] ${message}`);
  process.exit(1);
}

async function timed(title, fn) {
  const started = Date.now();
  say(`${title}…`);
  const result = await fn();
  say(`${title}: done in ${elapsed(started)}`);
  return result;
}

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

if (requestedPort !== undefined && !(Number.isInteger(requestedPort) && requestedPort > 0 && requestedPort < 65536)) {
  fail(`--port wants a port number, got "${option('--port')}"`);
}
if (!existsSync(workspace)) fail(`${workspace} does not exist`);

const profile = join(cacheRoot(), 'start');
const userDataDir = join(profile, 'user-data');
const extensionsDir = join(profile, 'extensions');
const desktop = args.includes('--desktop');
// Checked before the build, so a mistake costs nothing: one code-server per profile (a second one
// would share its user-data-dir), and a port that is free now (the requested one, or 8080 and up).
const stateFile = join(profile, 'running.json');
let port;
if (desktop) {
  if (!onPath('code')) fail('--desktop needs the `code` command on PATH (VS Code: "Shell Command: Install \'code\' command in PATH"). Without --desktop, npm start uses code-server.');
} else {
  const running = readRunning();
  if (running) fail(`npm start is already running (pid ${running.pid}): ${running.url}\n[start] stop it with Ctrl-C in its terminal first`);
  if (requestedPort !== undefined) {
    if (!(await isPortFree(requestedPort, host))) fail(`port ${requestedPort} on ${host} is in use; pick another with --port or leave it out`);
    port = requestedPort;
  } else {
    port = await findFreePort({ preferred: 8080, host });
    if (port !== 8080) say(`port 8080 is in use; using ${port}`);
  }
}

// 1. Build and package: what we run is exactly what users install.
const vsix = vsixPath();
if (args.includes('--no-package') && existsSync(vsix)) {
  say(`using ${vsix} as it is (--no-package)`);
} else {
  await timed('building and packaging the extension (npm run package)', () => {
    const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs')], { cwd: repoRoot, stdio: 'inherit' });
    if (result.status !== 0 || !existsSync(vsix)) fail('packaging failed; see the output above');
  });
}

// 2a. A desktop VS Code, when asked for and present.
if (desktop) {
  await timed(`installing ${vsix} into desktop VS Code`, () => {
    const result = spawnSync('code', ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
    if (result.status !== 0) fail('`code --install-extension` failed; see the output above');
  });
  spawnSync('code', [workspace], { stdio: 'inherit' });
  say(`opened ${workspace} in VS Code (${elapsed(t0)} in all). Run "Developer: Reload Window" there after the next npm start.`);
  process.exit(0);
}

// 2b. code-server: install it on first use (cached by version), then the .vsix into our profile.
const harness = await ensureHarness();
say(`code-server ${harness.codeServerVersion} (VS Code ${harness.vscodeVersion}) from ${harness.dir}`);

writeSettings(join(userDataDir, 'User', 'settings.json'));
await timed('installing the .vsix into code-server', () => installExtension(harness, { vsix, userDataDir, extensionsDir }));

// The build and install took a while: look again, the port may have been taken meanwhile.
if (!(await isPortFree(port, host))) {
  if (requestedPort !== undefined) fail(`port ${port} on ${host} was taken while building; pick another with --port`);
  port = await findFreePort({ preferred: port + 1, host });
  say(`the port was taken while building; using ${port}`);
}
const logFile = join(profile, 'code-server.log');
const server = await timed(`starting code-server on ${host}:${port}`, () =>
  startCodeServer(harness, { port, host, userDataDir, extensionsDir, workspace, logFile }),
);
const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
const url = `http://${shownHost}:${port}/?folder=${encodeURIComponent(workspace)}`;
writeFileSync(stateFile, JSON.stringify({ pid: process.pid, url }) + '\n');
console.log('');
say(`ready in ${elapsed(t0)}. Open this in your browser:`);
console.log(`\n    ${url}\n`);
say(`logs: ${logFile} and ${join(userDataDir, 'logs')} (the Kindling output channel is Kindling.log there)`);
say('after a code change: Ctrl-C and npm start again, then reload the browser tab. Ctrl-C stops code-server.');

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping code-server…`);
  await stopCodeServer(server.child);
  rmSync(stateFile, { force: true });
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('Ctrl-C'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('terminal closed')); // code-server is in its own process group: end it ourselves
server.child.on('exit', (code, signal) => {
  if (stopping) return;
  rmSync(stateFile, { force: true });
  console.error(`[start] code-server stopped by itself (${signal ?? `exit ${code}`}); see ${logFile}`);
  process.exit(1);
});
// Keep this process alive while code-server runs (the child is detached into its own group).
setInterval(() => undefined, 1 << 30);

/** The npm start that owns this profile, if it is still alive. */
function readRunning() {
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined;
  }
}

/** Settings the user changed in an earlier session win over our defaults, except that trust stays off. */
function writeSettings(file) {
  if (!existsSync(file)) {
    writeUserSettings(userDataDir);
    return;
  }
  let current;
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    say(`${file} is not plain JSON (comments?): leaving it as it is`);
    return;
  }
  writeUserSettings(userDataDir, { ...current, 'security.workspace.trust.enabled': defaultUserSettings['security.workspace.trust.enabled'] });
}
