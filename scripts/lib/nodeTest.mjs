// Shared by every test tier: run TypeScript test files with node's own runner (tsx loader), a
// readable spec report on stdout and a TAP copy on disk so scripts/test.mjs can add up the counts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function findTests(dir, pattern = /\.test\.ts$/) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...findTests(full, pattern));
    else if (pattern.test(entry)) out.push(full);
  }
  return out.sort();
}

/** Runs `node --test` on files; returns the exit code. `tapFile` receives the TAP report. */
export function runNodeTests(files, { tapFile, env = {}, concurrency, timeoutMs } = {}) {
  const args = ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout'];
  if (tapFile) {
    mkdirSync(dirname(tapFile), { recursive: true });
    args.push('--test-reporter=tap', `--test-reporter-destination=${tapFile}`);
  }
  if (concurrency) args.push(`--test-concurrency=${concurrency}`);
  if (timeoutMs) args.push(`--test-timeout=${timeoutMs}`);
  const result = spawnSync(process.execPath, [...args, ...files], { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

/** Reads pass/fail/skip counts from a TAP file written by runNodeTests. */
export function readTapCounts(tapFile) {
  const counts = { pass: 0, fail: 0, skipped: 0 };
  if (!existsSync(tapFile)) return counts;
  const text = readFileSync(tapFile, 'utf8');
  for (const key of ['pass', 'fail', 'skipped']) {
    const match = text.match(new RegExp(`^# ${key} (\\d+)$`, 'm'));
    if (match) counts[key] = Number(match[1]);
  }
  return counts;
}
