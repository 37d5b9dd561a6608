// `npm start` and `npm test` are the README's two commands after a clone: they install the project's
// npm dependencies themselves when they are missing or older than package-lock.json, so a fresh
// clone needs no `npm ci` typed first.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findNpmCli, innerNpmEnv } from './npmEnv.mjs';

/**
 * Runs `npm ci` in `root` unless node_modules matches package-lock.json (npm writes
 * node_modules/.package-lock.json after every install). Exits the process if it fails.
 * @param {string} root
 * @param {string} tag  prefix for the progress lines, e.g. "[test]"
 */
export function ensureDependencies(root, tag) {
  const installed = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  const npmCli = findNpmCli();
  if (!npmCli) {
    console.error(`${tag} node_modules is missing and npm was not found: run \`npm ci\` in ${root} first`);
    process.exit(1);
  }
  const started = Date.now();
  console.log(`${tag} node_modules is ${existsSync(installed) ? 'older than package-lock.json' : 'missing'}: running npm ci…`);
  // A clean npm environment: when we run under `npm test`, the outer npm's settings must not steer it.
  const result = spawnSync(process.execPath, [npmCli, 'ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: innerNpmEnv(process.env, join(process.execPath, '..')),
  });
  if (result.status !== 0) {
    console.error(`${tag} npm ci failed (${result.error?.message ?? `exit ${result.status}`}); fix the error above and run it again`);
    process.exit(1);
  }
  console.log(`${tag} npm ci: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
