import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { PipelineNode } from '../../../src/core/model/pipelineGraph';
import { fnv32a, formatPhaseCounts, humanDuration, phaseCounts, workflowRunGraph, type RunGraph } from '../../../src/core/pipelineRun';
import { runShape } from '../../fixtures/runs/runShape';
import { syntheticFanOutRun } from '../../fixtures/runs/syntheticRun';

const fixtures = path.join(__dirname, 'fixtures');
const load = (file: string) => JSON.parse(readFileSync(path.join(fixtures, file), 'utf8')) as { metadata: { name: string }; status: { nodes: Record<string, { name: string }> } };
/** Real controller runs (Argo v3.6.15 on the KWOK test environment). */
const shape = load('dag-shape.status.json');
const fanOut = load('fan-out.status.json');

function graphOf(wf: unknown, options?: Parameters<typeof workflowRunGraph>[1]): RunGraph {
  const run = workflowRunGraph(wf, options);
  assert.ok(!('unavailable' in run), 'unavailable' in run ? run.unavailable : '');
  return run;
}
const idOf = (wf: { status: { nodes: Record<string, { name: string }> } }, nodeName: string): string => {
  const hit = Object.entries(wf.status.nodes).find(([, n]) => n.name === nodeName);
  assert.ok(hit, nodeName);
  return hit[0];
};
const labelled = (run: RunGraph) => new Map(run.graph.nodes.map((n) => [n.id, n]));
const detail = (n: PipelineNode | undefined, key: string) => n?.details.find((d) => d.key === key)?.value;

test('real DAG run: groups follow containment (DAG, fan-out, steps, step group), edges the real dependencies', () => {
  const run = graphOf(shape);
  const wf = shape.metadata.name;
  const id = (suffix: string) => idOf(shape, `${wf}${suffix}`);
  const nodes = labelled(run);
  assert.equal(run.graph.format, 'argo-workflow');
  assert.equal(run.graph.name, wf);
  assert.equal(run.graph.nodes.length, Object.keys(shape.status.nodes).length, 'every node Argo created');
  const parent = (suffix: string) => nodes.get(id(suffix))?.parent;
  assert.equal(nodes.get(wf)?.groupKind, 'dag');
  assert.equal(nodes.get(wf)?.parent, undefined);
  assert.equal(parent('.prepare'), wf);
  assert.equal(nodes.get(id('.shards'))?.groupKind, 'fan-out');
  assert.equal(parent('.shards(0:eu)'), id('.shards'));
  assert.equal(parent('.shards(1:us)'), id('.shards'));
  assert.equal(nodes.get(id('.inner'))?.groupKind, 'steps');
  assert.equal(parent('.inner[0]'), id('.inner'));
  assert.equal(parent('.inner[0].s1'), id('.inner[0]'));
  assert.equal(parent('.onExit'), undefined);
  assert.equal(nodes.get(id('.onExit'))?.label, 'onExit');
  assert.equal(nodes.get(id('.shards(0:eu)'))?.label, 'shards(0:eu)');

  const edges = run.graph.edges.map((e) => `${nodes.get(e.from)?.label} -${e.kind}-> ${nodes.get(e.to)?.label}`).sort();
  assert.deepEqual(edges, [
    'prepare -depends-> inner',
    'prepare -depends-> shards',
    's1 -depends-> train',
    `${wf} -exit-> onExit`,
    'shards(0:eu) -depends-> train',
    'shards(1:us) -depends-> train',
    'train -depends-> after',
  ].sort());
  // Parents come before their members, so a renderer can build groups in one pass.
  const seen = new Set<string>();
  for (const n of run.graph.nodes) {
    if (n.parent !== undefined) assert.ok(seen.has(n.parent), `${n.label} after its group`);
    seen.add(n.id);
  }
  assert.deepEqual(run.failed, [id('.train')]);
  assert.equal(run.phase, 'failed');
  assert.equal(run.statuses[id('.after')], 'omitted');
  assert.equal(run.statuses[id('.train')], 'failed');
  assert.deepEqual(run.collapsedByDefault, []);
});

test('real fan-out run: the failed item is named, with its message, exit code, pod name and inputs', () => {
  const run = graphOf(fanOut, { collapseAbove: 3 });
  const wf = fanOut.metadata.name;
  const failedId = idOf(fanOut, `${wf}.score(3:3)`);
  const groupId = idOf(fanOut, `${wf}.score`);
  assert.deepEqual(run.failed, [failedId]);
  assert.deepEqual(run.collapsedByDefault, [groupId], 'a nested group with more members than collapseAbove');
  const node = labelled(run).get(failedId);
  assert.equal(node?.label, 'score(3:3)');
  assert.equal(node?.kind, 'container');
  assert.equal(node?.subtitle, 'score');
  assert.equal(detail(node, 'phase'), 'Failed');
  assert.equal(detail(node, 'message'), 'Error (exit code 1)');
  assert.equal(detail(node, 'exit code'), '1');
  assert.equal(detail(node, 'pod name'), 'fan-qkwpq-score-1900377238');
  assert.equal(detail(node, 'input item'), '3');
  assert.equal(detail(node, 'input fail'), 'true');
  assert.equal(detail(node, 'started'), '2026-12-05 02:18:54 UTC');
  assert.equal(detail(node, 'duration'), '2 s');
  const members = run.graph.nodes.filter((n) => n.parent === groupId).map((n) => n.id);
  assert.deepEqual(members.map((m) => labelled(run).get(m)?.label), ['score(0:0)', 'score(1:1)', 'score(2:2)', 'score(3:3)', 'score(4:4)']);
  assert.equal(formatPhaseCounts('score', members.length, phaseCounts(members, run.statuses)), 'score ×5: 4 ✓ 1 ✗');
});

test('the synthetic fan-out has the real run\'s shape (same workflow, width 5, item 3 failing)', () => {
  const synthetic = syntheticFanOutRun({ name: fanOut.metadata.name, width: 5, failing: [3] });
  assert.deepEqual(runShape(synthetic), runShape(fanOut as never));
});

test('a 10,000-node synthetic run: counts, failed items in order, one collapsed fan-out (compressed nodes too)', () => {
  const width = 9995; // + root, prepare, TaskGroup, aggregate, onExit = 10,000 nodes
  const failing = [17, 120, 4000, 9000]; // "score(120:120)" sorts before "score(17:17)" as text: order must not be by name
  const wf = syntheticFanOutRun({ name: 'big-run', width, failing });
  assert.equal(Object.keys(wf.status.nodes).length, 10_000);
  const run = graphOf(wf);
  assert.equal(run.graph.nodes.length, 10_000);
  const byId = labelled(run);
  assert.deepEqual(run.failed.map((id) => byId.get(id)?.label), ['score(17:17)', 'score(120:120)', 'score(4000:4000)', 'score(9000:9000)']);
  const group = run.graph.nodes.find((n) => n.label === 'score' && n.kind === 'group');
  assert.ok(group);
  assert.deepEqual(run.collapsedByDefault, [group.id]);
  const members = run.graph.nodes.filter((n) => n.parent === group.id).map((n) => n.id);
  assert.equal(members.length, width);
  assert.deepEqual(phaseCounts(members, run.statuses), { succeeded: 9991, failed: 4 });
  assert.equal(formatPhaseCounts('score', width, phaseCounts(members, run.statuses)), 'score ×9995: 9,991 ✓ 4 ✗');
  // prepare → fan-out, every item → aggregate, run → exit handler
  assert.equal(run.graph.edges.length, width + 2);
  const packed = structuredClone(wf) as { status: { nodes?: unknown; compressedNodes?: string } };
  packed.status.compressedNodes = gzipSync(JSON.stringify(packed.status.nodes)).toString('base64');
  delete packed.status.nodes;
  assert.deepEqual(graphOf(packed, { now: 0 }).failed, run.failed);
  // Speed is measured, not asserted (shared machines): node --import tsx scripts/runGraphTiming.ts
});

test('a running run: running and pending items counted, no failures yet, durations "so far"', () => {
  const wf = syntheticFanOutRun({ name: 'live', width: 30, running: [1, 2], pending: [3] });
  const run = graphOf(wf, { now: Date.parse('2026-12-05T02:01:12Z') });
  assert.equal(run.phase, 'running');
  assert.deepEqual(run.failed, []);
  const group = run.graph.nodes.find((n) => n.label === 'score' && n.kind === 'group')!;
  const members = run.graph.nodes.filter((n) => n.parent === group.id).map((n) => n.id);
  assert.equal(formatPhaseCounts('score', 30, phaseCounts(members, run.statuses)), 'score ×30: 27 ✓ 2 ⟳ 1 ○');
  const running = run.graph.nodes.find((n) => n.label === 'score(1:1)');
  assert.equal(detail(running, 'duration'), '1 m 10 s so far');
  assert.ok(!run.graph.nodes.some((n) => n.label === 'aggregate' || n.label === 'onExit'));
});

test('real steps run: a retried step, a loop in a step group, a step exit hook and a container set', () => {
  // steps-shape.status.json: main = [[a (retryStrategy limit 1, both attempts fail, continueOn failed)],
  // [loop withItems x,y,z, b with hooks.exit], [cs: a containerSet main → second]].
  const wf = load('steps-shape.status.json');
  const W = wf.metadata.name;
  const run = graphOf(wf);
  const byId = labelled(run);
  const id = (suffix: string) => idOf(wf, `${W}${suffix}`);
  const of = (suffix: string) => byId.get(id(suffix));
  assert.equal(run.graph.nodes.length, Object.keys(wf.status.nodes).length);
  assert.equal(byId.get(W)?.groupKind, 'steps');
  assert.equal(of('[0]')?.groupKind, 'steps');
  assert.equal(of('[0]')?.parent, W);
  assert.equal(of('[1]')?.groupKind, 'fan-out', 'a step group holding loop items');
  assert.equal(of('[1].loop(2:z)')?.parent, id('[1]'));
  assert.equal(of('[1].b')?.parent, id('[1]'));
  assert.equal(of('[0].a')?.groupKind, 'loop', 'retry attempts');
  assert.equal(of('[0].a')?.parent, id('[0]'));
  assert.equal(of('[0].a(0)')?.parent, id('[0].a'));
  assert.equal(detail(of('[0].a(1)'), 'attempt'), '2 of 2');
  assert.equal(detail(of('[0].a'), 'attempts'), '2');
  assert.equal(of('[1].b.onExit')?.parent, W, 'a step hook is not a member of the step group');
  assert.equal(of('[1].b.onExit')?.label, 'b.onExit');
  assert.equal(of('[2].cs')?.kind, 'group', 'a container set is a group of its containers');
  assert.equal(of('[2].cs.main')?.parent, id('[2].cs'));
  assert.equal(detail(of('[2].cs.main'), 'pod name'), `${W}-cset-${fnv32a(`${W}[2].cs`)}`, 'the pod of its container set');
  const edges = run.graph.edges.map((e) => `${byId.get(e.from)?.label} -${e.kind}-> ${byId.get(e.to)?.label}`).sort();
  assert.deepEqual(edges, [
    'a(1) -sequence-> [1]',
    'b -exit-> b.onExit',
    'b -sequence-> [2]',
    'loop(0:x) -sequence-> [2]',
    'loop(1:y) -sequence-> [2]',
    'loop(2:z) -sequence-> [2]',
    'main -depends-> second',
  ].sort());
  // Both attempts failed: both are failed leaves, in start order; the Retry group itself is not listed.
  assert.deepEqual(run.failed.map((f) => byId.get(f)?.label), ['a(0)', 'a(1)']);
  assert.equal(run.phase, 'succeeded');

  // Had the second attempt succeeded, the first one's failure would be history: not listed.
  const recovered = structuredClone(wf) as typeof wf & { status: { nodes: Record<string, { phase?: string }> } };
  recovered.status.nodes[id('[0].a')].phase = 'Succeeded';
  recovered.status.nodes[id('[0].a(1)')].phase = 'Succeeded';
  assert.deepEqual(graphOf(recovered).failed, []);
});

test('real run with a single-pod entrypoint and a steps exit handler: an exit-handler group after the run', () => {
  // exit-steps.status.json: entrypoint one container; onExit: steps [[notify, report]].
  const wf = load('exit-steps.status.json');
  const W = wf.metadata.name;
  const run = graphOf(wf);
  const byId = labelled(run);
  const exitId = idOf(wf, `${W}.onExit`);
  assert.equal(byId.get(W)?.kind, 'container', 'the entrypoint is one pod');
  assert.equal(detail(byId.get(W), 'pod name'), W, 'a pod named like its workflow (observed: pod exit-s285p)');
  assert.equal(byId.get(exitId)?.groupKind, 'exit-handler');
  assert.equal(byId.get(exitId)?.label, 'onExit');
  assert.equal(byId.get(idOf(wf, `${W}.onExit[0]`))?.parent, exitId);
  assert.equal(byId.get(idOf(wf, `${W}.onExit[0].notify`))?.parent, idOf(wf, `${W}.onExit[0]`));
  // Pods observed on the cluster for this run.
  assert.equal(detail(byId.get(idOf(wf, `${W}.onExit[0].notify`)), 'pod name'), 'exit-s285p-work-3971007512');
  assert.equal(detail(byId.get(idOf(wf, `${W}.onExit[0].report`)), 'pod name'), 'exit-s285p-work-418706303');
  assert.deepEqual(run.graph.edges, [{ from: W, to: exitId, kind: 'exit' }]);
  assert.deepEqual(run.graph.nodes.map((n) => n.id).slice(0, 2), [W, exitId], 'the run first, its exit handler after');
});

test('a half-written or odd status: missing children, boundaries that loop, nodes without a name', () => {
  const wf = {
    metadata: { name: 'odd' },
    status: {
      phase: 'Running',
      nodes: {
        odd: { id: 'odd', name: 'odd', type: 'DAG', children: ['odd-1', 'odd-gone'] },
        'odd-1': { id: 'odd-1', name: 'odd.a', type: 'Pod', boundaryID: 'odd', phase: 'Error', children: ['odd-gone'] },
        'odd-2': { id: 'odd-2', name: 'odd.x', type: 'DAG', boundaryID: 'odd-3' },
        'odd-3': { id: 'odd-3', name: 'odd.y', type: 'DAG', boundaryID: 'odd-2' },
        'odd-4': { type: 'Pod', boundaryID: 'odd-4', phase: 'Running' },
        'odd-5': 'not a node',
      },
    },
  };
  const run = graphOf(wf);
  const ids = new Set(run.graph.nodes.map((n) => n.id));
  assert.deepEqual([...ids].sort(), ['odd', 'odd-1', 'odd-2', 'odd-3', 'odd-4']);
  for (const n of run.graph.nodes) if (n.parent !== undefined) assert.ok(ids.has(n.parent));
  // Following parents from any node ends at the top.
  const parentOf = new Map(run.graph.nodes.map((n) => [n.id, n.parent]));
  for (const start of ids) {
    let steps = 0;
    for (let p = parentOf.get(start); p !== undefined; p = parentOf.get(p)) assert.ok(++steps < 10, `${start} loops`);
  }
  assert.equal(run.graph.edges.length, 0, 'no edges to nodes that are not there');
  assert.deepEqual(run.failed, ['odd-1']);
  assert.equal(run.graph.nodes.find((n) => n.id === 'odd-4')?.label, 'odd-4', 'a node without a name is called by its id');
});

test('offloaded nodes: the run graph says why it cannot be drawn', () => {
  const run = workflowRunGraph({ metadata: { name: 'x' }, status: { phase: 'Running', offloadNodeStatusVersion: 'fnv:9' } });
  assert.ok('unavailable' in run);
  assert.match(run.unavailable, /offloaded to Argo's database/);
});

test('formatPhaseCounts: thousands separators, only non-zero phases, fixed order', () => {
  assert.equal(formatPhaseCounts('score', 5000, { running: 3, succeeded: 4990, failed: 7, pending: 0 }), 'score ×5000: 4,990 ✓ 7 ✗ 3 ⟳');
  assert.equal(formatPhaseCounts('x', 1234567, { succeeded: 1234567 }), 'x ×1234567: 1,234,567 ✓');
  assert.equal(formatPhaseCounts('x', 4, { error: 1, skipped: 1, omitted: 1, unknown: 1 }), 'x ×4: 1 ⚠ 1 ↷ 1 ⊘ 1 ?');
  assert.equal(formatPhaseCounts('x', 0, {}), 'x ×0');
  assert.deepEqual(phaseCounts(['a', 'b', 'c'], { a: 'failed', b: 'failed' }), { failed: 2, pending: 1 });
});

test('humanDuration', () => {
  assert.equal(humanDuration(72_000), '1 m 12 s');
  assert.equal(humanDuration(400), '0 s');
  assert.equal(humanDuration(59_600), '1 m');
  assert.equal(humanDuration(3_600_000 * 2 + 180_000), '2 h 3 m');
  assert.equal(humanDuration(86_400_000 + 3_600_000 * 4), '1 d 4 h');
});
