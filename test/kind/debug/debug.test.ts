// Debug as Component on a real kind cluster: the run's pod starts examples/prepare_features.py under
// debugpy, Kindling's port-forward (client-node, through the API server) carries DAP to it, and this
// test speaks DAP as VS Code does. The expected values come from running the same file with this
// machine's Python, not from constants.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { DEBUGPY_MISSING_MARKER, DEBUG_LABEL, stagedDebugpyRelativePath } from '../../../src/core/component';
import { DebugRunError, ensureCachedDebugpy, stageDebugpy, stopDebugRun } from '../../../src/kube/debug';
import { repoRoot } from '../../../testenv/kind/env.mjs';
import { attachAndPause, locals, startDebugFile } from '../helpers/debugFile';
import { kindlingCluster, type KindlingCluster } from '../helpers/kindlingCluster';
import { loadTestConfig, makeProject, testProjectConfig } from '../helpers/runFile';

const exec = promisify(execFile);
const ARGS = ['--input', 'data/clicks.csv', '--output', '/tmp/features.csv'];
const source = readFileSync(path.join(repoRoot, 'examples', 'prepare_features.py'), 'utf8').split('\n');
/** The line after the loop: `print(f"wrote {kept} users …")`, where `kept` holds the final count. */
const PRINT_LINE = source.findIndex((l) => l.includes('print(f"wrote {kept} users')) + 1;
/** Inside the loop: `kept += 1`. */
const KEPT_LINE = source.findIndex((l) => l.trim() === 'kept += 1') + 1;

let cluster: KindlingCluster;
let project: string;
let file: string;
let expectedKept: number;
let expectedLine: string;

async function gone(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

async function podDeleted(namespace: string, name: string, timeoutMs: number): Promise<boolean> {
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await core.readNamespacedPod({ name, namespace });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return true;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

describe('Debug as Component on the Kindling kind cluster', { concurrency: 1 }, () => {
  before(async () => {
    assert.ok(PRINT_LINE > 0 && KEPT_LINE > 0, 'prepare_features.py still has the lines this test stops at');
    cluster = await kindlingCluster();
    project = makeProject(cluster, `debug-${process.pid}`, testProjectConfig(cluster.kind.runtimeImage));
    file = path.join(project, 'prepare_features.py');
    // What a plain run prints, from this machine's Python (the script needs the standard library only).
    const scratch = mkdtempSync(path.join(tmpdir(), 'kindling-debug-expect-'));
    const { stdout } = await exec('python3', [file, '--input', path.join(project, 'data', 'clicks.csv'), '--output', path.join(scratch, 'f.csv')]);
    // The pod writes to /tmp/features.csv (ARGS); the line names the output file.
    expectedLine = stdout.trim().replace(path.join(scratch, 'f.csv'), '/tmp/features.csv');
    expectedKept = Number(expectedLine.match(/wrote (\d+) users/)?.[1]);
    assert.ok(expectedKept > 0, `unexpected output: ${expectedLine}`);
  });

  test('breakpoint on a line of prepare_features.py: stopped there, the local file in the stack, a local with its value; continue → Succeeded with the normal output', async () => {
    const config = loadTestConfig(project, readFileSync(path.join(project, 'kindling.yaml'), 'utf8'));
    const start = await startDebugFile(cluster, file, config, { args: ARGS });
    const wf = start.manifests.resource as { metadata: { labels: Record<string, string> } };
    assert.equal(wf.metadata.labels[DEBUG_LABEL], 'true');
    const target = await start.run.ready;
    const paused = await attachAndPause(target.forward.port, file, PRINT_LINE);
    try {
      assert.equal(paused.stopped.body?.reason, 'breakpoint');
      assert.equal(paused.frame.line, PRINT_LINE);
      // Path mapping: debugpy reports the pod's /workspace/prepare_features.py as the local file.
      assert.equal(paused.frame.path, file);
      assert.equal(paused.frame.name, 'main');
      assert.equal(paused.breakpoints[0]?.verified, true);
      const vars = await locals(paused.dap, paused.frame.id);
      assert.equal(vars.get('kept'), String(expectedKept));
      assert.equal(vars.get('args')?.includes("min_events=3"), true, `args: ${vars.get('args')}`);
      process.stderr.write(`[debug] command → paused at line ${PRINT_LINE}: ${paused.stoppedAt - start.invokedAt} ms\n`);
      await paused.dap.request('continue', { threadId: paused.threadId });
      const final = await start.run.started.watch.done;
      await start.follower.finish();
      assert.equal(final.status.phase, 'Succeeded', final.status.message);
      assert.ok(start.output().includes(expectedLine), `the pod printed:\n${start.output()}`);
      assert.match(start.output(), /kindling: debugpy \d+\.\d+\.\d+ waiting for the debugger on port 5678/);
    } finally {
      paused.dap.close();
    }
    // The forward closed with the run.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await gone(target.forward.port), true, 'nothing listens on the forwarded port after the run');
  });

  test('Stop while paused ends the pod (and the run), and closes the port-forward', async () => {
    const config = loadTestConfig(project, readFileSync(path.join(project, 'kindling.yaml'), 'utf8'));
    const start = await startDebugFile(cluster, file, config, { args: ARGS });
    const target = await start.run.ready;
    const paused = await attachAndPause(target.forward.port, file, KEPT_LINE);
    assert.equal(paused.frame.line, KEPT_LINE);
    const vars = await locals(paused.dap, paused.frame.id);
    assert.equal(vars.get('kept'), '0', 'first pass through the loop');
    const t0 = Date.now();
    await stopDebugRun(cluster.kc, start.run.started, target.pod);
    const final = await start.run.started.watch.done;
    paused.dap.close();
    assert.notEqual(final.status.phase, 'Succeeded');
    assert.equal(await podDeleted(start.manifests.namespace, target.pod, 30_000), true, 'the paused pod is deleted');
    process.stderr.write(`[debug] stop → run ended in ${Date.now() - t0} ms (${final.status.phase}: ${final.status.message})\n`);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await gone(target.forward.port), true);
    assert.ok(!start.output().includes('wrote '), 'the script never got past the breakpoint');
  });

  test('an image without debugpy: the pod says so (exit 86), Kindling reports it; a staged debugpy (pip here, mounted, no rebuild) then debugs the same image', async () => {
    // A real image without debugpy: Debian's python3 on the test environment's Debian base.
    const plain = `${cluster.registry}/kindling-plain-python:bookworm`;
    const ctx = mkdtempSync(path.join(tmpdir(), 'kindling-plain-python-'));
    writeFileSync(path.join(ctx, 'Dockerfile'), readFileSync(path.join(repoRoot, 'test', 'kind', 'debug', 'plain-python.Dockerfile')));
    const debian = (JSON.parse(readFileSync(path.join(repoRoot, 'testenv', 'kind', 'versions.json'), 'utf8')) as { debian: string }).debian;
    // --network host, as testenv/kind/build.mjs builds: apt reaches the Debian mirror without the bridge's NAT.
    await cluster.docker('build', '-q', '--network', 'host', '--build-arg', `BASE=kindling-testenv/debian:${debian}`, '-t', plain, ctx);
    await cluster.docker('push', plain);
    const text = testProjectConfig(plain);
    const dir = makeProject(cluster, `debug-plain-${process.pid}`, text);
    const plainFile = path.join(dir, 'prepare_features.py');
    const config = loadTestConfig(dir, text);

    const missing = await startDebugFile(cluster, plainFile, config, { args: ARGS });
    await assert.rejects(missing.run.ready, (err: unknown) => {
      assert.ok(err instanceof DebugRunError, String(err));
      assert.equal(err.reason, 'debugpy-missing');
      assert.match(err.message, /has no debugpy/);
      return true;
    });
    await missing.follower.finish();
    assert.ok(missing.output().includes(DEBUGPY_MISSING_MARKER), `log: ${missing.output()}`);
    assert.equal((await missing.run.started.watch.done).status.phase, 'Failed');

    const cached = await ensureCachedDebugpy(path.join(tmpdir(), 'kindling-kind-debugpy-cache'));
    const relative = await stageDebugpy(cached, cluster.workspace);
    assert.equal(relative, stagedDebugpyRelativePath(cached.version));
    const start = await startDebugFile(cluster, plainFile, config, { args: ARGS, debugpyNodePath: `${cluster.nodeWorkspacePath}/${relative}` });
    const target = await start.run.ready;
    const paused = await attachAndPause(target.forward.port, plainFile, PRINT_LINE);
    try {
      assert.equal(paused.frame.line, PRINT_LINE);
      assert.equal(paused.frame.path, plainFile);
      assert.equal((await locals(paused.dap, paused.frame.id)).get('kept'), String(expectedKept));
      await paused.dap.request('continue', { threadId: paused.threadId });
      const final = await start.run.started.watch.done;
      await start.follower.finish();
      assert.equal(final.status.phase, 'Succeeded', final.status.message);
      assert.ok(start.output().includes(`debugpy ${cached.version} waiting`), start.output());
      assert.ok(start.output().includes(expectedLine));
    } finally {
      paused.dap.close();
    }
  });

  test('a pod that cannot be scheduled: a plain-words Pending error after the timeout, nothing forwarded', async () => {
    const text = testProjectConfig(cluster.kind.runtimeImage, { resources: { requests: { cpu: '500' } } });
    const dir = makeProject(cluster, `debug-pending-${process.pid}`, text);
    const start = await startDebugFile(cluster, path.join(dir, 'prepare_features.py'), loadTestConfig(dir, text), { args: ARGS, pendingTimeoutMs: 8_000 });
    await assert.rejects(start.run.ready, (err: unknown) => {
      assert.ok(err instanceof DebugRunError, String(err));
      assert.equal(err.reason, 'pending');
      assert.match(err.message, /still Pending after 8 s/);
      return true;
    });
    await stopDebugRun(cluster.kc, start.run.started);
    const final = await start.run.started.watch.done;
    assert.notEqual(final.status.phase, 'Succeeded');
  });
});
