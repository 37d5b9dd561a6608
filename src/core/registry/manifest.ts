/**
 * The four manifest formats a registry may answer with, and what each references. An index (OCI
 * image index, Docker manifest list) names one manifest per platform; an image manifest names its
 * config blob and its layers. Copying an image means copying everything these name, children first,
 * then pushing the manifest's exact bytes, so its digest is unchanged.
 */
export const MediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** Accept header for manifest requests: every format we can copy. */
export const MANIFEST_ACCEPT = [MediaTypes.ociIndex, MediaTypes.ociManifest, MediaTypes.dockerManifestList, MediaTypes.dockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] };

function descriptor(value: unknown, where: string): Descriptor {
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: not a descriptor`);
  const d = value as Record<string, unknown>;
  if (typeof d.digest !== 'string' || typeof d.size !== 'number') throw new Error(`${where}: a descriptor needs digest and size`);
  return {
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
    digest: d.digest,
    size: d.size,
    ...(typeof d.platform === 'object' && d.platform !== null ? { platform: d.platform as Descriptor['platform'] } : {}),
  };
}

/**
 * Reads a manifest's JSON. `contentType` is the registry's Content-Type header; the body's own
 * `mediaType` wins when present (OCI made it optional, Docker's formats always carry it).
 */
export function parseManifest(bytes: Uint8Array, contentType?: string): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('the manifest is not JSON');
  }
  if (typeof json !== 'object' || json === null) throw new Error('the manifest is not a JSON object');
  const m = json as Record<string, unknown>;
  const mediaType = (typeof m.mediaType === 'string' && m.mediaType) || (contentType ?? '').split(';')[0]?.trim() || '';
  if (m.schemaVersion === 1) throw new Error('Docker image manifest schema 1 is not supported (deprecated since 2017): push the image again with a current docker or buildkit');
  if (Array.isArray(m.manifests)) {
    return { kind: 'index', mediaType: mediaType || MediaTypes.ociIndex, manifests: m.manifests.map((d, i) => descriptor(d, `manifests[${i}]`)) };
  }
  if (m.config !== undefined && Array.isArray(m.layers)) {
    return { kind: 'image', mediaType: mediaType || MediaTypes.ociManifest, config: descriptor(m.config, 'config'), layers: m.layers.map((d, i) => descriptor(d, `layers[${i}]`)) };
  }
  throw new Error(`unknown manifest format${mediaType ? ` (${mediaType})` : ''}`);
}

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaTypes.ociIndex || mediaType === MediaTypes.dockerManifestList;
}
