/**
 * Where an image comes from, and what to tell a user whose cluster cannot pull it. The two fixes
 * Kindling offers are its own settings: a registry mirror (mirrors.ts) or preloading an image the
 * user already has in Docker (kindling.cluster.preloadImages, `kind load docker-image`).
 */
import { MIRRORS_SETTING, type RegistryMirror } from './mirrors';

export const PRELOAD_SETTING = 'kindling.cluster.preloadImages';
export const NODE_IMAGE_SETTING = 'kindling.cluster.nodeImage';

/**
 * The registry of an image reference, by Docker's rule: the first path component names a registry
 * when it has a "." or a ":" or is "localhost"; otherwise the image is on Docker Hub.
 */
export function imageRegistry(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  if (first === 'localhost' || first.includes('.') || first.includes(':')) return first.toLowerCase();
  return 'docker.io';
}

/** True when Kubernetes defaults the image to `imagePullPolicy: Always` (no tag, or `:latest`, and no digest). */
export function pullsAlways(image: string): boolean {
  if (image.includes('@')) return false;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon < 0 || image.slice(colon + 1) === 'latest';
}

/** The preload setting, trimmed and without duplicates; empty entries dropped. */
export function normalizePreloadImages(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const entry of value) {
    if (typeof entry !== 'string') continue;
    const image = entry.trim();
    if (image && !out.includes(image)) out.push(image);
  }
  return out;
}

export interface ImageSources {
  mirrors: readonly RegistryMirror[];
  preloadImages: readonly string[];
}

/**
 * The fix for an image the node could not pull, naming the setting that would help — and saying
 * so when that setting is already in place, because then the mirror itself is what fails.
 */
export function imagePullFix(image: string, sources: ImageSources): string {
  const registry = imageRegistry(image);
  const mirror = sources.mirrors.find((m) => m.registry === registry);
  const preloaded = sources.preloadImages.includes(image);
  if (mirror) {
    return (
      `The node pulls ${registry} through the mirror ${mirror.url} (${MIRRORS_SETTING}): check that the mirror serves ${image} and is reachable from Docker's network. ` +
      `Or put the image into Docker (docker pull / docker load) and add "${image}" to ${PRELOAD_SETTING}.`
    );
  }
  if (preloaded) {
    return `"${image}" is in ${PRELOAD_SETTING}, yet the node did not have it: check that Docker holds exactly that name and tag (docker image ls), then run Create again.`;
  }
  return (
    `If this machine cannot reach ${registry}, add a mirror for it in ${MIRRORS_SETTING} (e.g. { "${registry}": "https://mirror.example.com" }), ` +
    `or put the image into Docker (docker pull / docker load) and add "${image}" to ${PRELOAD_SETTING}. Then run Create again.`
  );
}

/** The image name in a "could not pull" message from kind or docker, if it names one. */
export function imageInPullError(message: string): string | undefined {
  const patterns = [
    /failed to pull image "([^"]+)"/i,
    /Unable to find image '([^']+)' locally/i,
    /pull access denied for ([^\s,]+)/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match) return match[1];
  }
  return undefined;
}
