// kind tier: Kindling's own create / restart / delete code on a real kind cluster, in the test
// environment's own Docker engine (testenv/kind: our dockerd, the node image and the add-on images
// built here). Starts the engine and builds what is missing (a cold build takes a while, with
// progress on stderr), runs test/kind/**/*.test.ts one file at a time, and stops the engine again
// only if this run started it (stopKindTestEnv deletes the kind clusters left in it first).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTests, runNodeTests } from '../../scripts/lib/nodeTest.mjs';
import { ensureKindTestEnv, stopKindTestEnv } from '../../testenv/kind/env.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// KINDLING_TEST_ONLY=<substring> runs the files whose path contains it (to rerun one while working).
const only = process.env.KINDLING_TEST_ONLY;
const files = findTests(join(root, 'test', 'kind')).filter((f) => !only || f.includes(only));
if (!files.length) {
  console.log('[kind] no tests');
  process.exit(0);
}

const started = Date.now();
try {
  await ensureKindTestEnv();
} catch (error) {
  console.error(`[kind] the kind test environment could not be prepared: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`[kind] test environment ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

let code = 1;
try {
  // One file at a time: they share one engine, and the failure tests stop it.
  code = runNodeTests(files, { tapFile: process.env.KINDLING_TAP_FILE, concurrency: 1 });
} finally {
  await stopKindTestEnv();
}
process.exit(code);
