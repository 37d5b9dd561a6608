import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { listDocuments } from '../../../src/core/pipelineRun';
import { formatDuration, parseRunId, renderNodeDetails, sparkNodeDetails, workflowNodeDetails, type NodeDetailsModel } from '../../../src/core/pipelineRun/nodeDetails';
import { documentOfRun } from '../../../src/core/pipelineRun/runDocument';
import { SPARK_DRIVER_NODE, sparkExecutorNodeId, sparkRunGraph } from '../../../src/core/pipelineRun/sparkRunGraph';

/** A real controller's finished run (retry, fan-out with two failing items, steps, exit handler). */
const wf = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'retry-shape.workflow.json'), 'utf8')) as unknown;

function model(nodeId: string): NodeDetailsModel {
  const m = workflowNodeDetails(wf, nodeId, Date.parse('2026-12-05T03:00:00Z'));
  assert.ok(!('missing' in m), JSON.stringify(m));
  return m;
}

test('a failed fan-out item: phase, times, message, exit code, input parameter and its pod', () => {
  const m = model('retry-shape-2610375087');
  const facts = Object.fromEntries(m.facts);
  assert.equal(m.title, 'shard(1:fail:true,id:1)');
  assert.equal(facts.Phase, 'Failed');
  assert.equal(facts.Started, '2026-12-05 02:15:42 UTC');
  assert.equal(facts.Finished, '2026-12-05 02:15:44 UTC');
  assert.equal(facts.Duration, '2 s');
  assert.equal(facts.Message, 'Error (exit code 1)');
  assert.equal(facts['Exit code'], '1');
  assert.deepEqual(m.parameters, [{ direction: 'input', name: 'fail', value: 'true' }]);
  assert.match(facts.Pod ?? '', /^retry-shape-work-\d+$/);
  assert.equal(m.pods[0]?.name, facts.Pod);
  assert.equal(m.ended, true);
});

test('a retried node: its attempts are counted and the latest attempt\'s pod comes first', () => {
  const retry = model('retry-shape-4065049734');
  assert.equal(Object.fromEntries(retry.facts).Attempts, '2 (Failed, Failed)');
  assert.deepEqual(retry.pods.map((p) => p.role), ['attempt 2', 'attempt 1']);
  const second = model('retry-shape-2253193784');
  assert.equal(Object.fromEntries(second.facts).Attempts, 'attempt 2 of 2');
});

test('group nodes say they have no pod; unknown nodes and offloaded runs say why plainly', () => {
  const group = model('retry-shape-1848088691');
  assert.deepEqual(group.pods, []);
  assert.match(group.noPod ?? '', /TaskGroup nodes run no pod/);
  const missing = workflowNodeDetails(wf, 'nope');
  assert.ok('missing' in missing && /has no node nope/.test(missing.missing));
  const offloaded = workflowNodeDetails({ metadata: { name: 'big' }, status: { offloadNodeStatusVersion: 'abc' } }, 'x');
  assert.ok('missing' in offloaded && /offloaded to Argo's database/.test(offloaded.missing));
});

test('the Markdown: facts, parameters, the log in a fence that survives backticks, and notes', () => {
  const m = model('retry-shape-2610375087');
  const pod = m.pods[0]?.name ?? '';
  const text = renderNodeDetails(m, [{ pod, text: 'hello\n```not a fence\n' }]);
  assert.match(text, /^# shard\(1:fail:true,id:1\)\n/);
  assert.match(text, /\| Message \| Error \(exit code 1\) \|/);
  assert.match(text, /\| input \| fail \| true \|/);
  assert.match(text, new RegExp(`### pod: ${pod}\\n\\n\`\`\`\`text\\nhello\\n\`\`\`not a fence\\n\`\`\`\`\\n`));
  const noted = renderNodeDetails(m, [{ pod, text: '', note: 'Logs are not available: KWOK.' }]);
  assert.match(noted, /Logs are not available: KWOK\./);
  assert.doesNotMatch(noted, /no log lines yet/);
});

test('durations: finished, and running against now', () => {
  assert.equal(formatDuration('2026-12-05T02:00:00Z', '2026-12-05T02:01:12Z', 0), '1 m 12 s');
  assert.equal(formatDuration('2026-12-05T02:00:00Z', undefined, Date.parse('2026-12-05T02:00:05Z')), 'running for 5 s');
  assert.equal(formatDuration(undefined, undefined, 0), undefined);
});

test('run ids name the run', () => {
  assert.deepEqual(parseRunId('workflow/ml/refit-abcde'), { kind: 'Workflow', namespace: 'ml', name: 'refit-abcde' });
  assert.deepEqual(parseRunId('sparkapplication/ml/etl-x'), { kind: 'SparkApplication', namespace: 'ml', name: 'etl-x' });
  assert.equal(parseRunId('pod/ml/x'), undefined);
});

const app = {
  metadata: { name: 'etl-x1', namespace: 'ml' },
  status: {
    applicationState: { state: 'FAILED', errorMessage: 'driver container failed with ExitCode: 1' },
    driverInfo: { podName: 'etl-x1-driver' },
    executorState: { 'etl-x1-exec-2': 'FAILED', 'etl-x1-exec-10': 'COMPLETED', 'etl-x1-exec-1': 'COMPLETED' },
    lastSubmissionAttemptTime: '2026-12-05T02:00:00Z',
    terminationTime: '2026-12-05T02:00:30Z',
  },
};

test('a SparkApplication run view: the driver and its executors in number order', () => {
  const g = sparkRunGraph(app);
  assert.deepEqual(g.graph.nodes.map((n) => n.id), [SPARK_DRIVER_NODE, 'executor:etl-x1-exec-1', 'executor:etl-x1-exec-2', 'executor:etl-x1-exec-10']);
  assert.equal(g.phase, 'failed');
  assert.equal(g.statuses[sparkExecutorNodeId('etl-x1-exec-2')], 'failed');
  assert.deepEqual(g.failed, [SPARK_DRIVER_NODE, 'executor:etl-x1-exec-2']);
  assert.equal(g.graph.edges.length, 3);
});

test('Spark details: the clicked executor\'s log first, then the driver and the other executors', () => {
  const m = sparkNodeDetails(app, sparkExecutorNodeId('etl-x1-exec-2'));
  assert.ok(!('missing' in m));
  assert.deepEqual(m.pods.map((p) => p.name), ['etl-x1-exec-2', 'etl-x1-driver', 'etl-x1-exec-1', 'etl-x1-exec-10']);
  const facts = Object.fromEntries(m.facts);
  assert.equal(facts['Executor state'], 'FAILED');
  assert.equal(facts.Message, 'driver container failed with ExitCode: 1');
  assert.equal(facts.Duration, '30 s');
  assert.ok('missing' in sparkNodeDetails(app, sparkExecutorNodeId('etl-x1-exec-9')));
});

test('the document a found run came from: by its name, within its kind', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: { name: shared }
spec: { templates: [] }
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: refit- }
spec: { entrypoint: main, templates: [] }
---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: { name: etl }
spec: {}
`;
  const docs = listDocuments(text, 'p.yaml');
  assert.equal(documentOfRun(docs, { kind: 'Workflow', name: 'refit-k2x9q' })?.index, 1);
  assert.equal(documentOfRun(docs, { kind: 'Workflow', name: 'shared-k2x9q' })?.index, 0);
  assert.equal(documentOfRun(docs, { kind: 'SparkApplication', name: 'etl-ab12c' })?.index, 2);
});
