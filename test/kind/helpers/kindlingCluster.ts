/**
 * "The Kindling kind cluster for tests": one cluster, made by Kindling's own createCluster with the
 * test environment's node image and preloaded images, shared by every test file that runs code on
 * it (the loop tests, the loop benchmark). The first caller creates it; later callers — other files,
 * which run in their own processes — get the same one back (createCluster answers "reused", or
 * "started" after the engine was restarted). Its workspace folder is fixed, so the node's
 * /kindling/workspace mount stays valid; tests put their projects in subfolders of it.
 *
 * Registry port 5001 on purpose: the example project's image is named localhost:5001/ml-pipelines,
 * as a user's would be, and the runtime image is pushed there once, so runs resolve its digest from
 * the registry exactly as they do for a user.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { NODE_WORKSPACE_PATH, kindContextName } from '../../../src/core/cluster/kindConfig';
import { REGISTRY_IMAGE } from '../../../src/core/cluster/versions';
import { loadKubeConfig } from '../../../src/kube/client';
import { createCluster, type ClusterOptions, type CreateResult } from '../../../src/kube/cluster/lifecycle';
import { realManifestDir } from '../../integration/cluster/kindTools';
import { ensureKindTestEnv, type KindTestEnv } from '../../../testenv/kind/env.mjs';
import { docker as dockerCli } from '../kindCluster';

export const SHARED_CLUSTER = 'kindling-shared';
export const SHARED_REGISTRY_PORT = 5001;

export interface KindlingCluster {
  kind: KindTestEnv;
  env: NodeJS.ProcessEnv;
  options: ClusterOptions;
  outcome: CreateResult['outcome'];
  kubeconfigPath: string;
  context: string;
  kc: KubeConfig;
  /** Host folder mounted at NODE_WORKSPACE_PATH in the node: a run's workspace root. */
  workspace: string;
  nodeWorkspacePath: string;
  registry: string;
  docker(...args: string[]): Promise<string>;
}

let shared: Promise<KindlingCluster> | undefined;

export function sharedRoot(): string {
  return path.join(os.tmpdir(), 'kindling-kind-shared');
}

export function kindlingCluster(log: (line: string) => void = (l) => process.stderr.write(`[kindling-cluster] ${l}\n`)): Promise<KindlingCluster> {
  shared ??= make(log);
  return shared;
}

async function make(log: (line: string) => void): Promise<KindlingCluster> {
  const kind = await ensureKindTestEnv();
  const env = { ...process.env, ...kind.env };
  const root = sharedRoot();
  const workspace = path.join(root, 'workspace');
  mkdirSync(workspace, { recursive: true });
  // The controllers' and the runtime image's users are not root; a user's project folder is readable too.
  chmodSync(root, 0o755);
  chmodSync(workspace, 0o777);
  const options: ClusterOptions = {
    clusterName: SHARED_CLUSTER,
    registryPort: SHARED_REGISTRY_PORT,
    apiServerPort: 0,
    kubeconfigPath: path.join(root, 'kubeconfig'),
    workspaceHostPath: workspace,
    storageDir: path.join(root, 'storage'),
    addonManifestDir: realManifestDir(),
    nodeImage: kind.nodeImage,
    // The runtime image too: the first run must not wait for 1.6 GB to come from the registry.
    preloadImages: [...kind.addonImages.filter((i) => i !== REGISTRY_IMAGE), kind.runtimeImage],
    env,
    onStep: (step, message) => log(`${step}: ${message}`),
  };
  const t0 = Date.now();
  const result = await createCluster(options);
  log(`cluster ${result.outcome} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const docker = (...args: string[]): Promise<string> => dockerCli({ kind, env, manifestDir: '', scratch: root }, ...args);
  const registry = `localhost:${SHARED_REGISTRY_PORT}`;
  // The runtime image in the registry (once): runs resolve its digest there, as for a user's image.
  const marker = path.join(root, `pushed-${kind.runtimeImage.replace(/[^a-z0-9.]+/gi, '_')}`);
  if (!existsSync(marker) || result.outcome === 'created') {
    const t1 = Date.now();
    await docker('push', kind.runtimeImage);
    mkdirSync(marker, { recursive: true });
    log(`pushed ${kind.runtimeImage} in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }
  const context = kindContextName(SHARED_CLUSTER);
  return {
    kind,
    env,
    options,
    outcome: result.outcome,
    kubeconfigPath: options.kubeconfigPath,
    context,
    kc: loadKubeConfig({ kubeconfigPath: options.kubeconfigPath, context }),
    workspace,
    nodeWorkspacePath: NODE_WORKSPACE_PATH,
    registry,
    docker,
  };
}
