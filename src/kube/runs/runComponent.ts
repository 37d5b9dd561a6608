/**
 * "Run as Component" end to end, without VS Code: read the file and kindling.yaml, gather
 * provenance, build the manifests, submit, and watch. The extension, the integration tests and the
 * loop benchmark all go through here, so what is tested and measured is what users run.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { NODE_WORKSPACE_PATH, kindContextName } from '../../core/cluster/kindConfig';
import {
  buildComponent,
  componentImage,
  detectComponentKind,
  makeRunName,
  runSuffix,
  type CodeDelivery,
  type ComponentKind,
  type ComponentManifests,
} from '../../core/component';
import { configDefaults, formatConfigError, loadConfig, type ConfigError, type KindlingConfig } from '../../core/config';
import { loadKubeConfig, type KubeTarget } from '../client';
import { gitInfo } from '../git';
import { resolveImageDigest } from '../images/digest';
import { shareConnections } from '../sharedConnections';
import { RunError } from './errors';
import { submitComponent, type SubmittedRun } from './submit';
import { watchRun, type PodInfo, type RunSnapshot, type RunWatch } from './watch';

/** kindling.yaml is invalid: `errors` carry 0-based positions for diagnostics. */
export class ConfigInvalidError extends Error {
  constructor(
    readonly configPath: string,
    readonly errors: ConfigError[],
  ) {
    const name = path.basename(configPath);
    const shown = errors.slice(0, 5).map((e) => formatConfigError(name, e));
    super(`${name} is not valid:\n${shown.join('\n')}${errors.length > 5 ? `\n…and ${errors.length - 5} more` : ''}`);
    this.name = 'ConfigInvalidError';
  }
}

export async function readProjectConfig(configPath: string): Promise<KindlingConfig> {
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch {
    throw new RunError(`No kindling.yaml at ${configPath}: it says which image components run on. See examples/kindling.yaml.`, 'other');
  }
  const { config, errors } = loadConfig(text);
  if (!config) throw new ConfigInvalidError(configPath, errors);
  return config;
}

/** Every service account a run with this config may use (run pods, Spark driver). */
export function runServiceAccounts(config: KindlingConfig): { namespace: string; serviceAccounts: string[] } {
  const main = config.serviceAccount ?? configDefaults.serviceAccount;
  return { namespace: config.namespace ?? configDefaults.namespace, serviceAccounts: [...new Set([main, config.spark?.serviceAccount ?? main])] };
}

/**
 * Loads the kubeconfig and context, turning "no such file/context" into a RunError the UI can explain.
 * The file is read again on every run (the user may have switched context); the connections are not:
 * every run shares kept-alive sockets and TLS sessions with the previous ones (sharedConnections.ts).
 */
export function connect(target: KubeTarget): KubeConfig {
  try {
    const kc = loadKubeConfig(target);
    if (!kc.getCurrentCluster()) throw new Error(`the kubeconfig has no current context${target.kubeconfigPath ? ` (${target.kubeconfigPath})` : ''}`);
    return shareConnections(kc);
  } catch (err) {
    throw new RunError(`No cluster to run on: ${err instanceof Error ? err.message : String(err)}. Create the local cluster with "Kindling: Create Local Cluster".`, 'no-context', err);
  }
}

/**
 * hostPath when the context is the Kindling kind cluster (it mounts the workspace into the node) and
 * the file is inside that workspace; a ConfigMap otherwise.
 */
export function chooseDelivery(kc: KubeConfig, clusterName: string, workspaceRoot: string, filePath: string): CodeDelivery {
  const rel = path.relative(workspaceRoot, filePath);
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  return kc.getCurrentContext() === kindContextName(clusterName) && inside ? { mode: 'hostPath', nodeWorkspacePath: NODE_WORKSPACE_PATH } : { mode: 'configMap' };
}

export interface PrepareInput {
  /** Absolute path of the .py/.ipynb/.sh file. */
  filePath: string;
  /** Absolute path of the workspace folder (paths in the run are relative to it). */
  workspaceRoot: string;
  config: KindlingConfig;
  delivery: CodeDelivery;
  kindlingVersion: string;
  args?: string[];
  parameters?: Record<string, string>;
  environment?: string;
  asPipeline?: boolean;
  podAnnotations?: Record<string, string>;
  /** Override the run name's random suffix (tests, reproducible names). */
  suffix?: string;
  /** Force the kind (e.g. run a PySpark file as a plain script); default: detected. */
  kind?: ComponentKind;
  /**
   * Ask the registry for the digest behind the image's tag when the registry is on this machine (the
   * Kindling cluster's localhost:<port>), and run on that exact digest (provenance records it). A
   * registry that does not answer within `digestTimeoutMs` leaves the run on the tag.
   */
  resolveLocalDigest?: boolean;
  /** Script/shell/notebook as a one-step Workflow (default) or a bare Pod (see ComponentRequest.runAs). */
  runAs?: 'workflow' | 'pod';
  digestTimeoutMs?: number;
}

export async function prepareComponent(input: PrepareInput): Promise<ComponentManifests> {
  // git runs three processes: start it alongside the read, it is most of this function's time.
  const gitPromise = gitInfo(input.filePath);
  const content = await readFile(input.filePath, 'utf8');
  const fileName = path.basename(input.filePath);
  const kind = input.kind ?? detectComponentKind(fileName, content);
  if (!kind) throw new RunError(`${fileName}: only .py, .ipynb and .sh files run as components.`, 'invalid');
  let relativePath = path.relative(input.workspaceRoot, input.filePath).split(path.sep).join('/');
  // Outside the workspace (e.g. a loose file): it can only travel in a ConfigMap, under its own name.
  if (relativePath.startsWith('..') || path.isAbsolute(relativePath)) relativePath = fileName;
  const image = componentImage(input.config, kind, input.environment);
  const digest = input.resolveLocalDigest ? await localImageDigest(image, input.digestTimeoutMs ?? 1500) : undefined;
  const git = await gitPromise;
  return buildComponent({
    kind,
    relativePath,
    content,
    runName: makeRunName(fileName, input.suffix ?? runSuffix()),
    config: input.config,
    environment: input.environment,
    delivery: input.delivery,
    args: input.args,
    parameters: input.parameters,
    asPipeline: input.asPipeline,
    podAnnotations: input.podAnnotations,
    runAs: input.runAs,
    provenance: {
      gitCommit: git.commit,
      gitDirty: git.dirty,
      sourceSha256: createHash('sha256').update(content).digest('hex'),
      user: git.user,
      kindlingVersion: input.kindlingVersion,
      imageDigest: digest,
    },
  });
}

/** The digest a loopback registry serves for the image's tag; undefined for other registries, or on no answer. */
export async function localImageDigest(image: string, timeoutMs: number): Promise<string | undefined> {
  if (!/^(localhost|127\.0\.0\.1)(:\d+)?\//.test(image) || image.includes('@')) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      resolveImageDigest(image).catch(() => undefined),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface StartedRun {
  manifests: ComponentManifests;
  submitted: SubmittedRun;
  watch: RunWatch;
}

export interface StartOptions {
  invokedAt?: number;
  onUpdate?: (snapshot: RunSnapshot) => void;
  onPod?: (pod: PodInfo) => void;
  /** The local registry (localhost:<port>), for the advice when an image cannot be pulled. */
  localRegistry?: string;
  /** See WatchRunOptions.unreachableMs. */
  unreachableMs?: number;
}

/**
 * Sends the create call and opens the watches together (the name is known before the object exists),
 * so no time is lost between "created" and "watching". The create goes first so that it, not a watch,
 * gets the connection kept alive from the previous call (sharedConnections.ts); the watches start
 * with the current state of the run and its pods, so starting them a moment later misses nothing.
 */
export async function startComponent(kc: KubeConfig, manifests: ComponentManifests, opts: StartOptions = {}): Promise<StartedRun> {
  const submitting = submitComponent(kc, manifests);
  const watch = watchRun(kc, manifests.ref, {
    invokedAt: opts.invokedAt,
    onUpdate: opts.onUpdate,
    onPod: opts.onPod,
    localRegistry: opts.localRegistry,
    unreachableMs: opts.unreachableMs,
  });
  let submitted: SubmittedRun;
  try {
    submitted = await submitting;
  } catch (err) {
    watch.stop();
    throw err;
  }
  // The watch may already have seen the object; the submit time comes from the create call.
  watch.setSubmittedAt(submitted.submittedAt);
  return { manifests, submitted, watch };
}
