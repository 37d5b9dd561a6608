import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePipeline, unwrapAckPipeline, wrapSageMakerPipeline } from '../../../src/core/pipeline/index';
import { codes, detail, edgeList, node, nodeIds, posOf, readExample, single } from './helpers';

test('KFP v2 example (compiled by kfp 2.17): exit handler, ParallelFor, dsl.If, executors', () => {
  const text = readExample('kfp-refit.yaml');
  const r = parsePipeline(text, { fileName: 'kfp-refit.yaml' });
  assert.deepEqual(r.diagnostics, []);
  const g = single(r);
  assert.equal(g.format, 'kfp-v2');
  assert.equal(g.name, 'ctr-refit');
  // root: cleanup + exit-handler-1; inside: validate-raw, for-loop-3 (+profile-shard),
  // prepare-features, train-spark, evaluate, condition-4 (+register-model) → 10.
  assert.deepEqual(nodeIds(g), [
    'cleanup', 'exit-handler-1', 'exit-handler-1/condition-4', 'exit-handler-1/condition-4/register-model',
    'exit-handler-1/evaluate', 'exit-handler-1/for-loop-3', 'exit-handler-1/for-loop-3/profile-shard',
    'exit-handler-1/prepare-features', 'exit-handler-1/train-spark', 'exit-handler-1/validate-raw',
  ]);
  assert.deepEqual(edgeList(g), [
    'exit-handler-1 -> cleanup [exit: all upstream done]',
    "exit-handler-1/evaluate -> exit-handler-1/condition-4 [depends: evaluate-Output == 'pass']",
    'exit-handler-1/prepare-features -> exit-handler-1/train-spark [depends]',
    "exit-handler-1/train-spark -> exit-handler-1/condition-4 [depends: evaluate-Output == 'pass']",
    'exit-handler-1/train-spark -> exit-handler-1/evaluate [depends]',
    'exit-handler-1/validate-raw -> exit-handler-1/for-loop-3 [depends]',
    'exit-handler-1/validate-raw -> exit-handler-1/prepare-features [depends]',
  ]);
  assert.equal(node(g, 'exit-handler-1').groupKind, 'exit-handler');
  assert.equal(node(g, 'exit-handler-1/for-loop-3').groupKind, 'loop');
  assert.equal(detail(g, 'exit-handler-1/for-loop-3', 'loop over'), '["clicks-eu", "clicks-us", "clicks-apac"]');
  assert.equal(detail(g, 'exit-handler-1/for-loop-3', 'parallelism'), '2');
  assert.equal(node(g, 'exit-handler-1/condition-4').groupKind, 'condition');
  assert.equal(node(g, 'exit-handler-1/train-spark').kind, 'kfp-component');
  assert.equal(detail(g, 'exit-handler-1/train-spark', 'image'), 'localhost:5001/ml-pipelines:0.4.2');
  assert.equal(detail(g, 'exit-handler-1/train-spark', 'command'), 'spark-submit --master local[2] /app/train_spark.py');
  assert.match(detail(g, 'exit-handler-1/train-spark', 'resources') ?? '', /cpuLimit=2/);
  assert.equal(node(g, 'exit-handler-1/train-spark').statusKey, 'train-spark');
  const p = posOf(text, '      cleanup:', posOf(text, '\nroot:').line > 0 ? text.indexOf('\nroot:') : 0);
  assert.equal(node(g, 'cleanup').range!.startLine, p.line);
});

test('KFP: missing dependent tasks and components are diagnostics; platform spec document is ignored', () => {
  const text = `pipelineInfo: {name: p}
root:
  dag:
    tasks:
      a:
        componentRef: {name: comp-a}
        taskInfo: {name: a}
        dependentTasks: [ghost]
      b:
        componentRef: {name: comp-missing}
        taskInfo: {name: b}
        dependentTasks: [a]
components:
  comp-a: {executorLabel: exec-a}
deploymentSpec:
  executors:
    exec-a:
      container: {image: python:3.12, command: [python, -c, "print(1)"]}
schemaVersion: 2.1.0
---
platforms:
  kubernetes:
    deploymentSpec:
      executors:
        exec-a: {}
`;
  const r = parsePipeline(text, { fileName: 'p.yaml' });
  const g = single(r);
  assert.deepEqual(nodeIds(g), ['a', 'b']);
  assert.equal(node(g, 'b').kind, 'unresolved');
  assert.deepEqual(edgeList(g), ['a -> b [depends]']);
  assert.deepEqual(codes(r), ['error:missing-dependency', 'warning:unknown-template']);
  assert.equal(r.diagnostics.find((d) => d.code === 'missing-dependency')!.range!.startLine, 7);
  assert.equal(detail(g, 'a', 'command'), 'python -c print(1)');
});

test('SageMaker definition from the SDK: Condition branches, property-reference edges, step types', () => {
  const text = readExample('sagemaker-refit.json');
  const r = parsePipeline(text, { fileName: 'examples/pipelines/sagemaker-refit.json' });
  assert.deepEqual(r.diagnostics, []);
  const g = single(r);
  assert.equal(g.format, 'sagemaker');
  assert.equal(g.name, 'sagemaker-refit');
  assert.deepEqual(nodeIds(g), ['AucTooLow', 'CheckAuc', 'EvaluateModel', 'PrepareFeatures', 'RegisterModel-RegisterModel', 'TrainModel']);
  assert.deepEqual(edgeList(g), [
    'CheckAuc -> AucTooLow [condition-false: else]',
    'CheckAuc -> RegisterModel-RegisterModel [condition-true: if]',
    // ModelMetrics S3Uri is a Std:Join over an EvaluateModel output.
    'EvaluateModel -> CheckAuc [data]',
    'EvaluateModel -> RegisterModel-RegisterModel [data]',
    'PrepareFeatures -> TrainModel [data]',
    'TrainModel -> EvaluateModel [data]',
    'TrainModel -> RegisterModel-RegisterModel [data]',
  ]);
  assert.equal(node(g, 'CheckAuc').kind, 'condition');
  assert.equal(node(g, 'TrainModel').subtitle, 'Training');
  assert.equal(detail(g, 'TrainModel', 'instances'), 'ml.m5.2xlarge × 2');
  assert.equal(detail(g, 'PrepareFeatures', 'instances'), 'ml.m5.xlarge × 1');
  assert.equal(detail(g, 'RegisterModel-RegisterModel', 'model package group'), 'ctr-lr');
  assert.equal(detail(g, 'CheckAuc', 'conditions'),
    'GreaterThanOrEqualTo(JsonGet(Steps.EvaluateModel.PropertyFiles.EvaluationReport, metrics.auc.value), Parameters.AucThreshold)');
  const p = posOf(text, '"Name": "TrainModel"');
  assert.equal(node(g, 'TrainModel').range!.startLine, p.line - 1, 'range starts at the step object');
});

test('SageMaker: DependsOn, Std:Join references, missing steps, duplicates and cycles', () => {
  const def = {
    Version: '2020-12-01',
    Steps: [
      { Name: 'A', Type: 'Processing', Arguments: {} },
      { Name: 'B', Type: 'Training', DependsOn: ['A', 'Nope'], Arguments: { X: { 'Std:Join': { On: '/', Values: [{ Get: 'Steps.A.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri' }] } } } },
      { Name: 'C', Type: 'Lambda', FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', Arguments: { v: { Get: 'Steps.D.Properties.X' } } },
      { Name: 'D', Type: 'Fail', DependsOn: ['C'], Arguments: { ErrorMessage: 'boom' } },
      { Name: 'A', Type: 'Processing', Arguments: {} },
      { Name: 'E', Type: 'Processing', Arguments: { v: { Get: 'Steps.Ghost.Properties.X' } } },
    ],
  };
  const text = JSON.stringify(def, null, 2);
  const r = parsePipeline(text, { fileName: 'p.json' });
  const g = single(r);
  assert.deepEqual(nodeIds(g), ['A', 'B', 'C', 'D', 'E']);
  assert.deepEqual(edgeList(g), ['A -> B [depends]', 'C -> D [depends]', 'D -> C [data]']);
  assert.deepEqual(codes(r), ['error:cycle', 'error:duplicate-name', 'error:missing-dependency', 'error:missing-dependency']);
  assert.equal(detail(g, 'C', 'function'), 'arn:aws:lambda:us-east-1:123456789012:function:f');
  const nope = posOf(text, '"Nope"');
  assert.equal(r.diagnostics.find((d) => d.message.includes('Nope'))!.range!.startLine, nope.line);
});

test('wrap → ACK manifests → parse renders the same graph; unwrap gives the JSON back', () => {
  const json = readExample('sagemaker-refit.json');
  const w = wrapSageMakerPipeline(json, { name: 'ctr-refit', roleArn: 'arn:aws:iam::123456789012:role/KindlingSageMakerExecution', namespace: 'ml', parameters: { AucThreshold: '0.75' } });
  assert.deepEqual(w.diagnostics, []);
  assert.match(w.yaml, /^apiVersion: sagemaker\.services\.k8s\.aws\/v1alpha1\nkind: Pipeline\nmetadata:\n {2}name: ctr-refit\n {2}namespace: ml\n/);
  assert.match(w.yaml, /\n---\napiVersion: sagemaker\.services\.k8s\.aws\/v1alpha1\nkind: PipelineExecution\n/);
  assert.match(w.yaml, /pipelineParameters:\n {4}- name: AucThreshold\n {6}value: "0.75"/);
  const direct = single(parsePipeline(json, { fileName: 'x.json' }));
  const r = parsePipeline(w.yaml, { fileName: 'ack.yaml' });
  assert.deepEqual(r.diagnostics, []);
  const g = single(r);
  assert.equal(g.format, 'ack-sagemaker-pipeline');
  assert.equal(g.name, 'ctr-refit');
  assert.deepEqual(nodeIds(g), nodeIds(direct));
  assert.deepEqual(edgeList(g), edgeList(direct));
  const field = posOf(w.yaml, 'pipelineDefinition:');
  assert.ok(g.nodes.every((n) => n.range!.startLine === field.line && n.range!.startCol === field.col), 'ranges point at the field');
  const u = unwrapAckPipeline(w.yaml);
  assert.deepEqual(u.diagnostics, []);
  assert.equal(u.name, 'ctr-refit');
  assert.deepEqual(JSON.parse(u.json), JSON.parse(json));
});

test('wrap/unwrap report bad input instead of throwing', () => {
  assert.deepEqual(wrapSageMakerPipeline('{"Steps": [', { name: 'x' }).diagnostics.map((d) => d.code), ['json-syntax']);
  assert.deepEqual(wrapSageMakerPipeline('[]', { name: 'x' }).diagnostics.map((d) => d.code), ['wrong-type']);
  assert.deepEqual(wrapSageMakerPipeline('{"Steps": []}', { name: 'bad name!' }).diagnostics.map((d) => d.code), ['invalid-name']);
  const noRole = wrapSageMakerPipeline('{"Steps": []}', { name: 'ok', withoutExecution: true });
  assert.deepEqual(noRole.diagnostics.map((d) => d.code), ['missing-role']);
  assert.doesNotMatch(noRole.yaml, /PipelineExecution/);
  assert.match(noRole.yaml, /roleARN: arn:aws:iam::123456789012:role\/REPLACE-WITH-SAGEMAKER-EXECUTION-ROLE/);
  assert.deepEqual(unwrapAckPipeline('kind: ConfigMap').diagnostics.map((d) => d.code), ['not-a-pipeline']);
  const badJson = unwrapAckPipeline('apiVersion: sagemaker.services.k8s.aws/v1alpha1\nkind: Pipeline\nspec:\n  pipelineDefinition: "{nope"\n');
  assert.deepEqual(badJson.diagnostics.map((d) => d.code), ['json-syntax']);
  assert.equal(badJson.diagnostics[0].range!.startLine, 3);
});

test('ACK Pipeline with a broken definition string: one json-syntax error at the field', () => {
  const text = 'apiVersion: sagemaker.services.k8s.aws/v1alpha1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n  pipelineName: p\n  pipelineDefinition: \'{"Steps": [}\'\n';
  const r = parsePipeline(text, { fileName: 'ack.yaml' });
  assert.deepEqual(codes(r), ['error:json-syntax']);
  assert.equal(r.diagnostics[0].range!.startLine, 5);
});

test('SparkApplication example: driver → executors with sizing', () => {
  const text = readExample('spark-train.yaml');
  const r = parsePipeline(text, { fileName: 'spark-train.yaml' });
  assert.deepEqual(r.diagnostics, []);
  const g = single(r);
  assert.equal(g.format, 'spark-application');
  assert.deepEqual(g.nodes.map((n) => `${n.id}:${n.kind}:${n.label}`), ['driver:spark-driver:driver', 'executors:spark-executor:executors ×2']);
  assert.deepEqual(edgeList(g), ['driver -> executors [depends]']);
  assert.equal(detail(g, 'driver', 'sizing'), 'cores 1 · coreLimit 1200m · memory 1g');
  assert.equal(detail(g, 'driver', 'mainApplicationFile'), 'local:///app/train_spark.py');
  assert.equal(detail(g, 'executors', 'sizing'), 'instances 2 · cores 1 · memory 2g');
  assert.equal(node(g, 'driver').range!.startLine, posOf(text, 'driver:').line);
});

test('ScheduledSparkApplication reads spec.template and shows the schedule', () => {
  const text = `apiVersion: sparkoperator.k8s.io/v1beta2
kind: ScheduledSparkApplication
metadata: {name: nightly}
spec:
  schedule: "@daily"
  template:
    type: Python
    mainApplicationFile: local:///app/train_spark.py
    driver: {cores: 1, memory: 512m}
    executor: {instances: 3, cores: 2, memory: 4g}
`;
  const g = single(parsePipeline(text, { fileName: 's.yaml' }));
  assert.equal(g.format, 'scheduled-spark-application');
  assert.equal(detail(g, 'driver', 'schedule'), '@daily');
  assert.equal(node(g, 'executors').label, 'executors ×3');
});

test('a .json file is held to JSON: trailing commas are a json-syntax error, with a best-effort graph', () => {
  const text = '{\n  "Steps": [\n    {"Name": "A", "Type": "Processing", "Arguments": {}},\n  ]\n}\n';
  const r = parsePipeline(text, { fileName: 'p.json' });
  assert.deepEqual(codes(r), ['error:json-syntax']);
  assert.ok(r.diagnostics[0].range);
  assert.deepEqual(nodeIds(single(r)), ['A']);
  // The same text named .yaml is valid YAML (flow collections allow the trailing comma).
  assert.deepEqual(parsePipeline(text, { fileName: 'p.yaml' }).diagnostics, []);
});
