// E2E tier: real VS Code (code-server) driven through Debian's chromium by playwright-core.
// Installs the harness when it is not cached yet (scripts/harness.mjs), packages the extension when
// the .vsix is missing or older than its sources, then runs test/e2e/**/*.test.ts one file at a time
// (each starts its own code-server). Promote tests use the shared test environment's control planes, so the tier brings
// them up when they are down and leaves them as found (scripts/lib/testenvSession.mjs); the tests on
// real containers use the test Docker engine, which the tier holds the same way (testenv/kind/env.mjs).
// The TAP report goes to $KINDLING_TAP_FILE (scripts/test.mjs adds it up).
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFreshVsix, ensureHarness, vsixPath } from '../../scripts/harness.mjs';
import { findTests, runNodeTests } from '../../scripts/lib/nodeTest.mjs';
import { useTestenv } from '../../scripts/lib/testenvSession.mjs';
import { ensureKindTestEnv, stopKindTestEnv } from '../../testenv/kind/env.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const started = Date.now();

// KINDLING_TEST_ONLY=<substring> runs the files whose path contains it (to rerun one while working).
const only = process.env.KINDLING_TEST_ONLY;
const files = findTests(join(root, 'test', 'e2e')).filter((f) => !only || f.includes(only));
if (!files.length) {
  console.log('[e2e] no tests');
  process.exit(0);
}

try {
  const harness = await ensureHarness();
  console.log(`[e2e] code-server ${harness.codeServerVersion} (VS Code ${harness.vscodeVersion}, Node ${harness.nodeVersion}) from ${harness.dir}`);
} catch (error) {
  console.error(`[e2e] cannot install the code-server harness: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const vsix = process.env.KINDLING_E2E_VSIX || vsixPath();
if (process.env.KINDLING_E2E_VSIX) {
  if (!existsSync(vsix)) {
    console.error(`[e2e] KINDLING_E2E_VSIX=${vsix} does not exist`);
    process.exit(1);
  }
  console.log(`[e2e] testing ${vsix} (KINDLING_E2E_VSIX)`);
} else {
  // The tier tests what users install: packaged again when the .vsix is missing or older than its sources.
  try {
    const packagedBecause = ensureFreshVsix(vsix);
    console.log(packagedBecause ? `[e2e] packaged the extension (${packagedBecause})` : `[e2e] testing ${vsix}, packaged ${Math.round((Date.now() - statSync(vsix).mtimeMs) / 60_000)} min ago`);
  } catch (error) {
    console.error(`[e2e] packaging failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

const release = useTestenv('e2e');
if (!release) process.exit(1);
// Several files use the test environment's Docker engine and the shared Kindling kind cluster (Create
// Local Cluster, Run and Debug as Component, Promote This Run). The tier holds the engine for all of
// them, so one file's clean-up does not stop it under the next, and stops it at the end only if it
// started it (deleting the kind clusters made in it).
try {
  await ensureKindTestEnv();
} catch (error) {
  release();
  console.error(`[e2e] the kind test environment could not be prepared: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
let code;
try {
  code = runNodeTests(files, { tapFile: process.env.KINDLING_TAP_FILE, concurrency: 1, timeoutMs: 300_000 });
} finally {
  release();
  await stopKindTestEnv();
}
console.log(`[e2e] ${files.length} file(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(code);
