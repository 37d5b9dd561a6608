// KFP v2 YAML compiled by the real kfp SDK (test/corpus/kfp/*.py, compiled by run.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PipelineGraph } from '../../src/core/model/pipelineGraph';
import { parsePipeline } from '../../src/core/pipeline/index';

function load(name: string): PipelineGraph {
  const dir = process.env.KINDLING_KFP_OUT_DIR;
  assert.ok(dir, `KFP pipelines were not compiled: ${process.env.KINDLING_CORPUS_KFP_ERROR ?? 'run through test/corpus/run.mjs'}`);
  const r = parsePipeline(readFileSync(join(dir, `${name}.yaml`), 'utf8'), { fileName: `${name}.yaml` });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.graphs.length, 1);
  return r.graphs[0];
}

const shape = (g: PipelineGraph) => ({
  nodes: g.nodes.map((n) => `${n.id}:${n.kind}${n.groupKind ? '/' + n.groupKind : ''}`).sort(),
  edges: g.edges.map((e) => `${e.from} -> ${e.to} [${e.kind}]`).sort(),
});

// The kfp compiler numbers groups in the order they are opened (for-loop-2, condition-3, …),
// and suffixes repeated components (say, say-2, …); the expectations follow the .py sources.
test('ParallelFor over a literal and over a task output, with a Collected fan-in', () => {
  const g = load('parallel_for');
  assert.equal(g.name, 'parallel-for');
  assert.deepEqual(shape(g), {
    nodes: ['combine:kfp-component', 'for-loop-2/square:kfp-component', 'for-loop-2:group/loop',
      'for-loop-3/process:kfp-component', 'for-loop-3:group/loop', 'make-shards:kfp-component'],
    edges: ['for-loop-3 -> combine [depends]', 'make-shards -> for-loop-3 [depends]'],
  });
  const loop = g.nodes.find((n) => n.id === 'for-loop-2')!;
  assert.equal(loop.details.find((d) => d.key === 'parallelism')?.value, '2');
});

test('dsl.If/Elif/Else become condition groups under condition-branches; dsl.Condition too', () => {
  const g = load('conditions');
  assert.deepEqual(shape(g), {
    nodes: ['condition-5/say-4:kfp-component', 'condition-5:group/condition',
      'condition-branches-1/condition-2/say:kfp-component', 'condition-branches-1/condition-2:group/condition',
      'condition-branches-1/condition-3/say-2:kfp-component', 'condition-branches-1/condition-3:group/condition',
      'condition-branches-1/condition-4/say-3:kfp-component', 'condition-branches-1/condition-4:group/condition',
      'condition-branches-1:group/condition', 'flip:kfp-component'],
    edges: ['flip -> condition-5 [depends]', 'flip -> condition-branches-1 [depends]'],
  });
  const cond = (id: string) => g.nodes.find((n) => n.id === id)!.details.find((d) => d.key === 'condition')?.value;
  assert.equal(cond('condition-branches-1/condition-2'), "flip-Output == 'heads'");
  assert.equal(cond('condition-5'), "flip-Output != 'heads'");
  assert.equal(g.edges.find((e) => e.to === 'condition-5')!.label, "flip-Output != 'heads'");
});

test('a pipeline used as a component is a sub-pipeline group', () => {
  const g = load('nested');
  assert.deepEqual(shape(g), {
    nodes: ['inner/step-2:kfp-component', 'inner/step:kfp-component', 'inner:group/sub-pipeline', 'step:kfp-component'],
    edges: ['inner -> step [depends]', 'inner/step -> inner/step-2 [depends]'],
  });
});

test('ExitHandler: the exit task hangs off the exit-handler group with an exit edge', () => {
  const g = load('exit_handler');
  assert.deepEqual(shape(g), {
    nodes: ['exit-handler-1/work-2:kfp-component', 'exit-handler-1/work:kfp-component', 'exit-handler-1:group/exit-handler', 'notify:kfp-component'],
    edges: ['exit-handler-1 -> notify [exit]', 'exit-handler-1/work -> exit-handler-1/work-2 [depends]'],
  });
  assert.equal(g.nodes.find((n) => n.id === 'notify')!.details.find((d) => d.key === 'image')?.value, 'python:3.12');
});
