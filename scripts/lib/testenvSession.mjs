// A test tier's use of the shared test environment (scripts/testenv.mjs): bring it up when it is not
// running, and afterwards leave it as it was found. Runs register themselves (users/<pid>), so a run
// that started the environment does not stop it under another run that is still using it (two
// developers' `npm test` on one machine). KINDLING_TESTENV_KEEP=1 keeps an environment this run started.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const testenv = join(root, 'scripts', 'testenv.mjs');
const run = (...args) => spawnSync(process.execPath, [testenv, ...args], { stdio: 'inherit', cwd: root }).status ?? 1;

/**
 * Makes sure the test environment runs. Returns `release()`, to call when the tier's tests are done,
 * or undefined (after saying why) when it could not be started.
 */
export function useTestenv(tier) {
  const usersDir = join(process.env.KINDLING_TESTENV_DIR || join(homedir(), '.cache', 'kindling', 'testenv', 'run'), 'users');
  mkdirSync(usersDir, { recursive: true });
  const me = join(usersDir, String(process.pid));
  writeFileSync(me, new Date().toISOString());
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
    console.log(`[${tier}] test environment is not running: starting it (npm run testenv:up) and stopping it afterwards`);
    if (run('up') !== 0) {
      console.error(`[${tier}] testenv:up failed; see the logs it named above`);
      run('down');
      rmSync(me, { force: true });
      return undefined;
    }
    startedHere = true;
  } else {
    console.log(`[${tier}] test environment already running: using it and leaving it running`);
  }

  return function release() {
    rmSync(me, { force: true });
    const others = otherUsers();
    if (startedHere && others.length) {
      console.log(`[${tier}] leaving the test environment running: other test runs use it (pids ${others.join(', ')})`);
    } else if (startedHere && !process.env.KINDLING_TESTENV_KEEP) {
      console.log(`[${tier}] stopping the test environment this run started`);
      run('down');
    }
  };
}
