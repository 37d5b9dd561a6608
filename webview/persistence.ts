/**
 * The webview's UI state per document (view, selection, collapsed groups, graph of the file) in
 * VS Code's getState/setState, so it survives hiding the panel and reloading the window. Bounded to
 * the most recent documents.
 */
import type { DagDocViewState, DagWebviewState } from '../src/protocol/dagMessages';

const maxRememberedDocs = 20;

export interface StateStore {
  getState(): unknown;
  setState(state: unknown): void;
}

/** What the panel shows now: the key its state is saved under, and the document to reopen. */
export interface ShownState {
  /** The document's URI; a run view adds its run (see runStateKey) so the two views keep their own state. */
  key: string;
  documentUri: string;
  state: DagDocViewState;
}

export class Persistence {
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly current: () => ShownState | undefined,
  ) {}

  load(): DagWebviewState {
    const raw = this.store.getState();
    if (raw && typeof raw === 'object' && 'docs' in raw && 'recent' in raw) return raw as DagWebviewState;
    return { docs: {}, recent: [] };
  }

  saved(key: string): DagDocViewState | undefined {
    return this.load().docs[key];
  }

  /** Which document this page shows, so a panel restored after a reload can ask for it again. */
  rememberShown(documentUri: string): void {
    const state = this.load();
    if (state.shown === documentUri) return;
    state.shown = documentUri;
    this.store.setState(state);
  }

  schedule(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), 300);
  }

  save(): void {
    const shown = this.current();
    if (!shown) return;
    const state = this.load();
    state.docs[shown.key] = shown.state;
    state.shown = shown.documentUri;
    state.recent = [shown.key, ...state.recent.filter((u) => u !== shown.key)];
    for (const old of state.recent.splice(maxRememberedDocs)) delete state.docs[old];
    this.store.setState(state);
  }
}

/** The state key of a run view: the run's own, apart from the spec view of the same file. */
export function runStateKey(documentUri: string, runId: string): string {
  return `${documentUri}#run=${runId}`;
}
