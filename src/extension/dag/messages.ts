/** Validation of what a webview sends: it is another process's data, so check before trusting. */
import type { WebviewMessage } from '../../protocol/dagMessages';

const types = new Set(['ready', 'openSource', 'error', 'rendered', 'showProblems']);

export function parseWebviewMessage(data: unknown): WebviewMessage | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const { type, payload } = data as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !types.has(type) || !payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  switch (type) {
    case 'ready':
      return { type, payload: {} };
    case 'openSource':
      return typeof p.documentUri === 'string' && typeof p.nodeId === 'string' ? { type, payload: { documentUri: p.documentUri, nodeId: p.nodeId } } : undefined;
    case 'error':
      return typeof p.message === 'string' ? { type, payload: { message: p.message } } : undefined;
    case 'rendered':
      return typeof p.nodes === 'number' ? (data as WebviewMessage) : undefined;
    case 'showProblems':
      return Array.isArray(p.diagnostics) ? (data as WebviewMessage) : undefined;
  }
  return undefined;
}
