/**
 * What a promote would change: the live object against the server's dry-run answer. Both come back
 * from the API server full of bookkeeping that changes on every write (resourceVersion, managedFields,
 * generation…) or that the promote does not send (status); left in, every diff would show them.
 */
import jsYaml from 'js-yaml';
import { LABEL_PREFIX, Labels } from '../component/provenance';
import { isRecord } from '../values';

const NOISE_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];
/** Written by `kubectl apply` (client-side): a copy of the object, so it differs whenever anything does. */
const NOISE_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

type Json = unknown;

/** A copy without server bookkeeping and status; empty labels/annotations maps dropped. */
export function normalizeForDiff(object: Json): Record<string, unknown> | undefined {
  if (!isRecord(object)) return undefined;
  const copy = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
  delete copy.status;
  if (isRecord(copy.metadata)) {
    const metadata = copy.metadata;
    for (const key of NOISE_METADATA) delete metadata[key];
    if (isRecord(metadata.annotations)) {
      for (const key of NOISE_ANNOTATIONS) delete metadata.annotations[key];
    }
    for (const key of ['labels', 'annotations']) {
      if (isRecord(metadata[key]) && Object.keys(metadata[key] as object).length === 0) delete metadata[key];
    }
  }
  return copy;
}

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface FieldChange {
  /** e.g. spec.templates[0].container.image, metadata.annotations["kindling.dev/git-commit"] */
  path: string;
  kind: ChangeKind;
  before?: Json;
  after?: Json;
}

function childPath(parent: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

function walk(before: Json, after: Json, path: string, out: FieldChange[]): void {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(before[key], after[key], childPath(path, key), out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(before[i], after[i], `${path}[${i}]`, out);
    return;
  }
  if (before === undefined && after === undefined) return;
  if (before === undefined) out.push({ path, kind: 'added', after });
  else if (after === undefined) out.push({ path, kind: 'removed', before });
  else if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, kind: 'changed', before, after });
}

/** Field-level changes from `live` (undefined: the object is new) to `proposed`, both normalised. */
export function diffObjects(live: Json, proposed: Json): FieldChange[] {
  const out: FieldChange[] = [];
  walk(normalizeForDiff(live) ?? {}, normalizeForDiff(proposed) ?? {}, '', out);
  return out;
}

/** Provenance keys change on every promote (time, hash); the summary reports them apart from real changes. */
export function isProvenanceChange(change: FieldChange): boolean {
  const m = change.path.match(/^metadata\.(labels|annotations)\["([^"]+)"\]$/);
  return !!m && ((m[2] as string).startsWith(LABEL_PREFIX) || m[2] === Labels.managedBy);
}

/** Stable YAML for the diff editor: keys sorted on both sides, so only real differences show. */
export function diffText(object: Json): string {
  const normalized = normalizeForDiff(object);
  return normalized ? jsYaml.dump(normalized, { sortKeys: true, lineWidth: 120, noRefs: true }) : '';
}

function short(value: Json): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export function describeChange(change: FieldChange): string {
  if (change.kind === 'added') return `+ ${change.path}: ${short(change.after)}`;
  if (change.kind === 'removed') return `- ${change.path} (was ${short(change.before)})`;
  return `~ ${change.path}: ${short(change.before)} → ${short(change.after)}`;
}

/**
 * Provenance that describes the act of promoting (when, by whom, from where), not what is promoted.
 * A promote whose only differences are these has nothing to write: the same thing is already there.
 */
const VOLATILE_PROVENANCE = new Set(['kindling.dev/promoted-at', 'kindling.dev/promoted-from', 'kindling.dev/user']);

export function isVolatileProvenanceChange(change: FieldChange): boolean {
  const m = change.path.match(/^metadata\.annotations\["([^"]+)"\]$/);
  return !!m && VOLATILE_PROVENANCE.has(m[1] as string);
}

/** The live object already is what the promote would make of it (only the promote's time/user/origin differ). */
export function isUnchanged(live: Json, changes: readonly FieldChange[]): boolean {
  return live !== undefined && changes.every(isVolatileProvenanceChange);
}
