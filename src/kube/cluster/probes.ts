/**
 * Gathers the facts the doctor judges (core/cluster/doctor.ts): container engine, kind, host ports,
 * memory, and whether a cluster of the same name already exists.
 */
import * as net from 'node:net';
import * as os from 'node:os';
import type { DoctorProbes, ExistingState, PortProbe } from '../../core/cluster/doctor';
import { KIND_DOWNLOADS, kindPlatform } from '../../core/cluster/kindRelease';
import { KIND_VERSION } from '../../core/cluster/versions';
import { ContainerEngineCli, providerFromEnv } from './engine';
import { KindCli, locateKind } from './kind';

/** Tries to listen on 127.0.0.1:port, which is where kind and the registry publish. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<{ free: boolean; error?: string }> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ free: false, error: error.code ?? error.message }));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve({ free: true })));
  });
}

export interface ProbeOptions {
  clusterName: string;
  registryPort: number;
  apiServerPort: number;
  kindSettingPath?: string;
  kindDownloadPath?: string;
  /** kindling.cluster.preloadImages: the doctor checks that the engine holds each. */
  preloadImages?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export async function gatherProbes(opts: ProbeOptions): Promise<DoctorProbes> {
  const env = opts.env ?? process.env;
  const provider = providerFromEnv(env);
  const engine = new ContainerEngineCli(provider, env);
  const location = locateKind({ settingPath: opts.kindSettingPath, downloadPath: opts.kindDownloadPath, env });
  const [engineProbe, kindProbe] = await Promise.all([engine.probe(), location ? new KindCli(location, env).probe() : Promise.resolve({})]);

  let cluster: ExistingState = 'unknown';
  let registry: ExistingState = 'unknown';
  let nodeContainers: string[] = [];
  let preload: DoctorProbes['preload'];
  if (engineProbe.reachable && opts.preloadImages?.length) {
    preload = await Promise.all(opts.preloadImages.map(async (image) => ({ image, present: await engine.imageExists(image) })));
  }
  if (engineProbe.reachable) {
    try {
      const state = await engine.clusterState(opts.clusterName);
      cluster = state.state;
      nodeContainers = state.nodes.map((n) => n.name);
      registry = await engine.registryState(opts.clusterName);
    } catch {
      // The engine answered `info` but not `ps`: report "could not check" rather than guess.
    }
  }

  const ports: PortProbe[] = [];
  const portChecks: Array<{ port: number; purpose: PortProbe['purpose']; ours: boolean }> = [
    { port: opts.registryPort, purpose: 'registry', ours: registry === 'running' },
    { port: opts.apiServerPort, purpose: 'api', ours: cluster === 'running' || cluster === 'partial' },
  ];
  for (const check of portChecks) {
    if (check.port <= 0) continue; // 0: kind picks a free port
    const result = await isPortFree(check.port);
    ports.push({ port: check.port, purpose: check.purpose, free: result.free, ownedByUs: !result.free && check.ours, error: result.error });
  }

  const platform = kindPlatform(process.platform, process.arch);
  return {
    clusterName: opts.clusterName,
    provider,
    engine: engineProbe,
    kind: kindProbe,
    expectedKindVersion: KIND_VERSION,
    ports,
    hostMemory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
    existing: { cluster, registry, nodeContainers },
    preload,
    platform,
    kindDownloadVerifiable: platform ? KIND_DOWNLOADS[platform].sha256 !== undefined : false,
  };
}
