import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReference, isLoopbackRegistry, manifestReference, parseImageReference, pinnedReference } from '../../../src/core/registry';

const D = `sha256:${'a'.repeat(64)}`;

test('references: host, repository, tag and digest as runtimes read them', () => {
  assert.deepEqual(parseImageReference('localhost:5001/ml/train:0.4.2'), { registry: 'localhost:5001', repository: 'ml/train', tag: '0.4.2' });
  assert.deepEqual(parseImageReference(`registry.example/team/x:1@${D}`), { registry: 'registry.example', repository: 'team/x', tag: '1', digest: D });
  assert.deepEqual(parseImageReference(`localhost:5001/x@${D}`), { registry: 'localhost:5001', repository: 'x', digest: D });
  assert.deepEqual(parseImageReference('localhost/x'), { registry: 'localhost', repository: 'x', tag: 'latest' });
  // No host-looking first component: Docker Hub, one-word names under library/.
  assert.deepEqual(parseImageReference('python:3.12-slim'), { registry: 'docker.io', repository: 'library/python', tag: '3.12-slim' });
  assert.deepEqual(parseImageReference('bitnami/spark'), { registry: 'docker.io', repository: 'bitnami/spark', tag: 'latest' });
});

test('references: what a runtime refuses is refused with the reason', () => {
  assert.throws(() => parseImageReference('localhost:5001/X:1'), /"X" is not a valid repository name component/);
  assert.throws(() => parseImageReference('x@sha256:abc'), /64 lowercase hex/);
  assert.throws(() => parseImageReference('localhost:5001/x:'), /not a valid tag/);
  assert.throws(() => parseImageReference(' '), /empty/);
});

test('references: formatting, the manifest reference and the digest-pinned target reference', () => {
  assert.equal(formatReference(parseImageReference(`localhost:5001/ml/train:1@${D}`)), `localhost:5001/ml/train:1@${D}`);
  assert.equal(manifestReference(parseImageReference(`localhost:5001/x:1@${D}`)), D, 'the digest wins over the tag');
  assert.equal(manifestReference(parseImageReference('localhost:5001/x:1')), '1');
  assert.equal(pinnedReference('registry.example:5443/', 'ml/train', D), `registry.example:5443/ml/train@${D}`);
  assert.equal(isLoopbackRegistry('localhost:5001'), true);
  assert.equal(isLoopbackRegistry('127.0.0.1:40000'), true);
  assert.equal(isLoopbackRegistry('registry.example'), false);
});
