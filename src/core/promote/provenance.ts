/**
 * Provenance stamped on every promoted object: the same kindling.dev/* keys a run carries
 * (core/component/provenance.ts), plus where and when it was promoted from. Someone looking at the
 * production object can tell which commit, file and image it came from, and who put it there.
 */
import { Annotations, Labels } from '../component/provenance';
import type { KubeObject } from './documents';
import type { ImagePin } from './images';

export const PromoteAnnotations = {
  ...Annotations,
  /** JSON map image → digest, for every image whose digest is known. */
  imageDigests: 'kindling.dev/image-digests',
  promotedFrom: 'kindling.dev/promoted-from',
  /** The run this was promoted from (Promote Run), on the promoted-from context. */
  promotedFromRun: 'kindling.dev/promoted-from-run',
  promotedAt: 'kindling.dev/promoted-at',
} as const;

export interface PromoteProvenance {
  gitCommit?: string;
  gitDirty?: boolean;
  /** SHA-256 (hex) of the promoted file's exact text. */
  sourceSha256: string;
  /** Workspace-relative path of the file, "/" separators. */
  sourcePath: string;
  images: readonly ImagePin[];
  user?: string;
  kindlingVersion: string;
  /** The kube context the user worked against before promoting (the local one), if any. */
  promotedFrom?: string;
  /** The finished run it was promoted from (`<namespace>/<name>` on promotedFrom), for Promote Run. */
  promotedFromRun?: string;
  /** ISO 8601 time of the promote. */
  promotedAt: string;
}

export function promoteLabels(p: PromoteProvenance): Record<string, string> {
  const labels: Record<string, string> = { [Labels.managedBy]: 'kindling', [Labels.gitDirty]: String(p.gitDirty ?? false) };
  if (p.gitCommit && /^[0-9a-f]{7,63}$/.test(p.gitCommit)) labels[Labels.gitCommit] = p.gitCommit;
  return labels;
}

export function promoteAnnotations(p: PromoteProvenance): Record<string, string> {
  const out: Record<string, string> = {
    [PromoteAnnotations.sourceSha256]: p.sourceSha256,
    [PromoteAnnotations.sourcePath]: p.sourcePath,
    [PromoteAnnotations.gitDirty]: String(p.gitDirty ?? false),
    [PromoteAnnotations.version]: p.kindlingVersion,
    [PromoteAnnotations.promotedAt]: p.promotedAt,
  };
  if (p.gitCommit) out[PromoteAnnotations.gitCommit] = p.gitCommit;
  if (p.user) out[PromoteAnnotations.user] = p.user;
  if (p.promotedFrom) out[PromoteAnnotations.promotedFrom] = p.promotedFrom;
  if (p.promotedFromRun) out[PromoteAnnotations.promotedFromRun] = p.promotedFromRun;
  const pinned = p.images.filter((pin) => pin.digest);
  if (pinned.length) out[PromoteAnnotations.imageDigests] = JSON.stringify(Object.fromEntries(pinned.map((pin) => [pin.image, pin.digest])));
  // The single-image case keeps the run's key, so one query finds runs and promotions of a digest.
  const digests = [...new Set(pinned.map((pin) => pin.digest))];
  if (digests.length === 1 && pinned.length === p.images.length) out[PromoteAnnotations.imageDigest] = digests[0] as string;
  return out;
}

/** A copy of `object` with the provenance labels and annotations; ours win over keys of the same name. */
export function stampProvenance(object: KubeObject, p: PromoteProvenance): KubeObject {
  const metadata = object.metadata;
  return {
    ...object,
    metadata: {
      ...metadata,
      labels: { ...(metadata.labels ?? {}), ...promoteLabels(p) },
      annotations: { ...(metadata.annotations ?? {}), ...promoteAnnotations(p) },
    },
  };
}

/**
 * A warning when the object on the target was promoted from another file: two components or templates
 * that map to the same name (jobs/train.py and eval/train.py both become `train`) would otherwise
 * replace each other silently, the review showing only "changed".
 */
export function replacedSourceWarning(
  what: string,
  live: { metadata?: { annotations?: Record<string, string> } } | undefined,
  sourcePath: string,
): string | undefined {
  const before = live?.metadata?.annotations?.[PromoteAnnotations.sourcePath];
  if (!before || before === sourcePath) return undefined;
  return `${what} on the target was promoted from ${before}; this promote replaces it with ${sourcePath}. If they are different pipelines or components, rename one of them.`;
}
