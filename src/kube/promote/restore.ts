/**
 * Undo of a promote that failed half-way: each object the apply had already written goes back to the
 * state it had just before (read right before its apply), re-applied server-side by the same field
 * manager; an object the promote created is deleted. Nothing is touched that someone changed after our
 * apply (its resourceVersion moved): that is reported, because putting it back would undo their change.
 */
import { type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { describeDocument, type PlannedDocument } from '../../core/promote';
import { statusCodeOf } from '../runs/errors';

export interface AppliedRecord {
  doc: PlannedDocument;
  /** The object as read right before its apply; undefined when the apply created it. */
  before?: KubernetesObject;
  /** The server's answer to the apply (its uid and resourceVersion identify our write). */
  after: KubernetesObject;
}

export interface RestoreResult {
  what: string;
  outcome: 'restored' | 'deleted' | 'skipped' | 'failed';
  message: string;
}

/** Server bookkeeping that an apply must not send back. */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

export function restorableCopy(before: KubernetesObject): KubernetesObject {
  const copy = JSON.parse(JSON.stringify(before)) as KubernetesObject & { status?: unknown };
  delete copy.status;
  const metadata = (copy.metadata ?? {}) as Record<string, unknown>;
  for (const key of SERVER_METADATA) delete metadata[key];
  return copy;
}

function messageOf(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      // not JSON
    }
  }
  return err instanceof Error ? err.message : String(err);
}

async function readCurrent(api: KubernetesObjectApi, doc: PlannedDocument): Promise<KubernetesObject | undefined> {
  try {
    return await api.read({ apiVersion: doc.object.apiVersion, kind: doc.object.kind, metadata: { name: doc.name, namespace: doc.namespace } });
  } catch (err) {
    if (statusCodeOf(err) === 404) return undefined;
    throw err;
  }
}

/** Restores in reverse apply order (the template before the ConfigMap it mounts, like a stack). */
export async function restoreApplied(
  api: KubernetesObjectApi,
  records: readonly AppliedRecord[],
  apply: (object: KubernetesObject) => Promise<KubernetesObject>,
): Promise<RestoreResult[]> {
  const results: RestoreResult[] = [];
  for (const record of [...records].reverse()) {
    const what = describeDocument(record.doc);
    try {
      const current = await readCurrent(api, record.doc);
      if (!current) {
        results.push({ what, outcome: 'skipped', message: `${what} is no longer on the target: nothing to restore.` });
        continue;
      }
      if (current.metadata?.resourceVersion !== record.after.metadata?.resourceVersion) {
        results.push({ what, outcome: 'skipped', message: `${what} was changed on the target after the promote wrote it: left as it is (restoring would undo that change). Compare it by hand.` });
        continue;
      }
      if (!record.before) {
        // Preconditions: delete exactly the object the promote created, unchanged since.
        await api.delete(current, undefined, undefined, undefined, undefined, 'Background', {
          preconditions: { uid: current.metadata?.uid, resourceVersion: current.metadata?.resourceVersion },
        });
        results.push({ what, outcome: 'deleted', message: `${what} deleted (the promote had created it).` });
      } else {
        await apply(restorableCopy(record.before));
        results.push({ what, outcome: 'restored', message: `${what} restored to its state before the promote.` });
      }
    } catch (err) {
      results.push({ what, outcome: 'failed', message: `${what} could not be restored: ${messageOf(err)}` });
    }
  }
  return results;
}
