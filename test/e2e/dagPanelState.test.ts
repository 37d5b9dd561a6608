// The DAG panel keeps what the user did with it, in a real VS Code (code-server): the hover card is
// on screen (not only in the DOM), an edit of the document re-renders with the new step while the
// zoom and the selected step stay, and after "Developer: Reload Window" the panel beside the editor
// comes back with the same document, zoom and selection, as does the side-bar view.
// Screenshots: test-results/dag-hover-card.png, dag-panel-after-edit.png, dag-panel-restored.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { buildTemplateIndex, parsePipeline } from '../../src/core/pipeline';
import { launchVSCode, waitFor, type VSCode } from './harness/codeServer';

const examples = join(__dirname, '..', '..', 'examples');
const workflowText = readFileSync(join(examples, 'pipelines', 'refit-workflow.yaml'), 'utf8');
const templatesText = readFileSync(join(examples, 'pipelines', 'feature-templates.yaml'), 'utf8');
const templates = buildTemplateIndex([{ fileName: 'feature-templates.yaml', text: templatesText }]);

// The edit the test types: one more shard in the loop, i.e. one more step in the graph.
const loopLine = workflowText.split('\n').findIndex((l) => l.includes('withItems: [clicks-eu, clicks-us, clicks-apac]'));
const typed = ', clicks-latam';
const editedText = workflowText.replace('clicks-apac]', `clicks-apac${typed}]`);
const before_ = parsePipeline(workflowText, { fileName: 'refit-workflow.yaml', templates }).graphs[0];
const after_ = parsePipeline(editedText, { fileName: 'refit-workflow.yaml', templates }).graphs[0];
const added = after_?.nodes.find((n) => !before_?.nodes.some((m) => m.id === n.id));

interface ViewState {
  documentUri?: string;
  scale: number;
  panX: number;
  panY: number;
  auto: boolean;
  selected?: string;
}

interface DagHooks {
  nodeScreenCentre(id: string): { x: number; y: number } | undefined;
  viewState(): ViewState;
}

interface DagWebview {
  frame: FrameLocator;
  /** Where its iframe is on the page (the panel is in the editor area, the side-bar view on the left). */
  box: { x: number; y: number; width: number; height: number };
}

/** Every webview whose app has drawn `nodes` steps, left to right. */
async function drawnWebviews(vscode: VSCode, nodes: number): Promise<DagWebview[]> {
  const found: DagWebview[] = [];
  const iframes = vscode.page.locator('iframe.webview');
  const count = await iframes.count();
  for (let i = 0; i < count; i++) {
    const frame = vscode.webviewFrame(i);
    const drawn = await frame.locator(`#root[data-state="ready"][data-node-count="${nodes}"]`).count().catch(() => 0);
    const box = drawn ? await iframes.nth(i).boundingBox() : null;
    if (box && box.width > 0) found.push({ frame, box });
  }
  return found.sort((a, b) => a.box.x - b.box.x);
}

/** The editor-area panel: the right-most webview that has drawn the graph. */
async function panelWebview(vscode: VSCode, nodes: number, what = `the DAG panel with ${nodes} steps`): Promise<DagWebview> {
  return waitFor(
    async () => {
      const drawn = await drawnWebviews(vscode, nodes);
      const last = drawn[drawn.length - 1];
      return last && last.box.x > 400 ? last : undefined;
    },
    { timeoutMs: 60_000, what },
  );
}

/** The workflow's own editor tab (the panel's tab says "DAG: refit-workflow.yaml"). */
function editorTab(vscode: VSCode) {
  return vscode.page.locator('.tab', { hasText: /^\s*refit-workflow\.yaml/ }).first();
}

function viewState(frame: FrameLocator): Promise<ViewState> {
  return frame.locator('#root').evaluate(() => (globalThis as unknown as { kindlingDag: DagHooks }).kindlingDag.viewState());
}

function nodeCentre(frame: FrameLocator, id: string): Promise<{ x: number; y: number } | undefined> {
  return frame.locator('#root').evaluate((_el, nodeId) => (globalThis as unknown as { kindlingDag: DagHooks }).kindlingDag.nodeScreenCentre(nodeId), id);
}

/** The page state is saved 300 ms after the last change: wait until the view stops changing. */
async function settledViewState(frame: FrameLocator): Promise<ViewState> {
  let previous = '';
  await waitFor(
    async () => {
      const now = JSON.stringify(await viewState(frame));
      const same = now === previous;
      previous = now;
      return same;
    },
    { intervalMs: 500, what: 'the panel view to settle' },
  );
  return JSON.parse(previous) as ViewState;
}

function assertSameView(actual: ViewState, expected: ViewState, what: string): void {
  assert.equal(actual.documentUri, expected.documentUri, `${what}: same document`);
  assert.equal(actual.selected, expected.selected, `${what}: same selected step`);
  assert.equal(actual.auto, false, `${what}: still the user's own view, not a re-fit`);
  for (const key of ['scale', 'panX', 'panY'] as const) {
    assert.ok(Math.abs(actual[key] - expected[key]) < 1e-6, `${what}: ${key} ${actual[key]} kept (was ${expected[key]})`);
  }
}

describe('DAG panel state in code-server: hover card, edits, reload', () => {
  let vscode: VSCode;
  /** The view and selection the user made in the edit test, which a reload must bring back. */
  let userView: ViewState | undefined;

  before(async () => {
    assert.ok(before_ && after_ && added, 'the example parses, and the edit adds a step');
    assert.ok(loopLine >= 0, 'the example has the withItems loop the test edits');
    vscode = await launchVSCode({
      name: 'dag-state',
      files: {
        'kindling.yaml': readFileSync(join(examples, 'kindling.yaml'), 'utf8'),
        'pipelines/refit-workflow.yaml': workflowText,
        'pipelines/feature-templates.yaml': templatesText,
      },
    });
  });

  after(async () => {
    await vscode?.close();
  });

  test('the hover card of a step is on screen, inside the panel, with kind, image, command and resources', async () => {
    await vscode.openFile('pipelines/refit-workflow.yaml');
    await vscode.runCommand('Kindling: Show Pipeline DAG');
    const { frame, box: webviewBox } = await panelWebview(vscode, before_.nodes.length);
    // A step at the right edge of the graph: the card must open towards the inside, not off-screen.
    const step = before_.nodes.find((n) => n.id === 'prepare-features');
    assert.ok(step, 'the example has prepare-features');
    const at = await nodeCentre(frame, step.id);
    assert.ok(at, `the panel knows where ${step.id} is`);
    const canvas = frame.locator('canvas.graph');
    await canvas.hover({ position: { x: at.x + 3, y: at.y + 2 } });
    const card = frame.locator('.card');
    await frame.locator('.card:not([hidden])').waitFor({ timeout: 10_000 });

    const cardBox = await card.boundingBox();
    const canvasBox = await canvas.boundingBox();
    assert.ok(cardBox && canvasBox, 'card and canvas are laid out');
    assert.ok(cardBox.width > 80 && cardBox.height > 40, `the card has a readable size (${cardBox.width}×${cardBox.height})`);
    for (const [outer, name] of [
      [canvasBox, 'the graph canvas'],
      [webviewBox, 'the webview'],
    ] as const) {
      assert.ok(
        cardBox.x >= outer.x - 1 && cardBox.y >= outer.y - 1 && cardBox.x + cardBox.width <= outer.x + outer.width + 1 && cardBox.y + cardBox.height <= outer.y + outer.height + 1,
        `card ${JSON.stringify(cardBox)} lies inside ${name} ${JSON.stringify(outer)}`,
      );
    }
    const style = await card.evaluate((e) => {
      // No DOM lib in this tsconfig: the page's own getComputedStyle, typed by hand.
      type Style = { display: string; visibility: string; opacity: string; backgroundColor: string };
      const cs = (globalThis as unknown as { getComputedStyle(el: unknown): Style }).getComputedStyle(e);
      return { display: cs.display, visibility: cs.visibility, opacity: Number(cs.opacity), background: cs.backgroundColor };
    });
    assert.notEqual(style.display, 'none');
    assert.equal(style.visibility, 'visible');
    assert.equal(style.opacity, 1, 'the card is opaque');
    assert.notEqual(style.background, 'rgba(0, 0, 0, 0)', 'the card has a background, so its text does not mix with the graph');
    // Nothing of the workbench (a notification, another part) covers the webview where the card is.
    const topmost = await vscode.page.evaluate(
      ([x, y]) => {
        type Hit = { tagName: string; className: string } | null;
        const hit = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): Hit } }).document.elementFromPoint(x, y);
        return hit ? `${hit.tagName.toLowerCase()}.${hit.className}` : '';
      },
      [cardBox.x + cardBox.width / 2, cardBox.y + cardBox.height / 2] as const,
    );
    assert.match(topmost, /^iframe\..*webview/, `the webview is on top where the card is (found ${topmost})`);

    const text = (await card.textContent()) ?? '';
    assert.match(text, new RegExp(`^${step.label}`), 'the card is titled with the step name');
    assert.ok(text.includes(step.kind), `the card says the kind (${step.kind})`);
    for (const key of ['image', 'command', 'resources']) {
      const detail = step.details.find((d) => d.key === key);
      assert.ok(detail, `the parser gives ${step.id} a ${key}`);
      assert.ok(text.includes(detail.value), `the card shows ${key} ${detail.value}`);
    }
    // The harness normally moves the mouse away before a screenshot, which ends the hover.
    await vscode.screenshot('dag-hover-card', { keepPointer: true });
    assert.equal(await frame.locator('.card:not([hidden])').count(), 1, 'the card was still shown when the screenshot was taken');
  });

  test('an edit re-renders with the new step and keeps the zoom and the selected step', async () => {
    assert.ok(added);
    const { frame } = await panelWebview(vscode, before_.nodes.length);
    // Put the editor cursor inside the loop first: cursor moves select the step under the cursor,
    // and the test wants a selection made in the panel.
    await editorTab(vscode).click();
    await vscode.page.keyboard.press('Control+G');
    const goTo = vscode.page.locator('.quick-input-widget input.input');
    await goTo.waitFor({ state: 'visible' });
    await goTo.fill(`:${loopLine + 1}`);
    await vscode.page.keyboard.press('Enter');
    await goTo.waitFor({ state: 'hidden' });
    await vscode.page.keyboard.press('End');
    await vscode.page.keyboard.press('ArrowLeft'); // before the closing ]
    await waitFor(async () => ((await vscode.page.locator('[id="status.editor.selection"]').textContent()) ?? '').includes(`Ln ${loopLine + 1},`), {
      what: `the editor cursor on line ${loopLine + 1}`,
    });

    // In the panel: keyboard selection (no jump to the source), then zoom with the mouse wheel.
    const canvas = frame.locator('canvas.graph');
    const canvasBox = await canvas.boundingBox();
    assert.ok(canvasBox);
    await canvas.click({ position: { x: 5, y: 5 } }); // empty corner: focuses the canvas only
    await vscode.page.keyboard.press('Escape'); // drop the step the editor cursor selected
    await vscode.page.keyboard.press('Shift+ArrowDown'); // first step
    await vscode.page.keyboard.press('Shift+ArrowDown'); // one of its successors
    await vscode.page.mouse.move(canvasBox.x + canvasBox.width / 2, canvasBox.y + canvasBox.height / 2);
    await vscode.page.mouse.wheel(0, -240);
    const chosen = await settledViewState(frame);
    assert.ok(chosen.selected, 'a step is selected in the panel');
    assert.equal(chosen.auto, false, 'the wheel zoom made it the user view');
    assert.ok(chosen.scale > 0, 'a zoom');

    // Type into the editor where its cursor still is.
    await editorTab(vscode).click();
    await vscode.page.keyboard.type(typed);
    await waitFor(async () => ((await frame.locator('#root').getAttribute('data-node-count')) === String(after_.nodes.length) ? true : undefined), {
      what: `the re-render with ${after_.nodes.length} steps`,
    });
    await waitFor(async () => ((await frame.locator('#node-list li').allTextContents()).includes(`${added.label} (${added.kind})`) ? true : undefined), {
      what: `the new step ${added.label} in the panel`,
    });
    const afterEdit = await settledViewState(frame);
    assertSameView(afterEdit, chosen, 'after the edit');
    await vscode.screenshot('dag-panel-after-edit');
    // Saved, so the reload test sees the edited file without a "restore unsaved changes" step.
    await vscode.page.keyboard.press('Control+S');
    await waitFor(async () => !(await editorTab(vscode).getAttribute('class'))?.includes('dirty'), { timeoutMs: 15_000, what: 'the file saved' });
    userView = afterEdit;
  });

  test('after a window reload the panel and the side-bar view come back with the same graph, zoom and selection', async () => {
    assert.ok(userView, 'the edit test left a user view to restore');
    // The side-bar view open too, so the reload has both kinds of DAG webview to bring back.
    await vscode.openViewContainer('Kindling');
    await waitFor(async () => ((await drawnWebviews(vscode, after_.nodes.length)).length >= 2 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the side-bar DAG view drawing the active editor',
    });
    await vscode.reload();

    const { frame } = await panelWebview(vscode, after_.nodes.length, 'the restored DAG panel drawing the saved file');
    await vscode.page.locator('.tab', { hasText: 'DAG: refit-workflow.yaml' }).first().waitFor();
    const listed = await waitFor(
      async () => {
        const items = await frame.locator('#node-list li').allTextContents();
        return items.length === after_.nodes.length ? items : undefined;
      },
      { what: 'the restored panel listing every step' },
    );
    for (const node of after_.nodes) assert.ok(listed.includes(`${node.label} (${node.kind})`), `restored panel lists ${node.label}`);
    assertSameView(await settledViewState(frame), userView, 'after the reload');

    // The side bar came back too (VS Code restores the open view container), on the active editor's pipeline.
    const drawn = await waitFor(
      async () => {
        const all = await drawnWebviews(vscode, after_.nodes.length);
        return all.length >= 2 && all[0].box.x < 400 ? all : undefined;
      },
      { timeoutMs: 60_000, what: 'the side-bar DAG view drawing the active editor after the reload' },
    );
    const side = await viewState(drawn[0].frame);
    assert.equal(side.documentUri, userView.documentUri, 'the side-bar view shows the active editor’s file');
    assert.match(vscode.outputChannelLog('Kindling'), /Feature "dag" loaded/);
    await vscode.screenshot('dag-panel-restored');
  });
});
