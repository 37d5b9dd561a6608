import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCycles, GraphBuilder } from '../../../src/core/pipeline/source';

test('findCycles: ordered input has none; forward references, self loops and cycles still found', () => {
  const graph = (edges: Record<string, string[]>) => (n: string) => edges[n] ?? [];
  // Every dependency earlier in the list (the fast path) → no cycle.
  assert.deepEqual(findCycles(['a', 'b', 'c'], graph({ b: ['a'], c: ['a', 'b', 'unknown'] })), []);
  // Dependency on a later name without a cycle (the full search) → still none.
  assert.deepEqual(findCycles(['c', 'b', 'a'], graph({ b: ['a'], c: ['a', 'b'] })), []);
  assert.deepEqual(findCycles(['a', 'b'], graph({ a: ['a'] })), [['a']]);
  assert.deepEqual(findCycles(['a', 'b', 'c'], graph({ a: ['c'], b: ['a'], c: ['b'] })), [['a', 'c', 'b']]);
});

test('GraphBuilder: edges de-duplicated per (from, to, kind); self and dangling edges dropped', () => {
  const b = new GraphBuilder();
  for (const id of ['x', 'y', 'x']) b.addNode({ id, label: id, kind: 'container' });
  assert.deepEqual(b.nodes.map((n) => n.id), ['x', 'y', 'x#2']);
  b.addEdge({ from: 'x', to: 'y', kind: 'depends', label: 'first' });
  b.addEdge({ from: 'x', to: 'y', kind: 'depends', label: 'second' });
  b.addEdge({ from: 'x', to: 'y', kind: 'exit' });
  b.addEdge({ from: 'y', to: 'x', kind: 'depends' });
  b.addEdge({ from: 'x#2', to: 'y', kind: 'depends' });
  b.addEdge({ from: 'x', to: 'x', kind: 'depends' });
  b.addEdge({ from: 'x', to: 'nope', kind: 'depends' });
  assert.deepEqual(b.edges, [
    { from: 'x', to: 'y', kind: 'depends', label: 'first' },
    { from: 'x', to: 'y', kind: 'exit' },
    { from: 'y', to: 'x', kind: 'depends' },
    { from: 'x#2', to: 'y', kind: 'depends' },
  ]);
});
