// Smoke test in a real VS Code: the packaged .vsix installs into code-server, activates without
// errors, contributes its commands and its activity-bar container, and the extension host reports
// an activation time for it. Speed goals are checked by `npm run bench:activation`, not here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { launchVSCode, type ExtensionManifest, type VSCode } from './harness/codeServer';

// The commands the product promises (issue 2), as palette labels or their beginnings.
const coreCommands = [
  'Kindling: Create Local Cluster',
  'Kindling: Delete Local Cluster',
  'Kindling: Doctor',
  'Kindling: Show Pipeline DAG',
  'Kindling: Run as Component',
  'Kindling: Submit Pipeline',
  'Kindling: Promote',
  'Kindling: Wrap SageMaker',
];

const paletteLabel = (c: { title: string; category?: string }) => (c.category ? `${c.category}: ${c.title}` : c.title);

/** Palette labels the installed manifest contributes, and those it hides (`"when": "false"`). */
function paletteCommands(manifest: ExtensionManifest): { shown: string[]; hidden: string[] } {
  const hiddenIds = new Set((manifest.contributes?.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
  const commands = manifest.contributes?.commands ?? [];
  return {
    shown: commands.filter((c) => !hiddenIds.has(c.command)).map(paletteLabel),
    hidden: commands.filter((c) => hiddenIds.has(c.command)).map(paletteLabel),
  };
}

describe('Kindling in code-server (smoke)', () => {
  let vscode: VSCode;

  before(async () => {
    vscode = await launchVSCode({
      name: 'smoke',
      files: {
        // workspaceContains:kindling.yaml is what activates the extension.
        'kindling.yaml': 'version: 1\nimages:\n  default: python:3.12-slim\n',
        'train.py': 'print("training")\n',
      },
    });
  });

  after(async () => {
    await vscode?.close();
  });

  test('the .vsix is installed and activates without errors', async () => {
    const activated = await vscode.waitForLog(() => vscode.outputChannelLog('Kindling'), /Kindling (\S+) activated/, {
      timeoutMs: 60_000,
      what: '"Kindling … activated" in the Kindling output channel',
    });
    assert.equal(activated[1], vscode.installedExtension().manifest.version);
    const channel = vscode.outputChannelLog('Kindling');
    assert.doesNotMatch(channel, /\[error\]/, `the Kindling channel reports an error:\n${channel}`);

    const exthost = vscode.exthostLog();
    assert.match(exthost, /kindling\.kindling.*activationEvent: 'workspaceContains:kindling\.yaml'/, 'the extension host log names the activation event');
    assert.doesNotMatch(exthost, /Activating extension '?kindling\.kindling'? failed/i);
  });

  test('the command palette lists the Kindling commands', async () => {
    // Expected: what the installed .vsix declares (so a stale .vsix is judged by its own manifest)
    // and, whatever it declares, the commands the product promises.
    const { shown, hidden } = paletteCommands(vscode.installedExtension().manifest);
    const entries = await vscode.paletteEntries('Kindling');
    const listing = `; the palette shows:\n  ${entries.join('\n  ')}`;
    for (const label of coreCommands) assert.ok(entries.some((e) => e.startsWith(label)), `palette lists "${label}…"${listing}`);
    for (const label of shown) assert.ok(entries.includes(label), `palette lists "${label}"${listing}`);
    for (const label of hidden) assert.ok(!entries.includes(label), `"${label}" is hidden from the palette${listing}`);
  });

  test('the Kindling activity-bar container shows the Clusters, Runs and Pipeline DAG views', async () => {
    const sidebar = await vscode.openViewContainer('Kindling');
    const headers = sidebar.locator('.pane-header h3.title');
    await headers.filter({ hasText: /^Pipeline DAG$/ }).waitFor();
    assert.deepEqual((await headers.allTextContents()).map((t) => t.trim()), ['Clusters', 'Runs', 'Pipeline DAG']);

    // Opening the views loads their feature bundles (the shell logs each load, and any failure).
    for (const feature of ['cluster', 'run', 'dag']) {
      await vscode.waitForLog(() => vscode.outputChannelLog('Kindling'), new RegExp(`Feature "${feature}" loaded`), {
        what: `the "${feature}" feature to load for its view`,
      });
    }

    // The tree views are expanded and show something: items, or their welcome content.
    for (const view of ['Clusters', 'Runs']) {
      const pane = sidebar.locator('.pane', { has: vscode.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${view}$`) }) });
      assert.equal(await pane.locator('.pane-header').getAttribute('aria-expanded'), 'true', `${view} is expanded`);
      await pane.locator('.pane-body .monaco-list-row, .pane-body .welcome-view-content').first().waitFor();
      assert.notEqual((await pane.locator('.pane-body').innerText()).trim(), '', `${view} shows content`);
    }
    // The Pipeline DAG view is a webview: webviewFrame() reaches the document the extension wrote.
    const dagBody = vscode.webviewFrame().locator('body');
    await dagBody.waitFor();
    assert.ok((await dagBody.locator('*').count()) > 0, 'the Pipeline DAG webview has content');

    const shot = await vscode.screenshot('e2e-smoke-kindling-views');
    assert.ok(readFileSync(shot).length > 10_000, 'the screenshot has content');
    // What the screenshot shows, checked through the DOM at the moment it was taken.
    assert.equal((await sidebar.locator('.composite.title').first().innerText()).trim().toUpperCase(), 'KINDLING');
    assert.equal(await vscode.page.locator('.notifications-toasts .notification-toast').count(), 0, 'no notification is showing');
    const channel = vscode.outputChannelLog('Kindling');
    assert.doesNotMatch(channel, /\[error\]/, `the Kindling channel reports an error:\n${channel}`);
  });

  test('the extension host reports an activation time for Kindling', async () => {
    const extensions = await vscode.runningExtensions();
    const kindling = extensions.find((e) => e.name.startsWith('Kindling'));
    assert.ok(kindling, `Kindling is among the running extensions: ${extensions.map((e) => e.name).join(', ')}`);
    assert.ok(Number.isFinite(kindling.activationMs) && kindling.activationMs >= 0, `activation time reported: ${kindling.text}`);
    console.log(`# Kindling activation as reported by the extension host: ${kindling.activationMs} ms`);
    await vscode.screenshot('e2e-smoke-running-extensions');
  });
});
