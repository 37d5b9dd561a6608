// Hostile and broken input must never escape parsePipeline as an exception: every failure is a
// diagnostic. Documents are generated from a seeded PRNG, so a failure names a reproducible case.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePipeline } from '../../../src/core/pipeline/index';
import { fuzzDocuments } from './fuzzCorpus';

test('10,000+ malformed or hostile documents: no exception escapes, every failure is a diagnostic', () => {
  let count = 0;
  let withGraph = 0;
  const check = (text: string, fileName: string) => {
    count++;
    let r;
    try {
      r = parsePipeline(text, { fileName });
    } catch (err) {
      assert.fail(`parsePipeline threw on case ${count}: ${String(err)}\n${text.slice(0, 500)}`);
    }
    assert.ok(Array.isArray(r.graphs) && Array.isArray(r.diagnostics));
    if (r.graphs.length === 0) assert.ok(r.diagnostics.length > 0, `case ${count}: no graph and no diagnostic\n${text.slice(0, 300)}`);
    else withGraph++;
    for (const d of r.diagnostics) {
      assert.ok(typeof d.message === 'string' && d.message.length > 0 && typeof d.code === 'string');
      assert.notEqual(d.code, 'internal', `case ${count}: internal error ${d.message}\n${text.slice(0, 500)}`);
    }
    for (const g of r.graphs) {
      const ids = new Set(g.nodes.map((n) => n.id));
      assert.equal(ids.size, g.nodes.length, 'node ids are unique');
      for (const e of g.edges) assert.ok(ids.has(e.from) && ids.has(e.to), 'edges join existing nodes');
      for (const n of g.nodes) if (n.parent) assert.ok(ids.has(n.parent), 'parents exist');
    }
  };
  for (const d of fuzzDocuments()) check(d.text, d.fileName);
  assert.ok(count >= 10_000, `ran ${count} documents`);
  // Mutations mostly keep a recognisable pipeline; if none did, the fuzzer would test nothing.
  assert.ok(withGraph > count / 4, `${withGraph} of ${count} still produced a graph`);
});

test('non-string input and missing options are diagnostics too', () => {
  const r = parsePipeline(undefined as unknown as string, undefined as unknown as { fileName: string });
  assert.equal(r.graphs.length, 0);
  assert.equal(r.diagnostics[0].code, 'internal');
});
