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
