/**
 * The digest a registry serves for an image reference (HEAD of the manifest, Docker-Content-Digest),
 * through the OCI distribution client of ../registry (credentials, plain http on loopback).
 */
import { manifestReference, MANIFEST_ACCEPT, parseImageReference, isDigest } from '../../core/registry';
import { RegistryClient, RegistryError, type RegistryOptions } from '../registry';

export async function resolveImageDigest(image: string, options: Omit<RegistryOptions, 'registry'> = {}): Promise<string> {
  const ref = parseImageReference(image);
  if (ref.digest) return ref.digest;
  const client = new RegistryClient({ registry: ref.registry, ...options });
  try {
    const res = await client.request('HEAD', `/v2/${ref.repository}/manifests/${manifestReference(ref)}`, { scopes: RegistryClient.pull(ref.repository), headers: { accept: MANIFEST_ACCEPT } });
    res.stream.resume();
    const digest = String(res.headers['docker-content-digest'] ?? '');
    if (res.status === 404) throw new RegistryError(`${image} is not in registry ${ref.registry}.`, ref.registry, 404);
    if (res.status !== 200) throw new RegistryError(`Registry ${ref.registry} answered HTTP ${res.status} for ${image}.`, ref.registry, res.status);
    if (!isDigest(digest)) throw new RegistryError(`Registry ${ref.registry} did not say the digest of ${image} (no Docker-Content-Digest header).`, ref.registry);
    return digest;
  } finally {
    client.close();
  }
}
