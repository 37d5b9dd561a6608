import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ComponentError } from '../../../src/core/component';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import { graphKey, statusesForGraph } from '../../../src/core/model/statusScope';
import { parsePipeline } from '../../../src/core/pipeline';
import { buildPipelineRun, chooseDocument, graphIndexForDocument, listDocuments, mapWorkflowStatus, submittableDocuments, type WorkflowLike } from '../../../src/core/pipelineRun';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A ConfigMap, a WorkflowTemplate and the Workflow that runs it, then a second Workflow of the same shape. */
const FILE = `# shared settings
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { region: eu }
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: features
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - { name: extract, template: step }
          - { name: train, depends: extract, template: step }
    - name: step
      container: { image: busybox:1.36 }
---
# the run of the template above
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: features-run-
spec:
  workflowTemplateRef: { name: features }
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: copy
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - { name: extract, template: step }
          - { name: train, depends: extract, template: step }
    - name: step
      container: { image: busybox:1.36 }
`;
const lineStart = (line: number): number => FILE.split('\n').slice(0, line).join('\n').length + (line ? 1 : 0);
const lineOf = (needle: string, from = 0): number => FILE.slice(0, FILE.indexOf(needle, from)).split('\n').length - 1;

const config = ((): KindlingConfig => {
  const { config: c, errors } = loadConfig('version: 1\nimages:\n  default: localhost:5001/p:1.0\nnamespace: ml-dev\n');
  assert.deepEqual(errors, []);
  return c!;
})();
const provenance = { sourceSha256: 'ab'.repeat(32), gitCommit: 'c'.repeat(40), gitDirty: false, user: 'ada', kindlingVersion: '0.1.0' };

test('listing: every document with kind, name and content lines; only Argo/Spark pipelines are submittable', () => {
  const docs = listDocuments(FILE, 'p.yaml');
  assert.deepEqual(
    docs.map((d) => [d.index, d.kind, d.name, d.submitKind, d.startLine, d.endLine]),
    [
      [0, 'ConfigMap', 'settings', undefined, 1, 4],
      [1, 'WorkflowTemplate', 'features', 'WorkflowTemplate', 6, 19],
      [2, 'Workflow', 'features-run-', 'Workflow', 22, 27],
      [3, 'Workflow', 'copy', 'Workflow', 29, 42],
    ],
  );
  assert.deepEqual(submittableDocuments(docs).map((d) => d.index), [1, 2, 3]);
  // Spans cover the file without gaps: the `---` and comments belong to the document below them.
  assert.equal(docs[0].spanStart, 0);
  for (let i = 1; i < docs.length; i++) assert.equal(docs[i].spanStart, docs[i - 1].spanEnd);
  assert.equal(docs.at(-1)?.spanEnd, FILE.length);
  assert.throws(() => listDocuments('a: [1\n', 'bad.yaml'), (e: unknown) => e instanceof ComponentError && /^bad\.yaml:\d+ is not valid YAML/.test(e.message));
});

test('cursor choice: the document under the cursor, separators and leading comments included', () => {
  const docs = listDocuments(FILE, 'p.yaml');
  const at = (offset: number) => chooseDocument(docs, 'p.yaml', offset);
  const chosenIndex = (offset: number): number | undefined => {
    const c = at(offset);
    return c.kind === 'chosen' ? c.document.index : undefined;
  };
  assert.equal(chosenIndex(FILE.indexOf('name: features')), 1);
  assert.equal(chosenIndex(FILE.indexOf('workflowTemplateRef')), 2);
  assert.equal(chosenIndex(FILE.indexOf('# the run')), 2, 'a comment above a document is part of it');
  assert.equal(chosenIndex(lineStart(lineOf('name: copy') - 3)), 3, 'the --- line before the last Workflow');
  assert.equal(chosenIndex(FILE.length), 3, 'the end of the file');
  assert.equal(chosenIndex(FILE.lastIndexOf('image')), 3);
});

test('cursor in a document that is not a pipeline: a message naming file, line and the submittable kinds, and the candidates to pick from', () => {
  const docs = listDocuments(FILE, 'p.yaml');
  const c = chooseDocument(docs, 'p.yaml', FILE.indexOf('region'));
  assert.equal(c.kind, 'not-submittable');
  if (c.kind !== 'not-submittable') return;
  assert.match(c.message, /p\.yaml:2, a ConfigMap/);
  assert.match(c.message, /Argo Workflow, WorkflowTemplate and CronWorkflow, and SparkApplication/);
  assert.deepEqual(c.candidates.map((d) => d.name), ['features', 'features-run-', 'copy']);
});

test('no cursor (explorer) with several pipelines asks; one pipeline needs no question; none says what the file is', () => {
  const docs = listDocuments(FILE, 'p.yaml');
  const ask = chooseDocument(docs, 'p.yaml');
  assert.equal(ask.kind, 'ask');
  assert.deepEqual(ask.kind === 'ask' ? ask.candidates.map((d) => d.index) : [], [1, 2, 3]);
  const single = listDocuments('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n---\napiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata: { name: s }\nspec: {}\n', 's.yaml');
  const one = chooseDocument(single, 's.yaml', 0);
  assert.equal(one.kind === 'chosen' ? one.document.submitKind : one.kind, 'SparkApplication', 'even with the cursor in the ConfigMap');
  const none = chooseDocument(listDocuments('apiVersion: v1\nkind: ConfigMap\n', 'c.yaml'), 'c.yaml', 0);
  assert.equal(none.kind, 'none');
  assert.match(none.kind === 'none' ? none.message : '', /c\.yaml is a ConfigMap \(v1\)/);
});

test('building the run of the chosen document: the second Workflow, not the first pipeline of the file', () => {
  const m = buildPipelineRun({ text: FILE, relativePath: 'p.yaml', config, suffix: 'x1y2z', provenance, documentIndex: 3 });
  assert.equal(m.runName, 'copy-x1y2z');
  assert.equal(m.documentIndex, 3);
  assert.equal(m.source, 'Workflow copy');
  assert.deepEqual(m.companions, [], 'it refers to no template');
  assert.equal((m.resource as Any).spec.entrypoint, 'main');
  // The chosen kind and name still there: built. The file changed on disk since the choice: refused.
  const same = buildPipelineRun({ text: FILE, relativePath: 'p.yaml', config, suffix: 'x1y2z', provenance, documentIndex: 3, expectedDocument: { kind: 'Workflow', name: 'copy' } });
  assert.equal(same.source, 'Workflow copy');
  assert.throws(
    () => buildPipelineRun({ text: FILE, relativePath: 'p.yaml', config, suffix: 'x1y2z', provenance, documentIndex: 3, expectedDocument: { kind: 'Workflow', name: 'original' } }),
    /^ComponentError: p\.yaml changed on disk since Workflow original was chosen \(document #4 is now Workflow copy\); nothing was submitted\./,
  );
});

test('a Workflow that runs a WorkflowTemplate of the same file brings the template along, applied first; no cluster check for it', () => {
  const m = buildPipelineRun({ text: FILE, relativePath: 'p.yaml', config, suffix: 'x1y2z', provenance, documentIndex: 2 });
  assert.equal(m.runName, 'features-run-x1y2z');
  assert.deepEqual((m.resource as Any).spec.workflowTemplateRef, { name: 'features' });
  assert.equal(m.template, undefined);
  assert.deepEqual(m.companions.map((t) => [t.kind, t.metadata.name, t.metadata.namespace, t.metadata.labels['app.kubernetes.io/managed-by']]), [['WorkflowTemplate', 'features', 'ml-dev', 'kindling']]);
  assert.equal(((m.companions[0] as Any).spec.templates as unknown[]).length, 2);
  assert.deepEqual(m.templateRefs, []);
  // A reference the file does not satisfy is still checked on the cluster.
  const other = FILE.replace('workflowTemplateRef: { name: features }', 'workflowTemplateRef: { name: elsewhere }');
  const m2 = buildPipelineRun({ text: other, relativePath: 'p.yaml', config, suffix: 'x1y2z', provenance, documentIndex: 2 });
  assert.deepEqual(m2.companions, []);
  assert.deepEqual(m2.templateRefs, [{ name: 'elsewhere', clusterScope: false }]);
});

test('a document that is not a pipeline, or several pipelines and no choice, is refused with file and line', () => {
  const build = (documentIndex?: number) => () => buildPipelineRun({ text: FILE, relativePath: 'p.yaml', config, suffix: 'x1y2z', provenance, documentIndex });
  assert.throws(build(0), (e: unknown) => e instanceof ComponentError && /^p\.yaml:2 is a ConfigMap; Submit Pipeline sends Argo Workflow/.test(e.message));
  assert.throws(build(), (e: unknown) => e instanceof ComponentError && /holds 3 pipelines \(WorkflowTemplate features \(line 7\), Workflow features-run- \(line 23\), Workflow copy \(line 30\)\)/.test(e.message));
});

test('the DAG panel graph of a document is found by its lines', () => {
  const docs = listDocuments(FILE, 'p.yaml');
  const { graphs } = parsePipeline(FILE, { fileName: 'p.yaml' });
  assert.equal(graphs.length, 3);
  assert.deepEqual([1, 2, 3].map((i) => graphIndexForDocument(graphs, docs[i])), [0, 1, 2]);
  assert.equal(graphIndexForDocument(graphs, docs[0]), -1, 'the ConfigMap has no graph');
});

test('status of a run colours only the submitted document: a sibling with the same status keys stays uncoloured', () => {
  const docs = listDocuments(FILE, 'p.yaml');
  const { graphs } = parsePipeline(FILE, { fileName: 'p.yaml' });
  const submitted = graphIndexForDocument(graphs, docs[3]);
  const sibling = graphIndexForDocument(graphs, docs[1]);
  // The sibling really shares the keys: without scoping it would take the run's colours.
  const keys = (i: number) => graphs[i].nodes.map((n) => n.statusKey ?? n.id).sort();
  assert.deepEqual(keys(sibling), keys(submitted));
  const wf: WorkflowLike = {
    metadata: { name: 'copy-x1y2z', namespace: 'ml-dev' },
    status: { phase: 'Running', nodes: { a: { name: 'copy-x1y2z.extract', phase: 'Succeeded' }, b: { name: 'copy-x1y2z.train', phase: 'Running' } } },
  };
  const snap = mapWorkflowStatus(graphs[submitted], wf, graphKey(graphs, submitted));
  assert.equal(snap.graphKey, 'argo-workflow:copy#0');
  assert.deepEqual(statusesForGraph(snap, graphs, submitted), { '.extract': 'succeeded', '.train': 'running' });
  assert.equal(statusesForGraph(snap, graphs, sibling), undefined);
  assert.equal(statusesForGraph(snap, graphs, graphIndexForDocument(graphs, docs[2])), undefined);
  // Keys do not move when a document is added above (the file edited while the run goes on).
  const edited = parsePipeline(`apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: new }\nspec: { entrypoint: m, templates: [{ name: m, container: { image: b } }] }\n---\n${FILE}`, { fileName: 'p.yaml' }).graphs;
  assert.equal(statusesForGraph(snap, edited, 3), snap.statuses);
  assert.equal(statusesForGraph(snap, edited, 0), undefined);
  // Two documents of the same kind and name are told apart by their order.
  const twins = [graphs[submitted], graphs[submitted]];
  assert.notEqual(graphKey(twins, 0), graphKey(twins, 1));
  // A snapshot without a graph key (older host) colours whatever is shown.
  assert.deepEqual(statusesForGraph({ ...snap, graphKey: undefined }, graphs, sibling), snap.statuses);
});
