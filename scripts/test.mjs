// Runs the test tiers: `node scripts/test.mjs [unit|corpus|argo-validate|integration|kind|e2e]...` (no argument: all tiers).
// Unit tests are plain `node --test` over TypeScript (tsx loader). A tier with its own set-up
// (integration needs the real control plane, kind the test engine's real kind cluster, e2e needs
// code-server) has test/<tier>/run.mjs, which receives KINDLING_TAP_FILE and must write node's TAP
// report there.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/ensureDependencies.mjs';
import { findTests, readTapCounts, runNodeTests } from './lib/nodeTest.mjs';

ensureDependencies(join(dirname(fileURLToPath(import.meta.url)), '..'), '[test]');

const tiers = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'corpus', 'argo-validate', 'integration', 'kind', 'e2e'];
const summary = [];
const total = { pass: 0, fail: 0, skipped: 0 };
let failed = false;

for (const tier of tiers) {
  const started = Date.now();
  const tapFile = join('test-results', `${tier}.tap`);
  rmSync(tapFile, { force: true });
  const custom = join('test', tier, 'run.mjs');
  let code;
  console.log(`\n[test] ── ${tier} tier ──`);
  if (existsSync(custom)) {
    code = spawnSync(process.execPath, [custom], { stdio: 'inherit', env: { ...process.env, KINDLING_TAP_FILE: tapFile } }).status ?? 1;
  } else {
    const files = findTests(join('test', tier));
    if (!files.length) {
      console.log(`[test] ${tier}: no tests`);
      continue;
    }
    code = runNodeTests(files, { tapFile });
  }
  const counts = readTapCounts(tapFile);
  for (const key of Object.keys(total)) total[key] += counts[key];
  if (code !== 0 && counts.fail === 0) total.fail += 1; // a tier that died before reporting still fails
  summary.push(`${tier}: ${code === 0 ? 'ok' : 'FAILED'} (${counts.pass} passed, ${counts.fail} failed) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (code !== 0) failed = true;
}
console.log('\n[test] ' + summary.join('\n[test] '));
console.log(`${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped`);
process.exit(failed ? 1 : 0);
