import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localRegistryHost, pinImages } from '../../../src/core/promote';
import { imageWarnings } from '../../../src/kube/promote/preflight';

test('an image in a registry on this machine is recognised by its host; other registries are not', () => {
  assert.equal(localRegistryHost('localhost:5001/ml-pipelines:0.4.2'), 'localhost:5001');
  assert.equal(localRegistryHost('127.0.0.1:5000/team/train@sha256:' + 'a'.repeat(64)), '127.0.0.1:5000');
  assert.equal(localRegistryHost('[::1]:5001/x:1'), '[::1]:5001');
  assert.equal(localRegistryHost('localhost/x'), 'localhost');
  for (const image of ['registry.example.com/ml/x:1', 'localhost.example.com/x:1', 'ghcr.io/localhost/x:1', 'python:3.12', 'library/localhost:1', 'localhost:5001']) {
    assert.equal(localRegistryHost(image), undefined, image);
  }
});

test('the promote review warns about a local-registry image and about an unpinned one, each once', () => {
  const digest = 'sha256:' + 'b'.repeat(64);
  const warnings = imageWarnings(pinImages(['localhost:5001/ml:0.4.2', 'registry.example.com/ml:1.0', `registry.example.com/ml@${digest}`], []));
  assert.equal(warnings.filter((w) => w.includes('registry on this machine')).length, 1);
  assert.match(warnings.find((w) => w.includes('registry on this machine')) ?? '', /^Image localhost:5001\/ml:0\.4\.2 is in a registry on this machine \(localhost:5001\)/);
  assert.deepEqual(
    warnings.filter((w) => w.includes('not pinned')).map((w) => w.split(' ')[1]),
    ['localhost:5001/ml:0.4.2', 'registry.example.com/ml:1.0'],
  );
  // An image already on the remote's own registry (copied there, pinned) is not "on this machine"
  // for the target, even when that registry listens on loopback.
  const onTarget = imageWarnings(pinImages([`127.0.0.1:5443/ml@${digest}`, 'localhost:5001/ml:0.4.2'], []), '127.0.0.1:5443');
  assert.deepEqual(onTarget.filter((w) => w.includes('registry on this machine')).map((w) => w.split(' ')[1]), ['localhost:5001/ml:0.4.2']);
});
