/**
 * Create (or warm-start, or reuse) the local cluster, and delete it. Each step reports progress,
 * honours the AbortSignal, and fails with a ClusterStepError that names the step, the cause and a
 * fix — and says whether a half-made cluster was left behind, so the UI can offer to delete it.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { buildAddonPlan, type AddonPlan, type AddonPlanInput } from '../../core/cluster/addonPlan';
import { blockingFindings, diagnose, formatFindings, type Finding } from '../../core/cluster/doctor';
import { ClusterStepError, classifyFailure, type CreateStep } from '../../core/cluster/failures';
import { imagePullFix, normalizePreloadImages, PRELOAD_SETTING } from '../../core/cluster/imagePull';
import { buildKindConfig, kindContextName, renderKindConfig } from '../../core/cluster/kindConfig';
import { ALL_MANIFEST_SOURCES } from '../../core/cluster/manifestSources';
import { mirrorHostsFiles, MIRRORS_SETTING, parseRegistryMirrors, type RegistryMirror } from '../../core/cluster/mirrors';
import { buildRegistryHostsToml, registryContainerName, registryHostAlias, registryHostsDir } from '../../core/cluster/registry';
import { loadKubeConfig } from '../client';
import { installAddons } from './addons';
import { isPlanApplied, recordPlanApplied, waitsOnly } from './appliedPlan';
import { apiErrorMessage, sleep } from './apply';
import { ContainerEngineCli, providerFromEnv } from './engine';
import { describeFailure, run } from './exec';
import { KindCli, locateKind } from './kind';
import { loadManifests } from './manifestStore';
import { PreloadArchive } from './preloadArchive';
import { gatherProbes } from './probes';
import { ADDON_LABELS, ImagePullFailedError } from './readiness';
import { watchRestartBackOff } from './restartBackOff';

export interface ClusterOptions {
  clusterName: string;
  registryPort: number;
  apiServerPort: number;
  /** kubeconfig kind writes the context into and we read it from. */
  kubeconfigPath: string;
  workspaceHostPath?: string;
  kindSettingPath?: string;
  kindDownloadPath?: string;
  /** Extension global storage: generated kind config, manifest cache. */
  storageDir: string;
  addonManifestDir?: string;
  /** kindling.cluster.nodeImage; undefined or empty: the pinned KIND_NODE_IMAGE. */
  nodeImage?: string;
  /** kindling.cluster.registryMirrors as read from settings (validated here). */
  registryMirrors?: unknown;
  /** kindling.cluster.preloadImages: loaded into the node before the add-ons are applied. */
  preloadImages?: readonly string[];
  readyTimeoutMs?: number;
  /** How long an add-on pod may fail to pull its image before Create gives up (default 30 s). */
  imagePullGraceMs?: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onStep?: (step: CreateStep, message: string) => void;
  onLog?: (line: string) => void;
}

export interface CreateResult {
  outcome: 'created' | 'started' | 'reused';
  context: string;
  plan: AddonPlan;
  findings: Finding[];
}

function stepError(step: CreateStep, error: unknown, leftBehind: boolean): ClusterStepError {
  if (error instanceof ClusterStepError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'AbortError') {
    return new ClusterStepError(step, 'Cancelled.', leftBehind ? 'The cluster was created but is not finished: delete it, or run Create again to finish it.' : '', message, leftBehind);
  }
  const classified = classifyFailure(step, message);
  return new ClusterStepError(step, classified.cause, classified.fix, message, leftBehind);
}

async function helmPath(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const result = await run('helm', ['version', '--short'], { timeoutMs: 10_000, env });
  return result.code === 0 ? 'helm' : undefined;
}

async function waitForApiServer(kc: KubeConfig, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await core.listNamespace({ limit: 1 });
      return;
    } catch (error) {
      last = error;
    }
    // Short: on a warm restart every second spent here is a second before the controllers are checked.
    await sleep(250, signal);
  }
  throw new Error(`The API server did not answer within ${Math.round(timeoutMs / 1000)} s: ${apiErrorMessage(last)}`);
}

export async function createCluster(opts: ClusterOptions): Promise<CreateResult> {
  const env = opts.env ?? process.env;
  const context = kindContextName(opts.clusterName);
  const report = (step: CreateStep, message: string) => opts.onStep?.(step, message);
  let step: CreateStep = 'doctor';
  let leftBehind = false;
  let archive: PreloadArchive | undefined;
  try {
    report('doctor', 'Checking Docker, kind and ports');
    let mirrors: RegistryMirror[];
    try {
      mirrors = parseRegistryMirrors(opts.registryMirrors, [registryHostAlias(opts.registryPort)]);
    } catch (error) {
      throw new ClusterStepError('doctor', error instanceof Error ? error.message : String(error), `Correct ${MIRRORS_SETTING} in the settings.`);
    }
    const preloadImages = normalizePreloadImages(opts.preloadImages ?? []);
    const probes = await gatherProbes({ ...opts, preloadImages, env });
    const findings = diagnose(probes);
    const blocking = blockingFindings(findings);
    if (blocking.length) {
      throw new ClusterStepError('doctor', `${blocking.map((f) => f.title).join('; ')}.`, blocking.map((f) => f.fix).join(' '), formatFindings(findings));
    }
    const existing = probes.existing.cluster;
    if (existing === 'partial') {
      throw new ClusterStepError('doctor', `Cluster "${opts.clusterName}" is only partly running.`, 'Delete it and create it again.', formatFindings(findings), true);
    }
    const location = locateKind({ settingPath: opts.kindSettingPath, downloadPath: opts.kindDownloadPath, env });
    if (!location) throw new Error('kind disappeared after the doctor found it');
    const kind = new KindCli(location, env);
    const engine = new ContainerEngineCli(providerFromEnv(env), env);

    step = 'registry';
    report(step, `Starting the registry ${registryContainerName(opts.clusterName)} on 127.0.0.1:${opts.registryPort}`);
    await engine.ensureRegistry(opts.clusterName, opts.registryPort, { signal: opts.signal });

    step = 'kind';
    let outcome: CreateResult['outcome'];
    let restartedAt: Date | undefined;
    if (existing === 'stopped') {
      // Warm restart: the node containers survive a reboot; starting them keeps images and state.
      report(step, `Starting the stopped cluster "${opts.clusterName}"`);
      restartedAt = new Date();
      await engine.start(probes.existing.nodeContainers, { signal: opts.signal });
      await kind.exportKubeconfig(opts.clusterName, opts.kubeconfigPath);
      outcome = 'started';
    } else if (existing === 'running') {
      report(step, `Cluster "${opts.clusterName}" is already running`);
      await kind.exportKubeconfig(opts.clusterName, opts.kubeconfigPath);
      outcome = 'reused';
    } else {
      const configPath = path.join(opts.storageDir, `kind-${opts.clusterName}.yaml`);
      await mkdir(opts.storageDir, { recursive: true });
      await writeFile(configPath, renderKindConfig(buildKindConfig({ ...opts, nodeImage: opts.nodeImage || undefined })), 'utf8');
      report(step, `Creating kind cluster "${opts.clusterName}" (the first run pulls the node image, a few minutes)`);
      // The node starts empty: save the preload images while kind boots it, and import them while
      // kubeadm starts the control plane (preloadArchive.ts).
      if (preloadImages.length) archive = new PreloadArchive(engine, kind, opts.clusterName, preloadImages, opts.storageDir, opts.signal);
      // If we are cancelled while kind runs, its node container may survive: say so.
      leftBehind = true;
      const onLine = (line: string) => {
        opts.onLog?.(line);
        archive?.watchKindLine(line);
      };
      const result = await kind.createCluster(configPath, { kubeconfigPath: opts.kubeconfigPath, signal: opts.signal, onLine });
      if (result.code !== 0) {
        // kind removes its own node containers on failure (unless --retain), so nothing is left.
        const classified = classifyFailure('kind', describeFailure('kind', result));
        throw new ClusterStepError('kind', classified.cause, classified.fix, result.stderr || result.stdout);
      }
      outcome = 'created';
    }
    leftBehind = outcome === 'created';

    step = 'registry-config';
    report(step, mirrors.length ? `Connecting the registry and ${mirrors.length} mirror${mirrors.length > 1 ? 's' : ''} to the cluster` : 'Connecting the registry to the cluster');
    await engine.connectRegistryToKindNetwork(opts.clusterName);
    const nodes = (await engine.clusterState(opts.clusterName)).nodes;
    const hostsFiles = [
      { dir: registryHostsDir(opts.registryPort), file: 'hosts.toml', content: buildRegistryHostsToml(opts.clusterName) },
      ...mirrorHostsFiles(mirrors),
    ];
    for (const node of nodes) {
      for (const f of hostsFiles) await engine.writeFileInContainer(node.name, f.dir, f.file, f.content);
    }

    if (preloadImages.length) {
      step = 'preload';
      // One archive for all: a single save and import, shared layers once (per-image calls took
      // ~20% longer with the add-on images, which share their base layers). A node that already
      // existed may hold them: kind load docker-image leaves those out.
      const list = preloadImages.join(', ');
      report(step, `Loading ${preloadImages.length === 1 ? '' : `${preloadImages.length} images `}into the node: ${list}`);
      const result = archive
        ? await archive.load(opts.onLog)
        : await kind.loadDockerImages(opts.clusterName, preloadImages, { signal: opts.signal, onLine: opts.onLog });
      await archive?.dispose();
      opts.signal?.throwIfAborted();
      if (result.code !== 0) {
        throw new ClusterStepError(
          'preload',
          `kind could not load ${list} into the node: ${describeFailure('kind', result).split('\n')[0]}`,
          `Check that ${providerFromEnv(env) === 'docker' ? 'Docker' : 'Podman'} holds each image (image ls), or remove it from ${PRELOAD_SETTING}.`,
          result.stderr || result.stdout,
          leftBehind,
        );
      }
    }

    const kc = loadKubeConfig({ kubeconfigPath: opts.kubeconfigPath, context });
    await waitForApiServer(kc, 120_000, opts.signal);

    step = 'manifests';
    report(step, opts.addonManifestDir ? `Reading add-on manifests from ${opts.addonManifestDir}` : 'Fetching the pinned add-on manifests');
    const manifests = await loadManifests(ALL_MANIFEST_SOURCES, {
      localDir: opts.addonManifestDir,
      cacheDir: path.join(opts.storageDir, 'manifests'),
      signal: opts.signal,
      onProgress: (m) => opts.onLog?.(m),
    });

    step = 'addons';
    const helm = await helmPath(env);
    const plan = buildAddonPlan({
      manifests,
      registryPort: opts.registryPort,
      useHelm: helm ? { kubeconfigPath: opts.kubeconfigPath, context } : undefined,
    } satisfies AddonPlanInput);
    // Restarting an unchanged cluster: its add-ons are still there, only the controllers need waiting for.
    const unchanged = outcome !== 'created' && (await isPlanApplied(kc, plan));
    if (unchanged) report('addons', 'The add-ons are as Kindling applied them: not applying them again');
    // After a warm restart the controllers may sit out a crash-loop back-off they no longer need.
    const backOff = restartedAt ? watchRestartBackOff(kc, { engine, nodes: nodes.map((n) => n.name), deployments: plan.health, onLog: opts.onLog }) : undefined;
    try {
      await installAddons(kc, unchanged ? waitsOnly(plan) : plan, {
        signal: opts.signal,
        readyTimeoutMs: opts.readyTimeoutMs ?? 5 * 60_000,
        imagePullGraceMs: opts.imagePullGraceMs ?? 30_000,
        runningSince: restartedAt,
        helmPath: helm,
        onStep: (s) => {
          step = s.kind === 'waitForDeployments' ? 'ready' : 'addons';
          report(step, s.title);
        },
        onDetail: (m) => opts.onLog?.(m),
      });
    } catch (error) {
      if (!(error instanceof ImagePullFailedError)) throw error;
      const { failure, check } = error;
      const image = failure.image ?? 'its image';
      throw new ClusterStepError(
        'ready',
        `The ${ADDON_LABELS[check.addon]} cannot start: the node cannot pull ${image} (${failure.reason}).`,
        failure.image ? imagePullFix(failure.image, { mirrors, preloadImages }) : 'Set a registry mirror or preload the image, then run Create again.',
        error.message,
        leftBehind,
      );
    } finally {
      await backOff?.stop();
    }
    if (!unchanged) {
      // Best effort: without the record the next restart applies again, which is only slower.
      await recordPlanApplied(kc, plan).catch((error: unknown) => opts.onLog?.(`could not record the applied add-ons: ${apiErrorMessage(error)}`));
    }
    return { outcome, context, plan, findings };
  } catch (error) {
    throw stepError(step, error, leftBehind);
  } finally {
    await archive?.dispose();
  }
}

export interface DeleteOptions {
  clusterName: string;
  kubeconfigPath: string;
  removeRegistry: boolean;
  kindSettingPath?: string;
  kindDownloadPath?: string;
  env?: NodeJS.ProcessEnv;
}

/** `kind delete cluster` removes the node containers and the kube context; the registry is ours to remove. */
export async function deleteCluster(opts: DeleteOptions): Promise<{ registryRemoved: boolean }> {
  const env = opts.env ?? process.env;
  const location = locateKind({ settingPath: opts.kindSettingPath, downloadPath: opts.kindDownloadPath, env });
  if (!location) throw new Error('kind was not found, so the cluster cannot be deleted. Run the doctor.');
  const result = await new KindCli(location, env).deleteCluster(opts.clusterName, { kubeconfigPath: opts.kubeconfigPath });
  if (result.code !== 0) {
    const classified = classifyFailure('kind', describeFailure('kind', result));
    throw new Error(`Deleting cluster "${opts.clusterName}" failed: ${classified.cause} ${classified.fix}`);
  }
  let registryRemoved = false;
  if (opts.removeRegistry) {
    const engine = new ContainerEngineCli(providerFromEnv(env), env);
    if ((await engine.registryState(opts.clusterName)) !== 'none') {
      await engine.removeContainer(registryContainerName(opts.clusterName));
      registryRemoved = true;
    }
  }
  return { registryRemoved };
}
