import * as vscode from 'vscode';

/**
 * A tree provider that stands in for a feature's real one until the feature bundle is loaded
 * (on first expansion of the view), then forwards everything to it.
 */
export class LazyTreeDataProvider implements vscode.TreeDataProvider<unknown>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<unknown>();
  readonly onDidChangeTreeData = this.changed.event;
  private target: Promise<vscode.TreeDataProvider<unknown> | undefined> | undefined;
  private subscription: vscode.Disposable | undefined;

  constructor(
    private readonly load: () => Promise<vscode.TreeDataProvider<unknown> | undefined>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private resolve(): Promise<vscode.TreeDataProvider<unknown> | undefined> {
    if (!this.target) {
      this.target = this.load().then(
        (provider) => {
          this.subscription = provider?.onDidChangeTreeData?.((element) => this.changed.fire(element));
          return provider;
        },
        (error: unknown) => {
          this.target = undefined;
          this.log.error(`Could not load a Kindling view: ${String(error)}`);
          return undefined;
        },
      );
    }
    return this.target;
  }

  async getTreeItem(element: unknown): Promise<vscode.TreeItem> {
    const provider = await this.resolve();
    return provider ? provider.getTreeItem(element) : new vscode.TreeItem(String(element));
  }

  async getChildren(element?: unknown): Promise<unknown[]> {
    const provider = await this.resolve();
    return (await provider?.getChildren(element)) ?? [];
  }

  async getParent(element: unknown): Promise<unknown> {
    const provider = await this.resolve();
    return provider?.getParent?.(element);
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}
