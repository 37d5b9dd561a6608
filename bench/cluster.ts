/**
 * npm run bench:cluster — Create Local Cluster, timed through Kindling's own createCluster /
 * deleteCluster on the test environment's dockerd (testenv/kind), from locally present images: the
 * node image built here, the add-on images preloaded (kindling.cluster.preloadImages). Per run:
 *   createMs       createCluster on nothing → both controllers Available (registry included);
 *   warmRestartMs  `docker stop` of the node, then createCluster → started, controllers running again;
 *   deleteMs       deleteCluster with the registry.
 * Writes bench-results/cluster.json with the medians. Goals on the 2-core test box: create < 60 s,
 * warm restart < 20 s. Runs: KINDLING_BENCH_RUNS (default 3).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACES } from '../src/core/cluster/addonPlan';
import { controlPlaneContainerName } from '../src/core/cluster/kindConfig';
import { REGISTRY_IMAGE } from '../src/core/cluster/versions';
import { loadKubeConfig } from '../src/kube/client';
import { createCluster, deleteCluster, type ClusterOptions } from '../src/kube/cluster/lifecycle';
import { realManifestDir } from '../test/integration/cluster/kindTools';
import { freePort } from '../test/kind/kindCluster';
import { ensureKindTestEnv, stopKindTestEnv } from '../testenv/kind/env.mjs';

const CLUSTER = 'kindling-bench';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}

/** Where a create or restart spends its time: seconds from one reported step to the next. */
class StepTrace {
  private marks: Array<{ label: string; at: number }> = [];
  start(): void {
    this.marks = [];
  }
  mark(label: string): void {
    this.marks.push({ label, at: performance.now() });
  }
  format(endAt: number): string {
    return this.marks
      .map((m, i) => `${m.label} ${(((this.marks[i + 1]?.at ?? endAt) - m.at) / 1000).toFixed(1)} s`)
      .join(' · ');
  }
}

/**
 * After a warm restart: when the node started, and when each controller pod's conditions turned true
 * again, in seconds after it — where the wait for "running again" goes (kubelet, not Kindling).
 */
async function printPodRestartTimeline(env: NodeJS.ProcessEnv, opts: ClusterOptions, context: string): Promise<void> {
  const startedAt = Date.parse(execFileSync('docker', ['inspect', '-f', '{{.State.StartedAt}}', controlPlaneContainerName(CLUSTER)], { env, encoding: 'utf8' }).trim());
  const core = loadKubeConfig({ kubeconfigPath: opts.kubeconfigPath, context }).makeApiClient(CoreV1Api);
  for (const namespace of [DEFAULT_NAMESPACES.argo, DEFAULT_NAMESPACES.sparkOperator, 'kube-system']) {
    for (const pod of (await core.listNamespacedPod({ namespace })).items) {
      const after = (t: Date | string | undefined) => (t ? `${((new Date(t).getTime() - startedAt) / 1000).toFixed(1)} s` : '-');
      const conditions = (pod.status?.conditions ?? []).map((c) => `${c.type} ${after(c.lastTransitionTime)}`).join(', ');
      const running = pod.status?.containerStatuses?.[0]?.state?.running?.startedAt;
      console.log(`[bench:cluster]   ${namespace}/${pod.metadata?.name}: container started ${after(running)}; ${conditions}`);
    }
    if (namespace === 'kube-system') continue;
    // What the kubelet said about the controllers' pods since the node started.
    for (const e of (await core.listNamespacedEvent({ namespace })).items) {
      const at = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
      if (at && new Date(at).getTime() >= startedAt) console.log(`[bench:cluster]     event ${(((new Date(at).getTime() - startedAt) / 1000)).toFixed(1)} s ${e.involvedObject.name} ${e.reason}: ${e.message ?? ''}`);
    }
  }
}

async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.env.KINDLING_BENCH_RUNS ?? 3));
  const kind = await ensureKindTestEnv();
  const env = { ...process.env, ...kind.env };
  const trace = new StepTrace();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'kindling-bench-cluster-'));
  const workspace = path.join(scratch, 'workspace');
  mkdirSync(workspace);
  chmodSync(scratch, 0o755);
  const opts: ClusterOptions = {
    clusterName: CLUSTER,
    registryPort: await freePort(),
    apiServerPort: 0,
    kubeconfigPath: path.join(scratch, 'kubeconfig'),
    workspaceHostPath: workspace,
    storageDir: path.join(scratch, 'storage'),
    addonManifestDir: realManifestDir(),
    nodeImage: kind.nodeImage,
    preloadImages: kind.addonImages.filter((i) => i !== REGISTRY_IMAGE),
    env,
    onStep: (step, message) => trace.mark(`${step} (${message.length > 48 ? `${message.slice(0, 45)}…` : message})`),
    // The one log line that changes where a warm restart's time goes (restartBackOff.ts).
    onLog: (line) => /restarting the kubelet/.test(line) && trace.mark('kubelet restarted'),
  };
  const remove = () => deleteCluster({ clusterName: CLUSTER, kubeconfigPath: opts.kubeconfigPath, removeRegistry: true, env });
  const samples: Array<{ createMs: number; warmRestartMs: number; deleteMs: number }> = [];
  try {
    await remove().catch(() => undefined);
    for (let i = 1; i <= runs; i++) {
      trace.start();
      const [created, createMs] = await timed(() => createCluster(opts));
      if (created.outcome !== 'created') throw new Error(`run ${i}: expected a new cluster, got "${created.outcome}"`);
      console.log(`[bench:cluster] run ${i} create: ${trace.format(performance.now())}`);
      execFileSync('docker', ['stop', controlPlaneContainerName(CLUSTER)], { env, stdio: 'ignore' });
      trace.start();
      const [restarted, warmRestartMs] = await timed(() => createCluster(opts));
      if (restarted.outcome !== 'started') throw new Error(`run ${i}: expected a warm restart, got "${restarted.outcome}"`);
      console.log(`[bench:cluster] run ${i} warm restart: ${trace.format(performance.now())}`);
      await printPodRestartTimeline(env, opts, restarted.context);
      const [, deleteMs] = await timed(remove);
      samples.push({ createMs: Math.round(createMs), warmRestartMs: Math.round(warmRestartMs), deleteMs: Math.round(deleteMs) });
      console.log(`[bench:cluster] run ${i}/${runs}: create ${(createMs / 1000).toFixed(1)} s, warm restart ${(warmRestartMs / 1000).toFixed(1)} s, delete ${(deleteMs / 1000).toFixed(1)} s`);
    }
  } finally {
    await remove().catch(() => undefined);
    await stopKindTestEnv();
  }
  const result = {
    createMs: median(samples.map((s) => s.createMs)),
    warmRestartMs: median(samples.map((s) => s.warmRestartMs)),
    deleteMs: median(samples.map((s) => s.deleteMs)),
    runs: samples.length,
    samples,
    nodeImage: kind.nodeImage,
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    date: new Date().toISOString(),
  };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(path.join('bench-results', 'cluster.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`[bench:cluster] medians over ${result.runs} runs: create ${result.createMs} ms (goal < 60000), warm restart ${result.warmRestartMs} ms (goal < 20000), delete ${result.deleteMs} ms`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
