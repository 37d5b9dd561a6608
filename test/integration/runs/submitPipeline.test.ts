/**
 * Submit Pipeline against the real control plane: the product's submit code (src/kube/runs
 * submitPipeline.ts) creates the run, the real Argo workflow-controller runs it (KWOK plays the
 * kubelet), and the live status mapping (src/core/pipelineRun) colours every node the parser drew
 * for the file: Succeeded everywhere, or Failed where the test env's fail annotation was put.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import type { PipelineGraph, StatusSnapshot } from '../../../src/core/model/pipelineGraph';
import { graphKey, statusesForGraph } from '../../../src/core/model/statusScope';
import { parsePipeline } from '../../../src/core/pipeline';
import { chooseDocument, graphIndexForDocument, listDocuments, mapSparkStatus, mapWorkflowStatus, type SparkApplicationLike, type WorkflowLike } from '../../../src/core/pipelineRun';
import { ensureRunIdentity, preparePipeline, RunError, runServiceAccounts, startPipeline } from '../../../src/kube/runs';
import { FAIL_ANNOTATION, getCluster, useNamespace } from '../helpers/testCluster';

const local = getCluster('local');
const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-submit-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** The refit pipeline's shape, small: validate → (features, profile ×2) → train → register, plus an exit handler. */
function refitShape(failTrain: boolean): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: refit-shape-
spec:
  entrypoint: refit
  onExit: cleanup
  templates:
    - name: refit
      dag:
        tasks:
          - { name: validate, template: step }
          - { name: features, depends: validate, template: step }
          - name: profile
            depends: validate
            template: step
            withItems: [eu, us]
          - { name: train, depends: features && profile, template: ${failTrain ? 'train-fails' : 'step'} }
          - { name: register, depends: train, template: step }
    - name: step
      container: { image: busybox:1.36, command: [sh, -c, "echo ok"] }
    - name: train-fails
      metadata:
        annotations: { ${FAIL_ANNOTATION}: "true" }
      container: { image: busybox:1.36, command: [sh, -c, "exit 1"] }
    - name: cleanup
      container: { image: busybox:1.36, command: [sh, -c, "echo bye"] }
`;
}

async function setup(t: Parameters<typeof useNamespace>[0]): Promise<KindlingConfig> {
  const ns = await useNamespace(t, local, 'submit');
  const { config, errors } = loadConfig(`version: 1\nimages:\n  default: localhost:5001/ml-pipelines:0.4.2\nnamespace: ${ns}\npodAnnotations:\n  team: ranking\n`);
  assert.deepEqual(errors, []);
  const ids = runServiceAccounts(config!);
  await ensureRunIdentity(local.kc, ids.namespace, ids.serviceAccounts);
  return config!;
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Submits through the product code and maps every object the watch sees, as the extension does. */
async function submitAndColour(file: string, config: KindlingConfig, text: string): Promise<{ graph: PipelineGraph; snapshots: StatusSnapshot[]; final: StatusSnapshot; runName: string }> {
  const graph = parsePipeline(text, { fileName: file }).graphs[0];
  assert.ok(graph);
  const manifests = await preparePipeline({ filePath: file, workspaceRoot: dir, config, kindlingVersion: 'test' });
  const snapshots: StatusSnapshot[] = [];
  const started = await startPipeline(local.kc, manifests, { onObject: (obj) => snapshots.push(mapWorkflowStatus(graph, obj as WorkflowLike)) });
  const done = await Promise.race([started.watch.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('run did not finish in 90 s')), 90_000))]);
  assert.ok(done.status.phase === 'Succeeded' || done.status.phase === 'Failed', done.status.phase);
  const final = snapshots.at(-1);
  assert.ok(final, 'the watch delivered the run object');
  return { graph, snapshots, final, runName: manifests.runName };
}

test('a submitted DAG reaches Succeeded on every node the panel draws; its pods carry the run label and provenance', async (t) => {
  const config = await setup(t);
  const text = refitShape(false);
  const file = write('refit-shape.yaml', text);
  const { graph, snapshots, final, runName } = await submitAndColour(file, config, text);
  assert.match(runName, /^refit-shape-[a-z0-9]{5}$/);
  assert.equal(final.phase, 'succeeded');
  assert.equal(final.runId, `workflow/${config.namespace}/${runName}`);
  for (const n of graph.nodes) assert.equal(final.statuses[n.statusKey ?? n.id], 'succeeded', `${n.id} (${n.statusKey})`);
  assert.ok(graph.nodes.length >= 9, `the shape has groups, loop items and the exit handler: ${graph.nodes.map((n) => n.id).join(', ')}`);
  // The colours moved while it ran: some snapshot had a node not yet succeeded.
  assert.ok(snapshots.some((s) => Object.values(s.statuses).some((v) => v !== 'succeeded')), 'an intermediate snapshot');
  const pods = (await local.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: config.namespace!, labelSelector: `kindling.dev/run=${runName}` })).items;
  assert.equal(pods.length, 7, pods.map((p) => p.metadata?.name).join(', '));
  for (const p of pods) {
    assert.equal(p.metadata?.annotations?.['kindling.dev/source-path'], 'refit-shape.yaml');
    assert.equal(p.metadata?.annotations?.team, 'ranking');
  }
});

test('a failing step is Failed in the panel, what depends on it is omitted, the rest succeeded', async (t) => {
  const config = await setup(t);
  const text = refitShape(true);
  const file = write('refit-shape-fails.yaml', text);
  const { graph, final } = await submitAndColour(file, config, text);
  assert.equal(final.phase, 'failed');
  const byId = Object.fromEntries(graph.nodes.map((n) => [n.id, final.statuses[n.statusKey ?? n.id]]));
  assert.equal(byId.train, 'failed');
  assert.equal(byId.register, 'omitted');
  assert.equal(byId.validate, 'succeeded');
  assert.equal(byId.features, 'succeeded');
  assert.equal(byId.profile, 'succeeded');
  assert.equal(byId['onExit/cleanup'], 'succeeded', 'the exit handler still runs');
});

test('a WorkflowTemplate file is installed and run through workflowTemplateRef; a reference to a missing template is refused before anything is created', async (t) => {
  const config = await setup(t);
  const tmplText = refitShape(false).replace('kind: Workflow\nmetadata:\n  generateName: refit-shape-', 'kind: WorkflowTemplate\nmetadata:\n  name: refit-tmpl');
  const tmplFile = write('refit-tmpl.yaml', tmplText);
  const { graph, final } = await submitAndColour(tmplFile, config, tmplText);
  assert.equal(final.phase, 'succeeded');
  for (const n of graph.nodes) assert.equal(final.statuses[n.statusKey ?? n.id], 'succeeded', n.id);
  // Submitting again replaces the template (the file is the truth) instead of failing on "already exists".
  const again = await submitAndColour(tmplFile, config, tmplText);
  assert.equal(again.final.phase, 'succeeded');

  const dangling = write('dangling.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { generateName: d- }\nspec:\n  entrypoint: m\n  templates:\n    - name: m\n      dag:\n        tasks:\n          - { name: a, templateRef: { name: nowhere, template: x } }\n');
  const manifests = await preparePipeline({ filePath: dangling, workspaceRoot: dir, config, kindlingVersion: 'test' });
  await assert.rejects(startPipeline(local.kc, manifests), (e: unknown) => e instanceof RunError && /WorkflowTemplate "nowhere" in namespace/.test(e.message) && /Submit the file that defines it first/.test(e.message));
});

/**
 * A multi-document file, the cursor in its second document: what the extension does (choose by
 * cursor, find the panel's graph, scope the colours to it), through the product's submit code.
 */
async function submitSecondDocument(file: string, config: KindlingConfig, text: string, cursorNeedle: string) {
  const docs = listDocuments(text, path.basename(file));
  const choice = chooseDocument(docs, path.basename(file), text.lastIndexOf(cursorNeedle));
  assert.equal(choice.kind, 'chosen');
  const chosen = choice.kind === 'chosen' ? choice.document : docs[0];
  assert.equal(chosen.index, 1, 'the cursor is in the second document');
  const { graphs } = parsePipeline(text, { fileName: file });
  assert.equal(graphs.length, 2);
  const gi = graphIndexForDocument(graphs, chosen);
  assert.equal(gi, 1);
  const manifests = await preparePipeline({ filePath: file, workspaceRoot: dir, config, kindlingVersion: 'test', documentIndex: chosen.index });
  const snapshots: StatusSnapshot[] = [];
  const started = await startPipeline(local.kc, manifests, { onObject: (obj) => snapshots.push(mapWorkflowStatus(graphs[gi], obj as WorkflowLike, graphKey(graphs, gi))) });
  const done = await Promise.race([started.watch.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('run did not finish in 90 s')), 90_000))]);
  const final = snapshots.at(-1);
  assert.ok(final, 'the watch delivered the run object');
  const wf = (await local.kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', namespace: config.namespace!, name: manifests.runName })) as { spec?: Record<string, unknown> };
  return { graphs, manifests, done, final, wf };
}

test('a two-Workflow file with the cursor in the second: the second one runs (not the first, which would fail) and reaches Succeeded; only its graph is coloured', async (t) => {
  const config = await setup(t);
  const first = refitShape(true).replace('generateName: refit-shape-', 'generateName: first-');
  const second = refitShape(false).replace('generateName: refit-shape-', 'generateName: second-').replace('entrypoint: refit', 'entrypoint: refit\n  arguments: { parameters: [{ name: which, value: second }] }');
  const text = `${first}---\n${second}`;
  const file = write('two-workflows.yaml', text);
  const { graphs, manifests, done, final, wf } = await submitSecondDocument(file, config, text, 'which');
  assert.match(manifests.runName, /^second-[a-z0-9]{5}$/);
  assert.deepEqual(wf.spec?.arguments, { parameters: [{ name: 'which', value: 'second' }] }, "the Workflow on the cluster is the second document's");
  assert.equal(done.status.phase, 'Succeeded', JSON.stringify(done.status));
  for (const n of graphs[1].nodes) assert.equal(statusesForGraph(final, graphs, 1)?.[n.statusKey ?? n.id], 'succeeded', n.id);
  assert.equal(statusesForGraph(final, graphs, 0), undefined, 'the first Workflow has the same status keys and stays uncoloured');
});

test('a WorkflowTemplate and, second, the Workflow that runs it: the template is applied from the file first and the Workflow succeeds', async (t) => {
  const config = await setup(t);
  const tmpl = refitShape(false).replace('kind: Workflow\nmetadata:\n  generateName: refit-shape-', 'kind: WorkflowTemplate\nmetadata:\n  name: multi-tmpl');
  const run = 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: multi-run-\nspec:\n  workflowTemplateRef: { name: multi-tmpl }\n';
  const text = `${tmpl}---\n${run}`;
  const file = write('template-and-run.yaml', text);
  const { graphs, manifests, done, final, wf } = await submitSecondDocument(file, config, text, 'workflowTemplateRef');
  assert.match(manifests.runName, /^multi-run-[a-z0-9]{5}$/);
  assert.deepEqual(manifests.companions.map((c) => c.metadata.name), ['multi-tmpl']);
  assert.deepEqual(manifests.templateRefs, [], 'the file brings the template: no "missing on the cluster" refusal');
  assert.deepEqual(wf.spec?.workflowTemplateRef, { name: 'multi-tmpl' });
  const installed = (await local.kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', plural: 'workflowtemplates', namespace: config.namespace!, name: 'multi-tmpl' })) as { metadata?: { labels?: Record<string, string> } };
  assert.equal(installed.metadata?.labels?.['app.kubernetes.io/managed-by'], 'kindling');
  assert.equal(done.status.phase, 'Succeeded', JSON.stringify(done.status));
  // The Workflow's graph is drawn from the template in the same file: every node of it succeeded.
  // (The parser draws the template's tasks and loop items for it; not the template's own exit handler.)
  assert.ok(graphs[1].nodes.length >= 7, graphs[1].nodes.map((n) => n.id).join(', '));
  for (const n of graphs[1].nodes) assert.equal(statusesForGraph(final, graphs, 1)?.[n.statusKey ?? n.id], 'succeeded', n.id);
  assert.equal(statusesForGraph(final, graphs, 0), undefined, 'the template document is not coloured by the run of the Workflow');
});

test('a server-side rejection carries the API server message', async (t) => {
  const config = await setup(t);
  const file = write('bad-label.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: bad-\n  labels: { team: "not a valid label" }\nspec:\n  entrypoint: m\n  templates: [{ name: m, container: { image: busybox } }]\n');
  const manifests = await preparePipeline({ filePath: file, workspaceRoot: dir, config, kindlingVersion: 'test' });
  await assert.rejects(startPipeline(local.kc, manifests), (e: unknown) => e instanceof RunError && e.code === 'invalid' && /rejected/.test(e.message) && /metadata.labels/.test(e.message));
});

test('a SparkApplication file submits as itself; the real operator runs spark-submit and its state colours the driver', async (t) => {
  const config = await setup(t);
  const text = `apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata:
  name: train-spark
spec:
  type: Python
  mode: cluster
  image: localhost:5001/ml-pipelines:0.4.2
  mainApplicationFile: local:///app/train_spark.py
  sparkVersion: 4.0.0
  restartPolicy: { type: Never }
  driver: { cores: 1, memory: 512m }
  executor: { cores: 1, memory: 512m, instances: 1 }
`;
  const file = write('train-spark.yaml', text);
  const graph = parsePipeline(text, { fileName: file }).graphs[0];
  const manifests = await preparePipeline({ filePath: file, workspaceRoot: dir, config, kindlingVersion: 'test' });
  assert.match(manifests.runName, /^train-spark-[a-z0-9]{5}$/);
  const snapshots: StatusSnapshot[] = [];
  const started = await startPipeline(local.kc, manifests, { onObject: (obj) => snapshots.push(mapSparkStatus(graph, obj as SparkApplicationLike)) });
  t.after(() => started.watch.stop());
  const done = await Promise.race([started.watch.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not finished in 180 s')), 180_000))]);
  assert.equal(done.status.phase, 'Succeeded', JSON.stringify(done.status));
  const final = snapshots.at(-1)!;
  const driver = graph.nodes.find((n) => n.kind === 'spark-driver')!;
  assert.equal(final.statuses[driver.statusKey ?? driver.id], 'succeeded');
  assert.equal(final.phase, 'succeeded');
  assert.ok(snapshots.some((s) => s.statuses[driver.statusKey ?? driver.id] !== 'succeeded'), 'the driver was coloured before it finished');
  const pods = (await local.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: config.namespace!, labelSelector: `kindling.dev/run=${manifests.runName}` })).items;
  assert.ok(pods.some((p) => p.metadata?.labels?.['spark-role'] === 'driver'), 'the driver pod carries the run label');
});
