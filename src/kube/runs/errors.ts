/**
 * Turns client-node failures into messages a user can act on. The raw errors ("fetch failed",
 * "HTTP-Code: 404 Message: Unknown API Status Code!") say nothing about what to do.
 */
import type { KubeConfig } from '@kubernetes/client-node';

export type RunErrorCode = 'unreachable' | 'no-context' | 'no-crd' | 'no-namespace' | 'forbidden' | 'conflict' | 'invalid' | 'other';

export class RunError extends Error {
  constructor(
    message: string,
    readonly code: RunErrorCode,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'RunError';
  }
}

export function statusCodeOf(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'number') return (err as { code: number }).code;
  return undefined;
}

function bodyMessage(err: unknown): string | undefined {
  if (!err || typeof err !== 'object' || !('body' in err)) return undefined;
  const body = (err as { body: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      return typeof parsed.message === 'string' ? parsed.message : body;
    } catch {
      return body;
    }
  }
  if (body && typeof body === 'object' && 'message' in body && typeof (body as { message: unknown }).message === 'string') return (body as { message: string }).message;
  return undefined;
}

/** Network-level failure codes anywhere in the cause chain (fetch wraps them). */
function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let i = 0; i < 5 && current && typeof current === 'object'; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+|CERT_|DEPTH_|UNABLE_)/.test(code)) return code;
    const errno = (current as { errno?: unknown }).errno;
    if (typeof errno === 'string') return errno;
    current = (current as { cause?: unknown }).cause;
  }
  const text = err instanceof Error ? err.message : String(err);
  return text.match(/\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|certificate)\b/)?.[1];
}

export function describeTarget(kc: KubeConfig): string {
  return `${kc.getCurrentCluster()?.server ?? 'an unknown server'} (context "${kc.getCurrentContext()}")`;
}

/** `what`: e.g. "create Workflow prepare-abc in kindling"; `plural/group` for a missing CRD hint. */
export function classifyKubeError(err: unknown, kc: KubeConfig, what: string, crd?: { plural: string; group: string }): RunError {
  if (err instanceof RunError) return err;
  const status = statusCodeOf(err);
  const detail = bodyMessage(err);
  if (status === undefined) {
    const net = networkCode(err);
    const msg = err instanceof Error ? err.message : String(err);
    return new RunError(
      `Cannot reach the Kubernetes API server at ${describeTarget(kc)}${net ? ` (${net})` : ''}: ${msg}. Is the cluster running? Create the local cluster with "Kindling: Create Local Cluster" or pick another context.`,
      'unreachable',
      err,
    );
  }
  if (status === 404) {
    if (detail && /namespaces? "[^"]+" not found/.test(detail)) {
      return new RunError(`Could not ${what}: ${detail}. Create the namespace or set "namespace" in kindling.yaml.`, 'no-namespace', err);
    }
    if (crd) {
      const product = crd.group.startsWith('argoproj') ? 'Argo Workflows' : crd.group.startsWith('sparkoperator') ? 'the Spark operator' : crd.group;
      return new RunError(
        `Could not ${what}: ${crd.plural}.${crd.group} is not installed on ${describeTarget(kc)}. ${product} must be installed (the Kindling local cluster has it).`,
        'no-crd',
        err,
      );
    }
  }
  if (status === 401 || status === 403) return new RunError(`Not allowed to ${what} on ${describeTarget(kc)}: ${detail ?? `HTTP ${status}`}`, 'forbidden', err);
  if (status === 409) return new RunError(`Could not ${what}: ${detail ?? 'already exists'}`, 'conflict', err);
  if (status === 422 || status === 400) return new RunError(`The cluster rejected the request to ${what}: ${detail ?? `HTTP ${status}`}`, 'invalid', err);
  return new RunError(`Could not ${what}: ${detail ?? (err instanceof Error ? err.message : String(err))}`, 'other', err);
}
