/**
 * The one pipeline model every parser produces and the DAG panel draws.
 *
 * Parsers for Argo, Kubeflow Pipelines, SageMaker and Spark all reduce to this shape, so the panel,
 * the diagnostics and live status colouring never need to know which format a file was written in.
 * Everything here is plain data (structured-clone safe) because it crosses the webview boundary.
 */

/** Zero-based line/column range in the source document (VS Code's convention). */
export interface SourceRange {
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

export type PipelineFormat =
  | 'argo-workflow'
  | 'argo-workflow-template'
  | 'argo-cluster-workflow-template'
  | 'argo-cron-workflow'
  | 'kfp-v2'
  | 'sagemaker'
  | 'ack-sagemaker-pipeline'
  | 'spark-application'
  | 'scheduled-spark-application';

/**
 * What a node is. Drives its shape and icon in the panel.
 * - task kinds: one unit of work (`container`, `script`, `resource`, `spark`, `suspend`, `http`,
 *   `plugin`, `sagemaker`, `kfp-component`, `spark-driver`, `spark-executor`)
 * - structure kinds: `group` (sub-DAG, steps template, fan-out, loop, condition branch, exit
 *   handler) whose members name it as `parent`; `unresolved` for a templateRef/component that
 *   could not be found (drawn, not an error wall).
 */
export type NodeKind =
  | 'container'
  | 'script'
  | 'resource'
  | 'spark'
  | 'spark-driver'
  | 'spark-executor'
  | 'suspend'
  | 'http'
  | 'plugin'
  | 'kfp-component'
  | 'sagemaker'
  | 'condition'
  | 'group'
  | 'unresolved';

/** Why a group exists; lets the panel label and collapse it sensibly. */
export type GroupKind = 'dag' | 'steps' | 'fan-out' | 'loop' | 'condition' | 'exit-handler' | 'sub-pipeline';

export interface NodeDetail {
  /** Short label, e.g. "image", "command", "driver", "when". */
  key: string;
  /** Plain text; the panel renders it as text, never as HTML. */
  value: string;
}

export interface PipelineNode {
  /** Unique within the graph and stable across edits while names do not change (e.g. "main/train"). */
  id: string;
  /** What the user calls it (task/step name). */
  label: string;
  kind: NodeKind;
  /** For `group` nodes: why they group. */
  groupKind?: GroupKind;
  /** Id of the enclosing group node, if any. */
  parent?: string;
  /** Where the node is defined in the source document, for "jump to source". */
  range?: SourceRange;
  /**
   * Set when `range` points into another file than the parsed one: a node expanded from a
   * WorkflowTemplate reached through `templateRef`/`workflowTemplateRef` (the TemplateIndex's fileName).
   */
  fileName?: string;
  /** Sub-kind shown in the hover, e.g. SageMaker step type "Training" or Argo template name. */
  subtitle?: string;
  /** Ordered facts for the hover card: template, image, command, resources, inputs, sizing. */
  details: NodeDetail[];
  /**
   * Key used to match this node against live run status (e.g. Argo node displayName path,
   * KFP task name). Defaults to `id` when absent.
   */
  statusKey?: string;
}

export type EdgeKind = 'depends' | 'data' | 'condition-true' | 'condition-false' | 'exit' | 'sequence';

export interface PipelineEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Optional text on the edge, e.g. "Failed" for `depends: A.Failed`, or a `when` condition. */
  label?: string;
}

export interface PipelineGraph {
  format: PipelineFormat;
  /** metadata.name / generateName / pipelineInfo.name; may be empty. */
  name: string;
  /** Range of the whole document in the source file (for multi-document YAML). */
  range?: SourceRange;
  nodes: PipelineNode[];
  edges: PipelineEdge[];
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface PipelineDiagnostic {
  severity: DiagnosticSeverity;
  message: string;
  /** Absent only when the problem has no place (e.g. empty file). */
  range?: SourceRange;
  /** Stable short code, e.g. "yaml-syntax", "missing-dependency", "cycle", "unknown-template". */
  code: string;
}

export interface ParseResult {
  /** One graph per pipeline document found (multi-document YAML can hold several). */
  graphs: PipelineGraph[];
  diagnostics: PipelineDiagnostic[];
}

/** Live state of one node, as colours in the panel. Matches Argo's node phases plus `unknown`. */
export type NodeStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'error' | 'skipped' | 'omitted' | 'unknown';

/** A full status snapshot: statusKey (or id) → status. Full snapshots only, never deltas. */
export interface StatusSnapshot {
  /** Identifies the run, e.g. "workflow/namespace/name". */
  runId: string;
  statuses: Record<string, NodeStatus>;
  /** Overall phase of the run. */
  phase: NodeStatus;
  /**
   * The graph of the file the run is of (statusScope.ts graphKey): the panel colours only that graph,
   * not a sibling document whose nodes have the same status keys. Absent: whatever graph is shown.
   */
  graphKey?: string;
  /**
   * Set when the run's nodes cannot be read from the cluster (offloaded to Argo's database, or
   * undecodable): plain words for the user; `statuses` are then all `unknown`.
   */
  unavailable?: string;
}
