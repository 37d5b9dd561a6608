/**
 * Shared by the kind tier: the test environment (our dockerd, node image, add-on images), the
 * options Kindling's own createCluster gets from it, and small probes from outside the product
 * (docker CLI, pods through client-node) that check what the product made.
 */
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { ClusterOptions } from '../../src/kube/cluster/lifecycle';
import { ensureKindTestEnv, type KindTestEnv } from '../../testenv/kind/env.mjs';
import { realManifestDir } from '../integration/cluster/kindTools';

const execFileAsync = promisify(execFile);

export interface KindTier {
  kind: KindTestEnv;
  /** process.env plus DOCKER_HOST (our engine) and PATH with the pinned kind first. */
  env: NodeJS.ProcessEnv;
  manifestDir: string;
  scratch: string;
}

export async function kindTier(): Promise<KindTier> {
  const kind = await ensureKindTestEnv();
  return { kind, env: { ...process.env, ...kind.env }, manifestDir: realManifestDir(), scratch: mkdtempSync(path.join(os.tmpdir(), 'kindling-kind-tier-')) };
}

/** A port nobody listens on right now (the kernel's pick), for the registry of a test cluster. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * What the extension's settings would give createCluster on this machine: the node image built
 * here, the add-on images preloaded from our engine, the offline manifest folder, a scratch
 * kubeconfig (never the user's), and a workspace folder readable by the controllers' users.
 */
export function clusterOptions(tier: KindTier, clusterName: string, registryPort: number, extra: Partial<ClusterOptions> = {}): ClusterOptions {
  const dir = path.join(tier.scratch, clusterName);
  const workspace = path.join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  // The controllers' images run as non-root users; a user's project folder is world-readable too.
  chmodSync(tier.scratch, 0o755);
  chmodSync(workspace, 0o755);
  return {
    clusterName,
    registryPort,
    apiServerPort: 0,
    kubeconfigPath: path.join(dir, 'kubeconfig'),
    workspaceHostPath: workspace,
    storageDir: path.join(dir, 'storage'),
    addonManifestDir: tier.manifestDir,
    nodeImage: tier.kind.nodeImage,
    preloadImages: tier.kind.addonImages,
    env: tier.env,
    ...extra,
  };
}

/** The docker CLI against our engine; rejects with its stderr. */
export async function docker(tier: KindTier, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('docker', args, { env: tier.env, timeout: 600_000, maxBuffer: 64 << 20 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/**
 * A new image from `base` that differs from it only by a label: its own config digest, so a pull
 * of it must fetch its manifest and config from a registry even when the node holds every layer.
 */
export function imageWithLabel(tier: KindTier, base: string, tag: string, label: string): void {
  // The engine's client has no buildx: the classic builder, Dockerfile on stdin.
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], {
    env: { ...tier.env, DOCKER_BUILDKIT: '0' },
    input: `FROM ${base}\nLABEL dev.kindling.test=${JSON.stringify(label)}\n`,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a one-container pod to completion and returns its phase and log. The pod is deleted after.
 * `pullAlways` makes containerd resolve the image through its registry configuration even when the
 * node holds the same layers already.
 */
export async function runPod(
  kc: KubeConfig,
  opts: { namespace: string; name: string; image: string; command: string[]; pullAlways?: boolean; hostPath?: { path: string; mountPath: string }; timeoutMs?: number },
): Promise<{ phase: string; log: string; pod: V1Pod }> {
  const core = kc.makeApiClient(CoreV1Api);
  const pod: V1Pod = {
    metadata: { name: opts.name, namespace: opts.namespace },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'main',
          image: opts.image,
          command: opts.command,
          imagePullPolicy: opts.pullAlways ? 'Always' : 'IfNotPresent',
          ...(opts.hostPath ? { volumeMounts: [{ name: 'host', mountPath: opts.hostPath.mountPath, readOnly: true }] } : {}),
        },
      ],
      ...(opts.hostPath ? { volumes: [{ name: 'host', hostPath: { path: opts.hostPath.path, type: 'Directory' } }] } : {}),
    },
  };
  await core.createNamespacedPod({ namespace: opts.namespace, body: pod });
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  try {
    let last: V1Pod | undefined;
    while (Date.now() < deadline) {
      last = await core.readNamespacedPod({ name: opts.name, namespace: opts.namespace });
      const phase = last.status?.phase ?? '';
      if (phase === 'Succeeded' || phase === 'Failed') {
        const log = await core.readNamespacedPodLog({ name: opts.name, namespace: opts.namespace });
        return { phase, log: typeof log === 'string' ? log : String(log), pod: last };
      }
      const waiting = last.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting && /ErrImagePull|ImagePullBackOff|InvalidImageName/.test(waiting.reason ?? '')) {
        throw new Error(`pod ${opts.name} cannot pull ${opts.image}: ${waiting.reason}: ${waiting.message ?? ''}`);
      }
      await sleep(500);
    }
    throw new Error(`pod ${opts.name} did not finish in time: ${JSON.stringify(last?.status)}`);
  } finally {
    await core.deleteNamespacedPod({ name: opts.name, namespace: opts.namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
  }
}
