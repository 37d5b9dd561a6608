/** Provenance as kindling.dev/* labels (short, selectable) and annotations (full values). */
import type { ComponentKind, Provenance } from './types';

export const LABEL_PREFIX = 'kindling.dev/';
export const Labels = {
  managedBy: 'app.kubernetes.io/managed-by',
  run: 'kindling.dev/run',
  kind: 'kindling.dev/component-kind',
  gitCommit: 'kindling.dev/git-commit',
  gitDirty: 'kindling.dev/git-dirty',
} as const;
export const Annotations = {
  gitCommit: 'kindling.dev/git-commit',
  gitDirty: 'kindling.dev/git-dirty',
  sourceSha256: 'kindling.dev/source-sha256',
  sourcePath: 'kindling.dev/source-path',
  image: 'kindling.dev/image',
  imageDigest: 'kindling.dev/image-digest',
  user: 'kindling.dev/user',
  version: 'kindling.dev/kindling-version',
  arguments: 'kindling.dev/arguments',
  parameters: 'kindling.dev/parameters',
  environment: 'kindling.dev/environment',
} as const;

/** What a run is: a component (one file run as a step) or a submitted pipeline file. */
export type RunKind = ComponentKind | 'pipeline';

export function provenanceLabels(runName: string, kind: RunKind, p: Provenance): Record<string, string> {
  const labels: Record<string, string> = {
    [Labels.managedBy]: 'kindling',
    [Labels.run]: runName,
    [Labels.kind]: kind,
    [Labels.gitDirty]: String(p.gitDirty ?? false),
  };
  // A full commit id is 40 hex characters: fits a label value (≤ 63) and makes runs selectable by commit.
  if (p.gitCommit && /^[0-9a-f]{7,63}$/.test(p.gitCommit)) labels[Labels.gitCommit] = p.gitCommit;
  return labels;
}

export interface ProvenanceAnnotationInput {
  provenance: Provenance;
  image: string;
  sourcePath: string;
  args: string[];
  parameters: Record<string, string>;
  environment?: string;
}

export function provenanceAnnotations(input: ProvenanceAnnotationInput): Record<string, string> {
  const p = input.provenance;
  const digest = p.imageDigest ?? input.image.match(/@(sha256:[a-f0-9]{64})$/)?.[1];
  const out: Record<string, string> = {
    [Annotations.sourceSha256]: p.sourceSha256,
    [Annotations.sourcePath]: input.sourcePath,
    [Annotations.image]: input.image,
    [Annotations.gitDirty]: String(p.gitDirty ?? false),
    [Annotations.version]: p.kindlingVersion,
    [Annotations.arguments]: JSON.stringify(input.args),
  };
  if (Object.keys(input.parameters).length) out[Annotations.parameters] = JSON.stringify(input.parameters);
  if (p.gitCommit) out[Annotations.gitCommit] = p.gitCommit;
  if (digest) out[Annotations.imageDigest] = digest;
  if (p.user) out[Annotations.user] = p.user;
  if (input.environment) out[Annotations.environment] = input.environment;
  return out;
}
