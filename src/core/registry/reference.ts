/**
 * Image references as container runtimes read them: `[host[:port]/]repo[:tag][@sha256:…]`. The first
 * path component is a registry host only when it looks like one (a dot, a port, or `localhost`);
 * otherwise the image is on Docker Hub, whose API lives at registry-1.docker.io and whose one-word
 * repositories are under `library/`.
 */
export interface ImageReference {
  /** Host as written (`localhost:5001`, `registry.example:443`), `docker.io` for Docker Hub. */
  registry: string;
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>`. */
  digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPO_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
export const DOCKER_HUB = 'docker.io';

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

function looksLikeHost(component: string): boolean {
  return component === 'localhost' || component.includes('.') || component.includes(':') || component.startsWith('[');
}

/** Parses a reference; throws with the reason for anything a runtime would refuse. */
export function parseImageReference(ref: string): ImageReference {
  const text = ref.trim();
  if (!text) throw new Error('empty image reference');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw new Error(`"${ref}": the digest must be sha256: and 64 lowercase hex digits`);
  }
  const slash = rest.indexOf('/');
  let registry = DOCKER_HUB;
  if (slash >= 0 && looksLikeHost(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new Error(`"${ref}": "${tag}" is not a valid tag`);
  }
  if (!rest) throw new Error(`"${ref}": no repository name`);
  const components = rest.split('/');
  const bad = components.find((c) => !REPO_COMPONENT.test(c));
  if (bad !== undefined) throw new Error(`"${ref}": "${bad}" is not a valid repository name component (lowercase letters, digits, ".", "_", "-")`);
  let repository = rest;
  if (registry === DOCKER_HUB && components.length === 1) repository = `library/${rest}`;
  if (!tag && !digest) tag = 'latest';
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `host/repo:tag@digest`, with only the parts that are set. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** What the manifest endpoint is asked for: the digest when known (immutable), else the tag. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** The host that serves Docker Hub's registry API. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/**
 * Registries on this machine speak plain http by default (Kindling's `localhost:5001`, a registry a
 * test starts): the distribution project's own rule for insecure registries is "localhost is trusted".
 */
export function isLoopbackRegistry(registry: string): boolean {
  return /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/.test(registry);
}

/**
 * The reference a promoted object names after the copy: target registry, the source's repository
 * path, pinned by digest (the tag is dropped: the digest is what runs, a tag could move).
 */
export function pinnedReference(targetRegistry: string, repository: string, digest: string): string {
  const registry = targetRegistry.replace(/\/+$/, '');
  return `${registry}/${repository}@${digest}`;
}
