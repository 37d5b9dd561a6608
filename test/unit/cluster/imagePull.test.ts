import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageInPullError, imagePullFix, imageRegistry, normalizePreloadImages, pullsAlways } from '../../../src/core/cluster/imagePull';
import { findImagePullFailure, isHealthzOk, waitsForRestart, isPermanentPullFailure, runningAgainSince } from '../../../src/core/cluster/readiness';

test('the registry of an image follows Docker’s rule', () => {
  assert.equal(imageRegistry('quay.io/argoproj/workflow-controller:v3.6.15'), 'quay.io');
  assert.equal(imageRegistry('ghcr.io/kubeflow/spark-operator/controller:2.4.0'), 'ghcr.io');
  assert.equal(imageRegistry('registry:2'), 'docker.io');
  assert.equal(imageRegistry('kindest/node:v1.34.11'), 'docker.io');
  assert.equal(imageRegistry('localhost:5001/app:dev'), 'localhost:5001');
  assert.equal(imageRegistry('localhost/app'), 'localhost');
});

test('untagged and latest images are always pulled by Kubernetes; tags and digests are not', () => {
  assert.equal(pullsAlways('python'), true);
  assert.equal(pullsAlways('localhost:5001/app'), true);
  assert.equal(pullsAlways('python:latest'), true);
  assert.equal(pullsAlways('python:3.12'), false);
  assert.equal(pullsAlways('localhost:5001/app:dev'), false);
  assert.equal(pullsAlways('python@sha256:abc'), false);
});

test('preload setting: trimmed, no blanks, no duplicates, non-strings ignored', () => {
  assert.deepEqual(normalizePreloadImages([' a:1 ', '', 'b:2', 'a:1', 3]), ['a:1', 'b:2']);
  assert.deepEqual(normalizePreloadImages('a:1'), []);
});

test('pull fix names the image and the setting that would help, or says the setting is already there', () => {
  const image = 'quay.io/argoproj/workflow-controller:v3.6.15';
  const bare = imagePullFix(image, { mirrors: [], preloadImages: [] });
  assert.match(bare, /add a mirror for it in kindling\.cluster\.registryMirrors \(e\.g\. \{ "quay\.io": /);
  assert.match(bare, /add "quay\.io\/argoproj\/workflow-controller:v3\.6\.15" to kindling\.cluster\.preloadImages/);
  const mirrored = imagePullFix(image, { mirrors: [{ registry: 'quay.io', url: 'https://m.example.com' }], preloadImages: [] });
  assert.match(mirrored, /through the mirror https:\/\/m\.example\.com \(kindling\.cluster\.registryMirrors\): check that the mirror serves quay\.io\/argoproj/);
  const preloaded = imagePullFix(image, { mirrors: [], preloadImages: [image] });
  assert.match(preloaded, /is in kindling\.cluster\.preloadImages, yet the node did not have it/);
});

test('image names are read from kind and docker pull errors', () => {
  assert.equal(imageInPullError('ERROR: failed to create cluster: failed to pull image "kindest/node:v1.34.11": exit status 1'), 'kindest/node:v1.34.11');
  assert.equal(imageInPullError("Unable to find image 'registry:2' locally"), 'registry:2');
  assert.equal(imageInPullError('Error response from daemon: pull access denied for nosuch/image, repository does not exist'), 'nosuch/image');
  assert.equal(imageInPullError('something else'), undefined);
});

test('pull failures are found on any container, with the image; some are never retried', () => {
  const failure = findImagePullFailure([
    { name: 'ok', waiting: [] },
    { name: 'p', waiting: [{ reason: 'ContainerCreating' }, { reason: 'ErrImagePull', message: 'dial tcp: lookup quay.io: no such host', image: 'quay.io/a:1' }] },
  ]);
  assert.deepEqual(failure, { pod: 'p', image: 'quay.io/a:1', reason: 'ErrImagePull', message: 'dial tcp: lookup quay.io: no such host' });
  assert.equal(findImagePullFailure([{ name: 'c', waiting: [{ reason: 'CrashLoopBackOff' }] }]), undefined);
  assert.equal(isPermanentPullFailure('ErrImageNeverPull'), true);
  assert.equal(isPermanentPullFailure('ImagePullBackOff'), false);
});

test('after a warm restart, stale Ready pods do not count; pods started since the restart do', () => {
  const restart = new Date('2026-12-04T10:00:00.400Z');
  assert.equal(runningAgainSince([{ name: 'p', waiting: [], ready: true, runningSince: '2026-12-04T09:58:00Z' }], restart), false);
  assert.equal(runningAgainSince([{ name: 'p', waiting: [], ready: false, runningSince: '2026-12-04T10:00:05Z' }], restart), false);
  // startedAt is whole seconds: the second of the restart itself counts.
  assert.equal(runningAgainSince([{ name: 'p', waiting: [], ready: true, runningSince: '2026-12-04T10:00:00Z' }], restart), true);
  assert.equal(runningAgainSince([{ name: 'p', waiting: [], ready: true }], restart), false);
  // Up only 2 s: not yet (its first starts after a restart fail); 6 s: running again.
  const started = [{ name: 'p', waiting: [], ready: true, runningSince: '2026-12-04T10:00:10Z' }];
  assert.equal(runningAgainSince(started, restart, new Date('2026-12-04T10:00:12Z')), false);
  assert.equal(runningAgainSince(started, restart, new Date('2026-12-04T10:00:16Z')), true);
});

test('after a warm restart: a controller waiting to be started again, and kube-proxy healthy, are told apart', () => {
  assert.equal(waitsForRestart([{ name: 'a', waiting: [] }, { name: 'b', waiting: [{ reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' }] }]), true);
  // Exited, the back-off not reported yet.
  assert.equal(waitsForRestart([{ name: 'a', waiting: [], exited: true }]), true);
  // Starting, running or pulling is not a back-off a kubelet restart would shorten.
  assert.equal(waitsForRestart([{ name: 'a', waiting: [{ reason: 'ContainerCreating' }, { reason: 'ImagePullBackOff' }] }]), false);
  assert.equal(waitsForRestart([{ name: 'a', waiting: [], exited: false, runningSince: '2026-12-04T10:00:00Z' }]), false);
  assert.equal(waitsForRestart([]), false);
  assert.equal(isHealthzOk('HTTP/1.0 200 OK\r\n'), true);
  assert.equal(isHealthzOk('HTTP/1.1 200 OK'), true);
  assert.equal(isHealthzOk('HTTP/1.0 503 Service Unavailable'), false);
  assert.equal(isHealthzOk('HTTP/1.0 2000'), false);
  assert.equal(isHealthzOk(''), false);
});
