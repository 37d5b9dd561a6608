import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ALL_MANIFEST_SOURCES } from '../../../src/core/cluster/manifestSources';
import { ARGO_VERSION, KIND_NODE_IMAGE, KIND_VERSION, SPARK_OPERATOR_VERSION } from '../../../src/core/cluster/versions';

// One set of versions everywhere: what users get is what the control plane tests run.
test('Argo and Spark operator pins match the integration control plane (testenv/versions.json)', () => {
  const testenv = JSON.parse(readFileSync('testenv/versions.json', 'utf8')) as { argoWorkflows: string; sparkOperator: string; kubernetes: string };
  assert.equal(ARGO_VERSION, testenv.argoWorkflows);
  assert.equal(SPARK_OPERATOR_VERSION, testenv.sparkOperator);
  const nodeMinor = KIND_NODE_IMAGE.match(/:v(\d+\.\d+)\./)?.[1];
  assert.equal(nodeMinor, testenv.kubernetes.match(/^v(\d+\.\d+)\./)?.[1], 'node image and control plane on the same Kubernetes minor');
});

test('the helper scripts default to the same versions', () => {
  const build = readFileSync('scripts/kind-build.sh', 'utf8');
  assert.match(build, new RegExp(`KIND_VERSION:-${KIND_VERSION.replace(/\./g, '\\.')}\\}`));
  const manifests = readFileSync('scripts/kind-manifests.sh', 'utf8');
  assert.match(manifests, new RegExp(`ARGO_VERSION:-${ARGO_VERSION.replace(/\./g, '\\.')}\\}`));
  assert.match(manifests, new RegExp(`SPARK_OPERATOR_VERSION:-${SPARK_OPERATOR_VERSION.replace(/\./g, '\\.')}\\}`));
  const kindcheck = readFileSync('tools/kindcheck/go.mod', 'utf8');
  assert.match(kindcheck, new RegExp(`sigs\\.k8s\\.io/kind ${KIND_VERSION.replace(/\./g, '\\.')}\\b`));
  for (const s of ALL_MANIFEST_SOURCES) {
    assert.ok(s.localPath.startsWith(s.addon === 'argo' ? `argo-workflows/${ARGO_VERSION}/` : `spark-operator/${SPARK_OPERATOR_VERSION}/`), s.localPath);
  }
});
