// Promote as a user does it, in a real VS Code (code-server) against the test environment's remote
// control plane: right-click a WorkflowTemplate in the Explorer → "Promote to Remote Cluster…" → the
// context quick pick (the local context listed last) → the namespace → the diff editor opens on the
// server's dry-run answer, the Kindling Promote output lists the object as new → the modal names the
// context, namespace and count → Promote → the object is on the remote with its provenance (the image
// digest from kindling.yaml).
// Screenshot: test-results/promote-review.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { getCluster, testenvDir, withNamespace } from '../integration/helpers/testCluster';
import { launchVSCode, waitFor, type VSCode } from './harness/codeServer';

const remote = getCluster('remote');
const local = getCluster('local');

const DIGEST = `sha256:${'d'.repeat(64)}`;
/** The project's image, pinned by digest: the promote records it on the object without a warning. */
const KINDLING_YAML = `version: 1
images:
  default: registry.example/ml:1.0@${DIGEST}
`;

const TEMPLATE = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: train-e2e
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: registry.example/ml:1.0
        command: [python, train.py]
`;

describe('Promote in code-server against the remote control plane', () => {
  let vscode: VSCode;
  let namespace: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    const ns = await withNamespace(remote, 'e2e-promote');
    namespace = ns.namespace;
    cleanups.push(() => ns.cleanup());
    vscode = await launchVSCode({
      name: 'promote',
      files: { 'kindling.yaml': KINDLING_YAML, 'pipelines/train-template.yaml': TEMPLATE },
      settings: { 'kindling.kubeconfig': join(testenvDir(), 'kubeconfig', 'all.yaml'), 'kindling.run.context': local.context },
    });
  });

  after(async () => {
    await vscode?.close();
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  });

  test('right-click → Promote: pick context and namespace, review the dry-run, confirm, the object lands with provenance', async (t) => {
    const page = vscode.page;
    // Menus carry Kindling's entries once the extension host has it (as in the Run as Component test).
    await vscode.waitForLog(() => vscode.outputChannelLog('Kindling'), /Kindling \S+ activated/, { timeoutMs: 60_000 });
    const folder = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: /^pipelines$/ }) });
    await folder.waitFor();
    if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
    const row = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: /^train-template\.yaml$/ }) });
    await row.waitFor();
    // The context pick: every context of the kubeconfig, the local one (where runs go) last.
    const quick = page.locator('.quick-input-widget');
    const contextPick = quick.locator('.quick-input-title', { hasText: /Promote to which cluster/ });
    for (const miss of await vscode.explorerMenu(row, /^Promote to Remote Cluster/, contextPick, { what: 'the context pick', timeoutMs: 30_000 })) t.diagnostic(miss);
    // Each row's first label is the context (the detail line below it, the server, is a label too).
    const labels = await quick.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.querySelector('.label-name')?.textContent?.trim() ?? ''));
    assert.deepEqual([...labels].sort(), ['kindling-local', 'kindling-remote', 'kindling-remote-restricted']);
    assert.equal(labels.at(-1), 'kindling-local', `local context last: ${labels.join(', ')}`);
    await quick.locator('input.input').fill('kindling-remote');
    await quick.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^kindling-remote$/ }) }).click();

    // The namespace box.
    await quick.locator('.quick-input-title', { hasText: /namespace/ }).waitFor();
    await quick.locator('input.input').fill(namespace);
    await page.keyboard.press('Enter');

    // The review: a diff editor on the dry-run answer, the summary, then the modal.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    const message = await dialog.locator('.dialog-message-text').innerText();
    assert.equal(message.trim(), `Promote 1 object(s) to context "kindling-remote", namespace "${namespace}"?`);
    assert.match(await dialog.locator('.dialog-message-detail').innerText(), /WorkflowTemplate train-e2e \(document 1\): new/);
    assert.ok(await page.locator('.tab', { hasText: /WorkflowTemplate train-e2e: kindling-remote ↔ after promote/ }).count(), 'diff editor tab open');
    await vscode.screenshot('promote-review');
    await dialog.getByRole('button', { name: 'Promote' }).click();

    const api = KubernetesObjectApi.makeApiClient(remote.kc);
    const live = await waitFor(
      async () => {
        try {
          return await api.read<KubernetesObject>({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'train-e2e', namespace } });
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 60_000, what: 'the promoted WorkflowTemplate on the remote' },
    );
    const annotations = live.metadata?.annotations ?? {};
    assert.equal(annotations['kindling.dev/source-path'], 'pipelines/train-template.yaml');
    assert.equal(annotations['kindling.dev/promoted-from'], 'kindling-local');
    assert.match(annotations['kindling.dev/source-sha256'] ?? '', /^[0-9a-f]{64}$/);
    assert.equal(annotations['kindling.dev/image-digest'], DIGEST, 'the digest from kindling.yaml');
    await vscode.waitForLog(() => vscode.outputChannelText('Kindling Promote'), /Applied: WorkflowTemplate train-e2e \(document 1\)\./, { timeoutMs: 30_000 });
  });
});
