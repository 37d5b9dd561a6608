/**
 * npm run bench:live — a 10,000-node Argo run on the KWOK test environment (real API server, real
 * workflow-controller), drawn by the DAG panel in headless Debian chromium, next to Argo's own graph
 * code fed the same run. Writes bench-results/live.json (or $LIVE_BENCH_OUT).
 *
 * The host path is the product's: the run is followed with src/kube/runs/watch.ts (an API server
 * watch); every Workflow object goes through the DAG controller's DocumentRun (the graph for first
 * paint: core's workflowRunGraph over status.nodes or Argo's compressedNodes; each update: status(),
 * core's workflowRunStatus, the statuses and the graph's fingerprint without a graph build), and the
 * panel gets graphMessage / status snapshots as the controller sends them, on the wire as VS Code puts
 * them (bench/dag/vscodeWire.ts), into the real webview bundle (dist/webview) behind bench/dag's fake
 * host. Only VS Code itself (postMessage's hop to the workbench) is stood in for.
 *
 * - firstPaintMs: as bench:dag counts it — the Workflow object's JSON.parse (what the watch did to the
 *   event) + run graph + message encoding in Node, + delivery → the frame with the graph is out in
 *   the page. Median of 3, each a new document (a first render).
 * - panFps: rAF frames per second over a scripted 2 s pan of that first view (median of 3).
 * - statusToPaintP50Ms / P95Ms: wall clock, from the moment the watch delivered a Workflow update in
 *   which a node's phase changed (the controller's write to the API server, as a client sees it) to
 *   the repainted frame in the page (both clocks are this machine's: performance.timeOrigin + now).
 *   Includes the run graph, the message, Playwright's delivery into the page (standing in for VS
 *   Code's postMessage hop) and the repaint. Updates that arrive while one is on its way are
 *   coalesced, as a panel would; such a sample is timed from the oldest waiting update.
 * - peer: Argo's WorkflowDag + GraphPanel (bench/live/argoPeer.ts) in a page of its own, given the
 *   same status.nodes as JSON text: parse → React render (dagre layout, SVG) → frame out, median of 3
 *   fresh pages; pan = scrolling the page. `peer` is Argo's first view of the run (a fan-out folded into
 *   "N hidden nodes"; Kindling's run view collapses it into one group with phase counts), so
 *   peerRatio = Argo's first paint / ours compares what a person waits for on opening the run.
 *   `peer.expandAll` is Argo's "expand all" (every node drawn), rendered once, given
 *   LIVE_BENCH_PEER_LIMIT_S (120 s) before it is recorded as not finished.
 */
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import type { NodeStatus } from '../../src/core/model/pipelineGraph';
import { readWorkflowNodes, storedWorkflowNodes } from '../../src/core/pipelineRun/workflowNodes';
import { DocumentRun } from '../../src/extension/dag/documentRun';
import { watchRun } from '../../src/kube/runs/watch';
import { graphMessage, type HostMessage } from '../../src/protocol/dagMessages';
import { getCluster } from '../../test/integration/helpers/testCluster';
import { openPanel, sendStagedAndWait, stageMessage, startHarness, type FakeWindow } from '../dag/harness';
import { toWire } from '../dag/vscodeWire';
import { buildArgoPeer, type ArgoPeerBundle } from './argoPeer';
import { median, panByScrolling, panFps, panKindling, percentile, round } from './fps';
import { benchWorkflow } from './workflow';

const NODES = Number(process.env.LIVE_BENCH_NODES ?? 10_000);
const TICKS = Number(process.env.LIVE_BENCH_TICKS ?? 30);
const out = process.env.LIVE_BENCH_OUT ?? 'bench-results/live.json';
const NAMESPACE = 'kindling-bench-live';
const RUNS = 3;
/** How long Argo's graph may take for one render before the bench records that it did not finish. */
const PEER_LIMIT_S = Number(process.env.LIVE_BENCH_PEER_LIMIT_S ?? 120);

const epochNow = (): number => performance.timeOrigin + performance.now();
const log = (text: string): void => console.log(`[bench:live +${(process.uptime()).toFixed(1)} s] ${text}`);

interface Arrival {
  at: number;
  obj: unknown;
}

/** The first-paint message as the extension's DAG controller builds it for the run view (sendRunGraph). */
function runGraphMessage(run: DocumentRun, documentUri: string): HostMessage {
  const built = run.build();
  if (built.info.unavailable) throw new Error(`run graph unavailable: ${built.info.unavailable}`);
  return graphMessage({ documentUri, fileName: `${built.info.name}.yaml`, version: 1, result: built.result, run: built.info });
}

async function firstPaint(page: Page, obj: unknown, i: number): Promise<{ ms: number; hostMs: number; inPageMs: number; drawn: number }> {
  // Core keeps the last decoded compressedNodes (one decode per update for all its readers): a first
  // render of this run must pay for the decode, so another run's nodes take that place first.
  storedWorkflowNodes({ status: { compressedNodes: gzipSync('{}').toString('base64') } });
  // What the watch did to the event's bytes, timed on the same text.
  const text = JSON.stringify(obj);
  const p0 = performance.now();
  const run = new DocumentRun({ kind: 'Workflow', object: JSON.parse(text) as unknown });
  const wire = toWire(runGraphMessage(run, `bench-live:/${i}`));
  const hostMs = performance.now() - p0;
  await stageMessage(page, wire);
  await page.waitForTimeout(400);
  const r = await sendStagedAndWait(page, 'graph');
  return { ms: hostMs + r.ms, hostMs, inPageMs: r.ms, drawn: Number(r.payload.nodes) };
}

/** Delivers a staged message; resolves with the page's clock (epoch ms) when the repainted frame was out. */
async function deliverAndWaitEpoch(page: Page, reason: 'status'): Promise<number> {
  return page.evaluate(async (why) => {
    const host = (globalThis as unknown as FakeWindow).fakeHost;
    const from = host.inbox.length;
    await host.sendStaged();
    for (let i = 0; i < 30000; i++) {
      const entry = host.inbox.slice(from).find((e) => e.message.type === 'rendered' && e.message.payload.reason === why);
      if (entry) return performance.timeOrigin + entry.at;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`no rendered(${why}) report`);
  }, reason);
}

async function peerFirstPaint(h: Awaited<ReturnType<typeof startHarness>>, peer: ArgoPeerBundle, name: string, nodesJson: string, expandAll: boolean): Promise<{ ms: number; renderMs: number; drawnNodes: number; svgElements: number; page: Page } | undefined> {
  const page = await h.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Served from a real origin (Playwright answers the request): Argo's graph keeps its options in localStorage.
  const url = new URL('/argo-peer.html', h.url).href;
  await page.route(url, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${peer.css}</style></head><body><div id="root"></div><script>${peer.js.replace(/<\/script/gi, '<\\/script')}</script></body></html>` }),
  );
  await page.goto(url);
  await page.evaluate(`window.__nodesJson = ${JSON.stringify(nodesJson)}`);
  await page.waitForTimeout(400);
  const shown = page.evaluate(`window.argoPeer.show(${JSON.stringify(name)}, window.__nodesJson, ${expandAll})`) as Promise<{ ms: number; renderMs: number; drawnNodes: number; svgElements: number }>;
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([shown, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PEER_LIMIT_S * 1000)))]);
  clearTimeout(timer);
  if (!r) {
    // dagre is still laying out. Closing the page would wait for it; the browser's close at the end ends it.
    shown.catch(() => undefined);
    return undefined;
  }
  if (errors.length) throw new Error(`Argo's graph page failed: ${errors.join('; ')}`);
  return { ...r, page };
}

async function main(): Promise<void> {
  const versions = JSON.parse(readFileSync('testenv/versions.json', 'utf8')) as { argoWorkflows: string };
  const peer = await buildArgoPeer(versions.argoWorkflows);
  const local = getCluster('local');
  const core = local.kc.makeApiClient(CoreV1Api);
  const objects = local.kc.makeApiClient(CustomObjectsApi);
  try {
    await core.readNamespace({ name: NAMESPACE });
  } catch {
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  }
  const h = await startHarness();
  const page = await openPanel(h);
  const name = `bench-live-${Date.now().toString(36)}`;
  const ref = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', kind: 'Workflow' as const, name, namespace: NAMESPACE };
  const queue: Arrival[] = [];
  let wake: () => void = () => undefined;
  const watch = watchRun(local.kc, ref, {
    onObject: (obj) => {
      queue.push({ at: epochNow(), obj });
      wake();
    },
  });
  const nextArrival = async (timeoutMs: number): Promise<Arrival | undefined> => {
    if (!queue.length) await Promise.race([new Promise<void>((r) => (wake = r)), new Promise((r) => setTimeout(r, timeoutMs))]);
    return queue.shift();
  };

  const result: Record<string, unknown> = {};
  let peerNodesJson: string | undefined;
  try {
    // Ticks complete from 40 s after their pods start, one every 2 s: the first paint and pan are measured before.
    const submitted = Date.now();
    await objects.createNamespacedCustomObject({
      ...ref,
      body: benchWorkflow({ name, namespace: NAMESPACE, nodes: NODES, ticks: TICKS, firstTickS: 40, tickEveryS: 2 }),
    });
    log(`submitted ${name}: ${NODES} nodes wanted (${TICKS} of them pods)`);

    // 1. Wait for the controller to have created every node.
    let full: Arrival | undefined;
    while (!full) {
      const a = await nextArrival(120_000);
      if (!a) throw new Error('no Workflow update for 120 s');
      const read = readWorkflowNodes(a.obj);
      const count = read.nodes ? Object.keys(read.nodes).length : 0;
      if (count >= NODES) full = a;
    }
    const fullNodes = readWorkflowNodes(full.obj);
    if (!fullNodes.nodes) throw new Error('nodes vanished');
    const nodeCount = Object.keys(fullNodes.nodes).length;
    log(`controller created ${nodeCount} nodes in ${((full.at - submitted) / 1000).toFixed(1)} s (status.${fullNodes.source === 'compressed' ? 'compressedNodes' : 'nodes'})`);
    result.nodes = nodeCount;
    result.controllerNodesMs = Math.round(full.at - submitted);
    result.nodesStoredAs = fullNodes.source;
    peerNodesJson = JSON.stringify(fullNodes.nodes);

    // 2. Kindling's first paint and pan.
    const paints = [];
    for (let i = 0; i < RUNS; i++) paints.push(await firstPaint(page, full.obj, i));
    log(`first paint ${paints.map((p) => p.ms.toFixed(0)).join(', ')} ms (${paints[0].drawn} nodes drawn)`);
    const pans = [];
    for (let i = 0; i < 3; i++) pans.push(await panFps(page, panKindling));
    log(`pan ${pans.map((f) => f.toFixed(1)).join(', ')} fps`);

    // 3. Status → paint for every node phase change the controller writes while the tick pods complete.
    queue.length = 0; // Updates during the first-paint runs are not samples (the panel was busy on purpose).
    // One DocumentRun follows the run, as the controller keeps one per document: update → build → status.
    const run = new DocumentRun({ kind: 'Workflow', object: full.obj });
    const shown = run.build();
    let lastStatuses: Record<string, NodeStatus> = shown.status.statuses;
    await stageMessage(page, toWire({ type: 'status', payload: shown.status }));
    await deliverAndWaitEpoch(page, 'status');
    const samples: { ms: number; waitMs: number; hostMs: number; stageMs: number; pageMs: number; coalesced: number; changed: number }[] = [];
    const tickNames = new Set(Object.values(fullNodes.nodes).filter((n) => n.type === 'Pod').map((n) => n.id));
    const deadline = Date.now() + (40 + TICKS * 2 + 60) * 1000;
    let succeededTicks = 0;
    while (succeededTicks < tickNames.size && Date.now() < deadline) {
      const first = await nextArrival(10_000);
      if (!first) continue;
      // Coalesce what waited behind the previous sample; time from the oldest.
      const coalesced = 1 + queue.length;
      const latest = queue.length ? queue[queue.length - 1] : first;
      queue.length = 0;
      const h0 = epochNow();
      run.update(latest.obj);
      // As the controller's updateRunView: statuses and the graph's fingerprint, no graph build.
      const built = run.status();
      let changed = 0;
      for (const [id, st] of Object.entries(built.status.statuses)) if (lastStatuses[id] !== st) changed++;
      succeededTicks = [...tickNames].filter((id) => built.status.statuses[id] === 'succeeded').length;
      if (!changed) continue;
      // The graph itself is re-sent only when its shape changes (nodes, failures, run phase): not here.
      if (built.shape !== shown.shape) log(`note: the run graph's shape changed (${built.shape}); the panel would get the graph again`);
      lastStatuses = built.status.statuses;
      const wire = toWire({ type: 'status', payload: built.status });
      const hostMs = epochNow() - h0;
      const s0 = epochNow();
      await stageMessage(page, wire);
      const staged = epochNow();
      const paintedAt = await deliverAndWaitEpoch(page, 'status');
      samples.push({ ms: paintedAt - first.at, waitMs: h0 - first.at, hostMs, stageMs: staged - s0, pageMs: paintedAt - staged, coalesced, changed });
    }
    log(`status → paint: ${samples.length} samples, ${samples.map((s) => s.ms.toFixed(0)).join(' ')} ms`);
    log(`  host ${samples.map((s) => s.hostMs.toFixed(0)).join(' ')} | hand-over ${samples.map((s) => s.stageMs.toFixed(0)).join(' ')} | page ${samples.map((s) => s.pageMs.toFixed(0)).join(' ')} | waiting ${samples.map((s) => s.waitMs.toFixed(0)).join(' ')}`);
    if (!samples.length) throw new Error('no node status change observed');
    const ms = samples.map((s) => s.ms);
    Object.assign(result, {
      firstPaintMs: round(median(paints.map((p) => p.ms))),
      panFps: round(median(pans)),
      statusToPaintP50Ms: round(median(ms)),
      statusToPaintP95Ms: round(percentile(ms, 95)),
      statusSamples: samples.length,
      // Where a status → paint sample goes (medians): waiting behind the previous sample, the run
      // graph and message in Node, Playwright's hand-over into the page, delivery → repainted frame.
      statusBreakdownP50Ms: {
        waiting: round(median(samples.map((s) => s.waitMs))),
        host: round(median(samples.map((s) => s.hostMs))),
        handOver: round(median(samples.map((s) => s.stageMs))),
        page: round(median(samples.map((s) => s.pageMs))),
      },
      statusChangedNodesP50: median(samples.map((s) => s.changed)),
      firstPaintHostMs: round(median(paints.map((p) => p.hostMs))),
      firstPaintInPageMs: round(median(paints.map((p) => p.inPageMs))),
      nodesDrawn: paints[0].drawn,
    });
  } finally {
    watch.stop();
    await objects.deleteNamespacedCustomObject({ ...ref, propagationPolicy: 'Background' }).catch((e: unknown) => log(`could not delete ${name}: ${String(e)}`));
    await page.close();
  }

  try {
    // 4. The peer, fed the same run's nodes (Argo's server hands its UI status.nodes decompressed).
    if (!peerNodesJson) throw new Error('the run never had its nodes');
    type PeerMode = { firstPaintMs: number | null; panFps: number | null; drawnNodes?: number; svgElements?: number; renderMs?: number; didNotFinishWithinS?: number };
    const modes: Record<string, PeerMode> = {};
    for (const expandAll of [false, true]) {
      const mode = expandAll ? 'expandAll' : 'asOpened';
      const firsts = [];
      let last: Awaited<ReturnType<typeof peerFirstPaint>>;
      // Expand all is one render of 1–2 minutes here: once is enough to say what a person waits for.
      const runs = expandAll ? 1 : RUNS;
      for (let i = 0; i < runs; i++) {
        last = await peerFirstPaint(h, peer, name, peerNodesJson, expandAll);
        if (!last) break;
        firsts.push(last);
        if (i < runs - 1) await last.page.close();
      }
      if (!last) {
        modes[mode] = { firstPaintMs: null, panFps: null, didNotFinishWithinS: PEER_LIMIT_S };
        log(`peer (${mode}): no frame within ${PEER_LIMIT_S} s (still in layout/render); page closed`);
        continue;
      }
      const pans = [];
      for (let i = 0; i < 3; i++) pans.push(await panFps(last.page, panByScrolling));
      await last.page.close();
      modes[mode] = {
        firstPaintMs: round(median(firsts.map((f) => f.ms))),
        renderMs: round(median(firsts.map((f) => f.renderMs))),
        panFps: round(median(pans)),
        drawnNodes: last.drawnNodes,
        svgElements: last.svgElements,
      };
      log(`peer (${mode}): first paint ${firsts.map((f) => f.ms.toFixed(0)).join(', ')} ms, ${last.drawnNodes} nodes drawn, pan ${pans.map((f) => f.toFixed(1)).join(', ')} fps`);
    }
    // Both first views are what a person gets on opening the run: Argo folds a fan-out into
    // "N hidden nodes", Kindling's run view collapses it into a group with phase counts.
    const opened = modes.asOpened;
    result.peer = { name: peer.name, firstPaintMs: opened.firstPaintMs, panFps: opened.panFps, drawnNodes: opened.drawnNodes, expandAll: modes.expandAll, notes: peer.notes };
    result.peerRatio = opened.firstPaintMs === null ? null : round(opened.firstPaintMs / (result.firstPaintMs as number), 2);
  } finally {
    await h.close();
  }

  result.machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: round(os.totalmem() / 2 ** 30), load: os.loadavg().map((l) => round(l)) };
  result.date = new Date().toISOString();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  log(`wrote ${out}: ${JSON.stringify({ nodes: result.nodes, firstPaintMs: result.firstPaintMs, panFps: result.panFps, statusToPaintP50Ms: result.statusToPaintP50Ms, statusToPaintP95Ms: result.statusToPaintP95Ms, peerRatio: result.peerRatio })}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
