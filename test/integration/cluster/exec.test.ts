// The CLI runner every kind/docker/helm call goes through: timeouts, cancellation and a missing
// program must each end the call promptly with a clear description.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFailure, run } from '../../../src/kube/cluster/exec';

test('a program that overruns its timeout is stopped and reported as timed out', async () => {
  const started = Date.now();
  const result = await run(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300 });
  assert.equal(result.timedOut, true);
  assert.ok(Date.now() - started < 10_000);
  assert.equal(describeFailure('node', result), 'node did not finish in time');
});

test('an AbortSignal stops a running program', async () => {
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 200);
  const result = await run(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { signal: abort.signal });
  assert.equal(result.aborted, true);
  assert.equal(describeFailure('node', result), 'node was cancelled');
});

test('a missing program is reported as not found, not as a crash', async () => {
  const result = await run('kindling-no-such-program', ['version']);
  assert.equal(result.spawnError?.code, 'ENOENT');
  assert.equal(describeFailure('kind', result), 'kind could not be started: not found');
});

test('stdin, stdout, stderr and line streaming', async () => {
  const lines: string[] = [];
  const result = await run(process.execPath, ['-e', 'process.stdin.pipe(process.stdout); console.error("warn: x")'], { input: 'hello\nworld\n', onLine: (l) => lines.push(l) });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'hello\nworld\n');
  assert.match(result.stderr, /warn: x/);
  assert.deepEqual([...lines].sort(), ['hello', 'warn: x', 'world']);
});
