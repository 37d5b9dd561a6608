import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { PipelineGraph } from '../../../src/core/model/pipelineGraph';
import { parsePipeline } from '../../../src/core/pipeline';
import { argoPodName, fnv32a, mapWorkflowStatus, readWorkflowNodes, storedWorkflowNodes, type ArgoNodeStatus, type WorkflowLike } from '../../../src/core/pipelineRun';

const fixtures = path.join(__dirname, 'fixtures');
const load = (file: string) => JSON.parse(readFileSync(path.join(fixtures, file), 'utf8')) as WorkflowLike & { metadata: { name: string } };
/** The real controller's finished run of dag-shape.yaml (train failed). */
const shape = load('dag-shape.status.json');
/** The real controller's run of the synthetic fan-out (width 5, item 3 failed), pod names listed below. */
const fanOut = load('fan-out.status.json');

/** Argo's packer: the nodes map as JSON, gzip, standard base64 (util/file CompressEncodeString). */
function compressed(wf: WorkflowLike): WorkflowLike {
  const copy = structuredClone(wf);
  const nodes = copy.status!.nodes;
  delete copy.status!.nodes;
  copy.status!.compressedNodes = gzipSync(Buffer.from(JSON.stringify(nodes))).toString('base64');
  return copy;
}

test('fnv32a matches Go hash/fnv New32a (values printed by a Go program using the standard library)', () => {
  assert.equal(fnv32a(''), 2166136261);
  assert.equal(fnv32a('a'), 3826002220);
  assert.equal(fnv32a('foobar'), 3214735720);
  assert.equal(fnv32a('wf.score(0:é)'), 489384881, 'hashes UTF-8 bytes, not UTF-16 code units');
  // And Argo's own node ids are <workflow>-<fnv32a(node name)>:
  for (const [id, node] of Object.entries(fanOut.status!.nodes!)) {
    if (node.name !== fanOut.metadata.name) assert.equal(id, `${fanOut.metadata.name}-${fnv32a(node.name!)}`);
  }
});

test('pod names as the real controller named the pods of the fan-out run (kubectl get pods on the KWOK cluster)', () => {
  const observed: Record<string, string> = {
    'fan-qkwpq.prepare': 'fan-qkwpq-work-203274580',
    'fan-qkwpq.score(0:0)': 'fan-qkwpq-score-1967808066',
    'fan-qkwpq.score(3:3)': 'fan-qkwpq-score-1900377238',
    'fan-qkwpq.onExit': 'fan-qkwpq-cleanup-868623720',
  };
  const read = readWorkflowNodes(fanOut);
  assert.ok(read.nodes);
  const byName = new Map(Object.values(read.nodes).map((n) => [n.name, n]));
  for (const [nodeName, podName] of Object.entries(observed)) {
    const node = byName.get(nodeName);
    assert.ok(node, nodeName);
    assert.equal(argoPodName(fanOut, node), podName);
    assert.equal(node.podName, podName, 'readWorkflowNodes fills podName for Pod nodes');
  }
  assert.equal(byName.get('fan-qkwpq.score')?.podName, undefined, 'a TaskGroup has no pod');
});

test('pod names: single-node workflow, v1 format, templateRef, container set, long names', () => {
  const wf = { metadata: { name: 'hello-x1' } };
  const node = (over: Partial<ArgoNodeStatus>): ArgoNodeStatus => ({ id: 'id-1', name: 'hello-x1.a', type: 'Pod', templateName: 't', ...over });
  assert.equal(argoPodName(wf, node({ name: 'hello-x1', id: 'hello-x1' })), 'hello-x1');
  assert.equal(argoPodName({ metadata: { name: 'hello-x1', annotations: { 'workflows.argoproj.io/pod-name-format': 'v1' } } }, node({})), 'id-1');
  assert.equal(argoPodName(wf, node({ templateRef: { name: 'lib', template: 'train' } })), `hello-x1-train-${fnv32a('hello-x1.a')}`);
  assert.equal(argoPodName(wf, node({ templateName: '' })), `hello-x1-${fnv32a('hello-x1.a')}`);
  // A container of a container set runs in the pod of its Pod node `<pod node>.<container>`.
  assert.equal(argoPodName(wf, node({ type: 'Container', name: 'hello-x1.a.main' })), `hello-x1-t-${fnv32a('hello-x1.a')}`);
  assert.equal(argoPodName(wf, node({ type: 'DAG' })), undefined);
  // workflow/util/pod_name.go: the prefix is cut to 253 - 10 - 1 = 242 characters.
  const longName = 'w'.repeat(200);
  const long = argoPodName({ metadata: { name: longName } }, node({ name: `${longName}.a`, templateName: 't'.repeat(100) }));
  assert.equal(long, `${`${longName}-${'t'.repeat(100)}`.slice(0, 242)}-${fnv32a(`${longName}.a`)}`);
  assert.ok(long!.length <= 253);
});

test('readWorkflowNodes: plain nodes with id = map key; no status yet is an empty map', () => {
  const read = readWorkflowNodes(shape);
  assert.ok(read.nodes && 'source' in read);
  assert.equal(read.source, 'nodes');
  assert.equal(Object.keys(read.nodes).length, Object.keys(shape.status!.nodes!).length);
  for (const [key, n] of Object.entries(read.nodes)) assert.equal(n.id, key);
  assert.deepEqual(readWorkflowNodes({ metadata: { name: 'x' } }), { nodes: {}, source: 'nodes' });
  assert.deepEqual(readWorkflowNodes(undefined), { nodes: {}, source: 'nodes' });
});

test('readWorkflowNodes decodes status.compressedNodes (gzip + base64) to the same nodes', () => {
  const plain = readWorkflowNodes(fanOut);
  const packed = readWorkflowNodes(compressed(fanOut));
  assert.ok(packed.nodes && 'source' in packed && plain.nodes);
  assert.equal(packed.source, 'compressed');
  assert.deepEqual(packed.nodes, plain.nodes);
});

test('the same compressed text is decoded once; readWorkflowNodes still hands out copies to change', () => {
  const packed = compressed(fanOut);
  const first = storedWorkflowNodes(packed);
  const again = storedWorkflowNodes(structuredClone(packed));
  assert.ok(first.nodes && again.nodes);
  assert.equal(again.nodes, first.nodes, 'one decoded map for the same text');
  const copy = readWorkflowNodes(packed);
  assert.ok(copy.nodes);
  const id = Object.keys(copy.nodes)[0];
  copy.nodes[id].phase = 'Changed';
  assert.notEqual(first.nodes[id].phase, 'Changed');
  const other = compressed({ ...fanOut, status: { ...fanOut.status, nodes: { x: { name: 'x', phase: 'Running' } } } });
  assert.deepEqual(Object.keys(storedWorkflowNodes(other).nodes ?? {}), ['x']);
});

test('readWorkflowNodes explains offloaded nodes, and a corrupt compressedNodes', () => {
  const off = readWorkflowNodes({ metadata: { name: 'big' }, status: { phase: 'Running', offloadNodeStatusVersion: 'fnv:1234' } });
  assert.equal(off.nodes, undefined);
  assert.ok('unavailable' in off);
  assert.match(off.unavailable, /offloaded to Argo's database/);
  assert.match(off.unavailable, /persistence\.nodeStatusOffLoad/);
  assert.match(off.unavailable, /Argo's UI|argo get/);
  const bad = readWorkflowNodes({ status: { compressedNodes: 'bm90IGd6aXA=' } });
  assert.ok('unavailable' in bad);
  assert.match(bad.unavailable, /could not be decoded/);
});

function graphOf(file: string): PipelineGraph {
  const result = parsePipeline(readFileSync(path.join(fixtures, file), 'utf8'), { fileName: file });
  return result.graphs[0];
}

test('mapWorkflowStatus colours the same from compressed nodes as from plain ones', () => {
  const graph = graphOf('dag-shape.yaml');
  const plain = mapWorkflowStatus(graph, shape);
  const packed = mapWorkflowStatus(graph, compressed(shape));
  assert.deepEqual(packed, plain);
  assert.equal(Object.values(plain.statuses).filter((s) => s === 'failed').length, 1);
});

test('mapWorkflowStatus on offloaded nodes: every node unknown, the run phase kept, the reason given', () => {
  const graph = graphOf('dag-shape.yaml');
  const snap = mapWorkflowStatus(graph, { metadata: { name: 'shape-off', namespace: 'ns' }, status: { phase: 'Failed', offloadNodeStatusVersion: 'fnv:1' } });
  assert.equal(snap.phase, 'failed');
  assert.ok(Object.values(snap.statuses).every((s) => s === 'unknown'));
  assert.equal(Object.keys(snap.statuses).length, graph.nodes.length);
  assert.match(snap.unavailable ?? '', /offloaded/);
});
