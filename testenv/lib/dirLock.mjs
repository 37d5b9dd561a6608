// A lock between processes on this machine: a folder made with mkdir (atomic), holding the owner's pid.
// A dead owner's lock is taken over, so a killed command never blocks the next one.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Runs `fn` while holding the lock folder `lock`; says every `sayEveryMs` who it waits for.
 * @template T
 * @param {string} lock
 * @param {() => Promise<T>} fn
 * @param {{ log?: (line: string) => void, what?: string, sayEveryMs?: number }} [options]
 * @returns {Promise<T>}
 */
export async function withDirLock(lock, fn, { log = () => {}, what = 'another command', sayEveryMs = 10_000 } = {}) {
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
        process.kill(owner, 0);
      } catch {
        // The owner is gone (or never wrote its pid: give it 2 s to do so).
        if (owner || waited > 2000) rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (waited % sayEveryMs === 0) log(`waiting for ${what} (pid ${owner}) to finish`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
