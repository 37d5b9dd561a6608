// Create Local Cluster as a user runs it: the command palette in a real VS Code (code-server) whose
// extension host talks to the kind test environment's own dockerd (DOCKER_HOST and PATH passed to
// code-server), with kindling.cluster.nodeImage / preloadImages / addonManifestDir in the user
// settings as an air-gapped user would set them. The progress notification names each step, the
// Clusters view shows the cluster running with both add-ons Available, and the status bar shows
// its context. Screenshots: test-results/create-cluster-progress.png, create-cluster-healthy.png.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kindContextName } from '../../src/core/cluster/kindConfig';
import { REGISTRY_IMAGE } from '../../src/core/cluster/versions';
import { deleteCluster } from '../../src/kube/cluster/lifecycle';
import { ensureKindTestEnv, stopKindTestEnv, type KindTestEnv } from '../../testenv/kind/env.mjs';
import { realManifestDir } from '../integration/cluster/kindTools';
import { freePort } from '../kind/kindCluster';
import { launchVSCode, waitFor, type VSCode } from './harness/codeServer';

const CLUSTER = 'kindling-e2e';

describe('Create Local Cluster from the palette on a real engine', () => {
  let vscode: VSCode | undefined;
  let kind: KindTestEnv;
  let kubeconfig = '';

  before(async () => {
    kind = await ensureKindTestEnv();
    kubeconfig = path.join(mkdtempSync(path.join(os.tmpdir(), 'kindling-e2e-cluster-')), 'kubeconfig');
    await deleteCluster({ clusterName: CLUSTER, kubeconfigPath: kubeconfig, removeRegistry: true, env: { ...process.env, ...kind.env } }).catch(() => undefined);
    vscode = await launchVSCode({
      name: 'create-cluster',
      // A project as a user has it: its kindling.yaml activates the extension.
      files: { 'kindling.yaml': readFileSync(path.join(__dirname, '..', '..', 'examples', 'kindling.yaml'), 'utf8') },
      env: kind.env,
      settings: {
        'kindling.kubeconfig': kubeconfig,
        'kindling.cluster.name': CLUSTER,
        'kindling.cluster.registryPort': await freePort(),
        'kindling.cluster.apiServerPort': 0,
        // The extension host's PATH is code-server's login-shell PATH, not ours: point at kind as a user would.
        'kindling.cluster.kindPath': kind.kindBinary,
        'kindling.cluster.nodeImage': kind.nodeImage,
        'kindling.cluster.preloadImages': kind.addonImages.filter((i) => i !== REGISTRY_IMAGE),
        'kindling.cluster.addonManifestDir': realManifestDir(),
      },
    });
  });

  after(async () => {
    await vscode?.close();
    if (kind) await deleteCluster({ clusterName: CLUSTER, kubeconfigPath: kubeconfig, removeRegistry: true, env: { ...process.env, ...kind.env } }).catch(() => undefined);
    await stopKindTestEnv();
  });

  test('the palette command creates the cluster with named progress; the Clusters view and the status bar show it healthy', async () => {
    assert.ok(vscode);
    const page = vscode.page;
    await vscode.waitForLog(() => vscode!.outputChannelLog('Kindling'), /Kindling \S+ activated/, { timeoutMs: 60_000 });
    // Record every text the notification toasts show, as the DOM changes. Sampling them missed
    // short steps under load (the doctor's check took less than one 250 ms poll in a CI run).
    // (A string: this project's TypeScript has no DOM types; the code runs in the page.)
    await page.evaluate(`(() => {
      const seen = [];
      window.kindlingToasts = seen;
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.notifications-toasts .notification-toast')) {
          const text = el.innerText.replace(/\\s+/g, ' ').trim();
          if (text && !seen.includes(text)) seen.push(text);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    const toastTexts = async () => (await page.evaluate('window.kindlingToasts.slice()')) as string[];
    await vscode.runCommand('Kindling: Create Local Cluster');

    let progressShot = false;
    const done = await waitFor(
      async () => {
        const texts = await toastTexts();
        if (!progressShot && texts.some((t) => /Loading .*into the node|Installing/.test(t))) {
          await vscode!.screenshot('create-cluster-progress');
          progressShot = true;
        }
        return texts.find((t) => /cluster "kindling-e2e" (created|failed)|Kindling: .* failed/.test(t));
      },
      { timeoutMs: 240_000, intervalMs: 250, what: 'the create to finish' },
    );
    const seen = await toastTexts();
    assert.match(done, /Kindling: cluster "kindling-e2e" created: Argo Workflows and the Spark operator are ready/, `final message; progress seen: ${seen.join(' | ')}`);
    // Every step, in order, in the Kindling log (the notification shows the same messages).
    await vscode.waitForLog(() => vscode!.outputChannelLog('Kindling'), /Cluster "kindling-e2e" created in \d+ s/, { what: 'the create in the Kindling log' });
    const log = vscode.outputChannelLog('Kindling');
    const steps = [
      /Checking Docker, kind and ports/,
      /Starting the registry kindling-e2e-registry on 127\.0\.0\.1:\d+/,
      /Creating kind cluster "kindling-e2e"/,
      /Connecting the registry to the cluster/,
      /Loading 3 images into the node: quay\.io\/argoproj\/workflow-controller:v3\.6\.15, /,
      /Installing Argo Workflows v3\.6\.15/,
      /Waiting for the Argo and Spark controllers to become Available/,
    ];
    let from = 0;
    for (const step of steps) {
      const at = log.slice(from).search(step);
      assert.ok(at >= 0, `the log names ${step} after the previous step:\n${log}`);
      from += at;
    }
    // The notification showed the progress as it went: at least the steps that take seconds each.
    const progress = seen.join('\n');
    for (const step of [steps[2], steps[4], steps[6]]) assert.match(progress, step, `progress shown: ${seen.join(' | ')}`);

    // The Clusters view: our context first, running, with both add-ons Available.
    const sidebar = await vscode.openViewContainer('Kindling');
    const pane = sidebar.locator('.pane', { has: page.locator('.pane-header h3.title', { hasText: /^Clusters$/ }) });
    const clusterRow = pane.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${kindContextName(CLUSTER)}$`) }) });
    await clusterRow.waitFor({ timeout: 30_000 });
    await waitFor(async () => /running/.test(await clusterRow.locator('.label-description').innerText()), { timeoutMs: 30_000, what: 'the cluster row to say running' });
    for (const addon of ['Argo Workflows controller', 'Spark operator']) {
      const row = pane.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${addon}$`) }) });
      await waitFor(async () => (await row.locator('.label-description').innerText()).trim() === 'Available', { timeoutMs: 60_000, what: `${addon} Available in the Clusters view` });
    }

    // The status bar: the current context is the new cluster.
    const status = page.locator('.statusbar-item', { hasText: kindContextName(CLUSTER) });
    await status.first().waitFor({ timeout: 30_000 });
    const shot = await vscode.screenshot('create-cluster-healthy');
    assert.ok(shot.endsWith('create-cluster-healthy.png'));
  });
});
