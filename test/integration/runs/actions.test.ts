// Run actions (src/kube/runs/actions.ts) on the real Argo workflow-controller of the local test cluster,
// pods run by KWOK: a 1,000-item fan-out where exactly 3 items fail (KWOK's fail switch, set per item
// through the template's metadata.annotations), its run graph, retry-failed (only those 3 run again),
// stop, terminate, suspend/resume and resubmit, each observed in the run's status.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ResourceRef } from '../../../src/core/component';
import { phaseCounts, workflowRunGraph } from '../../../src/core/pipelineRun/runGraph';
import { ActionRefused, deleteRun, resubmitRun, resumeRun, retryRun, shutdownRun, suspendRun } from '../../../src/kube/runs/actions';
import { FAIL_ANNOTATION, HOLD_ANNOTATION, getCluster, releasePods, useNamespace, waitFor } from '../helpers/testCluster';

const local = getCluster('local');
const custom = local.kc.makeApiClient(CustomObjectsApi);
const core = local.kc.makeApiClient(CoreV1Api);
const wfApi = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;
const COMPLETE_DELAY = 'pod-complete.stage.kwok.x-k8s.io/delay';

interface Node {
  id: string;
  name: string;
  displayName: string;
  type: string;
  phase?: string;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  children?: string[];
}
interface Workflow {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { phase?: string; message?: string; nodes?: Record<string, Node> };
}

const ref = (namespace: string, name: string): ResourceRef => ({ ...wfApi, kind: 'Workflow', namespace, name });
const get = async (namespace: string, name: string): Promise<Workflow> => (await custom.getNamespacedCustomObject({ ...wfApi, namespace, name })) as Workflow;
const create = async (namespace: string, body: unknown): Promise<void> => void (await custom.createNamespacedCustomObject({ ...wfApi, namespace, body }));
const ended = (p?: string): boolean => p === 'Succeeded' || p === 'Failed' || p === 'Error';
const nodes = (wf: Workflow): Node[] => Object.values(wf.status?.nodes ?? {});

async function waitPhase(namespace: string, name: string, want: (wf: Workflow) => boolean, what: string, timeoutMs = 120_000): Promise<Workflow> {
  return waitFor(
    async () => {
      const wf = await get(namespace, name);
      return want(wf) ? wf : undefined;
    },
    { timeoutMs, what: `${name}: ${what}`, intervalMs: 500 },
  );
}

const container = { image: 'alpine:3.20', command: ['sh', '-c', 'echo ok'] };

const FAN_OUT = 1000;
const FAILING = [17, 503, 988];

function fanOut(name: string): unknown {
  const items = Array.from({ length: FAN_OUT }, (_, i) => ({ shard: `s${String(i).padStart(4, '0')}`, fail: FAILING.includes(i) ? 'true' : 'false' }));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'kindling', 'kindling.dev/run': name } },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'score', template: 'score', arguments: { parameters: [{ name: 'shard', value: '{{item.shard}}' }, { name: 'fail', value: '{{item.fail}}' }] }, withItems: items }] } },
        // KWOK's fail switch per item: the pod's annotation comes from the item.
        { name: 'score', inputs: { parameters: [{ name: 'shard' }, { name: 'fail' }] }, metadata: { annotations: { [FAIL_ANNOTATION]: '{{inputs.parameters.fail}}' } }, container },
      ],
    },
  };
}

describe('run actions on the real Argo controller', () => {
  test(`a ${FAN_OUT}-item fan-out with 3 failing items: the run graph names exactly those 3; retry-failed runs only them again`, async (t) => {
    const namespace = await useNamespace(t, local, 'actions-fanout');
    const name = 'fanout';
    const started = Date.now();
    await create(namespace, fanOut(name));
    const failed = await waitPhase(namespace, name, (wf) => ended(wf.status?.phase), 'first run to end', 300_000);
    const firstRunMs = Date.now() - started;
    t.diagnostic(`${FAN_OUT}-item fan-out on KWOK: created → ${failed.status?.phase} in ${(firstRunMs / 1000).toFixed(1)} s`);
    assert.equal(failed.status?.phase, 'Failed');

    const pods = nodes(failed).filter((n) => n.type === 'Pod');
    assert.equal(pods.length, FAN_OUT);
    const failedPods = pods.filter((n) => n.phase === 'Failed');
    const wantFailed = FAILING.map((i) => `score(${i}:fail:true,shard:s${String(i).padStart(4, '0')})`).sort();
    assert.deepEqual(failedPods.map((n) => n.displayName).sort(), wantFailed);

    // The run graph (core/pipelineRun/runGraph.ts) names exactly those 3, and its fan-out group's counts are status.nodes'.
    const graph = workflowRunGraph(failed);
    assert.ok(!('unavailable' in graph), 'run graph available');
    assert.deepEqual(graph.failed.map((id) => failed.status?.nodes?.[id]?.displayName).sort(), wantFailed);
    const group = graph.graph.nodes.find((n) => n.kind === 'group' && graph.graph.nodes.filter((m) => m.parent === n.id).length === FAN_OUT);
    assert.ok(group, 'one group holds the 1,000 items');
    assert.ok(graph.collapsedByDefault.includes(group.id), 'the large fan-out starts collapsed');
    const members = graph.graph.nodes.filter((m) => m.parent === group.id).map((m) => m.id);
    const counts = phaseCounts(members, graph.statuses);
    assert.deepEqual(counts, { succeeded: pods.filter((n) => n.phase === 'Succeeded').length, failed: failedPods.length });
    assert.deepEqual(counts, { succeeded: FAN_OUT - 3, failed: 3 });

    // Before: every pod of the run by node id, with its uid.
    const podsBefore = await core.listNamespacedPod({ namespace, labelSelector: `workflows.argoproj.io/workflow=${name}` });
    const uidBefore = new Map(podsBefore.items.map((p) => [p.metadata?.annotations?.['workflows.argoproj.io/node-id'] ?? '', p.metadata?.uid]));
    assert.equal(uidBefore.size, FAN_OUT);

    const retryStarted = Date.now();
    const result = await retryRun(local.kc, ref(namespace, name));
    assert.deepEqual(result.retried, { nodes: 3, pods: 3 });
    const running = await get(namespace, name);
    assert.notEqual(running.metadata.labels?.['workflows.argoproj.io/completed'], 'true');
    // The same 3 fail again (their annotation stays): the run ends Failed again, with only them re-run.
    const again = await waitPhase(namespace, name, (wf) => ended(wf.status?.phase) && nodes(wf).filter((n) => n.type === 'Pod').length === FAN_OUT, 'retried run to end', 120_000);
    t.diagnostic(`retry-failed: retry → ${again.status?.phase} in ${((Date.now() - retryStarted) / 1000).toFixed(1)} s`);
    assert.equal(again.status?.phase, 'Failed');
    const podsAfter = await core.listNamespacedPod({ namespace, labelSelector: `workflows.argoproj.io/workflow=${name}` });
    const recreated = podsAfter.items.filter((p) => uidBefore.get(p.metadata?.annotations?.['workflows.argoproj.io/node-id'] ?? '') !== p.metadata?.uid);
    assert.deepEqual(recreated.map((p) => p.metadata?.annotations?.['workflows.argoproj.io/node-id']).sort(), failedPods.map((n) => n.id).sort(), 'new pods only for the 3 failed items');
    assert.equal(podsAfter.items.length, FAN_OUT);
    const before = failed.status?.nodes ?? {};
    for (const n of nodes(again).filter((x) => x.type === 'Pod')) {
      if (FAILING.some((i) => n.displayName.startsWith(`score(${i}:`))) {
        assert.equal(n.phase, 'Failed');
        assert.notEqual(n.startedAt, before[n.id]?.startedAt, `${n.displayName} ran again`);
      } else {
        assert.equal(n.phase, 'Succeeded');
        assert.equal(n.finishedAt, before[n.id]?.finishedAt, `${n.displayName} kept`);
      }
    }
  });

  test('stop lets the exit handler run, terminate does not; an ended run refuses both', async (t) => {
    const namespace = await useNamespace(t, local, 'actions-stop');
    const body = (name: string): unknown => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name },
      spec: {
        entrypoint: 'long',
        onExit: 'cleanup',
        templates: [
          { name: 'long', metadata: { annotations: { [COMPLETE_DELAY]: '120s' } }, container },
          { name: 'cleanup', container },
        ],
      },
    });
    await Promise.all([create(namespace, body('stopped')), create(namespace, body('terminated'))]);
    for (const name of ['stopped', 'terminated']) {
      await waitPhase(namespace, name, (wf) => nodes(wf).some((n) => n.type === 'Pod' && n.phase === 'Running'), 'its step running');
    }
    await shutdownRun(local.kc, ref(namespace, 'stopped'), 'Stop');
    await shutdownRun(local.kc, ref(namespace, 'terminated'), 'Terminate');
    const stopped = await waitPhase(namespace, 'stopped', (wf) => ended(wf.status?.phase), 'stop to end it');
    const terminated = await waitPhase(namespace, 'terminated', (wf) => ended(wf.status?.phase), 'terminate to end it');
    assert.equal(stopped.spec.shutdown, 'Stop');
    assert.match(stopped.status?.message ?? '', /Stopped with strategy 'Stop'/);
    assert.equal(nodes(stopped).find((n) => n.name === 'stopped.onExit')?.phase, 'Succeeded', 'Stop ran the exit handler');
    assert.match(terminated.status?.message ?? '', /Stopped with strategy 'Terminate'/);
    assert.equal(nodes(terminated).find((n) => n.name === 'terminated.onExit'), undefined, 'Terminate skipped the exit handler');
    await assert.rejects(shutdownRun(local.kc, ref(namespace, 'stopped'), 'Terminate'), (e: unknown) => e instanceof ActionRefused && e.reason === 'finished' && /already finished/.test(e.message));
  });

  test('suspend holds the next step until resume; resume also completes a waiting suspend step', async (t) => {
    const namespace = await useNamespace(t, local, 'actions-suspend');
    await create(namespace, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'paused' },
      spec: {
        entrypoint: 'main',
        templates: [
          { name: 'main', steps: [[{ name: 'first', template: 'slow' }], [{ name: 'approve', template: 'approve' }], [{ name: 'second', template: 'quick' }]] },
          // Held Running until the test lets it finish: the suspend must land while it runs, however
          // slow the controller is after the 1,000-item test (a 4 s delay once passed unseen in CI).
          { name: 'slow', metadata: { annotations: { [HOLD_ANNOTATION]: 'true' } }, container },
          { name: 'approve', suspend: {} },
          { name: 'quick', container },
        ],
      },
    });
    await waitPhase(namespace, 'paused', (wf) => nodes(wf).some((n) => n.displayName === 'first' && n.phase === 'Running'), 'first step running');
    await suspendRun(local.kc, ref(namespace, 'paused'));
    const suspended = await get(namespace, 'paused');
    assert.equal(suspended.spec.suspend, true);
    assert.equal((await releasePods(local, namespace, 'workflows.argoproj.io/workflow=paused')).length, 1, "the first step's pod released");
    await waitPhase(namespace, 'paused', (wf) => nodes(wf).some((n) => n.displayName === 'first' && n.phase === 'Succeeded'), 'first step done');
    // While suspended, the controller starts nothing after it.
    await new Promise((r) => setTimeout(r, 4000));
    const held = await get(namespace, 'paused');
    assert.equal(held.status?.phase, 'Running');
    assert.equal(nodes(held).find((n) => n.displayName === 'approve'), undefined, 'no next step while suspended');

    await resumeRun(local.kc, ref(namespace, 'paused'));
    const waiting = await waitPhase(namespace, 'paused', (wf) => nodes(wf).some((n) => n.displayName === 'approve' && n.type === 'Suspend' && n.phase === 'Running'), 'the suspend step to wait');
    assert.equal(waiting.spec.suspend, undefined);
    // The suspend template's node waits: Resume marks it done, and the run goes on to the end.
    const result = await resumeRun(local.kc, ref(namespace, 'paused'));
    assert.match(result.message, /1 suspend step marked done/);
    const done = await waitPhase(namespace, 'paused', (wf) => ended(wf.status?.phase), 'run to end after resume');
    assert.equal(done.status?.phase, 'Succeeded');
    assert.equal(nodes(done).find((n) => n.displayName === 'second')?.phase, 'Succeeded');
  });

  test('resubmit creates a new run from the same spec with the provenance and Argo label; delete removes a run', async (t) => {
    const namespace = await useNamespace(t, local, 'actions-resubmit');
    const old = 'train-abc12';
    await create(namespace, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: old, labels: { 'app.kubernetes.io/managed-by': 'kindling', 'kindling.dev/run': old }, annotations: { 'kindling.dev/source-path': 'p.yaml', 'kindling.dev/parameters': '{"epochs":"3"}' } },
      spec: { entrypoint: 'one', podMetadata: { labels: { 'kindling.dev/run': old } }, templates: [{ name: 'one', container }] },
    });
    await waitPhase(namespace, old, (wf) => wf.status?.phase === 'Succeeded', 'first run to succeed');
    const result = await resubmitRun(local.kc, ref(namespace, old), 'zz999');
    assert.equal(result.created?.name, 'train-zz999');
    const fresh = await waitPhase(namespace, 'train-zz999', (wf) => wf.status?.phase === 'Succeeded', 'resubmitted run to succeed');
    assert.equal(fresh.metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow'], old);
    assert.equal(fresh.metadata.labels?.['kindling.dev/run'], 'train-zz999');
    assert.equal(fresh.metadata.annotations?.['kindling.dev/parameters'], '{"epochs":"3"}');
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'kindling.dev/run=train-zz999' });
    assert.equal(pods.items.length, 1, "the new run's pod carries the new run label");

    await deleteRun(local.kc, ref(namespace, old));
    await waitFor(async () => ((await custom.listNamespacedCustomObject({ ...wfApi, namespace })) as { items: Workflow[] }).items.every((w) => w.metadata.name !== old) || undefined, {
      timeoutMs: 30_000,
      what: `${old} deleted`,
    });
    await assert.rejects(deleteRun(local.kc, ref(namespace, old)), (e: unknown) => e instanceof ActionRefused && e.reason === 'gone');
  });
});
