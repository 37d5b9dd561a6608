/**
 * Registry mirrors for the node's containerd (kindling.cluster.registryMirrors): air-gapped and
 * corporate networks reach quay.io, ghcr.io or docker.io only through a mirror. Each entry becomes
 * `/etc/containerd/certs.d/<registry>/hosts.toml`, next to the local registry's own file
 * (registry.ts); containerd reads these files on every pull, so no restart is needed.
 * Format: https://github.com/containerd/containerd/blob/main/docs/hosts.md
 */
import { CONTAINERD_CERTS_DIR } from './kindConfig';

export interface RegistryMirror {
  /** The upstream registry as it appears in image names: `quay.io`, `docker.io`, `registry.example.com:5000`. */
  registry: string;
  /** Where containerd pulls from instead; containerd appends `/v2/…` to its path. */
  url: string;
}

/** A host name (or IPv4) with an optional port: what the first part of an image name can be. */
const REGISTRY_HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?$/;

export const MIRRORS_SETTING = 'kindling.cluster.registryMirrors';

/**
 * Checks the setting's value (an object from settings.json, so anything) and returns the mirrors in
 * a stable order. Throws one message listing every problem: a half-applied mirror set would send
 * some pulls to the internet the user meant to avoid.
 */
export function parseRegistryMirrors(value: unknown, reserved: readonly string[] = []): RegistryMirror[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${MIRRORS_SETTING} must be an object mapping a registry (e.g. "quay.io") to a mirror URL.`);
  }
  const problems: string[] = [];
  const mirrors: RegistryMirror[] = [];
  for (const [rawKey, rawUrl] of Object.entries(value as Record<string, unknown>)) {
    const registry = rawKey.trim().toLowerCase();
    if (!REGISTRY_HOST.test(registry)) {
      problems.push(`"${rawKey}" is not a registry host (write it as it appears in image names, e.g. "quay.io", without https:// or a path)`);
      continue;
    }
    if (reserved.includes(registry)) {
      problems.push(`"${rawKey}" is Kindling's local registry, which is configured already`);
      continue;
    }
    if (typeof rawUrl !== 'string' || !rawUrl.trim()) {
      problems.push(`the mirror for "${rawKey}" must be a URL string`);
      continue;
    }
    let url: URL;
    try {
      url = new URL(rawUrl.trim());
    } catch {
      problems.push(`the mirror for "${rawKey}" ("${rawUrl}") is not a URL`);
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      problems.push(`the mirror for "${rawKey}" must start with http:// or https://`);
      continue;
    }
    if (url.search || url.hash || url.username || url.password) {
      problems.push(`the mirror for "${rawKey}" must not carry a query, fragment or credentials (containerd would not use them)`);
      continue;
    }
    // Normalise: no trailing slash, so "https://m/" and "https://m" write the same file.
    mirrors.push({ registry, url: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}` });
  }
  if (problems.length) throw new Error(`${MIRRORS_SETTING}: ${problems.join('; ')}.`);
  return mirrors.sort((a, b) => a.registry.localeCompare(b.registry));
}

/** Docker Hub's API lives on another host than its name in image references. */
export function upstreamServer(registry: string): string {
  return registry === 'docker.io' ? 'https://registry-1.docker.io' : `https://${registry}`;
}

export function mirrorHostsDir(registry: string): string {
  return `${CONTAINERD_CERTS_DIR}/${registry}`;
}

/**
 * Pull and resolve through the mirror; `server` stays the real registry, which containerd tries
 * only when the mirror fails (so a mirror outage degrades to the internet, where there is one).
 */
export function buildMirrorHostsToml(mirror: RegistryMirror): string {
  return `server = "${upstreamServer(mirror.registry)}"\n\n[host."${mirror.url}"]\n  capabilities = ["pull", "resolve"]\n`;
}

export interface NodeFile {
  dir: string;
  file: string;
  content: string;
}

/** Every hosts.toml a node needs for the mirrors. */
export function mirrorHostsFiles(mirrors: readonly RegistryMirror[]): NodeFile[] {
  return mirrors.map((m) => ({ dir: mirrorHostsDir(m.registry), file: 'hosts.toml', content: buildMirrorHostsToml(m) }));
}
