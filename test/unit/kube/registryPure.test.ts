import assert from 'node:assert/strict';
import { test } from 'node:test';
import { restorableCopy } from '../../../src/kube/promote/restore';
import { localImages } from '../../../src/kube/promote/images';
import { describeProgress, splitRegistry } from '../../../src/kube/registry';

test('a target registry may carry a repository path; a scheme or trailing slash is dropped', () => {
  assert.deepEqual(splitRegistry('registry.example:5443/ml/team/'), { host: 'registry.example:5443', prefix: 'ml/team' });
  assert.deepEqual(splitRegistry('https://registry.example'), { host: 'registry.example', prefix: '' });
});

test('progress names the layer, its place and the bytes', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  assert.equal(describeProgress({ digest, size: 3 * 1024 * 1024, action: 'upload', transferred: 1024 * 1024, done: false, index: 2, count: 4 }), 'layer 2/4 abababababab: 1.0 MB / 3.0 MB');
  assert.equal(describeProgress({ digest, size: 10, action: 'skip', transferred: 10, done: true, index: 1, count: 4 }), 'layer 1/4 abababababab: already there');
});

test('the state restored after a failed apply carries no server bookkeeping', () => {
  const before = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'n', uid: 'u', resourceVersion: '7', generation: 2, creationTimestamp: new Date('2026-01-01T00:00:00Z'), managedFields: [{}], labels: { a: 'b' } },
    data: { k: 'v' },
    status: { x: 1 },
  };
  assert.deepEqual(restorableCopy(before), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n', labels: { a: 'b' } }, data: { k: 'v' } });
  assert.equal(before.metadata.resourceVersion, '7', 'the input is kept');
});

test('only images of a registry on this machine are copied, never those already on the target', () => {
  const doc = (image: string) => ({ index: 0, type: { group: '', version: 'v1', kind: 'Pod', plural: 'pods' }, name: 'p', namespace: 'n', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ image }] } } });
  assert.deepEqual(localImages([doc('localhost:5001/a:1'), doc('registry.example/b:1'), doc('localhost:5001/a:1'), doc('127.0.0.1:6000/c:1')], '127.0.0.1:6000'), ['localhost:5001/a:1']);
});
