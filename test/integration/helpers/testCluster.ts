/**
 * Integration-test helper: clients for the real control planes started by `npm run testenv:up`.
 *
 * Clusters (see docs/testenv.md):
 *   - 'local'             kube-apiserver + etcd + scheduler + controller-manager + KWOK fake nodes, with
 *                         the real Argo workflow-controller and Kubeflow Spark operator (stands in for kind).
 *                         Context `kindling-local`.
 *   - 'remote'            a second control plane playing production (Argo, Spark, ACK SageMaker CRDs),
 *                         admin user. Context `kindling-remote`.
 *   - 'remote-restricted' the same remote cluster as a user whose RBAC allows only some verbs in the
 *                         namespace RESTRICTED_NAMESPACE. Context `kindling-remote-restricted`.
 *
 * Where things are: `KINDLING_TESTENV_DIR` (default `~/.cache/kindling/testenv/run`) holds
 * `kubeconfig/local.yaml` and `kubeconfig/remote.yaml` (and `kubeconfig/all.yaml` with every context),
 * `logs/`, `pids/` and `state.json`. `npm run testenv:status` prints them.
 *
 * Typical test:
 *   const local = getCluster('local');
 *   test('…', async (t) => {
 *     const ns = await useNamespace(t, local, 'argo');       // deleted when the test ends
 *     const api = local.kc.makeApiClient(CustomObjectsApi);
 *     …
 *     const wf = await waitFor(async () => { … return done ? obj : undefined; }, { timeoutMs: 60_000, what: 'workflow Succeeded' });
 *   });
 */
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ClusterName = 'local' | 'remote' | 'remote-restricted';

export interface TestCluster {
  name: ClusterName;
  kubeconfigPath: string;
  context: string;
  kc: KubeConfig;
}

/** The only namespace in which the restricted remote user has (some) rights. */
export const RESTRICTED_NAMESPACE = 'kindling-team';
/** Label put on every namespace a test creates, so leftovers can be found and removed. */
export const TEST_NAMESPACE_LABEL = 'kindling.dev/test-namespace';
/** Annotation that makes KWOK fail a pod (phase Failed, exit code 1) instead of completing it. */
export const FAIL_ANNOTATION = 'kindling.dev/fail';
/**
 * Annotation that keeps a KWOK pod Running until it is set to anything but "true" (releasePods). For
 * tests that must act while a step runs: a timed delay can pass unseen when the controllers are busy.
 */
export const HOLD_ANNOTATION = 'kindling.dev/hold';

/** Lets the held pods matching `labelSelector` finish (KWOK's completion delay starts then). Returns their names. */
export async function releasePods(cluster: TestCluster, namespace: string, labelSelector: string): Promise<string[]> {
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const held = (await core.listNamespacedPod({ namespace, labelSelector })).items.filter((p) => p.metadata?.annotations?.[HOLD_ANNOTATION] === 'true');
  for (const p of held) {
    const name = p.metadata?.name ?? '';
    await core.patchNamespacedPod({ namespace, name, body: { metadata: { annotations: { [HOLD_ANNOTATION]: 'released' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  }
  return held.map((p) => p.metadata?.name ?? '');
}

export function testenvDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KINDLING_TESTENV_DIR || path.join(os.homedir(), '.cache', 'kindling', 'testenv', 'run');
}

const clusterFiles: Record<ClusterName, { file: string; context: string }> = {
  local: { file: 'local.yaml', context: 'kindling-local' },
  remote: { file: 'remote.yaml', context: 'kindling-remote' },
  'remote-restricted': { file: 'remote.yaml', context: 'kindling-remote-restricted' },
};

/** A client for one of the test clusters. Throws a clear error when the environment is not up. */
export function getCluster(name: ClusterName): TestCluster {
  const { file, context } = clusterFiles[name];
  const kubeconfigPath = path.join(testenvDir(), 'kubeconfig', file);
  if (!existsSync(kubeconfigPath)) {
    throw new Error(`No kubeconfig at ${kubeconfigPath}: start the test environment with \`npm run testenv:up\`.`);
  }
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  kc.setCurrentContext(context);
  return { name, kubeconfigPath, context, kc };
}

/** What `npm run testenv:up` recorded (ports, versions, pids). Undefined when never started. */
export function readTestenvState(): Record<string, unknown> | undefined {
  const file = path.join(testenvDir(), 'state.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export interface TestNamespace {
  namespace: string;
  cleanup(): Promise<void>;
}

/**
 * Creates a fresh namespace `<prefix>-<random>` on the cluster's server. For 'remote-restricted' the
 * namespace is created with the remote admin (the restricted user may not create namespaces).
 * `cleanup()` deletes it (idempotent; does not wait for the namespace to finish terminating).
 */
export async function withNamespace(cluster: TestCluster, prefix: string): Promise<TestNamespace> {
  const admin = cluster.name === 'remote-restricted' ? getCluster('remote') : cluster;
  const core = admin.kc.makeApiClient(CoreV1Api);
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'test';
  const namespace = `${safePrefix}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name: namespace, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } } });
  // Pods are admitted only once the controller-manager has made the namespace's `default` ServiceAccount.
  await waitFor(async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace })) ?? undefined, {
    timeoutMs: 30_000,
    what: `ServiceAccount default in ${namespace}`,
  });
  let done = false;
  return {
    namespace,
    async cleanup() {
      if (done) return;
      done = true;
      try {
        await core.deleteNamespace({ name: namespace, propagationPolicy: 'Background' });
      } catch (err) {
        if (statusCode(err) !== 404) throw err;
      }
    },
  };
}

/** Minimal shape of node:test's TestContext that useNamespace needs (works for test and suite contexts). */
interface AfterHook {
  after(fn: () => Promise<void> | void): void;
}

/** withNamespace + registers the cleanup with node:test (`t.after`). Returns the namespace name. */
export async function useNamespace(t: AfterHook, cluster: TestCluster, prefix: string): Promise<string> {
  const ns = await withNamespace(cluster, prefix);
  t.after(() => ns.cleanup());
  return ns.namespace;
}

export interface WaitOptions {
  timeoutMs: number;
  /** Said in the timeout error: "timed out after 60 s waiting for <what>". */
  what: string;
  intervalMs?: number;
}

/**
 * Polls `fn` until it returns something other than undefined, and returns that. Errors thrown by `fn`
 * are remembered and retried (the API may be briefly unavailable); the last one is reported on timeout.
 */
export async function waitFor<T>(fn: () => Promise<T | undefined>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 250;
  let lastError: unknown;
  while (true) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` : '';
      throw new Error(`timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${opts.what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** HTTP status of an error thrown by @kubernetes/client-node 1.x (ApiException.code), if any. */
export function statusCode(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'number') {
    return (err as { code: number }).code;
  }
  return undefined;
}

/**
 * Stops and starts one process of the test environment (e.g. 'local-apiserver'; `kill: true` sends SIGKILL
 * instead of SIGTERM) and waits until it is healthy again. Names: `npm run testenv:status` lists them.
 */
export function restartComponent(component: string, opts: { kill?: boolean } = {}): void {
  const script = fileURLToPath(new URL('../../../scripts/testenv.mjs', import.meta.url));
  const args = [script, 'restart', component, ...(opts.kill ? ['--kill'] : [])];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`restart ${component} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}
