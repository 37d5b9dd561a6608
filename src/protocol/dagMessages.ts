/**
 * Host ↔ DAG webview messages: one map per direction, one source of truth for both sides.
 * The host sends full snapshots (graph, status), never deltas; the webview keeps only UI state.
 */
import type { NodeStatus, ParseResult, PipelineDiagnostic, StatusSnapshot } from '../core/model/pipelineGraph';

/**
 * The two things the panel can draw for a file with a run: the **spec** (the parsed file, coloured by
 * the run) and the **run** (the nodes Argo created, `status.nodes`: every loop iteration, retry
 * attempt and exit-handler node, from core/pipelineRun/runGraph.ts).
 */
export type DagViewMode = 'spec' | 'run';

/** What the panel knows about the run a run-view graph was built from. */
export interface RunViewInfo {
  /** workflowRunId / sparkRunId (core/pipelineRun/liveStatus.ts). */
  runId: string;
  name: string;
  namespace: string;
  phase: NodeStatus;
  /** Argo's run message (for example "child 'x' failed"), if any. */
  message?: string;
  /** `spec.suspend` is set: no new steps start until Resume (Argo still reports the run as Running). */
  suspended?: boolean;
  /**
   * Set when the run's nodes cannot be shown, in plain words: offloaded to Argo's database
   * (`status.offloadNodeStatusVersion`), which Kindling cannot read without it.
   */
  unavailable?: string;
}

/** Actions on a run (Argo's CLI verbs), from the panel and the Runs view. */
export type RunAction = 'stop' | 'terminate' | 'suspend' | 'resume' | 'retry' | 'resubmit' | 'delete' | 'copyName';

export interface HostToWebview {
  /** A new or re-parsed document. `documentUri` lets the webview keep zoom/selection per file. */
  graph: { documentUri: string; fileName: string; version: number; result: ParseResult; run?: RunViewInfo };
  /**
   * `graph` with the result as UTF-8 JSON bytes, for all but tiny graphs. Structured-cloning node
   * objects into the webview costs more than one JSON.parse (hundreds of ms at 10k nodes, ~20 ms at
   * 1k). Bytes rather than a string: VS Code's webview.postMessage JSON-stringifies every message for
   * its trip to the workbench, which escapes a JSON string a second time (~100 ms for the 6.6 MB of a
   * 10k graph), but lifts typed arrays out of the message and hands them over as binary.
   */
  graphUtf8: { documentUri: string; fileName: string; version: number; resultUtf8: Uint8Array; run?: RunViewInfo };
  /** Nothing to draw (no editor, or a file that is not a pipeline). */
  empty: { reason: string };
  /** Recolour nodes without a new layout. */
  status: StatusSnapshot;
  /** Clear live status colours. */
  clearStatus: Record<string, never>;
  /** Focus the node whose source range contains the editor cursor. */
  revealNode: { nodeId: string };
  /**
   * Which views the file has and which one is drawn. `run` is offered once the file has a run
   * (submitted now or listed from the cluster); the graph messages that follow carry `run` when
   * they are a run graph.
   */
  viewModes: { current: DagViewMode; available: DagViewMode[]; run?: RunViewInfo };
}

export interface WebviewToHost {
  /** Sent once the webview has loaded and can receive messages; the host queues until then. */
  ready: Record<string, never>;
  /** The user clicked a node: reveal its source range in the editor. */
  openSource: { documentUri: string; nodeId: string };
  /** The webview failed in a way the user should hear about. */
  error: { message: string };
  /**
   * Timing the webview measured, for benchmarks and diagnostics. `layoutMs` is projection + layout
   * (worker round trip included); `paintMs` recording the canvas drawing; `totalMs` message
   * received → the frame after the paint is out (sent after requestAnimationFrame + a task).
   */
  rendered: { reason: RenderReason; nodes: number; layoutMs: number; paintMs: number; totalMs: number };
  /** Ask the host to show diagnostics (e.g. from the panel's problem banner). */
  showProblems: { diagnostics: PipelineDiagnostic[] };
  /** The user switched between the spec and the run view. */
  switchView: { mode: DagViewMode };
  /** The user clicked a node of a run graph: show its details and logs (not a hover card). */
  openNodeDetails: { runId: string; nodeId: string };
  /** The user chose an action on the run (or on one node of it, for `retry`) in the panel. */
  runAction: { runId: string; action: RunAction; nodeId?: string };
}

export type GraphPayload = HostToWebview['graph'];

/** Graphs with more nodes than this travel as `graphUtf8` (below it both cost the same: bench notes). */
export const graphBytesThreshold = 200;

/** The message that carries a graph snapshot: `graph`, or `graphUtf8` for big graphs. */
export function graphMessage(payload: GraphPayload): HostMessage {
  const nodes = payload.result.graphs.reduce((n, g) => n + g.nodes.length, 0);
  if (nodes <= graphBytesThreshold) return { type: 'graph', payload };
  const { result, ...rest } = payload;
  // TextEncoder gives a Uint8Array over a buffer of its own: VS Code sends a view's whole buffer, and a
  // Node Buffer may be a slice of a shared pool.
  return { type: 'graphUtf8', payload: { ...rest, resultUtf8: new TextEncoder().encode(JSON.stringify(result)) } };
}

export type RenderReason = 'graph' | 'status' | 'view';

/**
 * What the host puts in the page's `data-kindling-dag` attribute (HTML-escaped JSON), so no data is
 * ever pasted into a script.
 */
export interface DagBootData {
  /** URL of dist/webview/layout-worker.js as the webview may fetch it. */
  workerUri: string;
  /** Shown until the first graph arrives. */
  placeholder: string;
}

/** The attribute name, shared by host and webview. */
export const dagBootAttribute = 'data-kindling-dag';

export type MessageOf<Map> = { [K in keyof Map]: { type: K; payload: Map[K] } }[keyof Map];
export type HostMessage = MessageOf<HostToWebview>;
export type WebviewMessage = MessageOf<WebviewToHost>;

/** UI state the webview keeps for one document (zoom/pan, selection, collapsed groups). */
export interface DagDocViewState {
  /** The view was chosen by us (fit / initial), not the user: it follows resizes and edits. */
  auto?: boolean;
  scale: number;
  panX: number;
  panY: number;
  selected?: string;
  collapsed: string[];
  /** Run view: large groups the user expanded (the others start collapsed, also as a run grows). */
  expanded?: string[];
  graphIndex: number;
}

/**
 * What the webview stores with `setState`. VS Code keeps it across reloads and hands it to the
 * host's WebviewPanelSerializer, which reads `shown` to know which document to draw again.
 */
export interface DagWebviewState {
  docs: Record<string, DagDocViewState>;
  /** Most recent first; bounds how many documents are remembered. */
  recent: string[];
  /** URI of the document the page showed last. */
  shown?: string;
}

/** The document a restored panel showed, if its saved state says so (the state is untrusted data). */
export function shownDocument(state: unknown): string | undefined {
  if (!state || typeof state !== 'object') return undefined;
  const shown = (state as { shown?: unknown }).shown;
  return typeof shown === 'string' && /^[a-z][\w+.-]*:/i.test(shown) ? shown : undefined;
}
