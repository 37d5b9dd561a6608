// Submit Pipeline as a user does it, in a real VS Code (code-server) against the test environment's
// control plane (real Argo workflow-controller, KWOK nodes): open a small DAG Workflow, show the DAG
// panel, "Kindling: Submit Pipeline" from the palette → the run appears in the Runs view and reaches
// Succeeded, and the panel colours every node with the run's status (read back from the node's hover
// card, which shows the status the panel holds for it). Screenshot: test-results/submit-pipeline-dag.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { parsePipeline } from '../../src/core/pipeline';
import { getCluster } from '../integration/helpers/testCluster';
import { prepareRunProject } from './harness/runProject';
import { launchVSCode, waitFor, type VSCode } from './harness/codeServer';

const local = getCluster('local');

const pipelineText = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: dag-demo-
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - { name: extract, template: step }
          - { name: transform, depends: extract, template: step }
          - { name: load, depends: transform, template: step }
    - name: step
      container: { image: busybox:1.36, command: [sh, -c, "echo ok"] }
`;

/** The status the panel shows for a node: hover it and read the card. */
async function shownStatus(frame: FrameLocator, nodeId: string): Promise<string | undefined> {
  const at = await frame.locator('#root').evaluate((_el, id) => {
    const hooks = (globalThis as unknown as { kindlingDag: { nodeScreenCentre(id: string): { x: number; y: number } | undefined } }).kindlingDag;
    return hooks.nodeScreenCentre(id);
  }, nodeId);
  if (!at) return undefined;
  await frame.locator('canvas.graph').hover({ position: { x: at.x + 2, y: at.y + 1 } });
  const status = frame.locator('.card:not([hidden]) .card-status');
  if (!(await status.count())) return undefined;
  return ((await status.textContent()) ?? '').replace(/^status:\s*/, '').trim();
}

describe('Submit Pipeline in code-server colours the DAG panel', () => {
  let vscode: VSCode;
  const cleanups: (() => Promise<void> | void)[] = [];
  const graph = parsePipeline(pipelineText, { fileName: 'dag-demo.yaml' }).graphs[0];

  before(async () => {
    assert.equal(graph?.nodes.length, 3);
    const project = await prepareRunProject(local, 'e2e-submit');
    cleanups.push(() => project.cleanup());
    const kindlingYaml = project.kindlingYaml;
    vscode = await launchVSCode({
      name: 'submit-pipeline',
      files: { 'kindling.yaml': kindlingYaml, 'pipelines/dag-demo.yaml': pipelineText },
      settings: { 'kindling.kubeconfig': local.kubeconfigPath, 'kindling.run.context': local.context },
    });
  });

  after(async () => {
    await vscode?.close();
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  });

  test('palette → Submit Pipeline: the run succeeds in the Runs view and every node in the panel turns succeeded', async () => {
    await vscode.waitForLog(() => vscode.outputChannelLog('Kindling'), /Kindling \S+ activated/, { timeoutMs: 60_000 });
    await vscode.openFile('pipelines/dag-demo.yaml');
    await vscode.runCommand('Kindling: Show Pipeline DAG');
    const frame = await vscode.dagFrame();
    for (const n of graph.nodes) assert.equal(await shownStatus(frame, n.id), undefined, `${n.id} has no colour before the run`);

    // The panel opened beside the editor without taking focus: the palette command submits the file it shows.
    await vscode.runCommand('Kindling: Submit Pipeline');

    const sidebar = await vscode.openViewContainer('Kindling');
    const runsPane = sidebar.locator('.pane', { has: vscode.page.locator('.pane-header h3.title', { hasText: /^Runs$/ }) });
    const runRow = runsPane.locator('.monaco-list-row', { has: vscode.page.locator('.label-name', { hasText: /^dag-demo-[a-z0-9]{5}$/ }) }).first();
    await runRow.waitFor({ timeout: 60_000 });
    const description = await waitFor(
      async () => {
        const text = (await runRow.locator('.label-description').innerText()).trim();
        return /Succeeded|Failed/.test(text) ? text : undefined;
      },
      { timeoutMs: 120_000, what: 'the pipeline run to finish in the Runs view' },
    );
    assert.match(description, /^Succeeded · [\d.]+ m?s · pipeline$/, `Runs view row: ${description}`);

    const statuses = await waitFor(
      async () => {
        const out: Record<string, string | undefined> = {};
        for (const n of graph.nodes) out[n.id] = await shownStatus(frame, n.id);
        return Object.values(out).every((s) => s === 'succeeded') ? out : undefined;
      },
      { timeoutMs: 30_000, what: 'every node of the panel coloured succeeded' },
    );
    assert.deepEqual(Object.keys(statuses).sort(), ['extract', 'load', 'transform']);
    const shot = await vscode.screenshot('submit-pipeline-dag');
    assert.ok(readFileSync(shot).length > 10_000);
  });
});
