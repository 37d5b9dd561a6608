// The DAG panel in a real VS Code (code-server): "Kindling: Show Pipeline DAG" on the example
// Argo workflow opens the panel beside the editor, draws every step (templateRefs resolved from the
// workspace's WorkflowTemplate), a click on a step moves the editor cursor to its definition, and
// hovering shows its details. Screenshot: test-results/dag-panel.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildTemplateIndex, generateArgoWorkflow, parsePipeline } from '../../src/core/pipeline';
import { graphBytesThreshold } from '../../src/protocol/dagMessages';
import { uiThreadLayoutMaxNodes } from '../../webview/layout/workerProtocol';
import { launchVSCode, waitFor, type VSCode } from './harness/codeServer';

const examples = join(__dirname, '..', '..', 'examples');
const workflowText = readFileSync(join(examples, 'pipelines', 'refit-workflow.yaml'), 'utf8');
const templatesText = readFileSync(join(examples, 'pipelines', 'feature-templates.yaml'), 'utf8');
// What the panel must show: the parser's own reading of the file, templates included.
const expected = parsePipeline(workflowText, {
  fileName: 'refit-workflow.yaml',
  templates: buildTemplateIndex([{ fileName: 'feature-templates.yaml', text: templatesText }]),
}).graphs[0];

// Big enough that its layout must run off the UI thread (over uiThreadLayoutMaxNodes).
const bigText = generateArgoWorkflow(uiThreadLayoutMaxNodes + 500);
const bigNodes = parsePipeline(bigText, { fileName: 'big-workflow.yaml' }).graphs[0]?.nodes.length ?? 0;

// A task that depends on a task that does not exist: the parser reports it at the reference.
const brokenText = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: broken
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - name: fetch
            template: step
          - name: train
            depends: fetch && missing-task
            template: step
    - name: step
      container:
        image: busybox
`;

describe('Pipeline DAG panel in code-server', () => {
  let vscode: VSCode;

  before(async () => {
    assert.ok(expected && expected.nodes.length > 5, 'the example parses');
    vscode = await launchVSCode({
      name: 'dag',
      files: {
        'kindling.yaml': readFileSync(join(examples, 'kindling.yaml'), 'utf8'),
        'pipelines/refit-workflow.yaml': workflowText,
        'pipelines/feature-templates.yaml': templatesText,
        'pipelines/broken.yaml': brokenText,
        'pipelines/big-workflow.yaml': bigText,
      },
    });
  });

  after(async () => {
    await vscode?.close();
  });

  test('Show Pipeline DAG draws every step of the example, templateRefs resolved', async () => {
    await vscode.openFile('pipelines/refit-workflow.yaml');
    await vscode.runCommand('Kindling: Show Pipeline DAG');
    const frame = await vscode.dagFrame();
    const root = frame.locator('#root');
    // The first render may come before the workspace templates are indexed; the panel re-renders.
    await waitFor(async () => ((await root.getAttribute('data-node-count')) === String(expected.nodes.length) ? true : undefined), {
      timeoutMs: 30_000,
      what: `${expected.nodes.length} nodes in the panel`,
    });
    const listed = await frame.locator('#node-list li').allTextContents();
    for (const node of expected.nodes) assert.ok(listed.includes(`${node.label} (${node.kind})`), `panel lists ${node.label}; it lists:\n${listed.join('\n')}`);
    assert.ok(!listed.some((l) => l.endsWith('(unresolved)')), 'no unresolved templateRef');
    assert.equal(await frame.locator('.banner:not([hidden])').count(), 0, 'no problem banner for a valid file');
    // A graph this small is laid out on the UI thread by choice (the worker round trip costs more
    // than the layout); the last test checks that a big one goes to the worker.
    assert.equal(await root.getAttribute('data-layout-where'), 'main');
    // The panel opened beside the editor: two editor groups.
    assert.ok((await vscode.page.locator('.editor-group-container').count()) >= 2, 'the panel is beside the editor');
  });

  test('clicking a step moves the editor cursor to its definition; hovering shows its details', async () => {
    const frame = await vscode.dagFrame();
    const train = expected.nodes.find((n) => n.id === 'train') ?? expected.nodes[expected.nodes.length - 1];
    assert.ok(train.range, 'the step has a source range');
    const at = await frame.locator('#root').evaluate((_el, id) => {
      const hooks = (globalThis as unknown as { kindlingDag: { nodeScreenCentre(id: string): { x: number; y: number } | undefined } }).kindlingDag;
      return hooks.nodeScreenCentre(id);
    }, train.id);
    assert.ok(at, `the panel knows where ${train.id} is`);
    await frame.locator('canvas.graph').click({ position: at });
    const selection = vscode.page.locator('[id="status.editor.selection"]');
    const line = await waitFor(
      async () => {
        const text = (await selection.textContent().catch(() => '')) ?? '';
        const m = /Ln (\d+)/.exec(text);
        return m && Number(m[1]) === train.range!.startLine + 1 ? Number(m[1]) : undefined;
      },
      { timeoutMs: 15_000, what: `editor cursor on line ${train.range.startLine + 1}` },
    );
    assert.equal(line, train.range.startLine + 1);
    // Hover: the card is DOM text, filled from node.details.
    await frame.locator('canvas.graph').hover({ position: { x: at.x + 2, y: at.y + 1 } });
    const card = frame.locator('.card:not([hidden])');
    await card.waitFor({ timeout: 10_000 });
    const cardText = (await card.textContent()) ?? '';
    assert.match(cardText, new RegExp(train.label));
    for (const d of train.details.slice(0, 2)) assert.ok(cardText.includes(d.key), `card shows ${d.key}`);
    const shot = await vscode.screenshot('dag-panel');
    assert.ok(readFileSync(shot).length > 10_000);
  });

  test('the panel follows the active editor; a broken file still draws, with a problem banner and Problems entries', async () => {
    await vscode.openFile('pipelines/broken.yaml');
    const frame = await vscode.dagFrame();
    const banner = frame.locator('.banner:not([hidden])');
    await banner.waitFor({ timeout: 30_000 });
    assert.match((await banner.textContent()) ?? '', /missing-task/);
    assert.match((await banner.textContent()) ?? '', /line 14/, 'the banner says where');
    await waitFor(async () => ((await frame.locator('#root').getAttribute('data-node-count')) === '2' ? true : undefined), {
      what: 'the two tasks of broken.yaml drawn',
    });
    // "Show problems" in the banner opens the Problems view with our diagnostic.
    await banner.getByRole('button', { name: 'Show problems' }).click();
    const markers = vscode.page.locator('.markers-panel');
    await markers.filter({ hasText: 'missing-task' }).first().waitFor({ timeout: 15_000 });
    await vscode.screenshot('dag-panel-problem');
  });

  // It also travels as UTF-8 bytes (graphUtf8), the path only graphs over 200 nodes take through VS Code.
  test('a big graph is laid out in the Web Worker (blob: URL under the webview CSP), not on the UI thread', async () => {
    assert.ok(bigNodes > uiThreadLayoutMaxNodes, `the generated workflow has ${bigNodes} steps`);
    assert.ok(bigNodes > graphBytesThreshold, 'the graph takes the bytes path');
    await vscode.openFile('pipelines/big-workflow.yaml');
    await vscode.runCommand('Kindling: Show Pipeline DAG');
    const frame = await vscode.dagFrame();
    const root = frame.locator('#root');
    await waitFor(async () => ((await root.getAttribute('data-node-count')) === String(bigNodes) && (await root.getAttribute('data-state')) === 'ready' ? true : undefined), {
      timeoutMs: 60_000,
      what: `the ${bigNodes} steps of big-workflow.yaml drawn`,
    });
    assert.ok(Number(await root.getAttribute('data-visible-count')) > uiThreadLayoutMaxNodes, 'more visible steps than the UI-thread limit');
    assert.equal(await root.getAttribute('data-layout-where'), 'worker');
    await vscode.screenshot('dag-panel-big');
  });
});
