// Run as Component as a user does it, in a real VS Code (code-server) on the real Kindling kind cluster
// (test/kind's shared cluster: real pods on the example runtime image from the registry on
// localhost:5001, the workspace mounted from the host):
// right-click prepare_features.py in the Explorer → Run as Component → arguments → the output channel
// shows what the script really printed (its figures are computed here from data/clicks.csv, never taken
// from the run) → Succeeded in the Runs view and a notification → the user edits the file in the editor
// (the printed label and the default threshold) and saves → Run Again from the Runs view → the output
// has the new label and the figures for the new threshold, on the same image digest (no rebuild).
// A last run with an input file that does not exist fails for real: Python's own traceback in the
// output and the error notification.
// The project is a copy of examples/ in a subfolder of the cluster's workspace (the folder the node
// mounts); it is deleted afterwards, so examples/ is never touched.
// Screenshots: test-results/run-component-{menu,output,succeeded,edited,rerun,failed}.png; after a
// passing run the first five are copied to docs/images/loop-*.png (the README's "The loop, as the E2E
// test sees it").
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { Locator } from 'playwright-core';
import { resolveImageDigest } from '../../src/kube/images';
import { kindlingCluster, SHARED_CLUSTER, SHARED_REGISTRY_PORT, type KindlingCluster } from '../kind/helpers/kindlingCluster';
import { makeProject, testProjectConfig } from '../kind/helpers/runFile';
import { launchVSCode, resultsDir, waitFor, type VSCode } from './harness/codeServer';

const ARGS = '--input data/clicks.csv --output /tmp/features.csv';
const RUN_TIMEOUT_MS = 180_000;
const docsImages = path.join(__dirname, '..', '..', 'docs', 'images');

/** What prepare_features.py prints for clicks.csv and a threshold, from the CSV read here. */
function expectedFigures(csvText: string, minEvents: number): { kept: number; skipped: number } {
  const [header, ...rows] = csvText.trim().split('\n');
  const cols = header.split(',');
  const events = new Map<string, number>();
  for (const row of rows) {
    const user = row.split(',')[cols.indexOf('user_id')];
    events.set(user, (events.get(user) ?? 0) + 1);
  }
  const kept = [...events.values()].filter((n) => n >= minEvents).length;
  return { kept, skipped: events.size - kept };
}

describe('Run as Component in code-server on the Kindling kind cluster: run, edit, run again', () => {
  let vscode: VSCode;
  let cluster: KindlingCluster;
  let projectName: string;
  let project: string;
  let registryDigest: string;
  let csv: string;
  const shots: string[] = [];

  before(async () => {
    cluster = await kindlingCluster();
    projectName = `e2e-run-${process.pid}`;
    project = makeProject(cluster, projectName, testProjectConfig(cluster.kind.runtimeImage));
    csv = readFileSync(path.join(project, 'data', 'clicks.csv'), 'utf8');
    // The digest the registry serves for the runtime image's tag: both runs must be on it.
    registryDigest = await resolveImageDigest(cluster.kind.runtimeImage);
    assert.match(registryDigest, /^sha256:[0-9a-f]{64}$/);
    // The workspace is the folder the kind node mounts (as when a user creates the cluster from it), so
    // runs mount the project through hostPath. Other test files leave their projects in it: hidden
    // from the Explorer (files.exclude) so it shows this project as a user's window would.
    const others = Object.fromEntries(readdirSync(cluster.workspace).filter((n) => n !== projectName).map((n) => [n, true]));
    vscode = await launchVSCode({
      name: 'run-component',
      workspace: cluster.workspace,
      viewport: { width: 1440, height: 1000 },
      env: cluster.kind.env,
      settings: {
        'kindling.kubeconfig': cluster.kubeconfigPath,
        'kindling.cluster.name': SHARED_CLUSTER,
        'kindling.cluster.registryPort': SHARED_REGISTRY_PORT,
        'kindling.cluster.kindPath': cluster.kind.kindBinary,
        'files.exclude': others,
        // The edited lines in the screenshot, not under the sticky scroll's header lines.
        'editor.stickyScroll.enabled': false,
      },
    });
  });

  after(async () => {
    await vscode?.close();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  async function shot(name: string, opts?: { keepPointer?: boolean }): Promise<void> {
    await vscode.screenshot(`run-component-${name}`, opts);
    shots.push(name);
  }

  /** The run names the Kindling log says were submitted, in order. */
  function submittedRuns(): string[] {
    return [...vscode.outputChannelLog('Kindling').matchAll(/Run (prepare-features-[a-z0-9]{5}) submitted in /g)].map((m) => m[1]);
  }

  async function nextRun(seen: number): Promise<string> {
    return waitFor(() => submittedRuns()[seen], { timeoutMs: 90_000, what: 'the run to be submitted (Kindling log)' });
  }

  function runsRow(sidebar: Locator, runName: string): Locator {
    const runsPane = sidebar.locator('.pane', { has: vscode.page.locator('.pane-header h3.title', { hasText: /^Runs$/ }) });
    return runsPane.locator('.monaco-list-row', { has: vscode.page.locator('.label-name', { hasText: new RegExp(`^${runName}$`) }) }).first();
  }

  async function finished(row: Locator, runName: string): Promise<string> {
    return waitFor(
      async () => {
        const text = (await row.locator('.label-description').innerText().catch(() => '')).trim();
        return /^(Succeeded|Failed)/.test(text) ? text : undefined;
      },
      { timeoutMs: RUN_TIMEOUT_MS, what: `${runName} to finish in the Runs view` },
    );
  }

  /** The Output view, once it shows `channel` with every pattern on screen. */
  async function outputShows(channel: string, patterns: RegExp[], what: string): Promise<string> {
    return waitFor(
      async () => {
        if ((await selectedOutputChannel(vscode)) !== channel) return undefined;
        const text = await outputText(vscode);
        return patterns.every((p) => p.test(text)) ? text : undefined;
      },
      { timeoutMs: RUN_TIMEOUT_MS, what },
    );
  }

  async function runPod(runName: string): Promise<V1Pod> {
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'kindling', labelSelector: `kindling.dev/run=${runName}` });
    const pod = pods.items.find((p) => p.spec?.containers.some((c) => c.name === 'main'));
    assert.ok(pod, `a pod of ${runName}`);
    return pod;
  }

  const file = () => path.join(project, 'prepare_features.py');
  const pinned = () => `${cluster.kind.runtimeImage}@${registryDigest}`;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let firstRun = '';

  test('right-click → Run as Component: the real output, Succeeded; edit and save → Run Again: the edit runs on the same image digest', async (t) => {
    const page = vscode.page;
    const first = expectedFigures(csv, 3);
    const second = expectedFigures(csv, 6);
    assert.ok(first.kept > 0 && first.skipped > 0, 'the data has users on both sides of the default threshold');
    assert.notEqual(second.kept, first.kept, 'the edited threshold changes the figures');

    // The project folder in the Explorer, opened; its script's row.
    const folderRow = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${projectName}$`) }) });
    await folderRow.waitFor({ timeout: 60_000 });
    if ((await folderRow.getAttribute('aria-expanded')) !== 'true') await folderRow.click();
    const row = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: /^prepare_features\.py$/ }) });
    await row.waitFor();

    // The menu as the user sees it, before the click.
    // A menu opened in the window's first seconds can be drawn before the extensions' menu items are
    // registered (seen: the menu without Kindling's entries), and an open menu does not update: open it again.
    const menuItem = page.getByRole('menuitem', { name: /^Run as Component/ });
    for (let attempt = 1; ; attempt++) {
      await row.click();
      await row.and(page.locator('.selected')).waitFor();
      await row.click({ button: 'right' });
      const shown = await menuItem.waitFor({ timeout: 3000 }).then(() => true, () => false);
      if (shown) break;
      if (attempt >= 10) {
        await vscode.screenshot('run-component-menu-missing');
        assert.fail('the Explorer menu never listed Run as Component');
      }
      t.diagnostic(`attempt ${attempt}: the menu has no Run as Component yet; opened again`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
    await menuItem.hover();
    await shot('menu', { keepPointer: true });
    await page.keyboard.press('Escape');

    // The click (the harness's explorerMenu, which survives a lost click); Kindling activates on it.
    const input = page.locator('.quick-input-widget input.input');
    const clickedAt = Date.now();
    for (const miss of await vscode.explorerMenu(row, /^Run as Component/, input, { what: 'the arguments box', timeoutMs: 45_000 })) t.diagnostic(miss);
    assert.match(await page.locator('.quick-input-widget .quick-input-title').innerText(), /Run prepare_features\.py as a component/);
    await input.fill(ARGS);
    const firstAt = Date.now();
    await page.keyboard.press('Enter');

    firstRun = await nextRun(0);
    const channel = `Kindling run: ${firstRun}`;
    const firstLine = `wrote ${first.kept} users to /tmp/features.csv (skipped ${first.skipped} with < 3 events)`;
    await outputShows(channel, [new RegExp(`^${escape(firstLine)}$`, 'm')], "the script's line in the Output view");
    const firstLineMs = Date.now() - firstAt;
    await shot('output');

    // Succeeded: the Runs view row and the notification.
    const sidebar = await vscode.openViewContainer('Kindling');
    const firstRow = runsRow(sidebar, firstRun);
    await firstRow.waitFor({ timeout: 60_000 });
    assert.match(await finished(firstRow, firstRun), /^Succeeded · [\d.]+ m?s · script$/);
    const firstDoneMs = Date.now() - firstAt;
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `${firstRun} succeeded` });
    await toast.waitFor({ timeout: 30_000 });
    await outputShows(channel, [/^\[kindling\] Succeeded$/m, /^\[kindling\] timings: /m], 'the run\'s end in the Output view');
    await shot('succeeded');
    // Dismissed, as a user would, so the next run's notification is the one on screen.
    await toast.hover();
    await toast.locator('.codicon-notifications-clear').click();
    await toast.waitFor({ state: 'detached', timeout: 10_000 });

    // The whole channel: where it ran, on which image (by digest), how the code got there, what it printed.
    const output1 = vscode.outputChannelText(channel);
    assert.match(output1, new RegExp(`^\\[kindling\\] \\w+ ${firstRun} in kindling on ${escape(cluster.context)}$`, 'm'));
    assert.match(output1, new RegExp(`^\\[kindling\\] image ${escape(pinned())}; code via workspace mount \\(hostPath\\)$`, 'm'));
    assert.match(output1, new RegExp(`^${escape(firstLine)}$`, 'm'));
    // What the script printed comes before "[kindling] Succeeded": a script this short ends before its log
    // stream delivers the line, so the run's final phase line waits until the logs are in.
    assert.ok(output1.indexOf(firstLine) < output1.indexOf('[kindling] Succeeded'), 'the script\'s line comes before Succeeded');
    assert.ok(output1.indexOf('[kindling] Succeeded') < output1.indexOf('[kindling] timings:'), 'Succeeded comes before the timings');
    const pod1 = await runPod(firstRun);
    assert.equal(pod1.spec?.containers.find((c) => c.name === 'main')?.image, pinned());
    assert.equal(pod1.metadata?.annotations?.['kindling.dev/image-digest'], registryDigest);
    assert.equal(pod1.metadata?.annotations?.['kindling.dev/source-sha256'], createHash('sha256').update(readFileSync(file())).digest('hex'));

    // The edit, in the editor: Replace (Ctrl+H) the printed label and the default threshold, then save.
    const original = readFileSync(file(), 'utf8');
    const edited = original.replace('wrote {kept} users', 'kept {kept} users').replace('default=3)', 'default=6)');
    assert.ok(original.includes('wrote {kept} users') && original.includes('default=3)'), 'the example has both texts to edit');
    await vscode.openFile(`${projectName}/prepare_features.py`);
    await replaceAll('wrote {kept} users', 'kept {kept} users');
    await replaceAll('default=3)', 'default=6)');
    await page.locator('.part.editor .find-widget.visible').getByRole('button', { name: /^Close/ }).click();
    await page.locator('.part.editor .find-widget.visible').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+S');
    // The save goes through code-server's remote file system: wait for it on disk.
    await waitFor(() => readFileSync(file(), 'utf8') === edited, { timeoutMs: 15_000, what: 'the saved file with exactly the two edits' }).catch(async (error: unknown) => {
      await vscode.screenshot('run-component-save-missing');
      throw error;
    });
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 15_000 });
    // Both edited lines in view for the picture: the panel closed (Ctrl+J; the next run's output opens it
    // again) leaves room for the whole file; the cursor on the print line.
    await page.keyboard.press('Control+J');
    await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+G');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${edited.split('\n').findIndex((l) => l.includes('print(f"kept {kept} users')) + 1}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await shot('edited');

    // Run Again, from the first run's row in the Runs view (its inline action): same arguments, the saved file.
    await vscode.openViewContainer('Kindling');
    await firstRow.hover();
    const againAt = Date.now();
    await firstRow.locator('.actions .action-label[aria-label^="Run Again"]').click();
    const secondRun = await nextRun(1);
    const channel2 = `Kindling run: ${secondRun}`;
    const secondLine = `kept ${second.kept} users to /tmp/features.csv (skipped ${second.skipped} with < 6 events)`;
    await outputShows(channel2, [new RegExp(`^${escape(secondLine)}$`, 'm')], 'the edited script\'s line in the Output view');
    const againLineMs = Date.now() - againAt;
    const secondRow = runsRow(page.locator('.part.sidebar'), secondRun);
    assert.match(await finished(secondRow, secondRun), /^Succeeded · [\d.]+ m?s · script$/);
    const againDoneMs = Date.now() - againAt;
    await page.locator('.notifications-toasts .notification-toast', { hasText: `${secondRun} succeeded` }).waitFor({ timeout: 30_000 });
    await outputShows(channel2, [/^\[kindling\] Succeeded$/m, /^\[kindling\] timings: /m], 'the second run\'s end in the Output view');
    await page.waitForTimeout(500); // the notification's slide-in
    await shot('rerun');

    const output2 = vscode.outputChannelText(channel2);
    assert.match(output2, new RegExp(`^${escape(secondLine)}$`, 'm'));
    assert.doesNotMatch(output2, /^wrote /m, 'the old label is gone: the saved file ran');
    // The same image, by digest: no rebuild between the runs (and no Build Image prompt stopped the run).
    assert.match(output2, new RegExp(`^\\[kindling\\] image ${escape(pinned())}; code via workspace mount \\(hostPath\\)$`, 'm'));
    const pod2 = await runPod(secondRun);
    assert.equal(pod2.spec?.containers.find((c) => c.name === 'main')?.image, pinned());
    assert.equal(pod2.metadata?.annotations?.['kindling.dev/image-digest'], registryDigest);
    assert.equal(pod2.metadata?.annotations?.['kindling.dev/source-sha256'], createHash('sha256').update(edited).digest('hex'));
    assert.deepEqual(JSON.parse(pod2.metadata?.annotations?.['kindling.dev/arguments'] ?? 'null'), ARGS.split(' '));

    const timings = `right-click → arguments typed ${firstAt - clickedAt} ms; first run: line on screen ${firstLineMs} ms, Succeeded ${firstDoneMs} ms after Enter; Run Again: line on screen ${againLineMs} ms, Succeeded ${againDoneMs} ms after the click`;
    t.diagnostic(timings);
    console.log(`[e2e run-component] ${timings}`);

    // Passed: the pictures become the README's (never hand-made).
    mkdirSync(docsImages, { recursive: true });
    ['menu', 'output', 'succeeded', 'edited', 'rerun'].forEach((name, i) => {
      assert.ok(shots.includes(name));
      copyFileSync(path.join(resultsDir, `run-component-${name}.png`), path.join(docsImages, `loop-${i + 1}-${name}.png`));
    });
  });

  test('an input file that does not exist: Failed, with Python\'s own traceback in the output and the notification', async (t) => {
    const page = vscode.page;
    await vscode.openViewContainer('Explorer');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: /^prepare_features\.py$/ }) });
    const input = page.locator('.quick-input-widget input.input');
    for (const miss of await vscode.explorerMenu(row, /^Run as Component/, input, { what: 'the arguments box' })) t.diagnostic(miss);
    assert.equal(await input.inputValue(), ARGS, 'the box offers the arguments used last time');
    await input.fill('--input data/missing.csv --output /tmp/features.csv');
    const seen = submittedRuns().length;
    await page.keyboard.press('Enter');
    const runName = await nextRun(seen);
    assert.notEqual(runName, firstRun);

    const sidebar = await vscode.openViewContainer('Kindling');
    const runRow = runsRow(sidebar, runName);
    await runRow.waitFor({ timeout: 60_000 });
    assert.match(await finished(runRow, runName), /^Failed/);
    const error = /^FileNotFoundError: \[Errno 2\] No such file or directory: 'data\/missing\.csv'$/m;
    await outputShows(`Kindling run: ${runName}`, [error, /^\[kindling\] Failed/m], 'the traceback and the failure in the Output view');
    const output = vscode.outputChannelText(`Kindling run: ${runName}`);
    assert.match(output, /^Traceback \(most recent call last\):$/m);
    assert.match(output, /prepare_features\.py", line \d+, in main/);
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `${runName} failed` });
    await toast.waitFor({ timeout: 30_000 });
    assert.match(await toast.innerText(), /FileNotFoundError/);
    await shot('failed');
  });

  /** Edit → Replace (Ctrl+H): every `find` becomes `replacement` (Replace All), as a user does it. */
  async function replaceAll(find: string, replacement: string): Promise<void> {
    const page = vscode.page;
    await page.locator('.part.editor .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+H');
    const widget = page.locator('.part.editor .find-widget.visible');
    const findBox = widget.locator('.find-part .input').first();
    const replaceBox = widget.locator('.replace-part .input').first();
    await replaceBox.waitFor({ state: 'visible' });
    await findBox.fill(find);
    await widget.locator('.matchesCount', { hasText: /^1 of 1$/ }).waitFor({ timeout: 10_000 });
    await replaceBox.fill(replacement);
    await replaceBox.press('Control+Alt+Enter');
    await widget.locator('.matchesCount', { hasText: /No results/ }).waitFor({ timeout: 10_000 });
  }
});

/** The text the Output view shows (a read-only editor: every line is rendered while the output is short). */
async function outputText(vscode: VSCode): Promise<string> {
  const lines: Locator = vscode.page.locator('.part.panel .output-view .view-lines, .part.panel .editor-instance .view-lines').first();
  const text = await lines.evaluate((el) => (el as unknown as { innerText: string }).innerText).catch(() => '');
  // Monaco renders spaces as non-breaking spaces.
  return text.replace(/\u00a0/g, ' ');
}

/** The channel picked in the Output view's title bar. */
async function selectedOutputChannel(vscode: VSCode): Promise<string> {
  const select = vscode.page.locator('.part.panel select.monaco-select-box').first();
  return select
    .evaluate((el) => {
      const s = el as unknown as { selectedIndex: number; options: { text: string }[] };
      return s.options[s.selectedIndex]?.text ?? '';
    })
    .catch(() => '');
}
