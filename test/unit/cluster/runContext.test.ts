import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runContextName } from '../../../src/core/cluster/runContext';

test('runs go to the Kindling kind cluster when nothing else is named', () => {
  assert.equal(runContextName({ clusterName: 'kindling' }), 'kind-kindling');
  assert.equal(runContextName({ clusterName: 'ml', setting: '', envOverride: '' }), 'kind-ml');
  assert.equal(runContextName({ clusterName: 'ml', setting: '   ' }), 'kind-ml');
});

test('the kindling.run.context setting names another cluster', () => {
  assert.equal(runContextName({ clusterName: 'kindling', setting: 'gke_dev' }), 'gke_dev');
  assert.equal(runContextName({ clusterName: 'kindling', setting: ' gke_dev ' }), 'gke_dev');
});

test('KINDLING_RUN_CONTEXT overrides the setting (benchmarks, scripts)', () => {
  assert.equal(runContextName({ clusterName: 'kindling', setting: 'gke_dev', envOverride: 'kindling-local' }), 'kindling-local');
  assert.equal(runContextName({ clusterName: 'kindling', envOverride: 'kindling-local' }), 'kindling-local');
});
