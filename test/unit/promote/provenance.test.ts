import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromoteAnnotations, replacedSourceWarning, stampProvenance, type KubeObject, type PromoteProvenance } from '../../../src/core/promote';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const base: PromoteProvenance = {
  gitCommit: 'f'.repeat(40),
  gitDirty: true,
  sourceSha256: 'e'.repeat(64),
  sourcePath: 'pipelines/train.yaml',
  images: [{ image: 'reg/ml:1', digest: D1, source: 'kindling.yaml' }],
  user: 'ada',
  kindlingVersion: '1.2.3',
  promotedFrom: 'kind-kindling',
  promotedAt: '2026-01-02T03:04:05.000Z',
};
const object: KubeObject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 't', namespace: 'n', labels: { team: 'ml', 'kindling.dev/git-dirty': 'no' }, annotations: { owner: 'x' } },
  spec: {},
};

test('every provenance field lands as a label or annotation; the user\'s own keys stay, ours win', () => {
  const stamped = stampProvenance(object, base);
  assert.deepEqual(stamped.metadata.labels, {
    team: 'ml',
    'app.kubernetes.io/managed-by': 'kindling',
    'kindling.dev/git-dirty': 'true',
    'kindling.dev/git-commit': 'f'.repeat(40),
  });
  assert.deepEqual(stamped.metadata.annotations, {
    owner: 'x',
    [PromoteAnnotations.sourceSha256]: 'e'.repeat(64),
    [PromoteAnnotations.sourcePath]: 'pipelines/train.yaml',
    [PromoteAnnotations.gitDirty]: 'true',
    [PromoteAnnotations.version]: '1.2.3',
    [PromoteAnnotations.promotedAt]: '2026-01-02T03:04:05.000Z',
    [PromoteAnnotations.gitCommit]: 'f'.repeat(40),
    [PromoteAnnotations.user]: 'ada',
    [PromoteAnnotations.promotedFrom]: 'kind-kindling',
    [PromoteAnnotations.imageDigests]: JSON.stringify({ 'reg/ml:1': D1 }),
    [PromoteAnnotations.imageDigest]: D1,
  });
  assert.deepEqual(object.metadata.labels, { team: 'ml', 'kindling.dev/git-dirty': 'no' }, 'the input is not mutated');
});

test('image-digest only when every image has the same known digest; no commit, no commit keys', () => {
  const two = stampProvenance(object, {
    ...base,
    gitCommit: undefined,
    images: [
      { image: 'a:1', digest: D1 },
      { image: 'b:1', digest: D2 },
    ],
  });
  const a = two.metadata.annotations!;
  assert.equal(a[PromoteAnnotations.imageDigest], undefined);
  assert.deepEqual(JSON.parse(a[PromoteAnnotations.imageDigests]!), { 'a:1': D1, 'b:1': D2 });
  assert.equal(a[PromoteAnnotations.gitCommit], undefined);
  assert.equal(two.metadata.labels!['kindling.dev/git-commit'], undefined);
  const unpinned = stampProvenance(object, { ...base, images: [{ image: 'a:1', digest: D1 }, { image: 'c:1' }] }).metadata.annotations!;
  assert.equal(unpinned[PromoteAnnotations.imageDigest], undefined, 'one unpinned image: no single digest claimed');
  assert.deepEqual(JSON.parse(unpinned[PromoteAnnotations.imageDigests]!), { 'a:1': D1 });
});

test('an object promoted from another file is named in a warning; the same file, a new object or one without provenance are not', () => {
  const from = (path?: string): { metadata: { annotations: Record<string, string> } } => ({ metadata: { annotations: path ? { 'kindling.dev/source-path': path } : {} } });
  assert.equal(
    replacedSourceWarning('WorkflowTemplate train (document 2)', from('jobs/train.py'), 'eval/train.py'),
    'WorkflowTemplate train (document 2) on the target was promoted from jobs/train.py; this promote replaces it with eval/train.py. If they are different pipelines or components, rename one of them.',
  );
  assert.equal(replacedSourceWarning('x', from('eval/train.py'), 'eval/train.py'), undefined);
  assert.equal(replacedSourceWarning('x', undefined, 'eval/train.py'), undefined);
  assert.equal(replacedSourceWarning('x', from(undefined), 'eval/train.py'), undefined);
});
