/**
 * The promote's image step: images of a registry on this machine (Kindling's `localhost:5001`) are
 * copied by digest to the registry the target environment pulls from (kindling.yaml
 * remotes.<name>.registry), and the promoted objects are rewritten to name them there as
 * `<registry>/<repository>@sha256:…`. Progress is reported per layer.
 */
import { collectImages, localRegistryHost, rewriteImages, type PlannedDocument } from '../../core/promote';
import { describeProgress, copyImage, splitRegistry, type CopyImageResult, type CopyProgress } from '../registry';
import type { RegistryOptions } from '../registry/client';

export interface ImageTarget {
  /** host[:port][/path] the target cluster pulls from. */
  registry: string;
  /** PEM of the CA that signs the target registry's certificate. */
  ca?: string;
  /** Docker config for credentials (default $DOCKER_CONFIG or ~/.docker/config.json). */
  dockerConfigFile?: string;
  /** Options for other registries by host (the local one's CA, say); tests use it for plain http. */
  registryOptions?: Record<string, Omit<RegistryOptions, 'registry'>>;
}

export interface CopiedImage {
  from: string;
  to: string;
  result: CopyImageResult;
}

/**
 * Local images of the documents, in order of first appearance; those already on the target registry
 * are not copied onto themselves (a target registry on this machine, as in the tests).
 */
export function localImages(documents: readonly PlannedDocument[], targetHost?: string): string[] {
  return [...new Set(documents.flatMap((d) => collectImages(d.object)))].filter((image) => {
    const host = localRegistryHost(image);
    return host !== undefined && host !== targetHost;
  });
}

export async function copyLocalImages(
  documents: readonly PlannedDocument[],
  target: ImageTarget,
  progress: (message: string) => void,
): Promise<{ documents: PlannedDocument[]; copied: CopiedImage[] }> {
  const { host } = splitRegistry(target.registry);
  const images = localImages(documents, host);
  const copied: CopiedImage[] = [];
  for (const image of images) {
    let last = 0;
    const onProgress = (event: CopyProgress) => {
      // A message per 256 KiB would flood the notification; per layer start/end and twice a second in between.
      const now = Date.now();
      if (!event.done && event.transferred !== 0 && now - last < 500) return;
      last = now;
      progress(`Copying ${image} to ${target.registry}: ${describeProgress(event)}`);
    };
    progress(`Copying ${image} to ${target.registry}…`);
    const result = await copyImage({
      source: image,
      targetRegistry: target.registry,
      dockerConfigFile: target.dockerConfigFile,
      registryOptions: { ...(target.registryOptions ?? {}), [host]: { ...(target.registryOptions?.[host] ?? {}), ...(target.ca ? { ca: target.ca } : {}) } },
      onProgress,
    });
    copied.push({ from: image, to: result.target, result });
  }
  if (!copied.length) return { documents: [...documents], copied };
  const replace = new Map(copied.map((c) => [c.from, c.to]));
  return { documents: documents.map((d) => ({ ...d, object: rewriteImages(d.object, replace) })), copied };
}
