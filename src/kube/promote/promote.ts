/**
 * The whole promote, UI-free: plan → preflight → server-side dry-run of every document → confirm →
 * server-side apply. The VS Code command and the integration tests call this same function; the
 * command only supplies the confirmation (diff editor + modal) through `confirm`.
 *
 * Nothing is half-applied by surprise: every document must pass the dry-run before the first real
 * apply; if an apply still fails (a conflict, RBAC or admission changed in between), the error lists
 * what was applied and what was not, and `offerRestore` may put each applied object back as it was
 * (restore.ts). A promote whose objects are already on the target as they would be is a no-op: it
 * returns `unchanged` without asking or writing.
 *
 * With an image target (kindling.yaml remotes.<name>.registry), images of the local registry are
 * copied there by digest first and the objects rewritten to name them there (images.ts).
 */
import { createHash } from 'node:crypto';
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import {
  describeDocument,
  diffObjects,
  isUnchanged,
  planComponentPromote,
  planPromote,
  replacedSourceWarning,
  stampProvenance,
  type FieldChange,
  type KubeObject,
  type PlannedDocument,
  type PromotePlan,
} from '../../core/promote';
import { isComponentFile } from '../../core/component';
import type { KindlingConfig } from '../../core/config';
import type { GitInfo } from '../git';
import { classifyKubeError, statusCodeOf } from '../runs/errors';
import { RegistryError } from '../registry';
import { copyLocalImages, type CopiedImage, type ImageTarget } from './images';
import { preflight, targetName } from './preflight';
import { restoreApplied, type AppliedRecord, type RestoreResult } from './restore';

/** Server-side apply field manager: the same on dry-run and apply, so a second promote owns its fields. */
export const FIELD_MANAGER = 'kindling';

export type PromoteStage = 'plan' | 'images' | 'preflight' | 'dry-run' | 'apply';

export class PromoteError extends Error {
  constructor(
    readonly stage: PromoteStage,
    readonly problems: readonly string[],
    /** Documents applied before the failure (only ever non-empty at the apply stage). */
    readonly applied: readonly string[] = [],
    readonly warnings: readonly string[] = [],
    /** What the restore after a failed apply did, object by object (empty when none was asked for). */
    readonly restored: readonly RestoreResult[] = [],
  ) {
    super(`Promote stopped at ${stage}: ${problems.join(' ')}`);
    this.name = 'PromoteError';
  }
}

export interface PromoteInput {
  /** Target cluster, its context already selected (connect() in src/kube/runs). */
  kc: KubeConfig;
  /** The file's text: a pipeline (one or more YAML documents) or a component (.py, .sh, .ipynb). */
  text: string;
  /** Workspace-relative path, recorded on the objects; its extension says pipeline or component. */
  sourcePath: string;
  /** kindling.yaml: a component's image, env, volumes, resources (src/core/promote/component.ts). */
  config?: KindlingConfig;
  namespace: string;
  kindlingVersion: string;
  git?: GitInfo;
  /** Image references from kindling.yaml, which may carry the digest of a tag the file uses. */
  knownImages?: readonly string[];
  /** The context the user develops against (recorded as promoted-from). */
  promotedFrom?: string;
  /** The target environment's registry: local images are copied there and the objects pinned to it. */
  imageTarget?: ImageTarget;
  /**
   * Promote Run: the plan is made from the finished run (core/promote/run.ts), not from `text`; the
   * file's hash is the one the run recorded and the run is named in the provenance.
   */
  fromRun?: { plan: PromotePlan; sourceSha256?: string; run: string };
  now?: () => Date;
}

export interface DocumentReview {
  doc: PlannedDocument;
  /** Live object on the target, undefined when the promote creates it. */
  live?: KubernetesObject;
  /** The server's dry-run answer: what the object will be. */
  proposed: KubernetesObject;
  changes: FieldChange[];
}

export interface PromoteReview {
  context: string;
  server: string;
  namespace: string;
  documents: DocumentReview[];
  warnings: string[];
  notes: string[];
  /** Images copied to the target registry before the review (the objects name the copies). */
  images: CopiedImage[];
}

export interface ApplyFailure {
  /** The error of the object that failed, as the user should read it. */
  error: string;
  failed: string;
  /** Objects already applied, in order, each `new` (created) or `updated`. */
  applied: { what: string; created: boolean }[];
  notApplied: string[];
}

export interface PromoteCallbacks {
  progress?(message: string): void;
  /** Everything the user must see before saying yes. Resolve true to apply. */
  confirm(review: PromoteReview): Promise<boolean>;
  /**
   * An apply failed after others succeeded: resolve true to put those back as they were before this
   * promote (deleted where they were new). Not called when nothing was applied yet.
   */
  offerRestore?(failure: ApplyFailure): Promise<boolean>;
}

export type PromoteOutcome =
  | { status: 'applied'; review: PromoteReview; applied: string[] }
  | { status: 'cancelled'; review: PromoteReview }
  /** Every object is already on the target as this promote would make it: nothing asked, nothing written. */
  | { status: 'unchanged'; review: PromoteReview };

export function sourceSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function readLive(api: KubernetesObjectApi, doc: PlannedDocument): Promise<KubernetesObject | undefined> {
  try {
    return await api.read({ apiVersion: doc.object.apiVersion, kind: doc.object.kind, metadata: { name: doc.name, namespace: doc.namespace } });
  } catch (err) {
    if (statusCodeOf(err) === 404) return undefined;
    throw err;
  }
}

function apply(api: KubernetesObjectApi, object: KubeObject, dryRun: boolean): Promise<KubernetesObject> {
  // client-node's patch mutates the spec it is given (defaults a namespace): hand it a copy.
  const body = JSON.parse(JSON.stringify(object)) as KubernetesObject;
  return api.patch(body, undefined, dryRun ? 'All' : undefined, FIELD_MANAGER, false, PatchStrategy.ServerSideApply);
}

/** A component file becomes ConfigMap + WorkflowTemplate; anything else is read as pipeline YAML. */
function planFor(input: PromoteInput): PromotePlan {
  if (input.fromRun) return input.fromRun.plan;
  if (!isComponentFile(input.sourcePath)) return planPromote(input.text, { namespace: input.namespace });
  return planComponentPromote({
    sourcePath: input.sourcePath,
    content: input.text,
    config: input.config,
    namespace: input.namespace,
    context: input.kc.getCurrentContext(),
  });
}

export async function runPromote(input: PromoteInput, callbacks: PromoteCallbacks): Promise<PromoteOutcome> {
  const { kc } = input;
  const progress = callbacks.progress ?? (() => undefined);
  const plan = planFor(input);
  if (plan.errors.length) throw new PromoteError('plan', plan.errors, [], plan.warnings ?? []);

  let documents = plan.documents;
  let copiedImages: CopiedImage[] = [];
  if (input.imageTarget) {
    try {
      ({ documents, copied: copiedImages } = await copyLocalImages(plan.documents, input.imageTarget, progress));
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      throw new PromoteError('images', [err.message, 'Nothing was applied to the cluster.'], [], plan.warnings ?? []);
    }
  }

  progress(`Checking ${targetName(kc)}…`);
  const preflightReport = await preflight(kc, documents, { knownImages: input.knownImages, git: input.git, imageTarget: input.imageTarget });
  const report = { ...preflightReport, warnings: [...(plan.warnings ?? []), ...preflightReport.warnings] };
  if (report.errors.length) throw new PromoteError('preflight', report.errors, [], report.warnings);

  const provenance = {
    gitCommit: input.git?.commit,
    gitDirty: input.git?.dirty,
    sourceSha256: input.fromRun?.sourceSha256 ?? sourceSha256(input.text),
    sourcePath: input.sourcePath,
    images: report.images,
    user: input.git?.user,
    kindlingVersion: input.kindlingVersion,
    promotedFrom: input.promotedFrom,
    promotedFromRun: input.fromRun?.run,
    promotedAt: (input.now?.() ?? new Date()).toISOString(),
  };
  const api = KubernetesObjectApi.makeApiClient(kc);
  const stamped = documents.map((doc) => ({ doc, object: stampProvenance(doc.object, provenance) }));

  progress(`Dry-run of ${stamped.length} object(s) on the server…`);
  const reviews: DocumentReview[] = [];
  const failures: string[] = [];
  for (const { doc, object } of stamped) {
    try {
      const live = await readLive(api, doc);
      const proposed = await apply(api, object, true);
      reviews.push({ doc, live, proposed, changes: diffObjects(live, proposed) });
    } catch (err) {
      failures.push(classifyKubeError(err, kc, `dry-run apply ${describeDocument(doc)} in "${doc.namespace}"`, doc.type.group ? doc.type : undefined).message);
    }
  }
  if (failures.length) throw new PromoteError('dry-run', [...failures, 'Nothing was applied.'], [], report.warnings);

  const replaced = reviews.flatMap((r) => replacedSourceWarning(describeDocument(r.doc), r.live, input.sourcePath) ?? []);
  const review: PromoteReview = {
    context: kc.getCurrentContext(),
    server: kc.getCurrentCluster()?.server ?? '',
    namespace: input.namespace,
    documents: reviews,
    warnings: [...replaced, ...report.warnings],
    notes: [...copiedImages.map(describeCopy), ...plan.notes],
    images: copiedImages,
  };
  if (reviews.every((r) => isUnchanged(r.live, r.changes))) {
    progress('Already promoted: nothing to write.');
    return { status: 'unchanged', review };
  }
  if (!(await callbacks.confirm(review))) return { status: 'cancelled', review };

  const records: AppliedRecord[] = [];
  for (const { doc, object } of stamped) {
    progress(`Applying ${describeDocument(doc)}…`);
    try {
      // Read again right before the write: this, not the review's copy, is what a restore puts back.
      const before = await readLive(api, doc);
      const after = await apply(api, object, false);
      records.push({ doc, before, after });
    } catch (err) {
      throw await applyFailed(err, doc, stamped.map((s) => s.doc), records, { kc, api, callbacks, warnings: report.warnings });
    }
  }
  return { status: 'applied', review, applied: records.map((r) => describeDocument(r.doc)) };
}

function describeCopy(image: CopiedImage): string {
  const { blobs, bytesUploaded } = image.result;
  const moved = blobs.uploaded ? `${blobs.uploaded} blob(s) uploaded, ${(bytesUploaded / 1024 / 1024).toFixed(1)} MB` : 'no blob uploaded';
  return `Image ${image.from} copied to ${image.to} (${moved}; ${blobs.skipped} already there${blobs.mounted ? `, ${blobs.mounted} mounted` : ''}).`;
}

/** The error of a failed apply: what was applied and what not; after a yes to offerRestore, what the restore did. */
async function applyFailed(
  err: unknown,
  doc: PlannedDocument,
  all: readonly PlannedDocument[],
  records: readonly AppliedRecord[],
  ctx: { kc: KubeConfig; api: KubernetesObjectApi; callbacks: PromoteCallbacks; warnings: string[] },
): Promise<PromoteError> {
  const applied = records.map((r) => describeDocument(r.doc));
  const notApplied = all.slice(records.length + 1).map(describeDocument);
  const error = classifyKubeError(err, ctx.kc, `apply ${describeDocument(doc)} in "${doc.namespace}"`, doc.type.group ? doc.type : undefined).message;
  const problems = [
    error,
    applied.length ? `Applied before the failure: ${records.map((r) => `${describeDocument(r.doc)} (${r.before ? 'updated' : 'created'})`).join(', ')}.` : 'Nothing was applied.',
    ...(notApplied.length ? [`Not applied: ${notApplied.join(', ')}.`] : []),
  ];
  let restored: RestoreResult[] = [];
  if (records.length && ctx.callbacks.offerRestore) {
    const yes = await ctx.callbacks.offerRestore({
      error,
      failed: describeDocument(doc),
      applied: records.map((r) => ({ what: describeDocument(r.doc), created: !r.before })),
      notApplied,
    });
    if (yes) {
      ctx.callbacks.progress?.(`Restoring ${records.length} object(s)…`);
      restored = await restoreApplied(ctx.api, records, (object) => apply(ctx.api, object as KubeObject, false));
      problems.push(...restored.map((r) => r.message));
    }
  }
  return new PromoteError('apply', problems, applied, ctx.warnings, restored);
}
