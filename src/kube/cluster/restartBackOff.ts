/**
 * After a warm restart the kubelet starts every pod at once, so the add-on controllers start before
 * kube-proxy has written the Service rules again. Their first calls to the API server (through the
 * `kubernetes` Service address) fail, they exit, and the kubelet holds them in its crash-loop
 * back-off (10 s, then 20 s) although nothing is wrong any more: on the 2-core test machine they ran
 * again only 20–23 s after the node started, with the API server answering at 7 s.
 *
 * The kubelet keeps that back-off in memory. So once kube-proxy is healthy and a watched controller
 * has exited and not started again, restarting the kubelet in the node starts it at once (running
 * containers are not touched by a kubelet restart). Done at most once per Create: a controller that
 * fails again after it has a real problem, which the wait for the Deployments explains.
 */
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { isHealthzOk, waitsForRestart } from '../../core/cluster/readiness';
import { sleep } from './apply';
import type { ContainerEngineCli } from './engine';
import { describeFailure } from './exec';
import { podsOf, readDeployment } from './readiness';

/** kube-proxy's health port (its default, which kubeadm keeps): 200 once it has synced its rules. */
const KUBE_PROXY_HEALTHZ_PORT = 10256;

/** No curl in every node image; bash's /dev/tcp is enough for one HTTP/1.0 request. */
const HEALTHZ_REQUEST = `exec 3<>/dev/tcp/127.0.0.1/${KUBE_PROXY_HEALTHZ_PORT} && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3`;

/** How long stop() waits for a round in flight (a kubelet restart takes ~1 s). */
const STOP_GRACE_MS = 3000;

export interface BackOffWatchOptions {
  engine: ContainerEngineCli;
  /** The cluster's node containers. */
  nodes: readonly string[];
  deployments: ReadonlyArray<{ namespace: string; name: string }>;
  intervalMs?: number;
  onLog?: (line: string) => void;
}

export interface BackOffWatch {
  /** Ends the watch and resolves with whether it restarted the kubelet. */
  stop(): Promise<boolean>;
}

/** Undefined when kube-proxy in the node answers 200, else what it (or the exec) said instead. */
async function kubeProxyNotHealthy(engine: ContainerEngineCli, node: string, signal: AbortSignal): Promise<string | undefined> {
  const result = await engine.execIn(node, ['bash', '-c', HEALTHZ_REQUEST], { timeoutMs: 5000, signal });
  if (result.code === 0 && isHealthzOk(result.stdout)) return undefined;
  return `${node}: ${result.code === 0 ? result.stdout.trim() || 'no answer' : describeFailure('the kube-proxy health check', result)}`;
}

async function anyBackingOff(kc: KubeConfig, deployments: BackOffWatchOptions['deployments']): Promise<boolean> {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  for (const d of deployments) {
    if (waitsForRestart(await podsOf(core, await readDeployment(apps, d), d.namespace))) return true;
  }
  return false;
}

/**
 * Watches, until stopped, for a controller that has exited (and so waits out the back-off) while
 * kube-proxy is healthy on every node, and then restarts the kubelet of the nodes once.
 */
export function watchRestartBackOff(kc: KubeConfig, opts: BackOffWatchOptions): BackOffWatch {
  const stopped = new AbortController();
  let restarted = false;
  let lastWait = '';
  const loop = async (): Promise<void> => {
    while (!stopped.signal.aborted) {
      try {
        if (await anyBackingOff(kc, opts.deployments)) {
          const unhealthy = (await Promise.all(opts.nodes.map((n) => kubeProxyNotHealthy(opts.engine, n, stopped.signal)))).filter((w) => w !== undefined);
          // Said once per new reason, so a wait that never ends can be told from a watch that saw nothing.
          const wait = unhealthy.join('; ');
          if (wait && wait !== lastWait && !stopped.signal.aborted) opts.onLog?.(`A controller waits out the kubelet's back-off; kube-proxy is not healthy yet (${wait})`);
          lastWait = wait;
          if (unhealthy.length === 0) {
            opts.onLog?.('A controller started before the node\'s network was ready and waits out the kubelet\'s back-off: restarting the kubelet to start it now');
            restarted = true;
            for (const node of opts.nodes) {
              const result = await opts.engine.execIn(node, ['systemctl', 'restart', 'kubelet'], { timeoutMs: 30_000 });
              if (result.code !== 0) opts.onLog?.(`could not restart the kubelet in ${node}: ${describeFailure('systemctl', result)}`);
            }
            return;
          }
        }
      } catch (error) {
        // The API server may still be settling: the next round asks again.
        if (!stopped.signal.aborted) opts.onLog?.(`back-off watch: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(opts.intervalMs ?? 500, stopped.signal).catch(() => undefined);
    }
  };
  const done = loop();
  return {
    stop: async () => {
      stopped.abort();
      // A request to an API server that stopped answering must not hold up Create's own result.
      await Promise.race([done, sleep(STOP_GRACE_MS)]);
      return restarted;
    },
  };
}
