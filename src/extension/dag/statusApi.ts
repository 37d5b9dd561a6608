import type * as vscode from 'vscode';
import type { ParseResult, StatusSnapshot } from '../../core/model/pipelineGraph';

/** What the DAG feature offers other features (the run feature's Submit Pipeline) for live run colours. */
export interface DagStatusApi {
  /** Full snapshot for `documentUri`'s run; undefined clears its colours. */
  setStatus(documentUri: string, status: StatusSnapshot | undefined): void;
  /** The document the panel draws, if any. */
  shownDocument(): vscode.TextDocument | undefined;
  /** Parse as the panel does (workspace templates included), so status keys match the drawn nodes. */
  parseForRun(document: vscode.TextDocument): Promise<ParseResult>;
}
