import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainNotReady, isDeploymentAvailable } from '../../../src/core/cluster/readiness';

const available = {
  metadata: { generation: 2 },
  spec: { replicas: 1 },
  status: { observedGeneration: 2, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] },
};

test('Available needs the condition, at least one available replica and the current generation observed', () => {
  assert.equal(isDeploymentAvailable(available), true);
  assert.equal(isDeploymentAvailable({ ...available, status: { ...available.status, observedGeneration: 1 } }), false);
  assert.equal(isDeploymentAvailable({ ...available, status: { ...available.status, availableReplicas: 0 } }), false);
  assert.equal(isDeploymentAvailable({ ...available, status: { ...available.status, conditions: [{ type: 'Available', status: 'False' }] } }), false);
  assert.equal(isDeploymentAvailable(undefined), false);
});

test('not-ready explanations name the pod and the reason, image pulls first', () => {
  const d = { status: { conditions: [{ type: 'Available', status: 'False', message: 'Deployment does not have minimum availability.' }] } };
  const pull = explainNotReady('Spark operator', d, [
    { name: 'p1', phase: 'Pending', unschedulable: '0/1 nodes are available', waiting: [] },
    { name: 'p2', phase: 'Pending', waiting: [{ reason: 'ImagePullBackOff', message: 'Back-off pulling image' }] },
  ]);
  assert.equal(pull.kind, 'image-pull');
  assert.match(pull.text, /pod p2 cannot pull its image \(ImagePullBackOff: Back-off pulling image\)/);
  const sched = explainNotReady('Spark operator', d, [{ name: 'p1', phase: 'Pending', unschedulable: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.", waiting: [] }]);
  assert.equal(sched.kind, 'unschedulable');
  assert.match(sched.text, /didn't match Pod's node affinity/);
  assert.equal(explainNotReady('X', d, [{ name: 'p', waiting: [{ reason: 'CrashLoopBackOff' }] }]).kind, 'crash');
  const starting = explainNotReady('X', d, []);
  assert.equal(starting.kind, 'starting');
  assert.match(starting.text, /no pods yet.*minimum availability/);
  assert.equal(explainNotReady('X', undefined, []).kind, 'missing');
});
