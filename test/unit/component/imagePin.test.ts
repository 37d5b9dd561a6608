import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { NODE_WORKSPACE_PATH } from '../../../src/core/cluster/kindConfig';
import { Annotations, buildComponent, pinImage, type SparkApplication, type Workflow } from '../../../src/core/component';
import { loadConfig } from '../../../src/core/config';

const { config } = loadConfig(readFileSync('examples/kindling.yaml', 'utf8'));
assert.ok(config);
const digest = `sha256:${'ab'.repeat(32)}`;

test('a resolved digest pins the tag: the pod runs on tag@digest and provenance records the digest', () => {
  assert.equal(pinImage('localhost:5001/ml-pipelines:0.4.2', digest), `localhost:5001/ml-pipelines:0.4.2@${digest}`);
  assert.equal(pinImage('localhost:5001/ml-pipelines:0.4.2', undefined), 'localhost:5001/ml-pipelines:0.4.2');
  const already = `registry.example.com/ml@sha256:${'cd'.repeat(32)}`;
  assert.equal(pinImage(already, digest), already, 'a digest written in kindling.yaml wins');

  for (const [kind, file] of [
    ['script', 'prepare_features.py'],
    ['pyspark', 'train_spark.py'],
  ] as const) {
    const m = buildComponent({
      kind,
      relativePath: file,
      content: readFileSync(`examples/${file}`, 'utf8'),
      runName: 'r-1',
      config,
      delivery: { mode: 'hostPath', nodeWorkspacePath: NODE_WORKSPACE_PATH },
      provenance: { sourceSha256: 'f'.repeat(64), kindlingVersion: '0', imageDigest: digest },
    });
    const pinned: string = `${config.images.default}@${digest}`;
    assert.equal(m.image, pinned);
    assert.equal(m.resource.metadata.annotations[Annotations.imageDigest], digest);
    assert.equal(m.resource.metadata.annotations[Annotations.image], pinned);
    if (kind === 'pyspark') assert.equal((m.resource as SparkApplication).spec.image, pinned);
    else assert.equal((m.resource as Workflow).spec.templates[0].container?.image, pinned);
  }
});

test('spark coreRequest: the pods request less CPU than their task slots (a driver and two executors fit two cores)', () => {
  const { config: withRequest, errors } = loadConfig(
    'version: 1\nimages: { default: localhost:5001/x:1 }\nspark:\n  driver: { cores: 1, coreRequest: 250m }\n  executor: { cores: 1, coreRequest: "0.5", instances: 2 }\n',
  );
  assert.deepEqual(errors, []);
  assert.ok(withRequest);
  const app = buildComponent({
    kind: 'pyspark',
    relativePath: 'train_spark.py',
    content: readFileSync('examples/train_spark.py', 'utf8'),
    runName: 'r-2',
    config: withRequest,
    delivery: { mode: 'hostPath', nodeWorkspacePath: NODE_WORKSPACE_PATH },
    provenance: { sourceSha256: 'f'.repeat(64), kindlingVersion: '0' },
  }).resource as SparkApplication;
  assert.equal(app.spec.driver.coreRequest, '250m');
  assert.equal(app.spec.executor.coreRequest, '0.5');
  assert.equal(app.spec.driver.cores, 1);
  const bad = loadConfig('version: 1\nimages: { default: x }\nspark:\n  driver: { coreRequest: lots }\n');
  assert.equal(bad.config, undefined);
  assert.match(JSON.stringify(bad.errors), /coreRequest/);
});
