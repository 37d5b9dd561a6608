/**
 * The activation shell. Deliberately small: it registers every command and view, and loads a
 * feature bundle (dist/features/<name>.js) only when one of its commands or views is first used.
 * No cluster I/O, no heavy imports here — activation time is something users measure.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore, type ActivateFeature, type Feature, type KindlingContext } from './context';
import {
  commandOwners,
  treeViewOwners,
  webviewPanelOwners,
  webviewViewOwners,
  type CommandId,
  type FeatureName,
  type TreeViewId,
  type WebviewPanelId,
  type WebviewViewId,
} from './ids';
import { LazyTreeDataProvider } from './lazyTree';

export function activate(extension: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Kindling', { log: true });
  extension.subscriptions.push(log);
  try {
    const disposables = new DisposableStore();
    const session = new DisposableStore();
    extension.subscriptions.push(session, disposables);
    const loaded = new Map<FeatureName, Promise<Feature>>();
    const ctx: KindlingContext = {
      extension,
      log,
      disposables,
      session,
      getFeature: (name) => {
        let feature = loaded.get(name);
        if (!feature) {
          feature = loadFeature(name, ctx);
          loaded.set(name, feature);
          feature.catch(() => loaded.delete(name)); // allow a retry after a failed load
        }
        return feature;
      },
    };

    for (const [id, owner] of Object.entries(commandOwners) as [CommandId, FeatureName][]) {
      disposables.add(
        vscode.commands.registerCommand(id, async (...args: unknown[]) => {
          try {
            const handler = (await ctx.getFeature(owner)).commands?.[id];
            if (!handler) {
              void vscode.window.showInformationMessage(
                `Kindling: "${id}" is not available in this version yet. Follow the README for what works today.`,
              );
              return undefined;
            }
            return await handler(...args);
          } catch (error) {
            reportError(log, `Command ${id} failed`, error);
            return undefined;
          }
        }),
      );
    }

    for (const [id, owner] of Object.entries(treeViewOwners) as [TreeViewId, FeatureName][]) {
      const provider = new LazyTreeDataProvider(async () => (await ctx.getFeature(owner)).treeProviders?.[id], log);
      disposables.add(provider);
      disposables.add(vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true }));
    }

    for (const [id, owner] of Object.entries(webviewViewOwners) as [WebviewViewId, FeatureName][]) {
      disposables.add(
        vscode.window.registerWebviewViewProvider(
          id,
          {
            resolveWebviewView: async (view, resolveContext, token) => {
              try {
                const provider = (await ctx.getFeature(owner)).webviewViewProviders?.[id];
                if (!provider) {
                  view.webview.html = '<!DOCTYPE html><html><body><p>This view is not available yet.</p></body></html>';
                  return;
                }
                await provider.resolveWebviewView(view, resolveContext, token);
              } catch (error) {
                reportError(log, `View ${id} failed to open`, error);
              }
            },
          },
          { webviewOptions: { retainContextWhenHidden: false } },
        ),
      );
    }
    // Registered now (VS Code asks right after activation), answered by the feature only when a
    // panel is actually restored: a window without one never loads the feature bundle.
    for (const [id, owner] of Object.entries(webviewPanelOwners) as [WebviewPanelId, FeatureName][]) {
      disposables.add(
        vscode.window.registerWebviewPanelSerializer(id, {
          deserializeWebviewPanel: async (panel, state: unknown) => {
            try {
              const serializer = (await ctx.getFeature(owner)).webviewPanelSerializers?.[id];
              if (!serializer) {
                panel.dispose();
                return;
              }
              await serializer.deserializeWebviewPanel(panel, state);
            } catch (error) {
              reportError(log, `Panel ${id} failed to restore`, error);
            }
          },
        }),
      );
    }
    log.info(`Kindling ${String(extension.extension.packageJSON.version)} activated`);
  } catch (error) {
    // Report activation failures ourselves: the default is a silent, half-working extension.
    reportError(log, 'Kindling failed to activate', error);
  }
}

export function deactivate(): void {
  // Everything is disposed through extension.subscriptions.
}

async function loadFeature(name: FeatureName, ctx: KindlingContext): Promise<Feature> {
  const started = Date.now();
  // A runtime path on purpose: esbuild must not inline feature bundles into the shell.
  const file = path.join(__dirname, 'features', `${name}.js`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { activateFeature: ActivateFeature };
  const feature = await mod.activateFeature(ctx);
  ctx.log.info(`Feature "${name}" loaded in ${Date.now() - started} ms`);
  return feature;
}

function reportError(log: vscode.LogOutputChannel, what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  log.error(`${what}: ${error instanceof Error && error.stack ? error.stack : message}`);
  void vscode.window.showErrorMessage(`Kindling: ${what}: ${message}`, 'Show Log').then((choice) => {
    if (choice) log.show(true);
  });
}
