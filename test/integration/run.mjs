// Integration tier: real control planes (scripts/testenv.mjs). Brings the test environment up when it
// is not running (and says so), runs test/integration/**/*.test.ts one file at a time, and leaves the
// environment as it found it: it stops it afterwards only if this run started it.
// KINDLING_TESTENV_KEEP=1 keeps an environment this run started.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { findTests, runNodeTests } from '../../scripts/lib/nodeTest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const testenv = join(root, 'scripts', 'testenv.mjs');
const run = (...args) => spawnSync(process.execPath, [testenv, ...args], { stdio: 'inherit', cwd: root }).status ?? 1;

const files = findTests(join(root, 'test', 'integration'));
if (!files.length) {
  console.log('[integration] no tests');
  process.exit(0);
}

// Runs using the environment register themselves (users/<pid>), so a run that started it does not stop
// it under another run that is still using it (two developers' `npm test` on one machine).
const usersDir = join(process.env.KINDLING_TESTENV_DIR || join(homedir(), '.cache', 'kindling', 'testenv', 'run'), 'users');
mkdirSync(usersDir, { recursive: true });
writeFileSync(join(usersDir, String(process.pid)), new Date().toISOString());
const otherUsers = () =>
  readdirSync(usersDir).filter((pid) => {
    if (pid === String(process.pid)) return false;
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch {
      rmSync(join(usersDir, pid), { force: true });
      return false;
    }
  });

let startedHere = false;
if (run('status', '--quiet') !== 0) {
  console.log('[integration] test environment is not running: starting it (npm run testenv:up) and stopping it afterwards');
  if (run('up') !== 0) {
    console.error('[integration] testenv:up failed; see the logs it named above');
    run('down');
    process.exit(1);
  }
  startedHere = true;
} else {
  console.log('[integration] test environment already running: using it and leaving it running');
}

let code;
try {
  code = runNodeTests(files, { tapFile: process.env.KINDLING_TAP_FILE, concurrency: 1 });
} finally {
  rmSync(join(usersDir, String(process.pid)), { force: true });
  const others = otherUsers();
  if (startedHere && others.length) {
    console.log(`[integration] leaving the test environment running: other test runs use it (pids ${others.join(', ')})`);
  } else if (startedHere && !process.env.KINDLING_TESTENV_KEEP) {
    console.log('[integration] stopping the test environment this run started');
    run('down');
  }
}
process.exit(code);
