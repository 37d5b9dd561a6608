/**
 * Runs one file as a component on the shared Kindling cluster through the same src/kube calls the
 * extension makes (prepareComponent → startComponent → RunLogFollower), and records what a user
 * would see: each log line with the time it arrived, the final state and the loop timings.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { ComponentManifests, PodProblem } from '../../../src/core/component';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import { ensureRunIdentity, prepareComponent, RunLogFollower, runServiceAccounts, startComponent, type PodInfo, type RunSnapshot } from '../../../src/kube/runs';
import { repoRoot } from '../../../testenv/kind/env.mjs';
import type { KindlingCluster } from './kindlingCluster';

export interface RunRecord {
  manifests: ComponentManifests;
  final: RunSnapshot;
  /** Whole output as the channel would show it (pod log text only). */
  output: string;
  lines: { at: number; pod: string; text: string }[];
  notes: string[];
  invokedAt: number;
  submittedAt: number;
  /** When the first line of the user's code arrived (ms since the epoch). */
  firstLineAt?: number;
  /** Every pod state seen (driver/executor for Spark). */
  pods: Map<string, PodInfo>;
  problems: PodProblem[];
}

/** kindling.yaml of a test project: the runtime image, no Secrets or claims the bare cluster lacks. */
export function testProjectConfig(image: string, extra: Record<string, unknown> = {}): string {
  return stringify({
    version: 1,
    images: { default: image },
    namespace: 'kindling',
    serviceAccount: 'kindling-runner',
    spark: {
      sparkVersion: '4.0.0',
      // Two cores on this machine: a driver and two executors fit only with requests below one CPU each.
      driver: { cores: 1, coreRequest: '250m', memory: '512m' },
      executor: { cores: 1, coreRequest: '250m', memory: '512m', instances: 2 },
      restartPolicy: { type: 'Never' },
    },
    ...extra,
  });
}

/** A fresh project folder in the cluster's workspace with the example files (and data) copied in. */
export function makeProject(cluster: KindlingCluster, name: string, configText: string): string {
  const dir = path.join(cluster.workspace, name);
  mkdirSync(dir, { recursive: true, mode: 0o777 });
  for (const file of ['prepare_features.py', 'features.ipynb', 'evaluate.sh', 'train_spark.py', 'requirements.txt', 'Dockerfile']) {
    cpSync(path.join(repoRoot, 'examples', file), path.join(dir, file));
  }
  cpSync(path.join(repoRoot, 'examples', 'data'), path.join(dir, 'data'), { recursive: true });
  cpSync(path.join(repoRoot, 'examples', 'image'), path.join(dir, 'image'), { recursive: true });
  writeFileSync(path.join(dir, 'kindling.yaml'), configText);
  return dir;
}

export function loadTestConfig(dir: string, text: string): KindlingConfig {
  const { config, errors } = loadConfig(text);
  if (!config) throw new Error(`${dir}/kindling.yaml: ${JSON.stringify(errors)}`);
  return config;
}

/**
 * What Run and Debug as Component do before they start a run on the shared cluster: the run's
 * namespace and service accounts made, then the manifests prepared with the workspace delivered by
 * the node's hostPath. `invokedAt` is taken after the identity set-up, as the command's clock starts.
 */
export async function prepareOnCluster(
  cluster: KindlingCluster,
  filePath: string,
  config: KindlingConfig,
  extra: Omit<Parameters<typeof prepareComponent>[0], 'filePath' | 'workspaceRoot' | 'config' | 'delivery' | 'kindlingVersion'>,
): Promise<{ namespace: string; manifests: ComponentManifests; invokedAt: number }> {
  const { namespace, serviceAccounts } = runServiceAccounts(config);
  await ensureRunIdentity(cluster.kc, namespace, serviceAccounts);
  const invokedAt = Date.now();
  const manifests = await prepareComponent({
    filePath,
    workspaceRoot: cluster.workspace,
    config,
    delivery: { mode: 'hostPath', nodeWorkspacePath: cluster.nodeWorkspacePath },
    kindlingVersion: 'kind-tier',
    ...extra,
  });
  return { namespace, manifests, invokedAt };
}

export async function runFile(
  cluster: KindlingCluster,
  filePath: string,
  config: KindlingConfig,
  opts: { args?: string[]; parameters?: Record<string, string>; timeoutMs?: number; onLine?: (text: string) => void; unreachableMs?: number; runAs?: 'workflow' | 'pod'; onManifests?: (m: ComponentManifests) => void } = {},
): Promise<RunRecord> {
  const kc = cluster.kc;
  const { namespace, manifests, invokedAt } = await prepareOnCluster(cluster, filePath, config, {
    args: opts.args,
    parameters: opts.parameters,
    resolveLocalDigest: true,
    runAs: opts.runAs,
  });
  opts.onManifests?.(manifests);
  const record: Omit<RunRecord, 'final' | 'submittedAt'> = { manifests, output: '', lines: [], notes: [], invokedAt, pods: new Map(), problems: [] };
  const follower = new RunLogFollower(kc, namespace, {
    data: (pod, text) => {
      record.firstLineAt ??= Date.now();
      record.lines.push({ at: Date.now(), pod, text });
      record.output += text;
      opts.onLine?.(text);
    },
    note: (text) => record.notes.push(text),
  });
  const started = await startComponent(kc, manifests, {
    invokedAt,
    localRegistry: cluster.registry,
    unreachableMs: opts.unreachableMs,
    onPod: (p) => {
      record.pods.set(p.name, p);
      if (p.problem && !record.problems.some((q) => q.reason === p.problem?.reason)) record.problems.push(p.problem);
      follower.onPod(p);
    },
  });
  const timeout = opts.timeoutMs ?? 240_000;
  const timer = setTimeout(() => started.watch.stop(), timeout);
  const final = await started.watch.done;
  clearTimeout(timer);
  await follower.finish();
  return { ...record, final, submittedAt: started.submitted.submittedAt };
}
