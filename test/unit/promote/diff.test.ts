import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeChange, diffObjects, diffText, isProvenanceChange, normalizeForDiff } from '../../../src/core/promote';

const live = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: {
    name: 't',
    namespace: 'n',
    uid: 'u1',
    resourceVersion: '10',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'kindling' }],
    annotations: { 'kindling.dev/source-sha256': 'aaa', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    labels: {},
  },
  spec: { templates: [{ name: 'main', container: { image: 'reg/ml:1', args: ['a', 'b'] } }] },
  status: { stored: true },
};

test('normalisation drops server bookkeeping, status and empty maps, and does not touch the input', () => {
  assert.deepEqual(normalizeForDiff(live), {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name: 't', namespace: 'n', annotations: { 'kindling.dev/source-sha256': 'aaa' } },
    spec: live.spec,
  });
  assert.equal(live.metadata.uid, 'u1');
  assert.equal(normalizeForDiff(undefined), undefined);
});

test('only real changes are reported, with paths a user can read', () => {
  const proposed = JSON.parse(JSON.stringify(live));
  proposed.metadata.resourceVersion = '11';
  proposed.metadata.generation = 4;
  proposed.metadata.managedFields = [{ manager: 'kindling', time: 'later' }];
  proposed.metadata.annotations['kindling.dev/source-sha256'] = 'bbb';
  proposed.spec.templates[0].container.image = 'reg/ml:2';
  proposed.spec.templates[0].container.args = ['a'];
  proposed.spec.templates[0].container.env = [{ name: 'X', value: '1' }];
  const changes = diffObjects(live, proposed);
  assert.deepEqual(changes.map(describeChange), [
    '~ metadata.annotations["kindling.dev/source-sha256"]: aaa → bbb',
    '- spec.templates[0].container.args[1] (was b)',
    '+ spec.templates[0].container.env: [{"name":"X","value":"1"}]',
    '~ spec.templates[0].container.image: reg/ml:1 → reg/ml:2',
  ]);
  assert.deepEqual(changes.map(isProvenanceChange), [true, false, false, false]);
  assert.deepEqual(diffObjects(live, live), []);
});

test('a new object: each top-level field is one addition; the diff text is sorted YAML without the noise', () => {
  const changes = diffObjects(undefined, { kind: 'K', metadata: { name: 'x', uid: 'u' } });
  assert.deepEqual(changes.map((c) => [c.path, c.kind]), [
    ['kind', 'added'],
    ['metadata', 'added'],
  ]);
  assert.equal(diffText({ spec: { b: 1, a: 2 }, kind: 'K', metadata: { uid: 'u', name: 'x' } }), 'kind: K\nmetadata:\n  name: x\nspec:\n  a: 2\n  b: 1\n');
  assert.equal(diffText(undefined), '');
  assert.equal(isProvenanceChange({ path: 'metadata.labels["app.kubernetes.io/managed-by"]', kind: 'added' }), true);
  assert.equal(isProvenanceChange({ path: 'metadata.labels["team"]', kind: 'added' }), false);
});
