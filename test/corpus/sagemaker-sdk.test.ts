// A SageMaker pipeline definition produced by the real sagemaker SDK, offline (see run.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePipeline, wrapSageMakerPipeline } from '../../src/core/pipeline/index';

test('SDK definition: steps, condition branches and property-reference edges', () => {
  const file = process.env.KINDLING_SAGEMAKER_DEF;
  assert.ok(file, `SageMaker definition was not produced: ${process.env.KINDLING_CORPUS_SAGEMAKER_ERROR ?? 'run through test/corpus/run.mjs'}`);
  const text = readFileSync(file, 'utf8');
  const r = parsePipeline(text, { fileName: 'sagemaker-refit.json' });
  assert.deepEqual(r.diagnostics, []);
  const g = r.graphs[0];
  assert.deepEqual(g.nodes.map((n) => `${n.id}:${n.subtitle}`).sort(), [
    'AucTooLow:Fail', 'CheckAuc:Condition', 'EvaluateModel:Processing', 'PrepareFeatures:Processing',
    'RegisterModel-RegisterModel:RegisterModel', 'TrainModel:Training',
  ]);
  assert.deepEqual(g.edges.map((e) => `${e.from} -> ${e.to} [${e.kind}]`).sort(), [
    'CheckAuc -> AucTooLow [condition-false]',
    'CheckAuc -> RegisterModel-RegisterModel [condition-true]',
    'EvaluateModel -> CheckAuc [data]',
    'EvaluateModel -> RegisterModel-RegisterModel [data]',
    'PrepareFeatures -> TrainModel [data]',
    'TrainModel -> EvaluateModel [data]',
    'TrainModel -> RegisterModel-RegisterModel [data]',
  ]);
  // The shipped example was produced by the same script; it must still match the SDK's shape.
  const example = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'pipelines', 'sagemaker-refit.json'), 'utf8'));
  assert.deepEqual(example, JSON.parse(text));
  // And the ACK wrapping of the SDK output renders the same graph.
  const w = wrapSageMakerPipeline(text, { name: 'ctr-refit', roleArn: 'arn:aws:iam::123456789012:role/KindlingSageMakerExecution' });
  const ack = parsePipeline(w.yaml, { fileName: 'ack.yaml' }).graphs[0];
  assert.deepEqual(ack.edges, g.edges);
});
