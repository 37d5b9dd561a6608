/**
 * The whole promote, UI-free: plan → preflight → server-side dry-run of every document → confirm →
 * server-side apply. The VS Code command and the integration tests call this same function; the
 * command only supplies the confirmation (diff editor + modal) through `confirm`.
 *
 * Nothing is half-applied by surprise: every document must pass the dry-run before the first real
 * apply; if an apply still fails (RBAC or admission changed in between), the error lists what was
 * applied and what was not.
 */
import { createHash } from 'node:crypto';
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import {
  describeDocument,
  diffObjects,
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
import { preflight, targetName } from './preflight';

/** Server-side apply field manager: the same on dry-run and apply, so a second promote owns its fields. */
export const FIELD_MANAGER = 'kindling';

export type PromoteStage = 'plan' | 'preflight' | 'dry-run' | 'apply';

export class PromoteError extends Error {
  constructor(
    readonly stage: PromoteStage,
    readonly problems: readonly string[],
    /** Documents applied before the failure (only ever non-empty at the apply stage). */
    readonly applied: readonly string[] = [],
    readonly warnings: readonly string[] = [],
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
}

export interface PromoteCallbacks {
  progress?(message: string): void;
  /** Everything the user must see before saying yes. Resolve true to apply. */
  confirm(review: PromoteReview): Promise<boolean>;
}

export type PromoteOutcome = { status: 'applied'; review: PromoteReview; applied: string[] } | { status: 'cancelled'; review: PromoteReview };

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

  progress(`Checking ${targetName(kc)}…`);
  const preflightReport = await preflight(kc, plan.documents, { knownImages: input.knownImages, git: input.git });
  const report = { ...preflightReport, warnings: [...(plan.warnings ?? []), ...preflightReport.warnings] };
  if (report.errors.length) throw new PromoteError('preflight', report.errors, [], report.warnings);

  const provenance = {
    gitCommit: input.git?.commit,
    gitDirty: input.git?.dirty,
    sourceSha256: sourceSha256(input.text),
    sourcePath: input.sourcePath,
    images: report.images,
    user: input.git?.user,
    kindlingVersion: input.kindlingVersion,
    promotedFrom: input.promotedFrom,
    promotedAt: (input.now?.() ?? new Date()).toISOString(),
  };
  const api = KubernetesObjectApi.makeApiClient(kc);
  const stamped = plan.documents.map((doc) => ({ doc, object: stampProvenance(doc.object, provenance) }));

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
    notes: plan.notes,
  };
  if (!(await callbacks.confirm(review))) return { status: 'cancelled', review };

  const applied: string[] = [];
  for (const { doc, object } of stamped) {
    progress(`Applying ${describeDocument(doc)}…`);
    try {
      await apply(api, object, false);
      applied.push(describeDocument(doc));
    } catch (err) {
      const notApplied = stamped.slice(applied.length + 1).map((s) => describeDocument(s.doc));
      throw new PromoteError(
        'apply',
        [
          classifyKubeError(err, kc, `apply ${describeDocument(doc)} in "${doc.namespace}"`, doc.type.group ? doc.type : undefined).message,
          applied.length ? `Applied before the failure: ${applied.join(', ')}.` : 'Nothing was applied.',
          ...(notApplied.length ? [`Not applied: ${notApplied.join(', ')}.`] : []),
        ],
        applied,
        report.warnings,
      );
    }
  }
  return { status: 'applied', review, applied };
}
