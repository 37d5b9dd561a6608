import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { NODE_WORKSPACE_PATH } from '../../../src/core/cluster/kindConfig';
import { Annotations, buildComponent, Labels, podStatus, type Pod, type Workflow } from '../../../src/core/component';
import { loadConfig } from '../../../src/core/config';

const { config } = loadConfig('version: 1\nimages: { default: localhost:5001/ml-pipelines:0.4.2 }\nserviceAccount: runner\npodAnnotations: { team: ml }\n');
assert.ok(config);

test('runAs pod: the Workflow main container as a bare Pod with the same labels, provenance, mounts and account', () => {
  const base = {
    kind: 'script' as const,
    relativePath: 'jobs/prepare_features.py',
    content: readFileSync('examples/prepare_features.py', 'utf8'),
    runName: 'prepare-features-ab12',
    config,
    delivery: { mode: 'hostPath' as const, nodeWorkspacePath: NODE_WORKSPACE_PATH },
    args: ['--min-events', '3'],
    provenance: { sourceSha256: 'e'.repeat(64), kindlingVersion: '0' },
    podAnnotations: { 'test/fail': 'true' },
  };
  const wf = buildComponent(base).resource as Workflow;
  const m = buildComponent({ ...base, runAs: 'pod' });
  const pod = m.resource as Pod;
  assert.deepEqual(m.ref, { group: '', version: 'v1', plural: 'pods', kind: 'Pod', name: 'prepare-features-ab12', namespace: 'kindling' });
  assert.equal(pod.kind, 'Pod');
  assert.equal(pod.spec.restartPolicy, 'Never');
  assert.equal(pod.spec.serviceAccountName, 'runner');
  assert.deepEqual(pod.spec.containers, [{ name: 'main', ...wf.spec.templates[0].container }]);
  assert.deepEqual(pod.spec.volumes, wf.spec.volumes);
  assert.equal(pod.metadata.labels[Labels.run], 'prepare-features-ab12');
  assert.deepEqual(pod.metadata.annotations, wf.spec.podMetadata.annotations);
  assert.equal(pod.metadata.annotations[Annotations.sourcePath], 'jobs/prepare_features.py');
  assert.equal(pod.metadata.annotations.team, 'ml');
  assert.equal(pod.metadata.annotations['test/fail'], 'true');
});

test('bare-Pod run status from the pod phase; a failure says how the container ended', () => {
  assert.equal(podStatus({}).phase, 'Pending');
  assert.equal(podStatus({ status: { phase: 'Running' } }).phase, 'Running');
  assert.equal(podStatus({ status: { phase: 'Succeeded' } }).phase, 'Succeeded');
  assert.deepEqual(podStatus({ status: { phase: 'Failed', containerStatuses: [{ name: 'main', state: { terminated: { reason: 'Error', exitCode: 1 } } }] } }), {
    phase: 'Failed',
    raw: 'Failed',
    message: 'Error: exit code 1',
  });
  assert.equal(podStatus({ status: { phase: 'Failed', reason: 'Evicted', message: 'low memory' } }).message, 'Evicted: low memory');
});
