/**
 * Server-side apply of many objects, in dependency order: CRDs first, then (once the API server
 * serves them — condition Established) the custom resources that use them.
 */
import {
  ApiextensionsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { applyRank, objectRef, sortForApply, type KubeObject } from '../../core/cluster/objects';

export const FIELD_MANAGER = 'kindling';

export interface ApplyOptions {
  signal?: AbortSignal;
  /** How long to wait for CRDs to be Established before applying their custom resources. */
  crdTimeoutMs?: number;
  onApplied?: (ref: string) => void;
}

/** Message of a client-node ApiException (its body is the API's Status JSON) or any error. */
export function apiErrorMessage(error: unknown): string {
  const e = error as { code?: number; body?: unknown; message?: string };
  if (typeof e.body === 'string') {
    try {
      const status = JSON.parse(e.body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      // not JSON: fall through
    }
  }
  if (e.body && typeof e.body === 'object' && typeof (e.body as { message?: unknown }).message === 'string') {
    return (e.body as { message: string }).message;
  }
  return e.message ?? String(error);
}

export function apiErrorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export async function applyObjects(kc: KubeConfig, objects: readonly KubeObject[], opts: ApplyOptions = {}): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const sorted = sortForApply(objects);
  const crdNames: string[] = [];
  let crdsWaited = false;
  for (const obj of sorted) {
    opts.signal?.throwIfAborted();
    if (applyRank(obj) >= 20 && !crdsWaited && crdNames.length) {
      await waitForCrdsEstablished(kc, crdNames, { timeoutMs: opts.crdTimeoutMs ?? 60_000, signal: opts.signal });
      crdsWaited = true;
    }
    try {
      // force: Kindling owns these objects; a re-run after a half-finished create must win.
      await client.patch(obj as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw new Error(`Applying ${objectRef(obj)} failed: ${apiErrorMessage(error)}`);
    }
    if (obj.kind === 'CustomResourceDefinition') crdNames.push(obj.metadata.name);
    opts.onApplied?.(objectRef(obj));
  }
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  intervalMs?: number;
}

/** Resolves after `ms`, or rejects when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('Cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('Cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function waitForCrdsEstablished(kc: KubeConfig, names: readonly string[], opts: WaitOptions): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + opts.timeoutMs;
  const pending = new Set(names);
  while (pending.size) {
    for (const name of [...pending]) {
      try {
        const crd = await api.readCustomResourceDefinition({ name });
        if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) pending.delete(name);
      } catch (error) {
        if (apiErrorCode(error) !== 404) throw new Error(`Reading CustomResourceDefinition ${name} failed: ${apiErrorMessage(error)}`);
      }
    }
    if (!pending.size) return;
    if (Date.now() >= deadline) {
      throw new Error(`Custom resource definitions not Established after ${Math.round(opts.timeoutMs / 1000)} s: ${[...pending].join(', ')}.`);
    }
    await sleep(opts.intervalMs ?? 250, opts.signal);
  }
}
