// Promote a finished run as a user does it, in a real VS Code (code-server): a component run that
// succeeded on the test environment's local control plane (made before the window opens, by the
// product's own prepareComponent/startComponent, with an image in a loopback registry) is listed in
// the Runs view → right-click → "Promote This Run to Remote Cluster…" → the remote (a kindling.yaml
// `remotes` entry with a `registry`: a second loopback registry) → the namespace. The progress
// notification names the layers being copied, the diff editor shows the template pinned to the
// copied image by digest, the modal is confirmed (screenshot: test-results/promote-run-review.png),
// and the template is on the remote with the run named in its provenance.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { loadConfig } from '../../src/core/config';
import { ensureRunIdentity, prepareComponent, runServiceAccounts, startComponent } from '../../src/kube/runs';
import { getCluster, testenvDir, withNamespace } from '../integration/helpers/testCluster';
import { hasDockerRegistry, image, layer, pushPlain, startRegistry, type TestRegistry } from '../integration/registry/registries';
import { launchVSCode, waitFor, type VSCode } from './harness/codeServer';

const remote = getCluster('remote');
const local = getCluster('local');
const SCRIPT = 'print("features")\n';
// Big enough that the copy takes a visible moment; incompressible, so the bytes are real.
const built = image([layer('model.bin', 24_000_000, 'promote-run-model'), layer('code.py', 4_000, 'promote-run-code')]);

describe('Promote a finished run from the Runs view in code-server', { skip: hasDockerRegistry() ? false : 'Debian docker-registry is not installed (scripts/setup-machine.sh installs it)' }, () => {
  let vscode: VSCode;
  let source: TestRegistry;
  let target: TestRegistry;
  let runNs: string;
  let targetNs: string;
  let runName: string;
  let kindlingYaml: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    source = await startRegistry();
    cleanups.push(() => source.stop());
    target = await startRegistry();
    cleanups.push(() => target.stop());
    await pushPlain(source, 'ml/train', built, '1.0');
    const runNamespace = await withNamespace(local, 'e2e-promote-run');
    runNs = runNamespace.namespace;
    cleanups.push(() => runNamespace.cleanup());
    const targetNamespace = await withNamespace(remote, 'e2e-promote-run-target');
    targetNs = targetNamespace.namespace;
    cleanups.push(() => targetNamespace.cleanup());
    kindlingYaml = `version: 1
images:
  default: ${source.host}/ml/train:1.0@${built.manifest.digest}
namespace: ${runNs}
resources:
  requests: { cpu: 100m, memory: 128Mi }
remotes:
  prod: { context: kindling-remote, namespace: ${targetNs}, registry: ${target.host} }
`;
    // The run, as Run as Component makes it, finished before the window opens (the Runs view lists it).
    const { config, errors } = loadConfig(kindlingYaml);
    assert.deepEqual(errors, []);
    assert.ok(config);
    const project = mkdtempSync(join(os.tmpdir(), 'kindling-e2e-promote-run-'));
    mkdirSync(join(project, 'jobs'));
    writeFileSync(join(project, 'jobs', 'prepare_features.py'), SCRIPT);
    const ids = runServiceAccounts(config);
    await ensureRunIdentity(local.kc, ids.namespace, ids.serviceAccounts);
    const manifests = await prepareComponent({ filePath: join(project, 'jobs', 'prepare_features.py'), workspaceRoot: project, config, delivery: { mode: 'configMap' }, kindlingVersion: '0.1.0-e2e', args: ['--min-events', '4'] });
    runName = manifests.runName;
    const run = await startComponent(local.kc, manifests, { invokedAt: Date.now() });
    const final = await run.watch.done;
    run.watch.stop();
    assert.equal(final.status.phase, 'Succeeded', JSON.stringify(final.status));

    vscode = await launchVSCode({
      name: 'promote-run',
      viewport: { width: 1400, height: 1400 },
      files: { 'kindling.yaml': kindlingYaml, 'jobs/prepare_features.py': SCRIPT },
      settings: { 'kindling.kubeconfig': join(testenvDir(), 'kubeconfig', 'all.yaml'), 'kindling.run.context': local.context },
    });
  });

  after(async () => {
    await vscode?.close();
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  });

  test('Runs view → Promote This Run: layers copied with progress, the digest-pinned image in the diff, confirmed, applied with the run named', async (t) => {
    const page = vscode.page;
    await vscode.waitForLog(() => vscode.outputChannelLog('Kindling'), /Kindling \S+ activated/, { timeoutMs: 60_000 });
    // Every text the notifications show, as it changes: a copy's progress lasts a moment only.
    // (A string: this project's TypeScript has no DOM types; the code runs in the page.)
    await page.evaluate(`(() => {
      const seen = [];
      window.kindlingSeen = seen;
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.notification-list-item-message')) {
          const text = el.innerText;
          if (text && seen[seen.length - 1] !== text) seen.push(text);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    const sidebar = await vscode.openViewContainer('Kindling');
    const runsPane = sidebar.locator('.pane', { has: page.locator('.pane-header h3.title', { hasText: /^Runs$/ }) });
    const row = runsPane.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${runName}$`) }) }).first();
    await row.waitFor({ timeout: 60_000 });
    assert.match(await row.locator('.label-description').innerText(), /^Succeeded/);

    const quick = page.locator('.quick-input-widget');
    const contextPick = quick.locator('.quick-input-title', { hasText: /Promote to which cluster/ });
    // The view may still redraw its rows once (the first listing, then the live entries), which closes an
    // open context menu under the pointer: let it settle, and open the menu again if that happened.
    await page.waitForTimeout(2000);
    for (let attempt = 1; ; attempt++) {
      try {
        for (const miss of await vscode.explorerMenu(row, /^Promote This Run to Remote Cluster/, contextPick, { what: 'the context pick', timeoutMs: 15_000, attempts: 1 })) t.diagnostic(miss);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        t.diagnostic(`context menu attempt ${attempt}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        await page.keyboard.press('Escape');
      }
    }
    await quick.locator('input.input').fill('kindling-remote');
    await quick.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^kindling-remote$/ }) }).click();
    await quick.locator('.quick-input-title', { hasText: /namespace/ }).waitFor();
    assert.equal(await quick.locator('input.input').inputValue(), targetNs);
    await page.keyboard.press('Enter');

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 120_000 });
    const copiedTo = `${target.host}/ml/train@${built.manifest.digest}`;
    // The progress named the layers as they were copied.
    const seen = (await page.evaluate('window.kindlingSeen')) as string[];
    const layerLines = seen.filter((s) => new RegExp(`Copying ${source.host.replace(/[.]/g, '\\.')}/ml/train.* to ${target.host.replace(/[.]/g, '\\.')}: layer \\d/3 [0-9a-f]{12}`).test(s));
    assert.ok(layerLines.length > 0, `progress seen:\n${seen.join('\n')}`);
    t.diagnostic(`progress lines: ${layerLines.length}, e.g. ${layerLines[0]}`);

    assert.equal((await dialog.locator('.dialog-message-text').innerText()).trim(), `Promote 2 object(s) to context "kindling-remote", namespace "${targetNs}"?`);
    const detail = await dialog.locator('.dialog-message-detail').innerText();
    assert.match(detail, /WorkflowTemplate prepare-features \(document 2\): new/);
    assert.match(detail, new RegExp(`From run ${runName}`));
    // The diff editor's right side (the server's dry-run answer) names the copy by digest.
    const tab = page.locator('.tab', { hasText: /WorkflowTemplate prepare-features: kindling-remote ↔ after promote/ });
    assert.ok(await tab.count(), 'diff editor tab open');
    // Monaco draws only the lines in view: the window is tall enough for the template's image line.
    const modified = page.locator('.monaco-diff-editor .editor.modified .view-lines').first();
    const diffText = await waitFor(
      async () => {
        const text = (await modified.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
        return text.includes('image:') ? text : undefined;
      },
      { timeoutMs: 15_000, what: 'the image line in the diff' },
    ).catch(async (error: unknown) => {
      await vscode.screenshot('promote-run-diff-missing');
      throw error;
    });
    assert.ok(diffText.includes(copiedTo) || diffText.includes(built.manifest.digest), `diff shows ${copiedTo}:\n${diffText}`);
    await vscode.screenshot('promote-run-review');
    await dialog.getByRole('button', { name: 'Promote' }).click();

    const api = KubernetesObjectApi.makeApiClient(remote.kc);
    const wft = (await waitFor(
      async () => {
        try {
          return await api.read<KubernetesObject>({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'prepare-features', namespace: targetNs } });
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 60_000, what: 'the WorkflowTemplate on the remote' },
    )) as KubernetesObject & { spec: { templates: { container: { image: string; args: string[] } }[] } };
    assert.equal(wft.spec.templates[0]?.container.image, copiedTo);
    assert.deepEqual(wft.spec.templates[0]?.container.args, ['--min-events', '4']);
    assert.equal(wft.metadata?.annotations?.['kindling.dev/promoted-from-run'], `${runNs}/${runName}`);

    // Show What Kindling Promoted Here, from the palette: the remote's own record of this promote.
    await vscode.runCommand('Kindling: Show What Kindling Promoted Here', { until: quick.locator('.quick-input-title', { hasText: /Show what Kindling promoted to which cluster/ }) });
    await quick.locator('input.input').fill('kindling-remote');
    await quick.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^kindling-remote$/ }) }).click();
    const report = page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first();
    const reportText = await waitFor(
      async () => {
        const text = (await report.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
        return text.includes('# Promoted by Kindling to "kindling-remote"') && text.includes('from run') ? text : undefined;
      },
      { timeoutMs: 30_000, what: 'the promoted report' },
    ).catch(async (error: unknown) => {
      await vscode.screenshot('promoted-report-missing');
      throw error;
    });
    assert.ok(reportText.includes(`## WorkflowTemplate ${targetNs}/prepare-features`), reportText);
    assert.ok(reportText.includes(`**from run:** ${runNs}/${runName}`), reportText);
    assert.ok(reportText.includes(built.manifest.digest.slice(0, 19)), `the image digest: ${reportText}`);
    await vscode.screenshot('promoted-report');
  });
});
