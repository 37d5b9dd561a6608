import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { PipelineGraph } from '../../../src/core/model/pipelineGraph';
import { parsePipeline } from '../../../src/core/pipeline';
import { combineStatuses, mapSparkStatus, mapWorkflowStatus, type WorkflowLike } from '../../../src/core/pipelineRun';

const fixtures = path.join(__dirname, 'fixtures');

function graphOf(text: string, fileName = 'wf.yaml'): PipelineGraph {
  const result = parsePipeline(text, { fileName });
  assert.equal(result.graphs.length, 1, JSON.stringify(result.diagnostics));
  return result.graphs[0];
}

/** The real controller's finished run of dag-shape.yaml (train failed, after omitted). */
const finished = JSON.parse(readFileSync(path.join(fixtures, 'dag-shape.status.json'), 'utf8')) as WorkflowLike;
const shapeGraph = graphOf(readFileSync(path.join(fixtures, 'dag-shape.yaml'), 'utf8'));

function byId(graph: PipelineGraph, statuses: Record<string, string>): Record<string, string> {
  return Object.fromEntries(graph.nodes.map((n) => [n.id, statuses[n.statusKey ?? n.id]]));
}

test('a finished real run colours every node: tasks, loop items, steps inside a group, exit handler', () => {
  const snap = mapWorkflowStatus(shapeGraph, finished);
  assert.equal(snap.phase, 'failed');
  assert.equal(snap.runId, `workflow/kindling/${finished.metadata?.name}`);
  assert.deepEqual(byId(shapeGraph, snap.statuses), {
    prepare: 'succeeded',
    shards: 'succeeded',
    'shards(0)': 'succeeded',
    'shards(1)': 'succeeded',
    inner: 'succeeded',
    'inner/s1': 'succeeded',
    train: 'failed',
    after: 'omitted',
    // The exit-handler group has no Argo node of its own: it takes its member's status.
    onExit: 'succeeded',
    'onExit/cleanup': 'succeeded',
  });
});

test('mid-run: nodes not reached yet are pending, a group with a running member is running', () => {
  const wf = structuredClone(finished);
  const nodes = wf.status?.nodes ?? {};
  wf.status!.phase = 'Running';
  for (const [id, n] of Object.entries(nodes)) {
    const key = n.name?.slice(wf.metadata!.name!.length);
    if (key === '.train' || key === '.after' || key === '.onExit') delete nodes[id];
    if (key === '.shards(1:us)' || key === '.shards') n.phase = 'Running';
  }
  const s = byId(shapeGraph, mapWorkflowStatus(shapeGraph, wf).statuses);
  assert.equal(s.prepare, 'succeeded');
  assert.equal(s['shards(0)'], 'succeeded');
  assert.equal(s['shards(1)'], 'running');
  assert.equal(s.shards, 'running');
  assert.equal(s.train, 'pending');
  assert.equal(s.after, 'pending');
  assert.equal(s['onExit/cleanup'], 'pending');
  assert.equal(s.onExit, 'pending');
});

test('a Workflow just created (no status yet) is pending everywhere', () => {
  const snap = mapWorkflowStatus(shapeGraph, { metadata: { name: 'shape-x', namespace: 'ns' } });
  assert.equal(snap.phase, 'pending');
  assert.ok(Object.values(snap.statuses).every((s) => s === 'pending'));
  assert.equal(Object.keys(snap.statuses).length, shapeGraph.nodes.length);
});

test('steps templates, Error and Skipped phases, and a withParam fan-out combining its iterations', () => {
  const graph = graphOf(`apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: st- }
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - { name: a, template: t }
        - - { name: b, template: t, when: "false" }
          - { name: fan, template: t, withParam: "{{steps.a.outputs.result}}" }
    - name: t
      container: { image: busybox }
`);
  const wf: WorkflowLike = {
    metadata: { name: 'st-abc', namespace: 'ns' },
    status: {
      phase: 'Error',
      nodes: {
        r: { name: 'st-abc', type: 'Steps', phase: 'Error' },
        a: { name: 'st-abc[0].a', type: 'Pod', phase: 'Succeeded' },
        b: { name: 'st-abc[1].b', type: 'Skipped', phase: 'Skipped' },
        f: { name: 'st-abc[1].fan', type: 'TaskGroup', phase: 'Error' },
        f0: { name: 'st-abc[1].fan(0:x)', type: 'Pod', phase: 'Succeeded' },
        f1: { name: 'st-abc[1].fan(1:y)', type: 'Pod', phase: 'Error' },
      },
    },
  };
  const statuses = mapWorkflowStatus(graph, wf).statuses;
  const s = byId(graph, statuses);
  assert.equal(s.a, 'succeeded', JSON.stringify(graph.nodes.map((n) => [n.id, n.statusKey])));
  assert.equal(s.b, 'skipped');
  const member = graph.nodes.find((n) => n.statusKey?.endsWith('(*)'));
  assert.ok(member, 'the parser draws one representative member for withParam');
  assert.equal(statuses[member.statusKey!], 'error');
  assert.equal(mapWorkflowStatus(graph, wf).phase, 'error');
});

test('a status node of another workflow (name not a prefix) is ignored', () => {
  const snap = mapWorkflowStatus(shapeGraph, { metadata: { name: 'shape-x' }, status: { phase: 'Running', nodes: { n: { name: 'other.prepare', phase: 'Failed' } } } });
  assert.equal(byId(shapeGraph, snap.statuses).prepare, 'pending');
});

test('combineStatuses: running wins, then error/failed; pending with some done is running; all skipped is skipped', () => {
  assert.equal(combineStatuses([]), undefined);
  assert.equal(combineStatuses(['succeeded', 'running', 'failed']), 'running');
  assert.equal(combineStatuses(['succeeded', 'failed']), 'failed');
  assert.equal(combineStatuses(['failed', 'error']), 'error');
  assert.equal(combineStatuses(['succeeded', 'pending']), 'running');
  assert.equal(combineStatuses(['pending', 'pending']), 'pending');
  assert.equal(combineStatuses(['skipped', 'skipped']), 'skipped');
  assert.equal(combineStatuses(['skipped', 'omitted']), 'omitted');
  assert.equal(combineStatuses(['skipped', 'succeeded']), 'succeeded');
});

test('SparkApplication: the application state colours the driver, executor states the executors', () => {
  const graph = graphOf(readFileSync(path.join(__dirname, '../../../examples/pipelines/spark-train.yaml'), 'utf8'), 'spark-train.yaml');
  const driver = graph.nodes.find((n) => n.kind === 'spark-driver')!;
  const executors = graph.nodes.find((n) => n.kind === 'spark-executor')!;
  const at = (state: string, executorState?: Record<string, string>) =>
    mapSparkStatus(graph, { metadata: { name: 'ctr-train-ab12c', namespace: 'ns' }, status: { applicationState: { state }, executorState } });
  const submitted = at('SUBMITTED');
  assert.equal(submitted.statuses[driver.statusKey ?? driver.id], 'pending');
  assert.equal(submitted.statuses[executors.statusKey ?? executors.id], 'pending');
  assert.equal(submitted.runId, 'sparkapplication/ns/ctr-train-ab12c');
  const running = at('RUNNING', { 'x-exec-1': 'RUNNING', 'x-exec-2': 'PENDING' });
  assert.equal(running.statuses[driver.statusKey ?? driver.id], 'running');
  assert.equal(running.statuses[executors.statusKey ?? executors.id], 'running');
  const done = at('COMPLETED');
  assert.equal(done.phase, 'succeeded');
  assert.equal(done.statuses[driver.statusKey ?? driver.id], 'succeeded');
  assert.equal(done.statuses[executors.statusKey ?? executors.id], undefined, 'no executor report: not coloured');
  const failed = at('SUBMISSION_FAILED', { e: 'FAILED' });
  assert.equal(failed.statuses[driver.statusKey ?? driver.id], 'failed');
  assert.equal(failed.statuses[executors.statusKey ?? executors.id], 'failed');
});
