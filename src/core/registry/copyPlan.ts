/**
 * What to do with each blob of an image copy: nothing when the target already has it, a
 * cross-repository mount when source and target are the same registry (the registry links the blob,
 * no bytes travel), else an upload. Blobs shared by several manifests of an index are copied once.
 */
import type { Descriptor } from './manifest';

export type BlobAction = { digest: string; size: number; action: 'skip' | 'mount' | 'upload'; mediaType: string };

export interface BlobPlanInput {
  blobs: readonly Descriptor[];
  /** Digests the target repository answered 200 for (HEAD /v2/<repo>/blobs/<digest>). */
  present: ReadonlySet<string>;
  sameRegistry: boolean;
}

export function planBlobs(input: BlobPlanInput): BlobAction[] {
  const seen = new Set<string>();
  const out: BlobAction[] = [];
  for (const blob of input.blobs) {
    if (seen.has(blob.digest)) continue;
    seen.add(blob.digest);
    const action = input.present.has(blob.digest) ? 'skip' : input.sameRegistry ? 'mount' : 'upload';
    out.push({ digest: blob.digest, size: blob.size, action, mediaType: blob.mediaType });
  }
  return out;
}

/** Bytes that will travel (uploads only), for the progress total. */
export function bytesToUpload(plan: readonly BlobAction[]): number {
  return plan.filter((b) => b.action === 'upload').reduce((sum, b) => sum + b.size, 0);
}

/** `12.3 MB`, for progress messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
