/**
 * Container images a promoted object will run, and whether each is pinned by digest. A tag can be moved
 * after the promote, so production would run something nobody reviewed: unpinned images are a warning.
 */
import { parse, stringify } from 'yaml';

const DIGEST = /@(sha256:[a-f0-9]{64})$/;

/**
 * An Argo `resource` step's manifest (the SparkApplication a PySpark step creates) is a YAML string:
 * its images are images the promoted object runs, so they are collected and rewritten too.
 */
function manifestObject(key: string, child: unknown): unknown {
  if (key !== 'manifest' || typeof child !== 'string') return undefined;
  try {
    const parsed = parse(child) as unknown;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Every string under an `image` key (containers, init containers, Spark driver/executor, …), in order. */
export function collectImages(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) collectImages(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const manifest = manifestObject(key, child);
      if (key === 'image' && typeof child === 'string' && child !== '') {
        if (!into.includes(child)) into.push(child);
      } else if (manifest) {
        collectImages(manifest, into);
      } else {
        collectImages(child, into);
      }
    }
  }
  return into;
}

export interface ImagePin {
  image: string;
  /** sha256:… when the reference carries it or kindling.yaml pins the same reference. */
  digest?: string;
  /** Where the digest came from. */
  source?: 'reference' | 'kindling.yaml';
}

/**
 * `known`: image references from kindling.yaml (images.default / environments). One written as
 * `repo:tag@sha256:…` tells the digest of a document that says only `repo:tag`.
 */
export function pinImages(images: readonly string[], known: readonly string[]): ImagePin[] {
  const digests = new Map<string, string>();
  for (const ref of known) {
    const digest = ref.match(DIGEST)?.[1];
    if (digest) digests.set(ref.replace(DIGEST, ''), digest);
  }
  return images.map((image) => {
    const inline = image.match(DIGEST)?.[1];
    if (inline) return { image, digest: inline, source: 'reference' };
    const fromConfig = digests.get(image);
    return fromConfig ? { image, digest: fromConfig, source: 'kindling.yaml' } : { image };
  });
}

/**
 * The registry host of an image that lives on this machine (`localhost:5001/…`, `127.0.0.1:5000/…`,
 * `[::1]:…/…`): Kindling's local registry, which the kind cluster pulls from. Another cluster
 * resolves that name to itself, so a promoted object naming it will most likely fail to pull.
 */
export function localRegistryHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const host = image.slice(0, slash);
  return /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/.test(host) ? host : undefined;
}

/**
 * A copy of `value` with every `image` string found in `replace` swapped for its new reference (the
 * digest-pinned one on the target registry after an image copy). Other strings are left alone: an
 * image named in a command line or an env value is not the container's image.
 */
export function rewriteImages<T>(value: T, replace: ReadonlyMap<string, string>): T {
  if (Array.isArray(value)) return value.map((item) => rewriteImages(item, replace)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const manifest = manifestObject(key, child);
      if (manifest) {
        const rewritten = rewriteImages(manifest, replace);
        out[key] = JSON.stringify(rewritten) === JSON.stringify(manifest) ? child : stringify(rewritten);
      } else {
        out[key] = key === 'image' && typeof child === 'string' ? (replace.get(child) ?? child) : rewriteImages(child, replace);
      }
    }
    return out as T;
  }
  return value;
}
