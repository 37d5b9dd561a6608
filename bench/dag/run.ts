/**
 * npm run bench:dag — the DAG panel at 100, 1,000 and 10,000 nodes of a generated Argo workflow,
 * in headless Debian chromium (software canvas, --disable-gpu) with the fake host.
 *
 * Per size (medians of several runs):
 * - parseMs: parsePipeline in Node (where the extension host runs it)
 * - layoutMs: in the page, graph message received → projection + layout done (worker round trip)
 * - parseLayoutMs = parseMs + layoutMs
 * - firstPaintMs = parseMs + encodeMs (building the host message — UTF-8 JSON bytes above 200 nodes —
 *   and what VS Code's webview.postMessage does to it in the extension host: vscodeWire.ts)
 *   + (delivery → the frame with the graph is out, measured in the page: the workbench's JSON.parse
 *   and the post into the frame, done by the fake host in a task of its own as VS Code does, then
 *   the app's UTF-8 decode and JSON.parse, projection, layout, scene build, canvas paint, next frame)
 * - panFps / zoomFps: requestAnimationFrame frames per second over a scripted 2 s pan / zoom at
 *   the initial view; panFpsFitAll: the same pan with the whole graph in view
 * - statusPaintMs: a status snapshot touching every node posted → the repainted frame is out
 *   (no layout)
 * - deliverMs (diagnostic, part of firstPaintMs): delivery start → the app's message handler runs
 *   (the workbench's JSON.parse, the structured clone, the wait for the message task)
 * Writes bench-results/dag.json (or $DAG_BENCH_OUT).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import os from 'node:os';
import { generateArgoWorkflow, parsePipeline } from '../../src/core/pipeline';
import type { NodeStatus, ParseResult } from '../../src/core/model/pipelineGraph';
import { graphMessage } from '../../src/protocol/dagMessages';
import { openPanel, sendStagedAndWait, stageMessage, startHarness, type FakeWindow } from './harness';
import { toWire } from './vscodeWire';
import type { Page } from 'playwright-core';

const sizes = (process.env.DAG_BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const runs = Number(process.env.DAG_BENCH_RUNS ?? 5);
/** Experiments write elsewhere so they do not replace the recorded results. */
const out = process.env.DAG_BENCH_OUT ?? 'bench-results/dag.json';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

function timeParse(yaml: string, n: number): { ms: number; result: ParseResult } {
  parsePipeline(yaml, { fileName: `generated-${n}.yaml` }); // warm-up (JIT)
  const times: number[] = [];
  let result: ParseResult | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = parsePipeline(yaml, { fileName: `generated-${n}.yaml` });
    times.push(performance.now() - t0);
  }
  if (!result) throw new Error('no parse');
  return { ms: median(times), result };
}

/** rAF frames per second while `step` moves the view once per frame for `ms`. */
async function measureFps(page: Page, kind: 'pan' | 'zoom', ms = 2000): Promise<number> {
  // A string, so the bundler's helpers (tsx adds __name to named functions) stay out of the page.
  const step = kind === 'pan' ? 'dag.panBy(frames % 240 < 120 ? -7 : 7, frames % 240 < 120 ? -5 : 5)' : 'dag.zoomBy(frames % 120 < 60 ? 1.02 : 1 / 1.02)';
  return page.evaluate(`new Promise((resolve) => {
    const dag = window.kindlingDag;
    let frames = 0;
    let start = -1;
    // The app repaints in the frame after each change, so each frame paints once.
    function tick(now) {
      if (start < 0) start = now; else frames++;
      ${step};
      if (now - start < ${ms}) requestAnimationFrame(tick); else resolve((frames * 1000) / (now - start));
    }
    requestAnimationFrame(tick);
  })`) as Promise<number>;
}

async function main(): Promise<void> {
  const h = await startHarness();
  const results: Record<string, number>[] = [];
  try {
    for (const n of sizes) {
      const yaml = generateArgoWorkflow(n);
      const { ms: parseMs, result } = timeParse(yaml, n);
      const graph = result.graphs[0];
      if (!graph) throw new Error(`generated workflow of ${n} did not parse: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
      const page = await openPanel(h);
      const inPage: number[] = [];
      const encode: number[] = [];
      const layout: number[] = [];
      const paint: number[] = [];
      const inApp: number[] = [];
      for (let i = 0; i < runs; i++) {
        // A new document URI per run: each is a first render, not a re-render of a known file.
        // The message exactly as the host builds it (UTF-8 JSON bytes for big graphs), timed in Node.
        // Then what VS Code's webview.postMessage makes of it for the trip to the workbench.
        const e0 = performance.now();
        const message = graphMessage({ documentUri: `bench:/${n}/${i}`, fileName: `generated-${n}.yaml`, version: 1, result });
        const wire = toWire(message);
        encode.push(performance.now() - e0);
        await stageMessage(page, wire);
        // Start from an idle panel: the previous run's deferred work (bitmap prerender, list) is done.
        await page.waitForTimeout(400);
        const r = await sendStagedAndWait(page, 'graph');
        inPage.push(r.ms);
        layout.push(Number(r.payload.layoutMs));
        paint.push(Number(r.payload.paintMs));
        inApp.push(Number(r.payload.totalMs));
      }
      const lod = await page.evaluate(() => (globalThis as unknown as { document: { getElementById(id: string): { dataset: Record<string, string> } } }).document.getElementById('root').dataset.lod);
      const pan: number[] = [];
      const zoom: number[] = [];
      for (let i = 0; i < 3; i++) pan.push(await measureFps(page, 'pan'));
      for (let i = 0; i < 3; i++) zoom.push(await measureFps(page, 'zoom'));
      await page.evaluate(() => (globalThis as unknown as FakeWindow).kindlingDag.fit());
      const panFit: number[] = [];
      for (let i = 0; i < 3; i++) panFit.push(await measureFps(page, 'pan'));
      const status: number[] = [];
      const phases: NodeStatus[] = ['running', 'succeeded', 'failed', 'pending'];
      for (let i = 0; i < runs; i++) {
        const statuses: Record<string, NodeStatus> = {};
        graph.nodes.forEach((node, k) => (statuses[node.statusKey ?? node.id] = phases[(k + i) % phases.length]));
        await stageMessage(page, toWire({ type: 'status', payload: { runId: `bench/${i}`, statuses, phase: 'running' } }));
        await page.waitForTimeout(400);
        const r = await sendStagedAndWait(page, 'status');
        status.push(r.ms);
      }
      await page.close();
      const row = {
        nodes: n,
        parseLayoutMs: round(parseMs + median(layout)),
        firstPaintMs: round(parseMs + median(encode) + median(inPage)),
        panFps: round(median(pan)),
        statusPaintMs: round(median(status)),
        parseMs: round(parseMs),
        layoutMs: round(median(layout)),
        encodeMs: round(median(encode)),
        paintMs: round(median(paint)),
        deliverMs: round(median(inPage.map((ms, k) => ms - inApp[k]))),
        zoomFps: round(median(zoom)),
        panFpsFitAll: round(median(panFit)),
        edges: graph.edges.length,
        initialLod: lod === 'full' ? 2 : lod === 'boxes' ? 1 : 0,
      };
      console.log(JSON.stringify(row));
      results.push(row);
    }
  } finally {
    await h.close();
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`wrote ${out} (${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
