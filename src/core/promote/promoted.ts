/**
 * What Kindling promoted to a cluster, read back from the objects themselves: every promoted object
 * carries the promote's provenance annotations (provenance.ts), so the remote side can answer "which
 * commit, file, image and run is this, who put it here and when" without any store of ours. Pure: the
 * caller lists the objects (src/kube/promote/promoted.ts).
 */
import { isRecord } from '../values';
import { PromoteAnnotations } from './provenance';

export interface PromotedRecord {
  kind: string;
  name: string;
  namespace: string;
  sourcePath?: string;
  sourceSha256?: string;
  gitCommit?: string;
  gitDirty?: boolean;
  /** image → digest (kindling.dev/image-digests), or the single digest. */
  imageDigests: Record<string, string>;
  imageDigest?: string;
  promotedFrom?: string;
  promotedFromRun?: string;
  user?: string;
  promotedAt?: string;
  kindlingVersion?: string;
}

/** The record of one object, or undefined when Kindling did not promote it (no promoted-at). */
export function promotedRecord(object: unknown): PromotedRecord | undefined {
  if (!isRecord(object) || !isRecord(object.metadata)) return undefined;
  const a = isRecord(object.metadata.annotations) ? (object.metadata.annotations as Record<string, unknown>) : {};
  const get = (key: string): string | undefined => (typeof a[key] === 'string' && a[key] !== '' ? (a[key] as string) : undefined);
  const promotedAt = get(PromoteAnnotations.promotedAt);
  if (!promotedAt) return undefined;
  let imageDigests: Record<string, string> = {};
  try {
    const parsed = JSON.parse(get(PromoteAnnotations.imageDigests) ?? '{}') as unknown;
    if (isRecord(parsed)) imageDigests = Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    // A hand-edited annotation: the single digest below still says something.
  }
  const dirty = get(PromoteAnnotations.gitDirty);
  return {
    kind: String(object.kind ?? ''),
    name: String(object.metadata.name ?? ''),
    namespace: String(object.metadata.namespace ?? ''),
    sourcePath: get(PromoteAnnotations.sourcePath),
    sourceSha256: get(PromoteAnnotations.sourceSha256),
    gitCommit: get(PromoteAnnotations.gitCommit),
    gitDirty: dirty === undefined ? undefined : dirty === 'true',
    imageDigests,
    imageDigest: get(PromoteAnnotations.imageDigest),
    promotedFrom: get(PromoteAnnotations.promotedFrom),
    promotedFromRun: get(PromoteAnnotations.promotedFromRun),
    user: get(PromoteAnnotations.user),
    promotedAt,
    kindlingVersion: get(PromoteAnnotations.version),
  };
}

/** Newest first; then by namespace, kind and name so the listing is stable. */
export function sortPromoted(records: readonly PromotedRecord[]): PromotedRecord[] {
  return [...records].sort(
    (x, y) => (y.promotedAt ?? '').localeCompare(x.promotedAt ?? '') || x.namespace.localeCompare(y.namespace) || x.kind.localeCompare(y.kind) || x.name.localeCompare(y.name),
  );
}

/** A Markdown report of what Kindling promoted to `context`, one section per object. */
export function formatPromotedReport(context: string, server: string | undefined, records: readonly PromotedRecord[], notes: readonly string[] = []): string {
  const lines = [`# Promoted by Kindling to "${context}"`, ''];
  if (server) lines.push(`Server: ${server}`, '');
  for (const note of notes) lines.push(`> ${note}`, '');
  if (!records.length) {
    lines.push('Nothing here carries Kindling\'s promote provenance (kindling.dev/promoted-at) in the namespaces that could be read.');
    return lines.join('\n') + '\n';
  }
  for (const r of sortPromoted(records)) {
    lines.push(`## ${r.kind} ${r.namespace}/${r.name}`, '');
    const row = (label: string, value: string | undefined) => {
      if (value) lines.push(`- **${label}:** ${value}`);
    };
    row('promoted', [r.promotedAt, r.user ? `by ${r.user}` : undefined].filter(Boolean).join(' '));
    row('from context', r.promotedFrom);
    row('from run', r.promotedFromRun);
    row('source', r.sourcePath ? `\`${r.sourcePath}\`${r.sourceSha256 ? ` (SHA-256 ${r.sourceSha256.slice(0, 12)}…)` : ''}` : undefined);
    row('git commit', r.gitCommit ? `${r.gitCommit}${r.gitDirty ? ' (uncommitted changes)' : ''}` : r.gitDirty ? 'none (uncommitted changes)' : undefined);
    const images = Object.entries(r.imageDigests);
    if (images.length) for (const [image, digest] of images) row('image', `\`${image}\` → \`${digest}\``);
    else row('image digest', r.imageDigest ? `\`${r.imageDigest}\`` : undefined);
    row('Kindling', r.kindlingVersion);
    lines.push('');
  }
  return lines.join('\n');
}
