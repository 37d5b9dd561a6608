import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CommandIds, TreeViewIds, WebviewPanelIds, WebviewViewIds, commandOwners, webviewPanelOwners } from '../../../src/extension/ids';
import { settingDefaults } from '../../../src/extension/settings';

// package.json is what VS Code reads; ids.ts is what our code registers. They must agree exactly,
// or a command shows in the palette and fails with "command not found".
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));

test('every command in package.json is registered by the shell and vice versa', () => {
  const declared = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(declared, Object.values(CommandIds).sort());
  assert.deepEqual(Object.keys(commandOwners).sort(), declared);
});

test('every view in package.json has an owner in ids.ts', () => {
  const views = manifest.contributes.views.kindling.map((v: { id: string }) => v.id).sort();
  assert.deepEqual(views, [...Object.values(TreeViewIds), ...Object.values(WebviewViewIds)].sort());
});

test('every restorable webview panel has an owner and an onWebviewPanel activation event', () => {
  // Without the event VS Code drops the panel after a reload in a window where nothing else activated us.
  const panels = Object.values(WebviewPanelIds).sort();
  assert.deepEqual(Object.keys(webviewPanelOwners).sort(), panels);
  const events: string[] = manifest.activationEvents;
  assert.deepEqual(events.filter((e) => e.startsWith('onWebviewPanel:')).sort(), panels.map((id) => `onWebviewPanel:${id}`));
});

test('setting defaults in package.json match the typed accessor', () => {
  const props = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
  for (const [key, value] of Object.entries(settingDefaults)) {
    assert.ok(props[`kindling.${key}`], `kindling.${key} is declared`);
    assert.deepEqual(props[`kindling.${key}`].default, value, `default of kindling.${key}`);
  }
  assert.equal(Object.keys(props).length, Object.keys(settingDefaults).length);
});

test('activation is narrow: no "*" and no onStartupFinished', () => {
  const events: string[] = manifest.activationEvents;
  assert.ok(!events.includes('*'));
  assert.ok(!events.includes('onStartupFinished'));
});

test('explorer menu offers Run as Component on .py, .ipynb and .sh only', () => {
  const item = manifest.contributes.menus['explorer/context'].find((m: { command: string }) => m.command === 'kindling.runAsComponent');
  const when = new RegExp(item.when.match(/=~ \/(.*)\/$/)[1]);
  for (const ext of ['.py', '.ipynb', '.sh']) assert.ok(when.test(ext), ext);
  for (const ext of ['.yaml', '.pyc', '.shx']) assert.ok(!when.test(ext), ext);
});
