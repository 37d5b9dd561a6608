// Small helpers shared by the pipeline tests: compact views of a graph that make exact
// expectations readable, and a position finder so expected ranges come from the text itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParseResult, PipelineGraph } from '../../../src/core/model/pipelineGraph';

export const examplesDir = join(__dirname, '..', '..', '..', 'examples', 'pipelines');

export function readExample(name: string): string {
  return readFileSync(join(examplesDir, name), 'utf8');
}

export function nodeIds(g: PipelineGraph): string[] {
  return g.nodes.map((n) => n.id).sort();
}

export function edgeList(g: PipelineGraph): string[] {
  return g.edges.map((e) => `${e.from} -> ${e.to} [${e.kind}${e.label ? `: ${e.label}` : ''}]`).sort();
}

export function node(g: PipelineGraph, id: string) {
  const n = g.nodes.find((x) => x.id === id);
  assert.ok(n, `node ${id} exists (have: ${g.nodes.map((x) => x.id).join(', ')})`);
  return n;
}

export function detail(g: PipelineGraph, id: string, key: string): string | undefined {
  return node(g, id).details.find((d) => d.key === key)?.value;
}

export function codes(r: ParseResult): string[] {
  return r.diagnostics.map((d) => `${d.severity}:${d.code}`).sort();
}

/** 0-based line/col of the first occurrence of `needle` (after `after`, if given) in `text`. */
export function posOf(text: string, needle: string, after = 0): { line: number; col: number } {
  const i = text.indexOf(needle, after);
  assert.ok(i >= 0, `text contains ${needle}`);
  const before = text.slice(0, i);
  const line = before.split('\n').length - 1;
  return { line, col: i - (before.lastIndexOf('\n') + 1) };
}

export function single(r: ParseResult): PipelineGraph {
  assert.equal(r.graphs.length, 1, `one graph (diagnostics: ${JSON.stringify(r.diagnostics)})`);
  return r.graphs[0];
}
