import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ComponentError } from '../../../src/core/component';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import { buildPipelineRun, pipelineRunName, type PipelineRunRequest } from '../../../src/core/pipelineRun';

const examples = path.join(__dirname, '../../../examples/pipelines');
const config = ((): KindlingConfig => {
  const { config: c, errors } = loadConfig('version: 1\nimages:\n  default: localhost:5001/p:1.0\nnamespace: ml-dev\nserviceAccount: runner\npodAnnotations:\n  team: ranking\n');
  assert.deepEqual(errors, []);
  return c!;
})();
const provenance = { sourceSha256: 'ab'.repeat(32), gitCommit: 'c'.repeat(40), gitDirty: true, user: 'ada', kindlingVersion: '0.1.0' };
const req = (text: string, extra: Partial<PipelineRunRequest> = {}): PipelineRunRequest => ({ text, relativePath: 'pipelines/p.yaml', config, suffix: 'x1y2z', provenance, ...extra });
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('a Workflow with generateName: named <generateName><suffix> in the kindling.yaml namespace, with provenance on it and its pods', () => {
  const m = buildPipelineRun(req(readFileSync(path.join(examples, 'refit-workflow.yaml'), 'utf8'), { relativePath: 'examples/pipelines/refit-workflow.yaml' }));
  const wf = m.resource as Any;
  assert.equal(m.runName, 'ctr-refit-x1y2z');
  assert.deepEqual(m.ref, { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', kind: 'Workflow', name: 'ctr-refit-x1y2z', namespace: 'ml-dev' });
  assert.equal(wf.metadata.name, 'ctr-refit-x1y2z');
  assert.equal(wf.metadata.generateName, undefined);
  assert.equal(wf.metadata.namespace, 'ml-dev');
  assert.equal(wf.metadata.labels['app.kubernetes.io/part-of'], 'ctr-refit', 'the file keeps its labels');
  assert.equal(wf.metadata.labels['kindling.dev/run'], 'ctr-refit-x1y2z');
  assert.equal(wf.metadata.labels['kindling.dev/component-kind'], 'pipeline');
  assert.equal(wf.metadata.labels['kindling.dev/git-commit'], 'c'.repeat(40));
  assert.equal(wf.metadata.annotations['kindling.dev/source-path'], 'examples/pipelines/refit-workflow.yaml');
  assert.equal(wf.metadata.annotations['kindling.dev/source-sha256'], 'ab'.repeat(32));
  assert.match(wf.metadata.annotations['kindling.dev/image'], /localhost:5001\/ml-pipelines:0\.4\.2/);
  assert.equal(wf.spec.serviceAccountName, 'kindling-runner', 'the file chose its service account');
  assert.equal(wf.spec.entrypoint, 'refit');
  assert.equal(wf.spec.podMetadata.labels['kindling.dev/run'], 'ctr-refit-x1y2z');
  assert.equal(wf.spec.podMetadata.annotations.team, 'ranking');
  assert.equal(wf.spec.podMetadata.annotations['kindling.dev/user'], 'ada');
  assert.deepEqual(m.templateRefs, [{ name: 'feature-templates', clusterScope: false }]);
  assert.equal(m.template, undefined);
});

test('a named Workflow without a service account gets <name>-<suffix> and kindling.yaml serviceAccount; provenance beats podAnnotations', () => {
  const m = buildPipelineRun(
    req('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: Train_Job }\nspec:\n  entrypoint: m\n  podMetadata: { annotations: { kindling.dev/user: mallory, keep: "1" } }\n  templates: [{ name: m, container: { image: busybox } }]\n', {
      podAnnotations: { 'kindling.dev/fail': 'true' },
    }),
  );
  const wf = m.resource as Any;
  assert.equal(m.runName, 'train-job-x1y2z');
  assert.equal(wf.spec.serviceAccountName, 'runner');
  assert.equal(wf.spec.podMetadata.annotations['kindling.dev/user'], 'ada');
  assert.equal(wf.spec.podMetadata.annotations.keep, '1');
  assert.equal(wf.spec.podMetadata.annotations['kindling.dev/fail'], 'true');
});

test('a WorkflowTemplate is applied as itself and run through workflowTemplateRef', () => {
  const m = buildPipelineRun(req(readFileSync(path.join(examples, 'feature-templates.yaml'), 'utf8')));
  const wf = m.resource as Any;
  assert.ok(m.template);
  assert.equal(m.template.metadata.name, 'feature-templates');
  assert.equal((m.template as Any).metadata.namespace, 'ml-dev');
  assert.equal((m.template as Any).kind, 'WorkflowTemplate');
  assert.deepEqual(wf.spec.workflowTemplateRef, { name: 'feature-templates' });
  assert.equal(wf.kind, 'Workflow');
  assert.equal(m.runName, 'feature-templates-x1y2z');
  assert.deepEqual(m.templateRefs, [], 'its own name is brought by the file');
});

test('a CronWorkflow runs once as a Workflow from its workflowSpec', () => {
  const m = buildPipelineRun(
    req('apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: { name: nightly }\nspec:\n  schedule: "0 2 * * *"\n  workflowSpec:\n    entrypoint: m\n    templates: [{ name: m, container: { image: busybox } }]\n'),
  );
  const wf = m.resource as Any;
  assert.equal(wf.kind, 'Workflow');
  assert.equal(wf.spec.entrypoint, 'm');
  assert.equal(wf.spec.schedule, undefined);
  assert.equal(m.runName, 'nightly-x1y2z');
});

test('a SparkApplication submits as itself with the run label on driver and executors', () => {
  const m = buildPipelineRun(req(readFileSync(path.join(examples, 'spark-train.yaml'), 'utf8')));
  const app = m.resource as Any;
  assert.equal(m.ref.kind, 'SparkApplication');
  assert.equal(app.metadata.name, 'ctr-train-x1y2z');
  assert.equal(app.metadata.namespace, 'ml-dev', 'the run namespace wins over the file');
  assert.equal(app.spec.driver.labels['kindling.dev/run'], 'ctr-train-x1y2z');
  assert.equal(app.spec.driver.labels['app.kubernetes.io/part-of'], 'ctr-refit');
  assert.equal(app.spec.executor.labels['kindling.dev/run'], 'ctr-train-x1y2z');
  assert.equal(app.spec.driver.annotations['kindling.dev/source-sha256'], 'ab'.repeat(32));
  assert.equal(app.spec.driver.memory, '1g');
  assert.equal(app.spec.driver.serviceAccount, 'spark-operator-spark', 'the file chose the driver account');
  const bare = buildPipelineRun(req('apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata: { name: s }\nspec: { type: Python, mainApplicationFile: local:///a.py }\n'));
  assert.equal((bare.resource as Any).spec.driver.serviceAccount, 'runner', 'kindling.yaml serviceAccount otherwise');
});

test('other formats and broken files are refused with what is supported', () => {
  const refuse = (text: string, pattern: RegExp) =>
    assert.throws(() => buildPipelineRun(req(text)), (e: unknown) => e instanceof ComponentError && pattern.test(e.message));
  refuse(readFileSync(path.join(examples, 'kfp-refit.yaml'), 'utf8'), /not a pipeline Kindling can submit.*Kubeflow and SageMaker/);
  refuse('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n', /a ConfigMap \(v1\).*supports Argo Workflow/);
  refuse('kind: Workflow\n  bad: [\n', /not valid YAML/);
  refuse('apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: { generateName: t- }\nspec: { templates: [] }\n', /needs metadata.name/);
  refuse('apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: { name: c }\nspec: { schedule: x }\n', /no spec.workflowSpec/);
});

test('run names stay DNS-safe and within 52 characters', () => {
  assert.equal(pipelineRunName('My_Pipeline.v2-', 'abcde'), 'my-pipeline-v2-abcde');
  const long = pipelineRunName('x'.repeat(80), 'abcde');
  assert.equal(long.length, 52);
  assert.match(long, /^x+-abcde$/);
  assert.equal(pipelineRunName('', 'abcde'), 'pipeline-abcde');
});
