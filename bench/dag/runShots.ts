/**
 * Screenshots of the DAG panel's run view in the fake host, to look at while developing and for the
 * docs: a synthetic Argo run (test/fixtures/runs/syntheticRun.ts, shaped as the real controller
 * shapes one) goes through core's workflowRunGraph and reaches the page as the host sends it
 * (viewModes, the graph with `run`, the status snapshot).
 *   npx tsx bench/dag/runShots.ts [outDir=docs/images] [width=1100] [height=720]
 * Writes run-view-2k-collapsed.png, run-view-2k-expanded.png, run-view-10k-collapsed.png and
 * run-view-10k-expanded.png, and prints what the panel reports (groups' texts, failures, boxes drawn).
 */
import { join } from 'node:path';
import { workflowRunGraph } from '../../src/core/pipelineRun/runGraph';
import { graphMessage, type RunViewInfo } from '../../src/protocol/dagMessages';
import { syntheticFanOutRun } from '../../test/fixtures/runs/syntheticRun';
import { openPanel, sendAndWait, stageMessage, startHarness, type FakeWindow } from './harness';
import { toWire } from './vscodeWire';

const [outDir = 'docs/images', w = '1100', hgt = '720'] = process.argv.slice(2);

interface Case {
  tag: string;
  width: number;
  failing: number[];
  running?: number[];
  pending?: number[];
}

const cases: Case[] = [
  // 2,000 nodes, still running: a few failed already, some running, the tail not started.
  { tag: '2k', width: 1996, failing: [17, 803, 1544], running: Array.from({ length: 40 }, (_, i) => 1900 + i), pending: Array.from({ length: 56 }, (_, i) => 1940 + i) },
  // 10,000 nodes, finished with 7 failures.
  { tag: '10k', width: 9996, failing: [5, 1200, 3333, 4999, 7001, 8500, 9990] },
];

async function main(): Promise<void> {
  const h = await startHarness();
  try {
    for (const c of cases) {
      const wf = syntheticFanOutRun({ name: `score-run-${c.tag}`, width: c.width, failing: c.failing, running: c.running, pending: c.pending });
      const rg = workflowRunGraph(wf);
      if ('unavailable' in rg) throw new Error(rg.unavailable);
      const run: RunViewInfo = { runId: `workflow/kindling/${wf.metadata.name}`, name: wf.metadata.name, namespace: 'kindling', phase: rg.phase };
      const page = await openPanel(h, { width: Number(w), height: Number(hgt) });
      const documentUri = 'file:///work/pipelines/score.yaml';
      await stageMessage(page, toWire({ type: 'viewModes', payload: { current: 'run', available: ['spec', 'run'], run } }));
      await page.evaluate(() => (globalThis as unknown as FakeWindow).fakeHost.sendStaged());
      const r = await sendAndWait(page, graphMessage({ documentUri, fileName: 'score.yaml', version: 1, result: { graphs: [rg.graph], diagnostics: [] }, run }), 'graph');
      await sendAndWait(page, { type: 'status', payload: { runId: run.runId, statuses: rg.statuses, phase: rg.phase } }, 'status');
      await page.waitForTimeout(300);
      const state = await page.evaluate(() => (globalThis as unknown as FakeWindow).kindlingDag.runState());
      console.log(c.tag, 'nodes', rg.graph.nodes.length, 'firstPaintMs', Math.round(r.ms), JSON.stringify(state));
      await page.screenshot({ path: join(outDir, `run-view-${c.tag}-collapsed.png`) });
      // Expand the fan-out (as a click on its chevron does), then go to the first failure (F8).
      const group = Object.keys(state?.groupLabels ?? {})[0];
      if (group) await page.evaluate((id) => (globalThis as unknown as FakeWindow).kindlingDag.toggleGroup(id), group);
      await page.evaluate(() => (globalThis as unknown as FakeWindow).kindlingDag.stepFailed(1));
      await page.waitForTimeout(400);
      const after = await page.evaluate(() => (globalThis as unknown as FakeWindow).kindlingDag.runState());
      console.log(c.tag, 'expanded', JSON.stringify({ visible: after?.visible, cursor: after?.cursor, collapsed: after?.collapsed }));
      await page.screenshot({ path: join(outDir, `run-view-${c.tag}-expanded.png`) });
      await page.close();
    }
  } finally {
    await h.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
