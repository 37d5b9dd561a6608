/** Validation of what a webview sends: it is another process's data, so check before trusting. */
import type { RunAction, WebviewMessage } from '../../protocol/dagMessages';

const types = new Set(['ready', 'openSource', 'error', 'rendered', 'showProblems', 'switchView', 'openNodeDetails', 'runAction']);
const runActions = new Set<RunAction>(['stop', 'terminate', 'suspend', 'resume', 'retry', 'resubmit', 'delete', 'copyName']);

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
    case 'switchView':
      return p.mode === 'spec' || p.mode === 'run' ? { type, payload: { mode: p.mode } } : undefined;
    case 'openNodeDetails':
      return typeof p.runId === 'string' && typeof p.nodeId === 'string' ? { type, payload: { runId: p.runId, nodeId: p.nodeId } } : undefined;
    case 'runAction':
      if (typeof p.runId !== 'string' || typeof p.action !== 'string' || !runActions.has(p.action as RunAction)) return undefined;
      if (p.nodeId !== undefined && typeof p.nodeId !== 'string') return undefined;
      return { type, payload: { runId: p.runId, action: p.action as RunAction, ...(typeof p.nodeId === 'string' ? { nodeId: p.nodeId } : {}) } };
  }
  return undefined;
}
