/**
 * One GET of a container's log (`pods/<pod>/log`), streamed. client-node's `Log` is not used because it
 * drops the API server's message on a refusal ("Error occurred in log request" instead of "container
 * main is waiting to start"), does not say when or how the stream ended, and leaves a broken response
 * body's error unhandled. This reports exactly one outcome and never throws.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface PodLogQuery {
  namespace: string;
  pod: string;
  container: string;
  follow: boolean;
  timestamps?: boolean;
  /** RFC 3339; the server sends lines from this second on. */
  sinceTime?: string;
}

export type PodLogEnd =
  /** The server ended the response (with a kubelet: the container stopped; or the API server went away cleanly). */
  | { how: 'ended' }
  /** We aborted it (signal). */
  | { how: 'aborted' }
  /** The connection failed or broke mid-stream. */
  | { how: 'broken'; message: string }
  /** The server refused with an HTTP error; `message` is its own explanation. */
  | { how: 'refused'; status: number; message: string };

export async function streamPodLog(kc: KubeConfig, q: PodLogQuery, onText: (text: string) => void, signal: AbortSignal): Promise<PodLogEnd> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) return { how: 'broken', message: 'the kubeconfig has no current cluster' };
  const url = new URL(`${cluster.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(q.namespace)}/pods/${encodeURIComponent(q.pod)}/log`);
  url.searchParams.set('container', q.container);
  if (q.follow) url.searchParams.set('follow', 'true');
  if (q.timestamps) url.searchParams.set('timestamps', 'true');
  if (q.sinceTime) url.searchParams.set('sinceTime', q.sinceTime);
  const opts: RequestOptions = { method: 'GET', headers: {} };
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    return { how: 'broken', message: `credentials: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (signal.aborted) return { how: 'aborted' };
  return new Promise<PodLogEnd>((resolve) => {
    let settled = false;
    const settle = (end: PodLogEnd): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(end);
    };
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const req = send(url, opts, (res: IncomingMessage) => {
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (c: string) => (body += c));
        res.on('end', () => settle({ how: 'refused', status: res.statusCode ?? 0, message: serverMessage(body) || `HTTP ${res.statusCode}` }));
        res.on('error', (err) => settle({ how: 'refused', status: res.statusCode ?? 0, message: err.message }));
        return;
      }
      res.on('data', (c: string) => {
        if (!settled) onText(c);
      });
      res.on('end', () => settle(signal.aborted ? { how: 'aborted' } : { how: 'ended' }));
      // "aborted"/"error" on the response: the connection dropped before the server finished.
      res.on('aborted', () => settle(signal.aborted ? { how: 'aborted' } : { how: 'broken', message: 'the connection was closed mid-stream' }));
      res.on('error', (err) => settle(signal.aborted ? { how: 'aborted' } : { how: 'broken', message: err.message }));
      res.on('close', () => settle(signal.aborted ? { how: 'aborted' } : { how: 'broken', message: 'the connection was closed mid-stream' }));
    });
    const onAbort = (): void => {
      req.destroy();
      settle({ how: 'aborted' });
    };
    signal.addEventListener('abort', onAbort);
    req.on('error', (err) => settle(signal.aborted ? { how: 'aborted' } : { how: 'broken', message: err.message }));
    req.end();
  });
}

/** The `message` of a Kubernetes Status body, else the body's text. */
function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: a proxy or kubelet error page
  }
  return body.trim().slice(0, 500);
}
