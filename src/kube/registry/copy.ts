/**
 * Copies an image from one registry to another by digest: every manifest (an index's children
 * first), config and layer; blobs the target already has are skipped (HEAD), blobs of the same
 * registry are mounted from the source repository, the others streamed from source to target. The
 * manifest is pushed as the exact bytes read, so the target's digest is the source's, and the registry's
 * answer (Docker-Content-Digest) is checked against it.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import {
  formatBytes,
  isIndexMediaType,
  MANIFEST_ACCEPT,
  manifestReference,
  parseImageReference,
  parseManifest,
  planBlobs,
  type BlobAction,
  type Descriptor,
  type ImageReference,
} from '../../core/registry';
import { errorText, readBody, RegistryClient, RegistryError, type RegistryOptions, type Response } from './client';

export interface CopyProgress {
  /** The blob (layer or config) this event is about. */
  digest: string;
  size: number;
  action: BlobAction['action'];
  /** Bytes sent so far for this blob (size when done). */
  transferred: number;
  done: boolean;
  /** 1-based position among the blobs of the whole copy, and their count. */
  index: number;
  count: number;
}

export interface CopyImageInput {
  /** e.g. localhost:5001/ml/train:0.4.2 or …@sha256:… */
  source: string;
  /** Target registry host[:port]; the repository is the source's unless `targetRepository` says otherwise. */
  targetRegistry: string;
  targetRepository?: string;
  /** Client options per registry (CA, plain http, credentials); keyed by host[:port]. */
  registryOptions?: Record<string, Omit<RegistryOptions, 'registry'>>;
  /** Docker config to read credentials from (default $DOCKER_CONFIG or ~/.docker). */
  dockerConfigFile?: string;
  onProgress?(event: CopyProgress): void;
  /** Upload blobs larger than this in chunks of this size (default: one PUT per blob; chunks after a 413). */
  chunkSize?: number;
}

/** Chunk size after a registry refused a monolithic upload as too large. */
const DEFAULT_CHUNK = 16 * 1024 * 1024;

export interface CopyImageResult {
  source: ImageReference;
  /** host/repo@sha256:… on the target. */
  target: string;
  digest: string;
  mediaType: string;
  /** Manifests pushed (1 for an image, 1 + children for an index); 0 when the target had the image. */
  manifests: number;
  blobs: { uploaded: number; mounted: number; skipped: number };
  bytesUploaded: number;
  /** Total size of every distinct blob of the image (config + layers, all platforms). */
  imageBytes: number;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface Manifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

class Copier {
  private readonly result: CopyImageResult;
  private blobIndex = 0;
  private blobCount = 0;
  private readonly seenBlobs = new Set<string>();

  constructor(
    private readonly src: RegistryClient,
    private readonly dst: RegistryClient,
    private readonly source: ImageReference,
    private readonly targetRepository: string,
    private readonly onProgress: (event: CopyProgress) => void,
    /** Blobs larger than this go up in PATCH chunks of this size; undefined: one PUT each. */
    private readonly chunkSize?: number,
  ) {
    this.result = { source, target: '', digest: '', mediaType: '', manifests: 0, blobs: { uploaded: 0, mounted: 0, skipped: 0 }, bytesUploaded: 0, imageBytes: 0 };
  }

  get sameRegistry(): boolean {
    return this.src.registry === this.dst.registry;
  }

  async getManifest(reference: string): Promise<Manifest> {
    const repo = this.source.repository;
    const res = await this.src.request('GET', `/v2/${repo}/manifests/${reference}`, { scopes: RegistryClient.pull(repo), headers: { accept: MANIFEST_ACCEPT } });
    if (res.status === 404) {
      await readBody(res.stream).catch(() => undefined);
      throw new RegistryError(`Image ${this.src.registry}/${repo}:${reference} is not in registry ${this.src.registry} (HTTP 404): push it there first (docker push).`, this.src.registry, 404);
    }
    if (res.status !== 200) throw new RegistryError(`Registry ${this.src.registry} could not give the manifest of ${repo}:${reference}: ${await errorText(res)}`, this.src.registry, res.status);
    const bytes = await readBody(res.stream);
    const digest = sha256(bytes);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new RegistryError(`Registry ${this.src.registry} answered a manifest for ${repo}@${reference} whose bytes hash to ${digest}: refusing to copy it.`, this.src.registry);
    }
    return { bytes, mediaType: parseManifest(bytes, String(res.headers['content-type'] ?? '')).mediaType, digest };
  }

  async targetHasManifest(digest: string): Promise<boolean> {
    const repo = this.targetRepository;
    const res = await this.dst.request('HEAD', `/v2/${repo}/manifests/${digest}`, { scopes: RegistryClient.push(repo), headers: { accept: MANIFEST_ACCEPT } });
    res.stream.resume();
    return res.status === 200;
  }

  private async targetHasBlob(digest: string): Promise<boolean> {
    const repo = this.targetRepository;
    const res = await this.dst.request('HEAD', `/v2/${repo}/blobs/${digest}`, { scopes: RegistryClient.push(repo, this.sameRegistry ? this.source.repository : undefined) });
    res.stream.resume();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw new RegistryError(`Registry ${this.dst.registry} answered HTTP ${res.status} to a blob check in ${repo}.`, this.dst.registry, res.status);
  }

  /** POST an upload session; with a mount, a 201 means the registry linked the blob (no bytes). */
  private async startUpload(mountDigest?: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const repo = this.targetRepository;
    const from = this.source.repository;
    const query = mountDigest ? `?mount=${encodeURIComponent(mountDigest)}&from=${encodeURIComponent(from)}` : '';
    const res = await this.dst.request('POST', `/v2/${repo}/blobs/uploads/${query}`, { scopes: RegistryClient.push(repo, mountDigest ? from : undefined), body: Buffer.alloc(0) });
    if (res.status === 201 && mountDigest) {
      res.stream.resume();
      return { mounted: true };
    }
    if (res.status !== 202 || !res.headers.location) throw new RegistryError(`Registry ${this.dst.registry} refused to start an upload to ${repo}: ${await errorText(res)}`, this.dst.registry, res.status);
    res.stream.resume();
    return { mounted: false, location: res.headers.location };
  }

  /** A path-or-URL of the upload session, with extra query parameters, as the client takes it. */
  private static sessionUrl(location: string, params: Record<string, string> = {}): string {
    const url = new URL(location, 'http://placeholder');
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return /^https?:\/\//.test(location) ? url.toString() : `${url.pathname}${url.search}`;
  }

  /**
   * Streams one blob from source to target. Monolithic (one PUT ?digest= with the whole blob) unless
   * the blob is larger than `chunkSize`, or the registry refused a monolithic body as too large (413,
   * a proxy's body limit): then PATCH chunks with Content-Range and a closing PUT ?digest=.
   * Bytes are counted for progress and hashed on the way; the registry refuses a blob that does not
   * match its digest, and the hash names the source when it was the source that sent wrong bytes.
   */
  private async upload(blob: BlobAction, location: string, report: (transferred: number) => void): Promise<void> {
    const chunked = this.chunkSize !== undefined && blob.size > this.chunkSize;
    try {
      await this.uploadOnce(blob, location, report, chunked ? this.chunkSize : undefined);
    } catch (err) {
      if (chunked || !(err instanceof RegistryError) || err.status !== 413) throw err;
      const again = await this.startUpload();
      if (again.mounted) return;
      await this.uploadOnce(blob, again.location, report, DEFAULT_CHUNK);
    }
  }

  private async uploadOnce(blob: BlobAction, location: string, report: (transferred: number) => void, chunkSize: number | undefined): Promise<void> {
    const repo = this.source.repository;
    const download = await this.src.request('GET', `/v2/${repo}/blobs/${blob.digest}`, { scopes: RegistryClient.pull(repo), follow: true });
    if (download.status !== 200) throw new RegistryError(`Registry ${this.src.registry} could not give blob ${blob.digest} of ${repo}: ${await errorText(download)}`, this.src.registry, download.status);
    let transferred = 0;
    let lastReport = 0;
    const hash = createHash('sha256');
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        transferred += chunk.length;
        hash.update(chunk);
        if (transferred - lastReport >= 256 * 1024) {
          lastReport = transferred;
          report(transferred);
        }
        done(null, chunk);
      },
    });
    download.stream.pipe(meter);
    const scopes = RegistryClient.push(this.targetRepository);
    const refused = async (res: Response) =>
      new RegistryError(`Registry ${this.dst.registry} did not accept blob ${blob.digest} for ${this.targetRepository}: ${await errorText(res)}`, this.dst.registry, res.status);
    let session = location;
    let final: Buffer | { stream: Transform; length: number } = { stream: meter, length: blob.size };
    if (chunkSize !== undefined) {
      let offset = 0;
      let pending: Buffer[] = [];
      let pendingSize = 0;
      // Sends the first `size` pending bytes (every chunk but the last is exactly chunkSize).
      const send = async (size: number) => {
        const all = Buffer.concat(pending, pendingSize);
        const body = all.subarray(0, size);
        pending = size < all.length ? [all.subarray(size)] : [];
        pendingSize = all.length - size;
        const res = await this.dst.request('PATCH', Copier.sessionUrl(session), {
          scopes,
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + body.length - 1}` },
          body,
        });
        if (res.status !== 202 || !res.headers.location) throw await refused(res);
        res.stream.resume();
        session = res.headers.location;
        offset += body.length;
      };
      for await (const chunk of meter) {
        pending.push(chunk as Buffer);
        pendingSize += (chunk as Buffer).length;
        while (pendingSize >= chunkSize) await send(chunkSize);
      }
      if (pendingSize) await send(pendingSize);
      final = Buffer.alloc(0);
    }
    const res = await this.dst.request('PUT', Copier.sessionUrl(session, { digest: blob.digest }), {
      scopes,
      headers: { 'content-type': 'application/octet-stream' },
      body: final,
    });
    if (res.status !== 201) throw await refused(res);
    res.stream.resume();
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== blob.digest) throw new RegistryError(`Blob ${blob.digest} from ${this.src.registry} hashed to ${actual} on the way: the copy is refused.`, this.src.registry);
    this.result.bytesUploaded += transferred;
  }

  private async copyBlobs(descriptors: readonly Descriptor[]): Promise<void> {
    const fresh = descriptors.filter((d) => !this.seenBlobs.has(d.digest));
    for (const d of fresh) this.seenBlobs.add(d.digest);
    const present = new Set<string>();
    for (const d of fresh) if (await this.targetHasBlob(d.digest)) present.add(d.digest);
    const plan = planBlobs({ blobs: fresh, present, sameRegistry: this.sameRegistry });
    this.blobCount += plan.length;
    for (const blob of plan) {
      const index = ++this.blobIndex;
      this.result.imageBytes += blob.size;
      const emit = (action: BlobAction['action'], transferred: number, done: boolean) =>
        this.onProgress({ digest: blob.digest, size: blob.size, action, transferred, done, index, count: this.blobCount });
      if (blob.action === 'skip') {
        this.result.blobs.skipped++;
        emit('skip', blob.size, true);
        continue;
      }
      const started = await this.startUpload(blob.action === 'mount' ? blob.digest : undefined);
      if (started.mounted) {
        this.result.blobs.mounted++;
        emit('mount', blob.size, true);
        continue;
      }
      // A mount the registry declined (202: the source repository is not readable to it) falls back to an upload.
      emit('upload', 0, false);
      await this.upload(blob, started.location, (n) => emit('upload', n, false));
      this.result.blobs.uploaded++;
      emit('upload', blob.size, true);
    }
  }

  private async putManifest(manifest: Manifest, reference: string): Promise<void> {
    const repo = this.targetRepository;
    const res = await this.dst.request('PUT', `/v2/${repo}/manifests/${reference}`, {
      scopes: RegistryClient.push(repo),
      headers: { 'content-type': manifest.mediaType },
      body: manifest.bytes,
    });
    if (res.status !== 201) throw new RegistryError(`Registry ${this.dst.registry} did not accept the manifest ${manifest.digest} for ${repo}: ${await errorText(res)}`, this.dst.registry, res.status);
    res.stream.resume();
    const answered = res.headers['docker-content-digest'];
    if (answered && answered !== manifest.digest) throw new RegistryError(`Registry ${this.dst.registry} stored the manifest as ${String(answered)}, not ${manifest.digest}.`, this.dst.registry);
    this.result.manifests++;
  }

  /** Copies what a manifest names, then the manifest itself (by digest; the top one also by tag). */
  async copyManifest(manifest: Manifest, reference: string): Promise<void> {
    const parsed = parseManifest(manifest.bytes, manifest.mediaType);
    if (parsed.kind === 'index') {
      for (const child of parsed.manifests) {
        if (await this.targetHasManifest(child.digest)) continue;
        const childManifest = await this.getManifest(child.digest);
        if (isIndexMediaType(childManifest.mediaType)) throw new RegistryError(`Nested image indexes are not supported (${child.digest} in ${manifest.digest}).`, this.src.registry);
        await this.copyManifest(childManifest, child.digest);
      }
    } else {
      await this.copyBlobs([parsed.config, ...parsed.layers]);
    }
    await this.putManifest(manifest, reference);
  }

  finish(manifest: Manifest): CopyImageResult {
    return { ...this.result, digest: manifest.digest, mediaType: manifest.mediaType };
  }
}

/** host[:port][/path] → the host and the repository prefix (a registry may be named with a project path). */
export function splitRegistry(target: string): { host: string; prefix: string } {
  const clean = target.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const slash = clean.indexOf('/');
  return slash < 0 ? { host: clean, prefix: '' } : { host: clean.slice(0, slash), prefix: clean.slice(slash + 1) };
}

export async function copyImage(input: CopyImageInput): Promise<CopyImageResult> {
  const source = parseImageReference(input.source);
  const { host, prefix } = splitRegistry(input.targetRegistry);
  const targetRepository = input.targetRepository ?? (prefix ? `${prefix}/${source.repository}` : source.repository);
  const clientFor = (registry: string) => new RegistryClient({ registry, dockerConfigFile: input.dockerConfigFile, ...(input.registryOptions?.[registry] ?? {}) });
  const src = clientFor(source.registry);
  const dst = host === source.registry ? src : clientFor(host);
  try {
    const copier = new Copier(src, dst, source, targetRepository, input.onProgress ?? (() => undefined), input.chunkSize);
    const manifest = await copier.getManifest(manifestReference(source));
    // The target already has this exact manifest (and so everything it names): only the tag is set again.
    const present = await copier.targetHasManifest(manifest.digest);
    if (present) {
      const parsed = parseManifest(manifest.bytes, manifest.mediaType);
      const blobs = parsed.kind === 'image' ? [parsed.config, ...parsed.layers] : [];
      for (const [i, b] of blobs.entries()) input.onProgress?.({ digest: b.digest, size: b.size, action: 'skip', transferred: b.size, done: true, index: i + 1, count: blobs.length });
    } else {
      await copier.copyManifest(manifest, manifest.digest);
    }
    if (source.tag) await putTag(dst, targetRepository, manifest, source.tag);
    const result = copier.finish(manifest);
    return { ...result, target: `${host}/${targetRepository}@${manifest.digest}` };
  } finally {
    src.close();
    if (dst !== src) dst.close();
  }
}

/** The source's tag on the target too, so people browsing the registry find it; the promote itself uses the digest. */
async function putTag(dst: RegistryClient, repo: string, manifest: Manifest, tag: string): Promise<void> {
  const res = await dst.request('PUT', `/v2/${repo}/manifests/${tag}`, { scopes: RegistryClient.push(repo), headers: { 'content-type': manifest.mediaType }, body: manifest.bytes });
  if (res.status !== 201) throw new RegistryError(`Registry ${dst.registry} did not accept tag ${tag} for ${repo}: ${await errorText(res)}`, dst.registry, res.status);
  res.stream.resume();
}

/** HEAD of a manifest by digest on a registry: does the image exist there? (The promote's preflight check.) */
export async function manifestExists(image: string, options: Omit<RegistryOptions, 'registry'> = {}): Promise<boolean> {
  const ref = parseImageReference(image);
  const client = new RegistryClient({ registry: ref.registry, ...options });
  try {
    const res = await client.request('HEAD', `/v2/${ref.repository}/manifests/${manifestReference(ref)}`, { scopes: RegistryClient.pull(ref.repository), headers: { accept: MANIFEST_ACCEPT } });
    res.stream.resume();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw new RegistryError(`Registry ${ref.registry} answered HTTP ${res.status} for ${image}.`, ref.registry, res.status);
  } finally {
    client.close();
  }
}

export function describeProgress(event: CopyProgress): string {
  const layer = `${event.index}/${event.count} ${event.digest.slice(7, 19)}`;
  if (event.action === 'skip') return `layer ${layer}: already there`;
  if (event.action === 'mount') return `layer ${layer}: mounted (${formatBytes(event.size)})`;
  return `layer ${layer}: ${formatBytes(event.transferred)} / ${formatBytes(event.size)}`;
}
