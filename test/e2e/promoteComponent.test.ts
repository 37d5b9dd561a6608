// Promote a component as a user does it, in a real VS Code (code-server) against the test
// environment's remote control plane: right-click a .py in the Explorer → "Promote to Remote Cluster…"
// → the remote context (a kindling.yaml `remotes` entry, so its environment's image) → the namespace →
// the modal counts two objects (the ConfigMap carrying the file, then the WorkflowTemplate) and warns
// that the hostPath volume is left out → Promote → both objects are on the remote.
// Screenshot: test-results/promote-component-review.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { getCluster, testenvDir, withNamespace } from '../integration/helpers/testCluster';
import { launchVSCode, waitFor, type VSCode } from './harness/codeServer';

const remote = getCluster('remote');
const local = getCluster('local');

const PROD_IMAGE = `registry.example/ml@sha256:${'c'.repeat(64)}`;
const SCRIPT = 'print("features")\n';

describe('Promote a component in code-server against the remote control plane', () => {
  let vscode: VSCode;
  let namespace: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    const ns = await withNamespace(remote, 'e2e-promote-comp');
    namespace = ns.namespace;
    cleanups.push(() => ns.cleanup());
    const kindlingYaml = `version: 1
images:
  default: registry.example/ml:1.0
  environments:
    prod: ${PROD_IMAGE}
volumes:
  - name: raw-data
    hostPath: /kindling/data
    mountPath: /data
remotes:
  prod: { context: kindling-remote, namespace: ${namespace} }
`;
    vscode = await launchVSCode({
      name: 'promote-component',
      files: { 'kindling.yaml': kindlingYaml, 'jobs/prepare_features.py': SCRIPT },
      settings: { 'kindling.kubeconfig': join(testenvDir(), 'kubeconfig', 'all.yaml'), 'kindling.run.context': local.context },
    });
  });

  after(async () => {
    await vscode?.close();
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  });

  test('right-click a .py → Promote: ConfigMap + WorkflowTemplate reviewed, confirmed and applied on the environment image', async (t) => {
    const page = vscode.page;
    await vscode.waitForLog(() => vscode.outputChannelLog('Kindling'), /Kindling \S+ activated/, { timeoutMs: 60_000 });
    const folder = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: /^jobs$/ }) });
    await folder.waitFor();
    if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
    const row = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: /^prepare_features\.py$/ }) });
    await row.waitFor();
    const quick = page.locator('.quick-input-widget');
    const contextPick = quick.locator('.quick-input-title', { hasText: /Promote to which cluster/ });
    for (const miss of await vscode.explorerMenu(row, /^Promote to Remote Cluster/, contextPick, { what: 'the context pick', timeoutMs: 30_000 })) t.diagnostic(miss);
    await quick.locator('input.input').fill('kindling-remote');
    await quick.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^kindling-remote$/ }) }).click();

    // The namespace box proposes the remotes entry's namespace.
    await quick.locator('.quick-input-title', { hasText: /namespace/ }).waitFor();
    assert.equal(await quick.locator('input.input').inputValue(), namespace);
    await page.keyboard.press('Enter');

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    assert.equal((await dialog.locator('.dialog-message-text').innerText()).trim(), `Promote 2 object(s) to context "kindling-remote", namespace "${namespace}"?`);
    const detail = await dialog.locator('.dialog-message-detail').innerText();
    assert.match(detail, /ConfigMap prepare-features-src \(document 1\): new/);
    assert.match(detail, /WorkflowTemplate prepare-features \(document 2\): new/);
    assert.match(detail, /Warning: Volume "raw-data" \(hostPath \/kindling\/data → \/data\)/);
    assert.match(detail, /kindling\.yaml remote "prod"/);
    await vscode.screenshot('promote-component-review');
    await dialog.getByRole('button', { name: 'Promote' }).click();

    const api = KubernetesObjectApi.makeApiClient(remote.kc);
    const readLive = (apiVersion: string, kind: string, name: string) =>
      waitFor(
        async () => {
          try {
            return await api.read<KubernetesObject>({ apiVersion, kind, metadata: { name, namespace } });
          } catch {
            return undefined;
          }
        },
        { timeoutMs: 60_000, what: `${kind} ${name} on the remote` },
      );
    const cm = (await readLive('v1', 'ConfigMap', 'prepare-features-src')) as KubernetesObject & { data?: Record<string, string> };
    assert.deepEqual(cm.data, { 'prepare_features.py': SCRIPT });
    const wft = (await readLive('argoproj.io/v1alpha1', 'WorkflowTemplate', 'prepare-features')) as KubernetesObject & {
      spec: { templates: { container: { image: string } }[] };
    };
    assert.equal(wft.spec.templates[0]?.container.image, PROD_IMAGE);
    assert.equal(wft.metadata?.annotations?.['kindling.dev/source-path'], 'jobs/prepare_features.py');
    await vscode.waitForLog(() => vscode.outputChannelText('Kindling Promote'), /Applied: ConfigMap prepare-features-src \(document 1\), WorkflowTemplate prepare-features \(document 2\)\./, {
      timeoutMs: 30_000,
    });
  });
});
