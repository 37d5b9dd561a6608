import type * as vscode from 'vscode';
import type { CommandId, FeatureName, TreeViewId, WebviewPanelId, WebviewViewId } from './ids';

/**
 * Disposables grouped by lifetime (VS Code core's DisposableStore idea): `extension` lives until
 * deactivate; `session` holds cluster-session resources (informers, log streams, port-forwards) and
 * is disposed and renewed when the kube context changes.
 */
export class DisposableStore implements vscode.Disposable {
  private items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  /** Dispose everything held so far; the store stays usable. */
  clear(): void {
    const items = this.items;
    this.items = [];
    for (const item of items.reverse()) {
      try {
        item.dispose();
      } catch {
        // One failing disposable must not keep the others alive.
      }
    }
  }

  dispose(): void {
    this.clear();
    this.disposed = true;
  }
}

/** What every feature receives. Created once in activate(); cheap to build. */
export interface KindlingContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** Lives as long as the extension. */
  readonly disposables: DisposableStore;
  /** Lives as long as the current kube context; cleared when it changes. */
  readonly session: DisposableStore;
  /** Loads (once) and returns another feature's API, e.g. the DAG panel from the run feature. */
  getFeature(name: FeatureName): Promise<Feature>;
}

/** What a feature bundle hands back to the shell. Every member is optional. */
export interface Feature {
  commands?: Partial<Record<CommandId, (...args: unknown[]) => unknown>>;
  treeProviders?: Partial<Record<TreeViewId, vscode.TreeDataProvider<unknown>>>;
  webviewViewProviders?: Partial<Record<WebviewViewId, vscode.WebviewViewProvider>>;
  /** Brings back a panel VS Code restored after a reload (the shell registers the serializer). */
  webviewPanelSerializers?: Partial<Record<WebviewPanelId, vscode.WebviewPanelSerializer>>;
  /** Feature-specific API other features may call (typed by the caller via its own import type). */
  api?: unknown;
}

/** Signature every dist/features/<name>.js exports as `activateFeature`. */
export type ActivateFeature = (ctx: KindlingContext) => Feature | Promise<Feature>;
