// Integration tier: real control planes (scripts/testenv.mjs). Brings the test environment up when it
// is not running (and says so), runs test/integration/**/*.test.ts one file at a time, and leaves the
// environment as it found it (scripts/lib/testenvSession.mjs).
// KINDLING_TESTENV_KEEP=1 keeps an environment this run started.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTests, runNodeTests } from '../../scripts/lib/nodeTest.mjs';
import { useTestenv } from '../../scripts/lib/testenvSession.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// KINDLING_TEST_ONLY=<substring> runs the files whose path contains it (to rerun one while working).
const only = process.env.KINDLING_TEST_ONLY;
const files = findTests(join(root, 'test', 'integration')).filter((f) => !only || f.includes(only));
if (!files.length) {
  console.log('[integration] no tests');
  process.exit(0);
}

const release = useTestenv('integration');
if (!release) process.exit(1);

let code;
try {
  code = runNodeTests(files, { tapFile: process.env.KINDLING_TAP_FILE, concurrency: 1 });
} finally {
  release();
}
process.exit(code);
