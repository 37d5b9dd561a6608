/**
 * Live run logs through the product's own code (src/kube/runs: prepareComponent → startComponent →
 * RunLogFollower, as the Run as Component command wires them) against the real API server, which
 * proxies `pods/log` to KWOK's kubelet server. The test writes the container's log lines itself
 * (helpers/containerLogs.ts), so it decides when each line is "printed" and can check that it arrives
 * while the pod is still running.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import { ensureRunIdentity, prepareComponent, RunLogFollower, runServiceAccounts, startComponent, type PodInfo, type StartedRun } from '../../../src/kube/runs';
import { useContainerLogs } from '../helpers/containerLogs';
import { getCluster, restartComponent, useNamespace, waitFor } from '../helpers/testCluster';

const local = getCluster('local');
const root = process.cwd();

async function setup(t: Parameters<typeof useNamespace>[0], prefix: string): Promise<{ ns: string; config: KindlingConfig }> {
  const ns = await useNamespace(t, local, prefix);
  const { config, errors } = loadConfig(`version: 1\nimages:\n  default: localhost:5001/ml-pipelines:0.4.2\nnamespace: ${ns}\n`);
  assert.deepEqual(errors, []);
  assert.ok(config);
  const ids = runServiceAccounts(config);
  await ensureRunIdentity(local.kc, ids.namespace, ids.serviceAccounts);
  return { ns, config };
}

/** What the follower delivered, each line with the pod's phase at the moment it arrived. */
class RecordingSink {
  readonly lines: { pod: string; text: string; podPhase: string; runFinished: boolean }[] = [];
  readonly notes: string[] = [];
  podPhase = 'Pending';
  runFinished = false;
  data(pod: string, text: string): void {
    this.lines.push({ pod, text, podPhase: this.podPhase, runFinished: this.runFinished });
  }
  note(text: string): void {
    this.notes.push(text);
  }
  texts(): string[] {
    return this.lines.map((l) => l.text);
  }
}

/** Runs examples/evaluate.sh as a component with the product's run code, its logs followed like the extension does. */
async function runWithLogs(t: Parameters<typeof useNamespace>[0], config: KindlingConfig, podAnnotations: Record<string, string>, sink: RecordingSink, drainMs = 1000) {
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/evaluate.sh'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'configMap' },
    kindlingVersion: '0.1.0-test',
    podAnnotations,
  });
  const follower = new RunLogFollower(local.kc, config.namespace ?? '', sink, { drainMs, retryMs: 500 });
  const onPod = (p: PodInfo): void => {
    sink.podPhase = p.phase;
    follower.onPod(p);
  };
  const run: StartedRun = await startComponent(local.kc, manifests, { invokedAt: Date.now(), onPod });
  t.after(() => {
    run.watch.stop();
    follower.stop();
  });
  void run.watch.done.then(() => (sink.runFinished = true));
  return { manifests, run, follower };
}

function timeout(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms).unref());
}

test('a running component\'s log lines stream live through the API server, and the stream ends when the pod finishes', async (t) => {
  const { ns, config } = await setup(t, 'run-logs');
  const log = await useContainerLogs(t, local, ns);
  log.line('written before the pod started');
  const sink = new RecordingSink();
  // The pod stays Running for 12 s (KWOK stage delay), long enough to print lines one by one.
  const { run, follower } = await runWithLogs(t, config, { 'pod-complete.stage.kwok.x-k8s.io/delay': '12s' }, sink);

  await waitFor(async () => (sink.lines.length >= 1 ? true : undefined), { timeoutMs: 60_000, what: 'the first log line' });
  assert.deepEqual(sink.texts(), ['written before the pod started\n']);
  for (let i = 1; i <= 3; i++) {
    log.line(`epoch ${i} loss=0.${9 - i}`);
    await waitFor(async () => (sink.lines.length > i ? true : undefined), { timeoutMs: 5000, intervalMs: 20, what: `log line ${i}` });
    const got = sink.lines[i];
    assert.equal(got.text, `epoch ${i} loss=0.${9 - i}\n`);
    // Live: the line arrived while the pod ran, not from a read after the end.
    assert.equal(got.podPhase, 'Running');
    assert.equal(got.runFinished, false);
  }
  const final = await Promise.race([run.watch.done, timeout(90_000, 'the workflow to finish')]);
  assert.equal(final.status.phase, 'Succeeded', JSON.stringify(final.status));
  // Nobody stops the follower: its stream must end by itself once the pod has finished (drain time 1 s).
  await Promise.race([follower.settled(), timeout(15_000, 'the log stream to end after the pod finished')]);
  assert.equal(sink.texts().length, 4, JSON.stringify(sink.texts()));
  assert.ok(sink.notes.length === 1 && /^── .+ \(main\) ──$/.test(sink.notes[0]), JSON.stringify(sink.notes));
});

test('a pod whose container has no log gives one clear note, not an error dump', async (t) => {
  const { ns, config } = await setup(t, 'run-nolog');
  // Logs exist for another container only: kwok answers like a node without this container's log.
  await useContainerLogs(t, local, ns, ['sidecar']);
  const sink = new RecordingSink();
  const { run, follower } = await runWithLogs(t, config, {}, sink);
  const final = await Promise.race([run.watch.done, timeout(90_000, 'the workflow to finish')]);
  assert.equal(final.status.phase, 'Succeeded');
  await Promise.race([follower.finish(), timeout(15_000, 'the follower to finish')]);
  assert.deepEqual(sink.lines, []);
  const problem = sink.notes.filter((n) => !n.startsWith('──'));
  assert.equal(problem.length, 1, JSON.stringify(sink.notes));
  assert.match(problem[0], /^\(no log from \S+ \(main\): no logs found for container "main" in pod "[^"]+"\)$/);
  assert.doesNotMatch(problem[0], /HTTP-Code|Error occurred|\n\s+at /);
});

test('when the API server restarts mid-run the log stream reconnects and repeats no line', async (t) => {
  const { ns, config } = await setup(t, 'run-logs-restart');
  const log = await useContainerLogs(t, local, ns);
  const sink = new RecordingSink();
  const { run, follower } = await runWithLogs(t, config, { 'pod-complete.stage.kwok.x-k8s.io/delay': '40s' }, sink);
  log.line('before the restart');
  await waitFor(async () => (sink.lines.length >= 1 ? true : undefined), { timeoutMs: 60_000, what: 'the first log line' });
  restartComponent('local-apiserver', { kill: true });
  log.line('printed while the stream was down');
  await waitFor(async () => (sink.lines.length >= 2 ? true : undefined), { timeoutMs: 60_000, what: 'the line printed while the stream was down' });
  log.line('after the restart');
  await waitFor(async () => (sink.lines.length >= 3 ? true : undefined), { timeoutMs: 10_000, what: 'the line printed after the restart' });
  assert.deepEqual(sink.texts(), ['before the restart\n', 'printed while the stream was down\n', 'after the restart\n']);
  assert.ok(sink.lines.every((l) => l.podPhase === 'Running' && !l.runFinished));
  assert.ok(sink.notes.some((n) => /interrupted: .*; reconnecting/.test(n)), JSON.stringify(sink.notes));
  const final = await Promise.race([run.watch.done, timeout(120_000, 'the workflow to finish')]);
  assert.equal(final.status.phase, 'Succeeded', JSON.stringify(final.status));
  await Promise.race([follower.settled(), timeout(15_000, 'the log stream to end after the pod finished')]);
  assert.equal(sink.lines.length, 3);
});
