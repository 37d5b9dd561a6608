// The run view's graph (core/pipelineRun/runGraph.ts) from Workflows the real Argo workflow-controller
// ran on the local test cluster (pods completed or failed by KWOK), and the synthetic runs that
// screenshots, benchmarks and unit tests use, compared with a real one.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NodeStatus } from '../../../src/core/model/pipelineGraph';
import { parsePipeline } from '../../../src/core/pipeline';
import { argoPhaseStatus, mapWorkflowStatus, phaseCounts, readWorkflowNodes, workflowRunGraph, type RunGraph } from '../../../src/core/pipelineRun';
import { runShape } from '../../fixtures/runs/runShape';
import { fanOutWorkflowManifest, syntheticFanOutRun } from '../../fixtures/runs/syntheticRun';
import { getCluster, useNamespace, waitFor } from '../helpers/testCluster';

const local = getCluster('local');
const custom = local.kc.makeApiClient(CustomObjectsApi);
const core = local.kc.makeApiClient(CoreV1Api);
const wfApi = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;

interface Workflow {
  metadata: { name: string; namespace: string };
  status?: { phase?: string; nodes?: Record<string, { name: string; type?: string; phase?: string; children?: string[] }>; compressedNodes?: string };
}

async function submitAndWait(namespace: string, body: object, timeoutMs: number): Promise<Workflow> {
  const created = (await custom.createNamespacedCustomObject({ ...wfApi, namespace, body })) as Workflow;
  const name = created.metadata.name;
  return waitFor(
    async () => {
      const wf = (await custom.getNamespacedCustomObject({ ...wfApi, namespace, name })) as Workflow & { status?: { finishedAt?: string } };
      // Wait for the exit handler too: the run's phase is set before it finishes.
      return wf.status?.finishedAt ? wf : undefined;
    },
    { timeoutMs, what: `workflow ${namespace}/${name} to finish`, intervalMs: 500 },
  );
}

function runGraphOf(wf: unknown): RunGraph {
  const run = workflowRunGraph(wf);
  assert.ok(!('unavailable' in run), 'unavailable' in run ? run.unavailable : '');
  return run;
}

describe('the run graph of real Argo runs', () => {
  test('a withItems fan-out with one failing item: the failed item is named, group counts match status.nodes, pod names match the pods', async (t) => {
    const namespace = await useNamespace(t, local, 'run-graph');
    const wf = await submitAndWait(namespace, fanOutWorkflowManifest({ generateName: 'fan-', width: 5, failing: [3] }), 120_000);
    const name = wf.metadata.name;
    assert.equal(wf.status?.phase, 'Failed');
    const run = runGraphOf(wf);
    const byId = new Map(run.graph.nodes.map((n) => [n.id, n]));

    // The failed item, by name, with its message.
    assert.deepEqual(run.failed.map((id) => byId.get(id)?.label), ['score(3:3)']);
    const failedNode = byId.get(run.failed[0]);
    assert.equal(failedNode?.details.find((d) => d.key === 'message')?.value, 'Error (exit code 1)');

    // Every node of status.nodes is drawn; the fan-out group holds exactly the TaskGroup's children,
    // with the phases status.nodes gives them.
    const nodes = wf.status?.nodes ?? {};
    assert.equal(run.graph.nodes.length, Object.keys(nodes).length);
    const [groupId, group] = Object.entries(nodes).find(([, n]) => n.type === 'TaskGroup') ?? [];
    assert.ok(groupId && group);
    assert.equal(byId.get(groupId)?.groupKind, 'fan-out');
    const members = run.graph.nodes.filter((n) => n.parent === groupId).map((n) => n.id);
    assert.deepEqual([...members].sort(), [...(group.children ?? [])].sort());
    const expected: Partial<Record<NodeStatus, number>> = {};
    for (const id of group.children ?? []) {
      const s = argoPhaseStatus(nodes[id].phase);
      expected[s] = (expected[s] ?? 0) + 1;
    }
    assert.deepEqual(phaseCounts(members, run.statuses), expected);
    assert.deepEqual(expected, { succeeded: 4, failed: 1 });

    // Pod names derived the way Argo names pods are the pods the controller created.
    const pods = await core.listNamespacedPod({ namespace });
    const podOfNode = new Map(pods.items.map((p) => [p.metadata?.annotations?.['workflows.argoproj.io/node-name'], p.metadata?.name]));
    const podNodes = run.graph.nodes.filter((n) => n.details.some((d) => d.key === 'type' && d.value === 'Pod'));
    assert.equal(podNodes.length, 7, 'prepare, 5 items, cleanup; aggregate was omitted');
    const read = readWorkflowNodes(wf);
    assert.ok(read.nodes);
    for (const n of podNodes) {
      const argoName: string = read.nodes[n.id].name;
      assert.equal(n.details.find((d) => d.key === 'pod name')?.value, podOfNode.get(argoName), argoName);
    }

    // The synthetic generator shapes the same run the same way.
    assert.deepEqual(runShape(syntheticFanOutRun({ name, width: 5, failing: [3] })), runShape(wf));
  });

  test('a run the controller stored as status.compressedNodes: the run graph and the live colours read it', async (t) => {
    // Past ~1 MB (the controller's MAX_WORKFLOW_SIZE default) Argo gzips the nodes into compressedNodes.
    // 60 items with a 20 kB input parameter each (made by an expression, so the spec itself stays small)
    // take the nodes there without thousands of pods.
    const namespace = await useNamespace(t, local, 'run-graph-gz');
    const manifest = fanOutWorkflowManifest({ generateName: 'fan-gz-', width: 60, failing: [7, 42] });
    const [main, , score] = manifest.spec.templates as Array<{ dag?: { tasks: Array<{ name: string; arguments?: { parameters: object[] } }> }; inputs?: { parameters: object[] } }>;
    main.dag?.tasks.find((task) => task.name === 'score')?.arguments?.parameters.push({ name: 'pad', value: "{{=sprig.repeat(20000, 'x')}}" });
    score.inputs?.parameters.push({ name: 'pad' });
    const wf = await submitAndWait(namespace, manifest, 240_000);
    assert.equal(wf.status?.phase, 'Failed');
    assert.equal(wf.status?.nodes, undefined, 'the controller compressed the nodes');
    assert.ok((wf.status?.compressedNodes ?? '').length > 1000);

    const read = readWorkflowNodes(wf);
    assert.ok(read.nodes && 'source' in read);
    assert.equal(read.source, 'compressed');
    assert.equal(Object.keys(read.nodes).length, 60 + 5);
    const run = runGraphOf(wf);
    const byId = new Map(run.graph.nodes.map((n) => [n.id, n]));
    assert.equal(run.graph.nodes.length, 65);
    assert.deepEqual(run.failed.map((id) => byId.get(id)?.label).sort(), ['score(42:42)', 'score(7:7)']);
    const pad = byId.get(run.failed[0])?.details.find((d) => d.key === 'input pad')?.value ?? '';
    assert.ok(pad.startsWith('xxxx') && pad.length < 2100, 'long parameter values are cut for the panel');

    // The spec view's live colours (mapWorkflowStatus) from the same compressed nodes.
    const spec = parsePipeline(JSON.stringify(manifest), { fileName: 'fan-gz.json' }).graphs[0];
    const snap = mapWorkflowStatus(spec, wf);
    assert.equal(snap.unavailable, undefined);
    assert.equal(snap.statuses['.prepare'], 'succeeded');
    assert.equal(snap.statuses['.score(7:7)'], 'failed');
    assert.equal(snap.statuses['.score(8:8)'], 'succeeded');
  });
});
