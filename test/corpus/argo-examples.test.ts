// Every example shipped in the pinned argo-workflows module's examples/ folder.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { fastParseAll } from '../../src/core/pipeline/fastYaml';
import { buildTemplateIndex, parsePipeline } from '../../src/core/pipeline/index';
import { YamlView, LineIndex } from '../../src/core/pipeline/source';

const dir = process.env.KINDLING_ARGO_EXAMPLES_DIR;

function listFiles(d: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(d)) {
    const full = join(d, e);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else if (/\.(ya?ml|json)$/.test(e)) out.push(full);
  }
  return out.sort();
}

function requireDir(): string {
  assert.ok(dir, `Argo examples were not prepared: ${process.env.KINDLING_CORPUS_ARGO_ERROR ?? 'run through test/corpus/run.mjs'}`);
  return dir;
}

test('every Argo example parses without an exception; valid workflows yield graphs', (t) => {
  const root = requireDir();
  const files = listFiles(root);
  assert.ok(files.length > 100, `found ${files.length} example files`);
  const texts = files.map((f) => ({ fileName: relative(root, f), text: readFileSync(f, 'utf8') }));
  const templates = buildTemplateIndex(texts);
  let argoDocs = 0;
  let graphs = 0;
  let withErrors = 0;
  const empty: string[] = [];
  const syntax: string[] = [];
  for (const { fileName, text } of texts) {
    const r = parsePipeline(text, { fileName, templates });
    // Argo accepts every shipped example, so neither should we (some need the lenient reader).
    if (r.diagnostics.some((d) => d.code === 'yaml-syntax')) syntax.push(fileName);
    assert.ok(!r.diagnostics.some((d) => d.code === 'internal'), `${fileName}: ${JSON.stringify(r.diagnostics)}`);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) withErrors++;
    const isArgo = /apiVersion:\s*argoproj\.io\/v1alpha1[\s\S]*kind:\s*(Workflow|WorkflowTemplate|ClusterWorkflowTemplate|CronWorkflow)\s*$/m.test(text);
    if (!isArgo) continue;
    argoDocs++;
    graphs += r.graphs.length;
    for (const g of r.graphs) {
      // A valid workflow always has something to draw; an empty one must have said why.
      if (g.nodes.length === 0 && !errors.length) empty.push(fileName);
    }
    if (!r.graphs.length && !errors.length) empty.push(fileName);
  }
  t.diagnostic(`argo ${process.env.KINDLING_ARGO_VERSION}: ${files.length} files, ${argoDocs} with Argo workflows, ${graphs} graphs, ${withErrors} files with error diagnostics`);
  assert.deepEqual(empty, [], 'valid workflows without a graph');
  assert.deepEqual(syntax, [], 'examples Argo accepts but we call broken YAML');
  assert.ok(graphs >= argoDocs);
});

// Node counts worked out by hand from the example files (v3.6.x):
// - dag-diamond: tasks A, B, C, D → 4 nodes; A→B, A→C, B→D, C→D → 4 edges.
// - steps: hello1 | hello2a, hello2b → 3 nodes; hello1→hello2a, hello1→hello2b → 2 edges.
// - loops: one withItems step over 2 items → loop group + 2 iterations = 3 nodes, no edges.
// - loops-maps: withItems over 4 maps → group + 4 = 5 nodes, no edges.
// - exit-handlers: entrypoint is a plain container (1 node); onExit adds the exit-handler group,
//   the exit-handler steps template as a group inside it, and its 3 parallel steps
//   (notify, celebrate, cry) → 1 + 1 + 1 + 3 = 6 nodes; one exit edge from intentional-fail.
// - dag-nested: 4 outer tasks, each a nested-diamond dag group with 4 tasks → 4 + 16 = 20 nodes;
//   4 outer + 4×4 inner diamond edges = 20 edges.
const expected: Record<string, { nodes: number; edges: number }> = {
  'dag-diamond.yaml': { nodes: 4, edges: 4 },
  'steps.yaml': { nodes: 3, edges: 2 },
  'loops.yaml': { nodes: 3, edges: 0 },
  'loops-maps.yaml': { nodes: 5, edges: 0 },
  'exit-handlers.yaml': { nodes: 6, edges: 1 },
  'dag-nested.yaml': { nodes: 20, edges: 20 },
};

for (const [file, want] of Object.entries(expected)) {
  test(`hand-counted graph of ${file}`, () => {
    const text = readFileSync(join(requireDir(), file), 'utf8');
    const r = parsePipeline(text, { fileName: file });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info'), []);
    assert.equal(r.graphs.length, 1);
    assert.equal(r.graphs[0].nodes.length, want.nodes, r.graphs[0].nodes.map((n) => n.id).join(', '));
    assert.equal(r.graphs[0].edges.length, want.edges);
  });
}

test('the fast YAML reader agrees with the yaml package on every example it accepts', (t) => {
  const files = listFiles(requireDir());
  let accepted = 0;
  const view = new YamlView(new LineIndex(''), '');
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const fast = fastParseAll(text);
    if (!fast) continue;
    accepted++;
    const ours = fast.map((d) => view.toJS(d.contents)).filter((v) => v !== null && v !== undefined);
    const theirs = parseAllDocuments(text) as unknown as Array<{ toJS(): unknown; errors: unknown[] }>;
    assert.ok(theirs.every((d) => d.errors.length === 0), `${f}: yaml reports errors the fast reader missed`);
    const ref = theirs.map((d) => d.toJS()).filter((v) => v !== null && v !== undefined);
    assert.deepEqual(ours, ref, relative(dir!, f));
  }
  t.diagnostic(`fast reader accepted ${accepted} of ${files.length} files`);
  assert.ok(accepted > files.length / 2, `fast reader accepted ${accepted} of ${files.length}`);
});
