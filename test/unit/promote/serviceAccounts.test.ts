import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadConfig } from '../../../src/core/config';
import { planComponentPromote, planPromote, serviceAccountsOf, type PlannedDocument } from '../../../src/core/promote';

const config = loadConfig(readFileSync('examples/kindling.yaml', 'utf8')).config;

function component(file: string): PlannedDocument[] {
  const p = planComponentPromote({ sourcePath: `examples/${file}`, content: readFileSync(`examples/${file}`, 'utf8'), config, namespace: 'ml', context: 'gke_ml-prod_europe-west4_ml' });
  assert.deepEqual(p.errors, []);
  return p.documents;
}

test('a promoted component names the service account kindling.yaml gives its runs; its ConfigMap names none', () => {
  const [configMap, template] = component('prepare_features.py');
  assert.deepEqual(serviceAccountsOf(configMap as PlannedDocument), []);
  assert.deepEqual(serviceAccountsOf(template as PlannedDocument), ['kindling-runner']);
});

test('a promoted PySpark component also names the driver account of the SparkApplication its step creates', () => {
  const [, template] = component('train_spark.py');
  assert.deepEqual(serviceAccountsOf(template as PlannedDocument), ['kindling-runner', 'spark-operator-spark']);
});

test('pipeline files: the workflow spec, per-template accounts, CronWorkflow and Spark kinds; default is left out', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: { name: t }
spec:
  serviceAccountName: runner
  templates:
    - { name: a, serviceAccountName: special, container: { image: x } }
    - { name: b, serviceAccountName: runner, container: { image: x } }
---
apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata: { name: c }
spec:
  schedule: "0 * * * *"
  workflowSpec: { serviceAccountName: nightly, templates: [{ name: a, container: { image: x } }] }
---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: ScheduledSparkApplication
metadata: { name: s }
spec:
  schedule: "@daily"
  template: { type: Python, mode: cluster, driver: { serviceAccount: spark }, executor: {} }
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: { name: d }
spec: { serviceAccountName: default, templates: [{ name: a, container: { image: x } }] }
`;
  const p = planPromote(text, { namespace: 'ml' });
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.documents.map(serviceAccountsOf), [['runner', 'special'], ['nightly'], ['spark'], []]);
});
