import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentRun } from '../../../src/extension/dag/documentRun';
import { syntheticFanOutRun } from '../../fixtures/runs/syntheticRun';

test('a running fan-out: the graph is sent again only when nodes come, fail, or the run\'s phase changes', () => {
  const running = syntheticFanOutRun({ name: 'fan', namespace: 'ml', width: 50, running: [10, 11, 12] });
  const run = new DocumentRun({ kind: 'Workflow', object: running });
  const first = run.build();
  assert.equal(first.info.runId, 'workflow/ml/fan');
  assert.equal(first.info.phase, 'running');
  assert.equal(first.status.runId, 'workflow/ml/fan');
  assert.equal(first.result.graphs.length, 1);
  assert.equal(run.build(), first, 'built once per object');

  // The same nodes in the same phases, as a new object (a watch event that changed something else).
  run.update(structuredClone(running));
  assert.equal(run.build().shape, first.shape);

  // One running item succeeds: statuses change, the graph does not need to be sent again.
  const oneDone = structuredClone(running) as { status: { nodes: Record<string, { displayName?: string; phase?: string }> } };
  const item = Object.values(oneDone.status.nodes).find((n) => n.displayName?.startsWith('score(10:'));
  assert.ok(item);
  item.phase = 'Succeeded';
  run.update(oneDone);
  const afterSuccess = run.build();
  assert.equal(afterSuccess.shape, first.shape);
  assert.notDeepEqual(afterSuccess.status.statuses, first.status.statuses);

  // A failure: its message belongs in the graph the panel shows without hovering.
  const failedItem = Object.values(oneDone.status.nodes).find((n) => n.displayName?.startsWith('score(11:'));
  assert.ok(failedItem);
  failedItem.phase = 'Failed';
  run.update(structuredClone(oneDone));
  assert.notEqual(run.build().shape, first.shape);

  // The run ends: phase and the rest of the nodes (aggregate, exit handler) arrive.
  const ended = syntheticFanOutRun({ name: 'fan', namespace: 'ml', width: 50, failing: [11] });
  run.update(ended);
  const last = run.build();
  assert.equal(last.info.phase, 'failed');
  assert.notEqual(last.shape, afterSuccess.shape);
  assert.ok(last.result.graphs[0]!.nodes.length > first.result.graphs[0]!.nodes.length);
});

test('offloaded nodes: no graph, the plain reason in RunViewInfo.unavailable', () => {
  const run = new DocumentRun({ kind: 'Workflow', object: { metadata: { name: 'big', namespace: 'ml' }, status: { phase: 'Running', offloadNodeStatusVersion: 'fnv-1' } } });
  const built = run.build();
  assert.deepEqual(built.result.graphs, []);
  assert.equal(built.info.phase, 'running');
  assert.match(built.info.unavailable ?? '', /offloaded to Argo's database/);
});

test('a SparkApplication: driver and executors, its runId and error message', () => {
  const run = new DocumentRun({
    kind: 'SparkApplication',
    object: { metadata: { name: 'etl', namespace: 'ml' }, status: { applicationState: { state: 'FAILED', errorMessage: 'driver pod failed' }, driverInfo: { podName: 'etl-driver' }, executorState: { 'etl-exec-1': 'FAILED' } } },
  });
  const built = run.build();
  assert.equal(built.info.runId, 'sparkapplication/ml/etl');
  assert.equal(built.info.message, 'driver pod failed');
  assert.deepEqual(built.result.graphs[0]?.nodes.map((n) => n.id), ['driver', 'executor:etl-exec-1']);
  assert.equal(built.status.statuses['executor:etl-exec-1'], 'failed');
});

test('status() without a graph build: the same statuses and fingerprint as build(), and it follows what build() would re-send', () => {
  const running = syntheticFanOutRun({ name: 'fan', namespace: 'ml', width: 50, running: [10, 11, 12] });
  const run = new DocumentRun({ kind: 'Workflow', object: running });
  const quick = run.status();
  const built = new DocumentRun({ kind: 'Workflow', object: running }).build();
  assert.deepEqual(quick.status, built.status);
  assert.equal(quick.shape, built.shape);

  const next = structuredClone(running) as { status: { nodes: Record<string, { displayName?: string; phase?: string }> } };
  const item = Object.values(next.status.nodes).find((n) => n.displayName?.startsWith('score(10:'));
  assert.ok(item);
  item.phase = 'Succeeded';
  run.update(next);
  assert.equal(run.status().shape, quick.shape, 'a phase change alone keeps the shape');
  assert.equal(run.status().status.statuses[Object.keys(next.status.nodes).find((id) => next.status.nodes[id] === item)!], 'succeeded');
  item.phase = 'Failed';
  run.update(structuredClone(next));
  assert.notEqual(run.status().shape, quick.shape, 'a failure changes it');
  assert.equal(run.status().shape, run.build().shape);
  run.update(syntheticFanOutRun({ name: 'fan', namespace: 'ml', width: 50, failing: [11] }));
  assert.notEqual(run.status().shape, quick.shape, 'new nodes change it');
});
