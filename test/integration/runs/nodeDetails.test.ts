/**
 * The node details editor's text for a finished run, from the product's NodeDetailsFeed against the
 * real control plane: the real Argo controller runs a DAG whose one task KWOK fails (the test env's
 * fail annotation). The text names the failed node's phase and Argo's message, and a pod name the API
 * server knows; since KWOK runs no containers, it says plainly that the log is not available.
 * A SparkApplication (the real operator runs spark-submit, KWOK plays the driver) shows its driver.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { loadConfig } from '../../../src/core/config';
import { readWorkflowNodes, sparkRunId, workflowRunId } from '../../../src/core/pipelineRun';
import { SPARK_DRIVER_NODE, sparkRunGraph, type SparkApplicationRun } from '../../../src/core/pipelineRun/sparkRunGraph';
import { ensureRunIdentity, NodeDetailsFeed, preparePipeline, runServiceAccounts, startPipeline } from '../../../src/kube/runs';
import { FAIL_ANNOTATION, getCluster, useNamespace } from '../helpers/testCluster';

const local = getCluster('local');
const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-details-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const text = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: details-
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - { name: prepare, template: ok, arguments: { parameters: [{ name: size, value: "3" }] } }
          - { name: train, depends: prepare, template: fails }
    - name: ok
      inputs: { parameters: [{ name: size }] }
      container: { image: busybox:1.36, command: [sh, -c, "echo ok"] }
    - name: fails
      metadata:
        annotations: { ${FAIL_ANNOTATION}: "true" }
      container: { image: busybox:1.36, command: [sh, -c, "exit 1"] }
`;

async function detailsOf(runId: string, nodeId: string): Promise<{ text: string; changes: number }> {
  let changes = 0;
  const feed = new NodeDetailsFeed(local.kc, runId, nodeId, () => changes++, { pollMs: 500, drainMs: 500 });
  try {
    await feed.start();
    await Promise.race([feed.settled(), new Promise((_, reject) => setTimeout(() => reject(new Error(`details of ${nodeId} did not settle in 20 s:\n${feed.text()}`)), 20_000))]);
    return { text: feed.text(), changes };
  } finally {
    feed.stop();
  }
}

test('node details of a finished run: the failed node\'s phase, message and real pod, the succeeded node\'s parameter, and the plain note about KWOK logs', async (t) => {
  const ns = await useNamespace(t, local, 'details');
  const { config } = loadConfig(`version: 1\nimages:\n  default: localhost:5001/ml-pipelines:0.4.2\nnamespace: ${ns}\n`);
  assert.ok(config);
  const ids = runServiceAccounts(config);
  await ensureRunIdentity(local.kc, ids.namespace, ids.serviceAccounts);
  const file = path.join(dir, 'details.yaml');
  writeFileSync(file, text);
  const manifests = await preparePipeline({ filePath: file, workspaceRoot: dir, config, kindlingVersion: 'test' });
  let last: unknown;
  const started = await startPipeline(local.kc, manifests, { onObject: (obj) => (last = obj) });
  const done = await Promise.race([started.watch.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('run did not finish in 90 s')), 90_000))]);
  assert.equal(done.status.phase, 'Failed');
  const nodes = readWorkflowNodes(last);
  assert.ok(nodes.nodes);
  const train = Object.values(nodes.nodes).find((n) => n.displayName === 'train');
  const prepare = Object.values(nodes.nodes).find((n) => n.displayName === 'prepare');
  assert.ok(train && prepare);
  const runId = workflowRunId(ns, manifests.runName);

  const failed = await detailsOf(runId, train.id);
  assert.match(failed.text, /^# train\n/);
  assert.match(failed.text, new RegExp(`Workflow ${manifests.runName} in ${ns}`));
  assert.match(failed.text, /\| Phase \| Failed \|/);
  // Argo's own message for the node, whatever its words: the feed must show it as it is.
  assert.ok(train.message, 'Argo recorded a message for the failed node');
  assert.ok(failed.text.includes(`| Message | ${train.message} |`), failed.text);
  const podName = /\| Pod \| (\S+) \|/.exec(failed.text)?.[1];
  assert.ok(podName, failed.text);
  const pod = await local.kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: podName, namespace: ns });
  assert.equal(pod.status?.phase, 'Failed', 'the pod the details name is the failed node\'s pod');
  assert.match(failed.text, new RegExp(`### pod: ${podName}\\n\\nLogs are not available: ${podName} ran on kwok-node-\\d+, a simulated \\(KWOK\\) node, which runs no containers and keeps no logs\\.`));
  assert.ok(failed.changes >= 1, 'the note reached the editor through onChange');

  const ok = await detailsOf(runId, prepare.id);
  assert.match(ok.text, /\| Phase \| Succeeded \|/);
  assert.match(ok.text, /\| input \| size \| 3 \|/);
  assert.match(ok.text, /\| Duration \| \d+ s \|/);

  const group = await detailsOf(runId, manifests.runName);
  assert.match(group.text, /DAG nodes run no pod of their own/);
});

test('node details of a run that is gone say so', async (t) => {
  const ns = await useNamespace(t, local, 'details-gone');
  const gone = await detailsOf(workflowRunId(ns, 'never-was'), 'never-was-123');
  assert.match(gone.text, new RegExp(`The Workflow never-was is no longer in namespace ${ns} \\(deleted\\)`));
});

test('a SparkApplication run: the run view is its driver, and the driver\'s details name its pod and state', async (t) => {
  const ns = await useNamespace(t, local, 'details-spark');
  const { config } = loadConfig(`version: 1\nimages:\n  default: localhost:5001/ml-pipelines:0.4.2\nnamespace: ${ns}\n`);
  assert.ok(config);
  const ids = runServiceAccounts(config);
  await ensureRunIdentity(local.kc, ids.namespace, ids.serviceAccounts);
  const file = path.join(dir, 'spark.yaml');
  writeFileSync(
    file,
    `apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata:
  name: details-spark
spec:
  type: Python
  mode: cluster
  image: localhost:5001/ml-pipelines:0.4.2
  mainApplicationFile: local:///app/train_spark.py
  sparkVersion: 4.0.0
  restartPolicy: { type: Never }
  driver: { cores: 1, memory: 512m }
  executor: { cores: 1, memory: 512m, instances: 1 }
`,
  );
  const manifests = await preparePipeline({ filePath: file, workspaceRoot: dir, config, kindlingVersion: 'test' });
  let last: unknown;
  const started = await startPipeline(local.kc, manifests, { onObject: (obj) => (last = obj) });
  t.after(() => started.watch.stop());
  const done = await Promise.race([started.watch.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not finished in 180 s')), 180_000))]);
  assert.equal(done.status.phase, 'Succeeded', JSON.stringify(done.status));

  const app = last as SparkApplicationRun;
  const driverPod = app.status?.driverInfo?.podName;
  assert.ok(driverPod, 'the operator recorded the driver pod');
  const graph = sparkRunGraph(app);
  assert.equal(graph.phase, 'succeeded');
  assert.equal(graph.graph.nodes[0]?.id, SPARK_DRIVER_NODE);
  assert.equal(graph.statuses[SPARK_DRIVER_NODE], 'succeeded');

  const details = await detailsOf(sparkRunId(ns, manifests.runName), SPARK_DRIVER_NODE);
  assert.match(details.text, /^# driver\n/);
  assert.match(details.text, /\| Application state \| COMPLETED \|/);
  assert.ok(details.text.includes(`| Driver pod | ${driverPod} |`), details.text);
  assert.match(details.text, new RegExp(`### driver: ${driverPod}\\n\\nLogs are not available: ${driverPod} ran on kwok-node-\\d+, a simulated \\(KWOK\\) node`));
  const pod = await local.kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: driverPod, namespace: ns });
  assert.equal(pod.metadata?.labels?.['spark-role'], 'driver');
});
