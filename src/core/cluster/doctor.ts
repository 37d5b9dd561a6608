/**
 * Doctor findings from probe results. Pure: src/kube/cluster/probes.ts gathers the facts (docker
 * info, kind version, ports, memory, existing containers); this turns them into plain-language
 * findings, each with a fix and, where the fix can be automated, an action the UI offers as a button.
 */
import { PRELOAD_SETTING } from './imagePull';
import type { KindPlatform } from './kindRelease';

export type ContainerEngine = 'docker' | 'podman';

export interface EngineProbe {
  engine: ContainerEngine;
  /** The CLI was found and ran. */
  cli: boolean;
  /** The daemon / service answered. */
  reachable: boolean;
  serverVersion?: string;
  /** Memory the engine can give containers (Docker Desktop's VM size on macOS/Windows). */
  memTotalBytes?: number;
  /** The engine's own words when it did not answer. */
  error?: string;
}

export interface KindProbe {
  /** Which binary was tried and where it came from. */
  path?: string;
  source?: 'setting' | 'path' | 'download';
  version?: string;
  error?: string;
}

export interface PortProbe {
  port: number;
  purpose: 'registry' | 'api';
  free: boolean;
  /** The port is held by Kindling's own registry / cluster: not a problem. */
  ownedByUs?: boolean;
  error?: string;
}

export type ExistingState = 'none' | 'running' | 'stopped' | 'partial' | 'unknown';

export interface DoctorProbes {
  clusterName: string;
  /** Which engine kind will use: KIND_EXPERIMENTAL_PROVIDER=podman selects podman. */
  provider: ContainerEngine;
  engine: EngineProbe;
  kind: KindProbe;
  expectedKindVersion: string;
  ports: PortProbe[];
  hostMemory: { totalBytes: number; freeBytes: number };
  existing: { cluster: ExistingState; registry: ExistingState; nodeContainers: string[] };
  /** kindling.cluster.preloadImages, each with whether the engine holds it (checked only when the engine answers). */
  preload?: Array<{ image: string; present: boolean }>;
  /** Platform for the kind download offer; undefined when kind publishes no binary for it. */
  platform?: KindPlatform;
  /** Whether a verified download is possible for this platform (its SHA-256 is recorded). */
  kindDownloadVerifiable: boolean;
}

export type FindingSeverity = 'ok' | 'info' | 'warning' | 'error';

export type FixAction =
  | 'downloadKind'
  | 'startCluster'
  | 'deleteCluster'
  | 'openSettings'
  | 'openDockerInstall'
  | 'openKindInstall';

export interface Finding {
  id: 'engine' | 'kind' | 'port-registry' | 'port-api' | 'memory' | 'existing' | 'preload';
  severity: FindingSeverity;
  title: string;
  /** Plain explanation: what we saw and why it matters. */
  detail: string;
  /** What to do about it (empty when nothing is needed). */
  fix: string;
  action?: { id: FixAction; label: string };
}

const GiB = 1024 ** 3;
/** kind's own docs suggest 6 GB+ for Docker Desktop; Argo + a Spark driver and executor need about that. */
export const MEMORY_RECOMMENDED_BYTES = 6 * GiB;
export const MEMORY_MINIMUM_BYTES = 3 * GiB;

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}

function engineFinding(p: DoctorProbes): Finding {
  const e = p.engine;
  const name = e.engine === 'docker' ? 'Docker' : 'Podman';
  if (e.reachable) {
    return { id: 'engine', severity: 'ok', title: `${name} ${e.serverVersion ?? ''} is running`.replace('  ', ' '), detail: `kind will create the cluster's node as a ${name} container.`, fix: '' };
  }
  if (!e.cli) {
    return {
      id: 'engine',
      severity: 'error',
      title: `${name} is not installed`,
      detail: `kind runs each Kubernetes node as a container, so it needs a container engine. The "${e.engine}" command was not found on PATH.`,
      fix:
        e.engine === 'docker'
          ? 'Install Docker Desktop (macOS, Windows) or Docker Engine (Linux), or Podman and set KIND_EXPERIMENTAL_PROVIDER=podman before starting VS Code.'
          : 'Install Podman, or unset KIND_EXPERIMENTAL_PROVIDER to use Docker.',
      action: { id: 'openDockerInstall', label: `Install ${name}` },
    };
  }
  return {
    id: 'engine',
    severity: 'error',
    title: `${name} is installed but not running`,
    detail: `The ${e.engine} command works, but its engine did not answer${e.error ? `: "${firstLine(e.error)}"` : ''}. kind cannot create nodes without it.`,
    fix:
      e.engine === 'docker'
        ? 'Start Docker Desktop (or `sudo systemctl start docker` on Linux), wait until it says it is running, then run the doctor again.'
        : 'Start the Podman machine (`podman machine start`), then run the doctor again.',
  };
}

function kindFinding(p: DoctorProbes): Finding {
  const k = p.kind;
  if (k.version) {
    const matches = k.version.includes(p.expectedKindVersion);
    return {
      id: 'kind',
      severity: matches ? 'ok' : 'warning',
      title: `kind ${k.version}`,
      detail: matches
        ? `Found at ${k.path} (${k.source === 'download' ? "Kindling's verified download" : k.source === 'setting' ? 'kindling.cluster.kindPath' : 'PATH'}).`
        : `Found at ${k.path}, but Kindling is tested with kind ${p.expectedKindVersion} and its node image. Other versions usually work; node images are tied to kind releases.`,
      fix: matches ? '' : `Install kind ${p.expectedKindVersion}, or point kindling.cluster.kindPath at it.`,
    };
  }
  const offer: Finding['action'] = p.platform && p.kindDownloadVerifiable
    ? { id: 'downloadKind', label: `Download kind ${p.expectedKindVersion}` }
    : { id: 'openKindInstall', label: 'How to install kind' };
  const cannotVerify = p.platform && !p.kindDownloadVerifiable
    ? ` Kindling can download kind only when it can verify the file, and this build has no checksum recorded for ${p.platform} yet.`
    : '';
  return {
    id: 'kind',
    severity: 'error',
    title: k.path ? `kind at ${k.path} did not run` : 'kind is not installed',
    detail: (k.path
      ? `Running "${k.path} version" failed${k.error ? `: "${firstLine(k.error)}"` : ''}.`
      : 'kind (Kubernetes in Docker) creates the local cluster. It was not found in kindling.cluster.kindPath, on PATH, or in Kindling\'s download folder.') + cannotVerify,
    fix: `Install kind ${p.expectedKindVersion} (https://kind.sigs.k8s.io/docs/user/quick-start/#installation) or set kindling.cluster.kindPath.`,
    action: offer,
  };
}

function portFinding(port: PortProbe): Finding {
  const id = port.purpose === 'registry' ? 'port-registry' : 'port-api';
  const what = port.purpose === 'registry' ? 'local image registry' : 'Kubernetes API server';
  const setting = port.purpose === 'registry' ? 'kindling.cluster.registryPort' : 'kindling.cluster.apiServerPort';
  if (port.free || port.ownedByUs) {
    return { id, severity: 'ok', title: `Port ${port.port} (${what}) is ${port.ownedByUs ? 'used by Kindling' : 'free'}`, detail: '', fix: '' };
  }
  return {
    id,
    severity: 'error',
    title: `Port ${port.port} is taken`,
    detail: `The ${what} must listen on 127.0.0.1:${port.port}, but another program is already using that port${port.error ? ` (${port.error})` : ''}.`,
    fix: `Stop the program using port ${port.port}, or pick another port in the ${setting} setting.`,
    action: { id: 'openSettings', label: 'Change Port' },
  };
}

function memoryFinding(p: DoctorProbes): Finding {
  // On macOS/Windows containers only get the engine VM's memory; on Linux, the host's.
  const total = p.engine.memTotalBytes && p.engine.memTotalBytes > 0 ? p.engine.memTotalBytes : p.hostMemory.totalBytes;
  const where = p.engine.memTotalBytes ? `${p.engine.engine === 'docker' ? 'Docker' : 'Podman'} can use` : 'This machine has';
  if (total < MEMORY_MINIMUM_BYTES) {
    return {
      id: 'memory',
      severity: 'error',
      title: `Only ${gib(total)} of memory for containers`,
      detail: `${where} ${gib(total)}. A kind node with Argo and the Spark operator needs at least ${gib(MEMORY_MINIMUM_BYTES)}, and Spark jobs need more.`,
      fix: `Give the container engine at least ${gib(MEMORY_RECOMMENDED_BYTES)} (Docker Desktop → Settings → Resources).`,
    };
  }
  if (total < MEMORY_RECOMMENDED_BYTES) {
    return {
      id: 'memory',
      severity: 'warning',
      title: `${gib(total)} of memory for containers`,
      detail: `${where} ${gib(total)}. That runs the cluster, but a Spark driver and executor may be evicted or fail to schedule.`,
      fix: `Give the container engine ${gib(MEMORY_RECOMMENDED_BYTES)} or more if Spark jobs stay Pending.`,
    };
  }
  return { id: 'memory', severity: 'ok', title: `${gib(total)} of memory for containers`, detail: '', fix: '' };
}

function existingFinding(p: DoctorProbes): Finding {
  const { cluster, nodeContainers } = p.existing;
  const name = p.clusterName;
  switch (cluster) {
    case 'running':
      return { id: 'existing', severity: 'info', title: `Cluster "${name}" exists and is running`, detail: 'Create will reuse it and only (re)install missing add-ons.', fix: '' };
    case 'stopped':
      return {
        id: 'existing',
        severity: 'info',
        title: `Cluster "${name}" exists but is stopped`,
        detail: `Its node container${nodeContainers.length > 1 ? 's' : ''} (${nodeContainers.join(', ')}) exist but are not running, e.g. after a restart of the machine or of ${p.provider === 'docker' ? 'Docker' : 'Podman'}.`,
        fix: 'Start it again: much faster than creating a new one, and your images and runs are kept.',
        action: { id: 'startCluster', label: 'Start Cluster' },
      };
    case 'partial':
      return {
        id: 'existing',
        severity: 'warning',
        title: `Cluster "${name}" is half there`,
        detail: `Some of its node containers are running and some are not (${nodeContainers.join(', ')}). This usually follows an interrupted create.`,
        fix: 'Delete it and create it again.',
        action: { id: 'deleteCluster', label: 'Delete Cluster' },
      };
    case 'unknown':
      return { id: 'existing', severity: 'info', title: `Could not check for an existing "${name}" cluster`, detail: 'The container engine did not answer, so existing clusters could not be listed.', fix: '' };
    default:
      return { id: 'existing', severity: 'ok', title: `No cluster named "${name}" yet`, detail: '', fix: '' };
  }
}

function preloadFinding(p: DoctorProbes): Finding[] {
  if (!p.preload?.length) return [];
  const missing = p.preload.filter((i) => !i.present).map((i) => i.image);
  const name = p.provider === 'docker' ? 'Docker' : 'Podman';
  if (!missing.length) {
    return [{ id: 'preload', severity: 'ok', title: `${p.preload.length} image${p.preload.length > 1 ? 's' : ''} to preload found in ${name}`, detail: '', fix: '' }];
  }
  return [{
    id: 'preload',
    severity: 'error',
    title: `${missing.length > 1 ? 'Images' : 'Image'} to preload not found in ${name}: ${missing.join(', ')}`,
    detail: `${PRELOAD_SETTING} lists ${missing.length > 1 ? 'these images' : 'this image'}, so Create loads ${missing.length > 1 ? 'them' : 'it'} into the node from ${name}'s local images, but ${name} has no image by ${missing.length > 1 ? 'those names' : 'that name'}.`,
    fix: `Put ${missing.length > 1 ? 'them' : 'it'} into ${name} (${p.provider} pull, or ${p.provider} load -i <file>), or remove ${missing.length > 1 ? 'them' : 'it'} from ${PRELOAD_SETTING}.`,
    action: { id: 'openSettings', label: 'Open Settings' },
  }];
}

export function diagnose(p: DoctorProbes): Finding[] {
  return [engineFinding(p), kindFinding(p), ...p.ports.map(portFinding), memoryFinding(p), existingFinding(p), ...preloadFinding(p)];
}

/** Create must not start while any finding is an error. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}

export function formatFindings(findings: readonly Finding[]): string {
  const icon: Record<FindingSeverity, string> = { ok: '✓', info: 'i', warning: '!', error: '✗' };
  return findings
    .map((f) => [`${icon[f.severity]} ${f.title}`, f.detail && `    ${f.detail}`, f.fix && `    Fix: ${f.fix}`].filter(Boolean).join('\n'))
    .join('\n');
}

function firstLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? text;
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}
