/**
 * Server-side apply of many objects, in dependency order: CRDs first, then (once the API server
 * serves them — condition Established) the custom resources that use them.
 */
import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import * as http from 'node:http';
import * as https from 'node:https';
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
  const discovery = new Discovery(kc);
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
      await serverSideApply(kc, discovery, obj);
    } catch (error) {
      throw new Error(`Applying ${objectRef(obj)} failed: ${apiErrorMessage(error)}`);
    }
    if (obj.kind === 'CustomResourceDefinition') crdNames.push(obj.metadata.name);
    opts.onApplied?.(objectRef(obj));
  }
}

/** A raw request to the API server with the kubeconfig's credentials; returns status and body text. */
async function rawRequest(kc: KubeConfig, method: string, apiPath: string, body?: string, contentType?: string): Promise<{ status: number; text: string }> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + apiPath);
  const headers: Record<string, string | number> = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = contentType ?? 'application/json';
    headers['Content-Length'] = Buffer.byteLength(body);
  }
  const options: https.RequestOptions = { method, headers };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: data }));
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error('the API server did not answer within 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** API discovery per group/version, cached, re-read on a miss (a CRD may have just been added). */
class Discovery {
  private readonly cache = new Map<string, ApiResource[]>();
  constructor(private readonly kc: KubeConfig) {}

  async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const hit = this.cache.get(apiVersion)?.find((r) => r.kind === kind && !r.name.includes('/'));
    if (hit) return hit;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const { status, text } = await rawRequest(this.kc, 'GET', base);
    if (status === 404) return undefined;
    if (status !== 200) throw Object.assign(new Error(`discovery of ${apiVersion}: HTTP ${status}`), { code: status, body: text });
    const list = (JSON.parse(text) as { resources?: ApiResource[] }).resources ?? [];
    this.cache.set(apiVersion, list);
    return list.find((r) => r.kind === kind && !r.name.includes('/'));
  }
}

/**
 * One server-side apply request. Sent as raw JSON rather than through client-node's typed
 * serializer: that serializer maps objects through its generated models and silently drops keys it
 * does not model in wire form, such as `x-kubernetes-int-or-string` and
 * `x-kubernetes-preserve-unknown-fields` in CRD schemas (seen on the Spark operator CRDs: the API
 * server then rejects the CRD). Apply must send exactly the manifest.
 */
async function serverSideApply(kc: KubeConfig, discovery: Discovery, obj: KubeObject): Promise<void> {
  const resource = await discovery.resource(obj.apiVersion, obj.kind);
  if (!resource) throw new Error(`the API server does not serve ${obj.apiVersion} ${obj.kind}`);
  const namespace = resource.namespaced ? obj.metadata.namespace || 'default' : undefined;
  const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  // force: Kindling owns these objects; a re-run after a half-finished create must win.
  const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: 'true' }).toString();
  const apiPath = `${base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${resource.name}/${encodeURIComponent(obj.metadata.name)}?${query}`;
  const { status, text } = await rawRequest(kc, 'PATCH', apiPath, JSON.stringify(obj), 'application/apply-patch+yaml');
  if (status < 200 || status >= 300) throw Object.assign(new Error(`HTTP ${status}`), { code: status, body: text });
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
