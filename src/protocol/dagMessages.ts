/**
 * Host ↔ DAG webview messages: one map per direction, one source of truth for both sides.
 * The host sends full snapshots (graph, status), never deltas; the webview keeps only UI state.
 */
import type { ParseResult, PipelineDiagnostic, StatusSnapshot } from '../core/model/pipelineGraph';

export interface HostToWebview {
  /** A new or re-parsed document. `documentUri` lets the webview keep zoom/selection per file. */
  graph: { documentUri: string; fileName: string; version: number; result: ParseResult };
  /** Nothing to draw (no editor, or a file that is not a pipeline). */
  empty: { reason: string };
  /** Recolour nodes without a new layout. */
  status: StatusSnapshot;
  /** Clear live status colours. */
  clearStatus: Record<string, never>;
  /** Focus the node whose source range contains the editor cursor. */
  revealNode: { nodeId: string };
}

export interface WebviewToHost {
  /** Sent once the webview has loaded and can receive messages; the host queues until then. */
  ready: Record<string, never>;
  /** The user clicked a node: reveal its source range in the editor. */
  openSource: { documentUri: string; nodeId: string };
  /** The webview failed in a way the user should hear about. */
  error: { message: string };
  /** Timing the webview measured, for benchmarks and diagnostics. */
  rendered: { nodes: number; layoutMs: number; paintMs: number };
  /** Ask the host to show diagnostics (e.g. from the panel's problem banner). */
  showProblems: { diagnostics: PipelineDiagnostic[] };
}

export type MessageOf<Map> = { [K in keyof Map]: { type: K; payload: Map[K] } }[keyof Map];
export type HostMessage = MessageOf<HostToWebview>;
export type WebviewMessage = MessageOf<WebviewToHost>;
