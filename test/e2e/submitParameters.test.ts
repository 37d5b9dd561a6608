// Submit Pipeline with parameters, as a user does it in a real VS Code (code-server) against the test
// environment's control plane (real Argo workflow-controller, KWOK nodes): the workflow's
// spec.arguments.parameters are asked one by one, prefilled with the file's values; one is changed in
// the input box, one picked from its enum. The Workflow the API server holds has the values, and its
// provenance annotation records them. A second Submit Pipeline prefills what was given for the file;
// Escape there submits nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { getCluster } from '../integration/helpers/testCluster';
import { prepareRunProject } from './harness/runProject';
import { launchVSCode, waitFor, type VSCode } from './harness/codeServer';

const local = getCluster('local');
const custom = local.kc.makeApiClient(CustomObjectsApi);

const pipelineText = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: train-params-
spec:
  entrypoint: main
  arguments:
    parameters:
      - name: epochs
        value: "3"
      - name: mode
        value: fast
        enum: [fast, full]
        description: how much data to read
  templates:
    - name: main
      inputs:
        parameters: [{ name: epochs }, { name: mode }]
      container: { image: busybox:1.36, command: [sh, -c, "echo {{inputs.parameters.epochs}} {{inputs.parameters.mode}}"] }
`;

interface Workflow {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { arguments?: { parameters?: { name: string; value?: string }[] } };
}

describe('Submit Pipeline asks for the workflow parameters', () => {
  let vscode: VSCode;
  let namespace: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    const project = await prepareRunProject(local, 'e2e-params');
    namespace = project.namespace;
    cleanups.push(() => project.cleanup());
    const kindlingYaml = project.kindlingYaml;
    vscode = await launchVSCode({
      name: 'submit-parameters',
      files: { 'kindling.yaml': kindlingYaml, 'pipelines/train.yaml': pipelineText },
      settings: { 'kindling.kubeconfig': local.kubeconfigPath, 'kindling.run.context': local.context },
    });
  });

  after(async () => {
    await vscode?.close();
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  });

  const runs = async (): Promise<Workflow[]> => ((await custom.listNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', namespace })) as { items: Workflow[] }).items;

  test('a parameter changed in the input box reaches the submitted Workflow and its provenance; the next submit remembers it', async () => {
    const page = vscode.page;
    await vscode.waitForLog(() => vscode.outputChannelLog('Kindling'), /Kindling \S+ activated/, { timeoutMs: 60_000 });
    const quick = page.locator('.quick-input-widget');
    const input = quick.locator('input.input');
    // The command's own input box may replace the palette before the palette was ever hidden.
    const firstBox = quick.locator('.quick-input-title', { hasText: 'Submit train.yaml: parameter 1 of 2' });
    await vscode.openFile('pipelines/train.yaml');
    await vscode.runCommand('Kindling: Submit Pipeline', { until: firstBox, timeoutMs: 60_000 });
    assert.equal(await input.inputValue(), '3', "prefilled with the file's value");
    assert.match(await quick.innerText(), /epochs/);
    await input.fill('12');
    await page.keyboard.press('Enter');

    await quick.locator('.quick-input-title', { hasText: 'Submit train.yaml: parameter 2 of 2' }).waitFor({ timeout: 10_000 });
    await input.fill('full');
    await quick.locator('.monaco-list-row', { hasText: /^full/ }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');

    const [wf] = await waitFor(async () => {
      const items = await runs();
      return items.length ? items : undefined;
    }, { timeoutMs: 60_000, what: 'the submitted Workflow in the API' });
    assert.match(wf.metadata.name, /^train-params-[a-z0-9]{5}$/);
    const values = Object.fromEntries((wf.spec.arguments?.parameters ?? []).map((p) => [p.name, p.value]));
    assert.deepEqual(values, { epochs: '12', mode: 'full' });
    assert.deepEqual(JSON.parse(wf.metadata.annotations?.['kindling.dev/parameters'] ?? '{}'), { epochs: '12', mode: 'full' });

    // Run ends (the Runs view row), then a second submit: the box now holds what was given for this file.
    const sidebar = await vscode.openViewContainer('Kindling');
    const runsPane = sidebar.locator('.pane', { has: page.locator('.pane-header h3.title', { hasText: /^Runs$/ }) });
    const row = runsPane.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: wf.metadata.name }) }).first();
    await waitFor(async () => (/Succeeded|Failed/.test(await row.locator('.label-description').innerText()) ? true : undefined), { timeoutMs: 120_000, what: 'the run to finish in the Runs view' });
    await page.keyboard.press('Escape');
    await vscode.openFile('pipelines/train.yaml');
    await vscode.runCommand('Kindling: Submit Pipeline', { until: firstBox, timeoutMs: 60_000 });
    assert.equal(await input.inputValue(), '12', 'remembered for the file');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(3000);
    assert.equal((await runs()).length, 1, 'Escape submitted nothing');
    await vscode.screenshot('submit-parameters');
  });
});
