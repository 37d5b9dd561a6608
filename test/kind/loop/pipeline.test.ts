// Submit Pipeline for real: an Argo Workflow whose steps argoexec runs on the runtime image, an
// output parameter passed from one step to the next, and a resource step whose SparkApplication the
// Spark operator runs to COMPLETED. Through src/kube/runs (preparePipeline → startPipeline).
//
// Not examples/pipelines/refit-workflow.yaml itself: it names code that is not in the example image
// (python -m csv_schema_check, /app/*.py, python -m mlflow_register), a claim for /models, and
// curlimages/curl, none of which can exist on this offline machine. This pipeline has the same
// shape (container steps, an output parameter feeding the next step, a Spark resource step) on
// code and data from the workspace mount.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { ensureRunIdentity, preparePipeline, RunLogFollower, runServiceAccounts, startPipeline } from '../../../src/kube/runs';
import { kindlingCluster, type KindlingCluster } from '../helpers/kindlingCluster';
import { loadTestConfig, makeProject, testProjectConfig } from '../helpers/runFile';

let cluster: KindlingCluster;
let project: string;
let configText: string;

describe('Submit Pipeline on the Kindling kind cluster', () => {
  before(async () => {
    cluster = await kindlingCluster();
    configText = testProjectConfig(cluster.kind.runtimeImage);
    project = makeProject(cluster, `pipeline-${randomBytes(3).toString('hex')}`, configText);
  });

  test('argoexec runs every step, the output parameter reaches the next step, the Spark step completes', async () => {
    const rel = path.relative(cluster.workspace, project);
    const nodeDir = `${cluster.nodeWorkspacePath}/${rel}`;
    const image = cluster.kind.runtimeImage;
    const volume = { name: 'work', hostPath: { path: nodeDir, type: 'Directory' } };
    const mount = { name: 'work', mountPath: '/workspace' };
    writeFileSync(path.join(project, 'spark_sum.py'), 'import sys\nfrom pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nn = int(sys.argv[1])\nprint(f"spark sum {spark.range(n + 1).groupBy().sum().collect()[0][0]}", flush=True)\nspark.stop()\n');
    const sparkPod = (container: string, extra: Record<string, unknown>) => ({
      cores: 1,
      coreRequest: '250m',
      memory: '512m',
      ...extra,
      template: { spec: { containers: [{ name: container, volumeMounts: [mount] }], volumes: [volume] } },
    });
    const app = {
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'SparkApplication',
      metadata: { generateName: 'pipeline-sum-' },
      spec: {
        type: 'Python',
        pythonVersion: '3',
        mode: 'cluster',
        image,
        imagePullPolicy: 'IfNotPresent',
        mainApplicationFile: 'local:///workspace/spark_sum.py',
        arguments: ['{{inputs.parameters.rows}}'],
        sparkVersion: '4.0.0',
        restartPolicy: { type: 'Never' },
        driver: sparkPod('spark-kubernetes-driver', { serviceAccount: 'kindling-runner' }),
        executor: sparkPod('spark-kubernetes-executor', { instances: 1 }),
      },
    };
    const workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'kind-refit-' },
      spec: {
        entrypoint: 'refit',
        serviceAccountName: 'kindling-runner',
        volumes: [volume],
        templates: [
          {
            name: 'refit',
            dag: {
              tasks: [
                { name: 'count', template: 'count' },
                { name: 'train', depends: 'count', template: 'train', arguments: { parameters: [{ name: 'rows', value: '{{tasks.count.outputs.parameters.rows}}' }] } },
                { name: 'report', depends: 'train', template: 'report', arguments: { parameters: [{ name: 'rows', value: '{{tasks.count.outputs.parameters.rows}}' }] } },
              ],
            },
          },
          {
            name: 'count',
            container: { image, command: ['sh', '-c', 'n=$(($(wc -l < /workspace/data/clicks.csv) - 1)); echo "counted $n rows"; echo -n $n > /tmp/rows'], volumeMounts: [mount] },
            outputs: { parameters: [{ name: 'rows', valueFrom: { path: '/tmp/rows' } }] },
          },
          {
            name: 'train',
            inputs: { parameters: [{ name: 'rows' }] },
            resource: {
              action: 'create',
              setOwnerReference: true,
              successCondition: 'status.applicationState.state == COMPLETED',
              failureCondition: 'status.applicationState.state in (FAILED, SUBMISSION_FAILED)',
              manifest: stringify(app),
            },
          },
          {
            name: 'report',
            inputs: { parameters: [{ name: 'rows' }] },
            container: { image, command: ['echo', 'report: {{inputs.parameters.rows}} rows'] },
          },
        ],
      },
    };
    const file = path.join(project, 'kind-refit.yaml');
    writeFileSync(file, stringify(workflow));
    const rows = readFileSync(path.join(project, 'data', 'clicks.csv'), 'utf8').trim().split('\n').length - 1;

    const config = loadTestConfig(project, configText);
    const ids = runServiceAccounts(config);
    await ensureRunIdentity(cluster.kc, ids.namespace, ids.serviceAccounts);
    const manifests = await preparePipeline({ filePath: file, workspaceRoot: cluster.workspace, config, kindlingVersion: 'kind-tier' });
    let output = '';
    const containersByPod = new Map<string, string[]>();
    const follower = new RunLogFollower(cluster.kc, manifests.namespace, { data: (_p, t) => (output += t), note: () => undefined });
    let last: unknown;
    const started = await startPipeline(cluster.kc, manifests, {
      invokedAt: Date.now(),
      onPod: (p) => {
        containersByPod.set(p.name, p.containers);
        follower.onPod(p);
      },
      onObject: (o) => (last = o),
    });
    const timer = setTimeout(() => started.watch.stop(), 420_000);
    const final = await started.watch.done;
    clearTimeout(timer);
    await follower.finish();
    assert.equal(final.status.phase, 'Succeeded', `${final.status.message}\n${output}`);

    const nodes = Object.values((last as { status?: { nodes?: Record<string, { displayName?: string; phase?: string; type?: string; outputs?: { parameters?: { name: string; value?: string }[] } }> } }).status?.nodes ?? {});
    for (const name of ['count', 'train', 'report']) assert.equal(nodes.find((n) => n.displayName === name)?.phase, 'Succeeded', `${name}: ${JSON.stringify(nodes.map((n) => [n.displayName, n.phase]))}`);
    // The output parameter argoexec reported, and its value in the next step.
    assert.equal(nodes.find((n) => n.displayName === 'count')?.outputs?.parameters?.find((p) => p.name === 'rows')?.value, String(rows));
    assert.match(output, new RegExp(`^counted ${rows} rows$`, 'm'));
    assert.match(output, new RegExp(`^report: ${rows} rows$`, 'm'));
    // argoexec ran every step: beside main in the container steps (its wait sidecar), and as the
    // resource step's only container (argoexec resource creates the SparkApplication and follows it).
    const pods = [...containersByPod.entries()];
    const step = (name: string) => pods.find(([pod]) => pod.startsWith(`${manifests.ref.name}-${name}-`))?.[1];
    assert.deepEqual(step('count')?.slice().sort(), ['main', 'wait'], JSON.stringify(pods));
    assert.deepEqual(step('report')?.slice().sort(), ['main', 'wait'], JSON.stringify(pods));
    assert.deepEqual(step('train'), ['main'], JSON.stringify(pods));
    // The Spark step's application completed, with the sum over 0..rows.
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    const apps = (await custom.listNamespacedCustomObject({ group: 'sparkoperator.k8s.io', version: 'v1beta2', namespace: manifests.namespace, plural: 'sparkapplications' })) as {
      items: { metadata: { name: string; ownerReferences?: { name: string }[] }; status?: { applicationState?: { state?: string }; driverInfo?: { podName?: string } } }[];
    };
    const ours = apps.items.find((a) => a.metadata.ownerReferences?.some((o) => o.name === manifests.ref.name));
    assert.equal(ours?.status?.applicationState?.state, 'COMPLETED');
    const driverLog = await cluster.kc.makeApiClient(CoreV1Api).readNamespacedPodLog({ name: ours?.status?.driverInfo?.podName ?? '', namespace: manifests.namespace });
    assert.match(String(driverLog), new RegExp(`^spark sum ${(rows * (rows + 1)) / 2}$`, 'm'));
  });
});
