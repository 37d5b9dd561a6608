import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PipelineGraph, PipelineNode } from '../../../src/core/model/pipelineGraph';
import { EdgeStyle, projectGraph } from '../../../webview/layout/project';

const node = (id: string, kind: PipelineNode['kind'] = 'container', parent?: string): PipelineNode => ({ id, label: id, kind, parent, details: [] });

// prep → G{ a → b, a → c } → report; G is a sub-DAG group.
const graph: PipelineGraph = {
  format: 'argo-workflow',
  name: 'g',
  nodes: [node('prep'), node('G', 'group'), node('G/a', 'container', 'G'), node('G/b', 'container', 'G'), node('G/c', 'container', 'G'), node('report')],
  edges: [
    { from: 'prep', to: 'G', kind: 'depends' },
    { from: 'G/a', to: 'G/b', kind: 'depends' },
    { from: 'G/a', to: 'G/c', kind: 'depends' },
    { from: 'G', to: 'report', kind: 'depends', label: 'Succeeded' },
  ],
};

function edges(p: ReturnType<typeof projectGraph>): string[] {
  const id = (v: number): string => graph.nodes[p.visible[v]].id;
  return Array.from(p.edgeFrom, (a, i) => `${id(a)}>${id(p.edgeTo[i])}${p.edgeStyle[i] === EdgeStyle.Contains ? '(contains)' : ''}`).sort();
}

test('an expanded group leads into its first members and leaves from its last ones', () => {
  const p = projectGraph(graph, new Set());
  assert.equal(p.visible.length, 6);
  assert.deepEqual(edges(p), ['G/a>G/b', 'G/a>G/c', 'G/b>report', 'G/c>report', 'G>G/a(contains)', 'prep>G'].sort());
});

test('a collapsed group hides its members and takes over their edges', () => {
  const p = projectGraph(graph, new Set(['G']));
  assert.deepEqual(Array.from(p.visible, (v) => graph.nodes[v].id), ['prep', 'G', 'report']);
  assert.deepEqual(edges(p), ['G>report', 'prep>G']);
  assert.equal(p.hiddenCount[1], 3);
  // Members map to the group's visible index.
  assert.equal(p.repOf[2], 1);
  assert.equal(p.repOf[4], 1);
});

test('edges to unknown nodes and parent cycles do not break the projection', () => {
  const broken: PipelineGraph = {
    ...graph,
    nodes: [node('x', 'group', 'y'), node('y', 'group', 'x'), node('z')],
    edges: [{ from: 'x', to: 'nope', kind: 'depends' }, { from: 'z', to: 'x', kind: 'depends' }],
  };
  const p = projectGraph(broken, new Set(['x']));
  assert.ok(p.visible.length >= 1);
  assert.ok(p.edgeFrom.length <= 2);
});
