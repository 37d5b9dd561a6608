/**
 * Run as Component against the real control plane (npm run testenv:up): the real Argo
 * workflow-controller turns our Workflow into a pod, the real Spark operator runs the real
 * spark-submit for our SparkApplication, KWOK plays the kubelet. Everything goes through
 * src/kube/runs, the code the extension and bench:loop use.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { NODE_WORKSPACE_PATH } from '../../../src/core/cluster/kindConfig';
import { ComponentError, type ComponentManifests } from '../../../src/core/component';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import {
  cancelRun,
  ConfigInvalidError,
  connect,
  ensureRunIdentity,
  prepareComponent,
  readProjectConfig,
  RunError,
  runServiceAccounts,
  startComponent,
  type RunSnapshot,
} from '../../../src/kube/runs';
import { FAIL_ANNOTATION, getCluster, useNamespace, waitFor } from '../helpers/testCluster';

const local = getCluster('local');
const root = process.cwd();
const IMAGE = 'localhost:5001/ml-pipelines:0.4.2';

function configFor(namespace: string): KindlingConfig {
  const { config, errors } = loadConfig(`
version: 1
images:
  default: ${IMAGE}
namespace: ${namespace}
resources:
  requests: { cpu: 100m, memory: 128Mi }
  limits: { memory: 512Mi }
env:
  - name: MLFLOW_TRACKING_URI
    value: http://mlflow:5000
  - name: FEATURE_STORE_TOKEN
    secretKeyRef: { name: feature-store, key: token, optional: true }
volumes:
  - name: raw-data
    hostPath: /kindling/data
    mountPath: /data
    readOnly: true
spark:
  sparkVersion: 4.0.0
  driver: { cores: 1, memory: 512m }
  executor: { cores: 1, memory: 512m, instances: 1 }
`);
  assert.deepEqual(errors, []);
  assert.ok(config);
  return config;
}

async function setup(t: Parameters<typeof useNamespace>[0], prefix: string): Promise<{ ns: string; config: KindlingConfig }> {
  const ns = await useNamespace(t, local, prefix);
  const config = configFor(ns);
  const ids = runServiceAccounts(config);
  await ensureRunIdentity(local.kc, ids.namespace, ids.serviceAccounts);
  return { ns, config };
}

async function podsOf(ns: string, runName: string): Promise<V1Pod[]> {
  const core = local.kc.makeApiClient(CoreV1Api);
  return (await core.listNamespacedPod({ namespace: ns, labelSelector: `kindling.dev/run=${runName}` })).items;
}

function assertTimings(s: RunSnapshot): void {
  const t = s.timings;
  assert.ok(t.invokedAt && t.submittedAt && t.startedAt && t.finishedAt, JSON.stringify(t));
  assert.ok(t.invokedAt <= t.submittedAt && t.submittedAt <= t.startedAt && t.startedAt <= t.finishedAt, JSON.stringify(t));
  assert.ok(t.scheduledAt && t.scheduledAt <= t.startedAt, JSON.stringify(t));
}

test('a script component becomes a Workflow; Argo runs it on the configured image with our command and mounts', async (t) => {
  const { ns, config } = await setup(t, 'run-script');
  const invokedAt = Date.now();
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/prepare_features.py'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'hostPath', nodeWorkspacePath: NODE_WORKSPACE_PATH },
    kindlingVersion: '0.1.0-test',
    args: ['--min-events', '5'],
  });
  assert.equal(manifests.kind, 'script');
  const run = await startComponent(local.kc, manifests, { invokedAt });
  t.after(() => run.watch.stop());
  const final = await Promise.race([run.watch.done, timeout(90_000, 'the workflow to finish')]);
  assert.equal(final.status.phase, 'Succeeded', JSON.stringify(final.status));
  assertTimings(final);

  const pods = await podsOf(ns, manifests.runName);
  assert.equal(pods.length, 1);
  const pod = pods[0];
  assert.equal(pod.metadata?.labels?.['workflows.argoproj.io/workflow'], manifests.runName);
  const main = pod.spec?.containers.find((c) => c.name === 'main');
  assert.ok(main, 'Argo created the main container');
  assert.equal(main.image, IMAGE);
  // Argo's emissary executor wraps the command (argoexec emissary -- <ours>); ours must be the tail.
  const full = [...(main.command ?? []), ...(main.args ?? [])];
  assert.deepEqual(full.slice(-5), ['python', '-u', '/workspace/prepare_features.py', '--min-events', '5']);
  assert.deepEqual(main.resources?.requests, { cpu: '100m', memory: '128Mi' });
  const mounts = Object.fromEntries((main.volumeMounts ?? []).map((m) => [m.name, m]));
  assert.equal(mounts['kindling-workspace']?.mountPath, '/workspace');
  assert.equal(mounts['raw-data']?.mountPath, '/data');
  assert.equal(mounts['raw-data']?.readOnly, true);
  const volumes = Object.fromEntries((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  assert.equal(volumes['kindling-workspace']?.hostPath?.path, `${NODE_WORKSPACE_PATH}/examples`);
  assert.equal(volumes['raw-data']?.hostPath?.path, '/kindling/data');
  const env = Object.fromEntries((main.env ?? []).map((e) => [e.name, e]));
  assert.equal(env.MLFLOW_TRACKING_URI?.value, 'http://mlflow:5000');
  assert.equal(env.FEATURE_STORE_TOKEN?.valueFrom?.secretKeyRef?.key, 'token');
  assert.equal(env.KINDLING_RUN_NAME?.value, manifests.runName);
  // Provenance travels to the pod.
  assert.equal(pod.metadata?.labels?.['kindling.dev/component-kind'], 'script');
  assert.match(pod.metadata?.annotations?.['kindling.dev/source-sha256'] ?? '', /^[0-9a-f]{64}$/);
  assert.equal(pod.metadata?.annotations?.['kindling.dev/kindling-version'], '0.1.0-test');
  assert.match(pod.metadata?.annotations?.['kindling.dev/git-commit'] ?? '', /^[0-9a-f]{40}$/);
});

test('a shell component on a cluster without the workspace mount carries the file in a ConfigMap owned by the run', async (t) => {
  const { ns, config } = await setup(t, 'run-shell');
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/evaluate.sh'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'configMap' },
    kindlingVersion: '0.1.0-test',
    args: ['/models/ctr-lr', '0.7'],
  });
  const run = await startComponent(local.kc, manifests, { invokedAt: Date.now() });
  t.after(() => run.watch.stop());
  await run.submitted.ownership;
  const core = local.kc.makeApiClient(CoreV1Api);
  const cm = await core.readNamespacedConfigMap({ name: `${manifests.runName}-src`, namespace: ns });
  assert.match(cm.data?.['evaluate.sh'] ?? '', /evaluating/);
  assert.deepEqual(cm.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid]), [['Workflow', manifests.runName, run.submitted.uid]]);
  const final = await Promise.race([run.watch.done, timeout(90_000, 'the workflow to finish')]);
  assert.equal(final.status.phase, 'Succeeded', JSON.stringify(final.status));
  const [pod] = await podsOf(ns, manifests.runName);
  const main = pod.spec?.containers.find((c) => c.name === 'main');
  assert.deepEqual([...(main?.command ?? []), ...(main?.args ?? [])].slice(-4), ['bash', '/workspace/evaluate.sh', '/models/ctr-lr', '0.7']);
  const ws = pod.spec?.volumes?.find((v) => v.name === 'kindling-workspace');
  assert.equal(ws?.configMap?.name, `${manifests.runName}-src`);
  assert.equal(main?.volumeMounts?.find((m) => m.name === 'kindling-workspace')?.readOnly, true);
});

test('a notebook component runs through the papermill/nbconvert script inside the image', async (t) => {
  const { ns, config } = await setup(t, 'run-notebook');
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/features.ipynb'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'hostPath', nodeWorkspacePath: NODE_WORKSPACE_PATH },
    kindlingVersion: '0.1.0-test',
    parameters: { sample_rows: '3' },
  });
  assert.deepEqual(manifests.notebookOutput, { relativePath: 'examples/features.out.ipynb', via: 'hostPath' });
  const run = await startComponent(local.kc, manifests, { invokedAt: Date.now() });
  t.after(() => run.watch.stop());
  const final = await Promise.race([run.watch.done, timeout(90_000, 'the workflow to finish')]);
  assert.equal(final.status.phase, 'Succeeded');
  const [pod] = await podsOf(ns, manifests.runName);
  const main = pod.spec?.containers.find((c) => c.name === 'main');
  const script = [...(main?.command ?? []), ...(main?.args ?? [])].at(-1) ?? '';
  assert.match(script, /command -v papermill/);
  assert.match(script, /-p sample_rows 3/);
});

test('a PySpark file becomes a SparkApplication that the real operator submits with spark-submit and that COMPLETES', async (t) => {
  const { ns, config } = await setup(t, 'run-spark');
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/train_spark.py'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'hostPath', nodeWorkspacePath: NODE_WORKSPACE_PATH },
    kindlingVersion: '0.1.0-test',
    args: ['--max-iter', '3'],
  });
  assert.equal(manifests.kind, 'pyspark');
  assert.equal(manifests.ref.kind, 'SparkApplication');
  const run = await startComponent(local.kc, manifests, { invokedAt: Date.now() });
  t.after(() => run.watch.stop());
  const final = await Promise.race([run.watch.done, timeout(180_000, 'the SparkApplication to finish')]);
  assert.equal(final.status.phase, 'Succeeded', JSON.stringify(final.status));
  assert.equal(final.status.raw, 'COMPLETED');
  assertTimings(final);

  const custom = local.kc.makeApiClient(CustomObjectsApi);
  const app = (await custom.getNamespacedCustomObject({ group: 'sparkoperator.k8s.io', version: 'v1beta2', namespace: ns, plural: 'sparkapplications', name: manifests.runName })) as {
    status?: { driverInfo?: { podName?: string }; submissionAttempts?: number };
  };
  assert.ok((app.status?.submissionAttempts ?? 0) >= 1);
  const core = local.kc.makeApiClient(CoreV1Api);
  const driver = await core.readNamespacedPod({ name: app.status?.driverInfo?.podName ?? `${manifests.runName}-driver`, namespace: ns });
  // spark-submit built this pod: its labels, our run label (driver.labels → spark conf) and the pod template's mount.
  assert.equal(driver.metadata?.labels?.['spark-role'], 'driver');
  assert.equal(driver.metadata?.labels?.['kindling.dev/run'], manifests.runName);
  const container = driver.spec?.containers.find((c) => c.name === 'spark-kubernetes-driver');
  assert.ok(container, 'the driver container');
  assert.equal(container.image, IMAGE);
  assert.ok(container.args?.includes('local:///workspace/train_spark.py') || container.args?.some((a) => a.endsWith('/workspace/train_spark.py')), JSON.stringify(container.args));
  assert.equal(container.volumeMounts?.find((m) => m.name === 'kindling-workspace')?.mountPath, '/workspace');
  assert.equal(driver.spec?.volumes?.find((v) => v.name === 'kindling-workspace')?.hostPath?.path, `${NODE_WORKSPACE_PATH}/examples`);
  assert.equal(container.env?.find((e) => e.name === 'KINDLING_RUN_NAME')?.value, manifests.runName);
});

test('a failing run shows Failed with the reason', async (t) => {
  const { config } = await setup(t, 'run-fail');
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/prepare_features.py'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'configMap' },
    kindlingVersion: '0.1.0-test',
    podAnnotations: { [FAIL_ANNOTATION]: 'true' },
  });
  const run = await startComponent(local.kc, manifests, { invokedAt: Date.now() });
  t.after(() => run.watch.stop());
  const final = await Promise.race([run.watch.done, timeout(90_000, 'the workflow to fail')]);
  assert.equal(final.status.phase, 'Failed');
  assert.match(final.status.message ?? '', /exit code 1/);
});

test('a failing Spark driver shows Failed with the operator\'s reason', async (t) => {
  const { config } = await setup(t, 'run-spark-fail');
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/train_spark.py'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'hostPath', nodeWorkspacePath: NODE_WORKSPACE_PATH },
    kindlingVersion: '0.1.0-test',
    podAnnotations: { [FAIL_ANNOTATION]: 'true' },
  });
  const run = await startComponent(local.kc, manifests, { invokedAt: Date.now() });
  t.after(() => run.watch.stop());
  const final = await Promise.race([run.watch.done, timeout(180_000, 'the SparkApplication to fail')]);
  assert.equal(final.status.phase, 'Failed', JSON.stringify(final.status));
  assert.equal(final.status.raw, 'FAILED');
  assert.ok((final.status.message ?? '').length > 0, 'a reason is given');
});

test('cancel terminates a running Workflow', async (t) => {
  const { config } = await setup(t, 'run-cancel');
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/prepare_features.py'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'configMap' },
    kindlingVersion: '0.1.0-test',
    podAnnotations: { 'pod-complete.stage.kwok.x-k8s.io/delay': '60s' },
  });
  const run = await startComponent(local.kc, manifests, { invokedAt: Date.now() });
  t.after(() => run.watch.stop());
  await waitFor(async () => (run.watch.snapshot().timings.startedAt ? true : undefined), { timeoutMs: 60_000, what: 'the pod to run' });
  assert.equal(await cancelRun(local.kc, manifests.ref), 'terminated');
  const final = await Promise.race([run.watch.done, timeout(60_000, 'the workflow to stop')]);
  assert.equal(final.status.phase, 'Failed');
  assert.match(final.status.message ?? '', /[Ss]topped|[Tt]erminat/);
});

test('an invalid kindling.yaml is reported with line numbers', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-cfg-'));
  try {
    const file = path.join(dir, 'kindling.yaml');
    writeFileSync(file, 'version: 1\nimages:\n  default: localhost:5001/ml\nspark:\n  executor: { instances: two }\n');
    await assert.rejects(readProjectConfig(file), (err: unknown) => {
      assert.ok(err instanceof ConfigInvalidError);
      assert.match(err.message, /kindling\.yaml:3:12: images\.default: .*tag/);
      assert.match(err.message, /kindling\.yaml:5:26: spark\.executor\.instances: expected integer/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing context and an unreachable API server give clear errors', async () => {
  assert.throws(
    () => connect({ kubeconfigPath: local.kubeconfigPath, context: 'kind-nope' }),
    (err: unknown) => err instanceof RunError && err.code === 'no-context' && /kind-nope/.test(err.message) && /Create Local Cluster/.test(err.message),
  );
  const kc = new KubeConfig();
  kc.loadFromFile(local.kubeconfigPath);
  const dead = new KubeConfig();
  dead.loadFromOptions({
    clusters: kc.clusters.map((c) => ({ ...c, server: 'https://127.0.0.1:1' })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: local.context,
  });
  const manifests: ComponentManifests = await prepareComponent({
    filePath: path.join(root, 'examples/prepare_features.py'),
    workspaceRoot: root,
    config: configFor('kindling'),
    delivery: { mode: 'configMap' },
    kindlingVersion: '0.1.0-test',
  });
  await assert.rejects(startComponent(dead, manifests), (err: unknown) => {
    assert.ok(err instanceof RunError, String(err));
    assert.equal(err.code, 'unreachable');
    assert.match(err.message, /Cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(context "kindling-local"\)/);
    assert.match(err.message, /ECONNREFUSED/);
    return true;
  });
});

test('a file beyond the ConfigMap limit is refused with its size and the limit', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-big-'));
  try {
    const file = path.join(dir, 'huge_notebook.ipynb');
    writeFileSync(file, JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5, blob: 'x'.repeat(1_500_000) }));
    await assert.rejects(
      prepareComponent({ filePath: file, workspaceRoot: dir, config: configFor('kindling'), delivery: { mode: 'configMap' }, kindlingVersion: '0.1.0-test' }),
      (err: unknown) => err instanceof ComponentError && err.code === 'too-large' && /huge_notebook\.ipynb is 1\.43 MiB/.test(err.message) && /1 MiB \(1,048,576 bytes\)/.test(err.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function timeout(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms).unref());
}
