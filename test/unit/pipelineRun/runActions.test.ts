import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { RESUBMITTED_FROM_LABEL, resubmittedRun, resumedWorkflow, workflowPhase } from '../../../src/core/pipelineRun/runActions';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const NOW = '2026-12-05T03:00:00Z';

const suspendedRun = (): Any => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'approve-abc12', namespace: 'kindling', resourceVersion: '42' },
  spec: { suspend: true, entrypoint: 'main' },
  status: {
    phase: 'Running',
    nodes: {
      'approve-abc12': { id: 'approve-abc12', name: 'approve-abc12', type: 'Steps', phase: 'Running', children: ['approve-abc12-1'] },
      'approve-abc12-1': {
        id: 'approve-abc12-1',
        name: 'approve-abc12[0].wait',
        displayName: 'wait',
        type: 'Suspend',
        phase: 'Running',
        outputs: { parameters: [{ name: 'ok', valueFrom: { supplied: {}, default: 'yes' } }] },
      },
      'approve-abc12-2': { id: 'approve-abc12-2', name: 'approve-abc12[0].done', type: 'Suspend', phase: 'Succeeded' },
    },
  },
});

describe('resume (Argo ResumeWorkflow)', () => {
  test('clears spec.suspend and marks waiting suspend steps Succeeded with their default outputs', () => {
    const { workflow, changed, resumedNodes } = resumedWorkflow(suspendedRun(), NOW);
    const wf = workflow as Any;
    assert.equal(changed, true);
    assert.equal(wf.spec.suspend, undefined);
    assert.deepEqual(resumedNodes, ['approve-abc12-1']);
    const node = wf.status.nodes['approve-abc12-1'];
    assert.equal(node.phase, 'Succeeded');
    assert.equal(node.finishedAt, NOW);
    assert.deepEqual(node.outputs.parameters, [{ name: 'ok', value: 'yes' }]);
    assert.equal(wf.status.nodes['approve-abc12'].phase, 'Running', 'other nodes untouched');
    assert.equal(wf.metadata.resourceVersion, '42', 'replaced at the version read');
    assert.ok(!('podName' in node));
  });

  test('compressed nodes stay compressed; a run with nothing suspended is not changed', () => {
    const run = suspendedRun();
    run.status.compressedNodes = gzipSync(Buffer.from(JSON.stringify(run.status.nodes))).toString('base64');
    delete run.status.nodes;
    const { workflow } = resumedWorkflow(run, NOW);
    const nodes = JSON.parse(gunzipSync(Buffer.from((workflow as Any).status.compressedNodes, 'base64')).toString()) as Any;
    assert.equal(nodes['approve-abc12-1'].phase, 'Succeeded');
    assert.equal((workflow as Any).status.nodes, undefined);
    const plain = suspendedRun();
    delete plain.spec.suspend;
    plain.status.nodes['approve-abc12-1'].phase = 'Succeeded';
    assert.equal(resumedWorkflow(plain, NOW).changed, false);
  });

  test('a supplied output without a default cannot be resumed blindly', () => {
    const run = suspendedRun();
    delete run.status.nodes['approve-abc12-1'].outputs.parameters[0].valueFrom.default;
    assert.throws(() => resumedWorkflow(run, NOW), /output parameter "ok", which has no default/);
  });

  test('phase: finished and suspended as Argo sees them', () => {
    assert.deepEqual(workflowPhase(suspendedRun()), { phase: 'Running', finished: false, suspended: true });
    assert.deepEqual(workflowPhase({ status: { phase: 'Error' } }), { phase: 'Error', finished: true, suspended: false });
  });
});

describe('resubmit (Argo FormulateResubmitWorkflow)', () => {
  const old = (): Any => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: 'train-abc12',
      namespace: 'kindling',
      uid: 'u1',
      resourceVersion: '9',
      labels: { 'kindling.dev/run': 'train-abc12', 'kindling.dev/git-commit': 'c'.repeat(40), 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Failed', team: 'ml' },
      annotations: { 'kindling.dev/source-path': 'p.yaml', 'kindling.dev/parameters': '{"epochs":"3"}' },
    },
    spec: { entrypoint: 'main', shutdown: 'Terminate', activeDeadlineSeconds: 0, podMetadata: { labels: { 'kindling.dev/run': 'train-abc12' } } },
    status: { phase: 'Failed', nodes: {} },
  });

  test("a Kindling run: a new name from the same stem, provenance copied, the run label following the new name, the old run's state left behind", () => {
    const n = resubmittedRun(old(), 'zz999') as Any;
    assert.equal(n.metadata.name, 'train-zz999');
    assert.equal(n.metadata.generateName, undefined);
    assert.equal(n.metadata.labels['kindling.dev/run'], 'train-zz999');
    assert.equal(n.spec.podMetadata.labels['kindling.dev/run'], 'train-zz999');
    assert.equal(n.metadata.labels[RESUBMITTED_FROM_LABEL], 'train-abc12');
    assert.equal(n.metadata.labels['kindling.dev/git-commit'], 'c'.repeat(40));
    assert.equal(n.metadata.labels.team, 'ml');
    assert.equal(n.metadata.labels['workflows.argoproj.io/completed'], undefined);
    assert.equal(n.metadata.labels['workflows.argoproj.io/phase'], undefined);
    assert.deepEqual(n.metadata.annotations, old().metadata.annotations);
    assert.equal(n.metadata.uid, undefined);
    assert.equal(n.metadata.resourceVersion, undefined);
    assert.equal(n.spec.shutdown, undefined);
    assert.equal(n.spec.activeDeadlineSeconds, undefined);
    assert.equal(n.status, undefined);
  });

  test('a run Kindling did not start gets generateName, as Argo does', () => {
    const o = old();
    delete o.metadata.labels['kindling.dev/run'];
    const n = resubmittedRun(o, 'zz999') as Any;
    assert.equal(n.metadata.name, undefined);
    assert.equal(n.metadata.generateName, 'train-abc12-');
  });
});
