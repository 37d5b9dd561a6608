/**
 * The run a document has (submitted now, or found on the cluster after a reload) as the DAG panel
 * needs it: the latest run object, the run graph built from it on demand (Argo's status.nodes, or a
 * SparkApplication's driver and executors), and what changed since the graph the panel last got.
 * A watch update changes phases far more often than it adds nodes, so the caller re-sends the graph
 * only when `shape` changes and otherwise sends the (cheap) status snapshot.
 */
import type { ParseResult, StatusSnapshot } from '../../core/model/pipelineGraph';
import { argoPhaseStatus, sparkRunId, workflowRunId } from '../../core/pipelineRun/liveStatus';
import { workflowRunGraph, workflowRunStatus } from '../../core/pipelineRun/runGraph';
import { sparkRunGraph, type SparkApplicationRun } from '../../core/pipelineRun/sparkRunGraph';
import type { RunViewInfo } from '../../protocol/dagMessages';
import type { RunObject } from './statusApi';

export interface BuiltRun {
  /** The run graph as the panel draws it (one graph; empty when the nodes are unavailable). */
  result: ParseResult;
  status: StatusSnapshot;
  info: RunViewInfo;
  /** Node ids, edges and failures: a change means the graph itself must be sent again. */
  shape: string;
}

type Meta = { metadata?: { name?: string; namespace?: string }; spec?: { suspend?: boolean }; status?: { phase?: string; message?: string } };

/** A suspended Workflow (Argo keeps its phase Running): the panel offers Resume instead of Suspend. */
function suspendedFlag(object: unknown): { suspended?: true } {
  return (object as Meta).spec?.suspend === true ? { suspended: true } : {};
}

/** The cheap part of a build: what a watch update sends when the graph's shape did not change. */
export type RunStatusUpdate = Pick<BuiltRun, 'status' | 'shape'>;

export class DocumentRun {
  readonly runId: string;
  private object: unknown;
  private built: BuiltRun | undefined;
  private quick: RunStatusUpdate | undefined;

  constructor(readonly run: RunObject) {
    const meta = (run.object as Meta).metadata ?? {};
    this.runId = run.kind === 'Workflow' ? workflowRunId(meta.namespace ?? '', meta.name ?? '') : sparkRunId(meta.namespace ?? '', meta.name ?? '');
    this.object = run.object;
  }

  get name(): string | undefined {
    return (this.run.object as Meta).metadata?.name;
  }

  /** The latest object the watch reported. */
  latest(): unknown {
    return this.object;
  }

  update(object: unknown): void {
    this.object = object;
    this.built = undefined;
    this.quick = undefined;
  }

  /**
   * Statuses and the graph's fingerprint without building the graph (a Workflow's run graph of 10,000
   * nodes takes 100+ ms to build; this one loop a few ms, after decoding compressedNodes where Argo
   * stored them so, 30–60 ms in bench:live). Same `shape` as `build()` gives for the object.
   */
  status(): RunStatusUpdate {
    if (this.built) return this.built;
    if (this.quick) return this.quick;
    if (this.run.kind === 'SparkApplication') return this.build();
    const meta = this.object as Meta;
    const quick = workflowRunStatus(this.object);
    if ('unavailable' in quick) return this.build();
    const message = meta.status?.message;
    this.quick = { status: { runId: this.runId, statuses: quick.statuses, phase: quick.phase }, shape: `${quick.shape}:${quick.phase}${suspendedFlag(meta).suspended ? '/suspended' : ''}:${message ?? ''}` };
    return this.quick;
  }

  /** Built once per object: several surfaces and the throttled graph send share it. */
  build(): BuiltRun {
    if (this.built) return this.built;
    const meta = (this.object as Meta).metadata ?? {};
    const base = { runId: this.runId, name: meta.name ?? '', namespace: meta.namespace ?? '' };
    const empty: ParseResult = { graphs: [], diagnostics: [] };
    if (this.run.kind === 'SparkApplication') {
      const app = this.object as SparkApplicationRun;
      const g = sparkRunGraph(app);
      const message = app.status?.applicationState?.errorMessage;
      this.built = {
        result: { graphs: [g.graph], diagnostics: [] },
        status: { runId: this.runId, statuses: g.statuses, phase: g.phase },
        info: { ...base, phase: g.phase, ...(message ? { message } : {}) },
        shape: shapeOf(g.graph.nodes.map((n) => n.id), g.graph.edges.length, g.failed, g.phase, message),
      };
      return this.built;
    }
    const message = (this.object as Meta).status?.message;
    const suspended = suspendedFlag(this.object);
    const g = workflowRunGraph(this.object);
    if ('unavailable' in g) {
      this.built = {
        result: empty,
        status: { runId: this.runId, statuses: {}, phase: argoPhaseStatus((this.object as Meta).status?.phase) },
        info: { ...base, phase: argoPhaseStatus((this.object as Meta).status?.phase), unavailable: g.unavailable, ...suspended, ...(message ? { message } : {}) },
        shape: `unavailable:${g.unavailable}${suspended.suspended ? '/suspended' : ''}`,
      };
      return this.built;
    }
    this.built = {
      result: { graphs: [g.graph], diagnostics: [] },
      status: { runId: this.runId, statuses: g.statuses, phase: g.phase },
      info: { ...base, phase: g.phase, ...suspended, ...(message ? { message } : {}) },
      shape: this.status().shape,
    };
    return this.built;
  }

  /** The run's summary without building its graph (the view-mode toggle needs only this). */
  info(): RunViewInfo {
    if (this.built) return this.built.info;
    const meta = (this.object as Meta).metadata ?? {};
    const status = (this.object as Meta).status;
    const phase = this.run.kind === 'SparkApplication' ? sparkRunGraph(this.object as SparkApplicationRun).phase : argoPhaseStatus(status?.phase);
    return { runId: this.runId, name: meta.name ?? '', namespace: meta.namespace ?? '', phase, ...suspendedFlag(this.object), ...(status?.message ? { message: status.message } : {}) };
  }
}

/**
 * Failures are part of the shape: a node that just failed carries its message in the graph's
 * details, which the panel shows without hovering. So is the run's phase and message: the graph
 * carries the RunViewInfo the panel's run bar shows, and they change a few times per run.
 */
function shapeOf(ids: string[], edges: number, failed: string[], phase: string, message: string | undefined): string {
  // Length plus a cheap hash of the ids keeps this O(n) without a 10k-id string per update.
  let h = 0;
  for (const id of ids) for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return `${ids.length}:${edges}:${h}:${phase}:${message ?? ''}:${failed.join(',')}`;
}
