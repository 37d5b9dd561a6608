// Smoke test in a real VS Code: the packaged .vsix installs into code-server, activates without
// errors, contributes its commands and its activity-bar container, and the extension host reports
// an activation time for it. Speed goals are checked by `npm run bench:activation`, not here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchVSCode, type VSCode } from './harness/codeServer';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: { commandPalette?: { command: string; when?: string }[] };
  };
};
const hiddenFromPalette = new Set((manifest.contributes.menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
const paletteLabel = (c: { title: string; category?: string }) => (c.category ? `${c.category}: ${c.title}` : c.title);
const paletteCommands = manifest.contributes.commands.filter((c) => !hiddenFromPalette.has(c.command)).map(paletteLabel);
const hiddenCommands = manifest.contributes.commands.filter((c) => hiddenFromPalette.has(c.command)).map(paletteLabel);

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
    assert.equal(activated[1], manifest.version);
    const channel = vscode.outputChannelLog('Kindling');
    assert.doesNotMatch(channel, /\[error\]/, `the Kindling channel reports an error:\n${channel}`);

    const exthost = vscode.exthostLog();
    assert.match(exthost, /kindling\.kindling.*activationEvent: 'workspaceContains:kindling\.yaml'/, 'the extension host log names the activation event');
    assert.doesNotMatch(exthost, /Activating extension '?kindling\.kindling'? failed/i);
  });

  test('the command palette lists the Kindling commands', async () => {
    assert.ok(paletteCommands.length >= 8, 'package.json declares the palette commands');
    const entries = await vscode.paletteEntries('Kindling');
    for (const label of paletteCommands) assert.ok(entries.includes(label), `palette lists "${label}"; it shows:\n  ${entries.join('\n  ')}`);
    for (const label of hiddenCommands) assert.ok(!entries.includes(label), `"${label}" is hidden from the palette`);
  });

  test('the Kindling activity-bar container shows the Clusters, Runs and Pipeline DAG views', async () => {
    const sidebar = await vscode.openViewContainer('Kindling');
    const headers = sidebar.locator('.pane-header h3.title');
    await headers.filter({ hasText: /^Pipeline DAG$/ }).waitFor();
    const titles = (await headers.allTextContents()).map((t) => t.trim());
    assert.deepEqual(titles, ['Clusters', 'Runs', 'Pipeline DAG']);

    // The Clusters view is open and shows its welcome content with the create button.
    const welcome = sidebar.locator('.welcome-view-content', { hasText: 'No Kindling cluster yet' });
    await welcome.waitFor();
    assert.ok(await welcome.getByRole('button', { name: 'Create Local Cluster' }).isVisible());

    const shot = await vscode.screenshot('e2e-smoke-kindling-views');
    assert.ok(readFileSync(shot).length > 10_000, 'the screenshot has content');
    // What the screenshot shows, checked through the DOM at the moment it was taken.
    assert.equal(await vscode.page.locator('.part.sidebar .composite.title').first().innerText().then((t) => t.trim().toUpperCase()), 'KINDLING');
    assert.equal(await vscode.page.locator('.notifications-toasts .notification-toast').filter({ hasText: /Kindling/ }).count(), 0, 'no Kindling notification (error) is showing');
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
