import type * as vscode from 'vscode';
import type { ParseResult, StatusSnapshot } from '../../core/model/pipelineGraph';

/** A run object as the cluster reports it: an Argo Workflow or a SparkApplication. */
export interface RunObject {
  kind: 'Workflow' | 'SparkApplication';
  object: unknown;
}

/** What the DAG feature offers other features (the run feature's Submit Pipeline) for live run colours. */
export interface DagStatusApi {
  /** Full snapshot for `documentUri`'s run; undefined clears its colours. */
  setStatus(documentUri: string, status: StatusSnapshot | undefined): void;
  /**
   * The run of `documentUri` at every change the watch sees: offers the panel's run view (the nodes
   * the run created). A different run (new name) replaces the previous one.
   */
  setRunObject(documentUri: string, run: RunObject): void;
  /** The document the panel draws, if any. */
  shownDocument(): vscode.TextDocument | undefined;
  /** Parse as the panel does (workspace templates included), so status keys match the drawn nodes. */
  parseForRun(document: vscode.TextDocument): Promise<ParseResult>;
}

/** What the run feature offers the DAG panel (it owns everything that talks to the cluster). */
export interface PanelRunApi {
  /**
   * Find the latest run of this file on the cluster (its provenance annotation names the file) and
   * follow it: live colours and the run view come back after a window reload. Quiet when there is none.
   */
  followLatestRun(document: vscode.TextDocument, options?: { again?: boolean }): Promise<void>;
  /** Watch this run of the document again (after a retry or resume, it changes again). */
  followRun(document: vscode.TextDocument, runId: string): Promise<void>;
}
