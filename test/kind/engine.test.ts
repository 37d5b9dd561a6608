// The real-container room itself (testenv/kind): our own dockerd runs containers, privileged ones
// too (kind's nodes are), and a real kind cluster boots from the node image built here; add-on and
// runtime images built here run as pods and their output comes back through `kubectl logs`.
// Drives docker, kind and kubectl directly: what is tested here is the environment the product's
// kind tier runs on, not the product.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ensureKindTestEnv, stopKindTestEnv, type KindTestEnv } from '../../testenv/kind/env.mjs';

const exec = promisify(execFile);
let kind: KindTestEnv;
const scratch = mkdtempSync(join(tmpdir(), 'kindling-kind-engine-'));
const kubeconfig = join(scratch, 'kubeconfig');
const cluster = `kindling-engine-${process.pid}`;
let clusterCreated = false;

async function run(cmd: string, args: string[], timeoutMs = 300_000): Promise<string> {
  try {
    const { stdout } = await exec(cmd, args, { env: { ...process.env, ...kind.env }, timeout: timeoutMs, maxBuffer: 64 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}
const docker = (...args: string[]) => run('docker', args);
const kubectl = (...args: string[]) => run(kind.kubectlBinary, ['--kubeconfig', kubeconfig, ...args]);

/** Runs `image` as a pod (never pulled: it must be in the node), waits until it finished, returns its log. */
async function podOutput(name: string, image: string, args: string[]): Promise<string> {
  await kubectl('run', name, `--image=${image}`, '--image-pull-policy=Never', '--restart=Never', '--', ...args);
  await kubectl('wait', `pod/${name}`, '--for=jsonpath={.status.phase}=Succeeded', '--timeout=180s');
  return kubectl('logs', `pod/${name}`);
}

describe('the kind test environment (our dockerd, the node image, preloaded images)', () => {
  before(async () => {
    kind = await ensureKindTestEnv();
  });
  after(async () => {
    try {
      if (clusterCreated) await run(kind.kindBinary, ['delete', 'cluster', '--name', cluster, '--kubeconfig', kubeconfig]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      await stopKindTestEnv();
    }
  });

  test('talks to our own engine, not the machine default', async () => {
    assert.match(kind.dockerHost, /^unix:\/\/.*\/kind\/engine\/docker\.sock$/);
    assert.equal(kind.env.DOCKER_HOST, kind.dockerHost);
    assert.ok(kind.env.PATH.startsWith(kind.kindBinary.replace(/\/kind$/, '') + ':'), 'the kind binary folder comes first on PATH');
    const info = JSON.parse(await docker('info', '--format', '{{json .}}')) as { DockerRootDir: string; DefaultRuntime: string };
    assert.match(info.DockerRootDir, /\/kind\/engine\/data$/);
    assert.equal(info.DefaultRuntime, 'runc-nocap');
  });

  test('a plain container runs (the runtime image: its Python packages import)', async () => {
    const out = await docker('run', '--rm', '--network', 'none', kind.runtimeImage, 'python', '-c',
      'import pandas, sklearn, papermill, debugpy, pyspark; print("pyspark", pyspark.__version__)');
    assert.equal(out.trim(), 'pyspark 4.0.0');
  });

  test('a --privileged container runs and holds CAP_SYS_ADMIN', async () => {
    const out = await docker('run', '--rm', '--privileged', '--network', 'none', '--entrypoint', 'grep', kind.runtimeImage, 'CapEff', '/proc/self/status');
    const caps = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(out)?.[1] ?? '0'}`);
    const CAP_SYS_ADMIN = 21n;
    assert.equal((caps >> CAP_SYS_ADMIN) & 1n, 1n, `effective capabilities ${out.trim()}`);
  });

  test('kind create cluster with the node image: a Ready node; preloaded images run as pods and log', async () => {
    await run(kind.kindBinary, ['create', 'cluster', '--name', cluster, '--image', kind.nodeImage, '--kubeconfig', kubeconfig, '--wait', '180s']);
    clusterCreated = true;
    const ready = await kubectl('get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}');
    assert.equal(ready.trim(), 'True');
    const version = await kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].status.nodeInfo.kubeletVersion}');
    assert.equal(version.trim(), kind.nodeImage.split(':').pop());

    const controller = kind.addonImages.find((i) => i.includes('/workflow-controller:'));
    assert.ok(controller, `an Argo controller image among ${kind.addonImages.join(', ')}`);
    await run(kind.kindBinary, ['load', 'docker-image', '--name', cluster, controller, kind.runtimeImage]);
    // Pods need the namespace's default service account, which the controller-manager makes shortly after create.
    for (let i = 0; i < 60 && !(await kubectl('get', 'serviceaccount', 'default', '--ignore-not-found', '-o', 'name')).trim(); i++) {
      await new Promise((r) => setTimeout(r, 1000));
    }

    const argoVersion = controller.split(':').pop() ?? '';
    const controllerLog = await podOutput('argo-version', controller, ['version']);
    assert.match(controllerLog, new RegExp(`workflow-controller: ${argoVersion.replace(/\./g, '\\.')}`));

    const runtimeLog = await podOutput('runtime', kind.runtimeImage, ['python', '-c', 'import pyspark, pandas, sklearn; print("runtime pyspark", pyspark.__version__, "pandas", pandas.__version__)']);
    assert.match(runtimeLog, /^runtime pyspark 4\.0\.0 pandas 2\.2\.3$/m);
  });

  test('Spark on Kubernetes with the runtime image: its entrypoint serves as driver and executor', async () => {
    // Submitted from a pod of the same image (client of the API through its service account), in
    // cluster mode: Spark starts the image with `driver …`, the driver starts it with `executor`.
    assert.ok(clusterCreated, 'needs the cluster of the previous test');
    await kubectl('create', 'serviceaccount', 'spark');
    await kubectl('create', 'rolebinding', 'spark', '--clusterrole=edit', '--serviceaccount=default:spark');
    const pi = '/opt/venv/lib/python3.11/site-packages/pyspark/examples/src/main/python/pi.py';
    const conf = {
      'spark.kubernetes.container.image': kind.runtimeImage,
      'spark.kubernetes.container.image.pullPolicy': 'Never',
      'spark.kubernetes.authenticate.driver.serviceAccountName': 'spark',
      'spark.kubernetes.driver.pod.name': 'pi-driver',
      'spark.executor.instances': '1',
      'spark.driver.memory': '512m',
      'spark.executor.memory': '512m',
      'spark.kubernetes.driver.request.cores': '100m',
      'spark.kubernetes.executor.request.cores': '100m',
      'spark.kubernetes.submission.waitAppCompletion': 'true',
    };
    await kubectl('run', 'spark-submit', `--image=${kind.runtimeImage}`, '--image-pull-policy=Never', '--restart=Never',
      '--overrides', JSON.stringify({ spec: { serviceAccountName: 'spark' } }), '--',
      'spark-submit', '--master', 'k8s://https://kubernetes.default.svc', '--deploy-mode', 'cluster', '--name', 'pi',
      ...Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]), `local://${pi}`, '4');
    await kubectl('wait', 'pod/spark-submit', '--for=jsonpath={.status.phase}=Succeeded', '--timeout=600s');
    const driverLog = await kubectl('logs', 'pod/pi-driver');
    assert.match(driverLog, /Registered executor .* with ID 1/);
    assert.match(driverLog, /Pi is roughly 3\.1\d*/);
  });
});
