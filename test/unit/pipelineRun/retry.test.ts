/**
 * Retry failed, against Argo's own answer. Fixtures:
 * - retry-shape.workflow.json: a Workflow as the real workflow-controller v3.6.15 left it on the KWOK
 *   test cluster (DAG with a 4-item withItems fan-out of which 2 items failed by KWOK's fail switch, a
 *   retryStrategy task whose 2 attempts failed, a Steps child with a failed step, and an exit handler);
 * - retry-shape.argo-retry.json: what Argo's workflow/util.FormulateRetryWorkflow (v3.6.15, built
 *   from the Go module cache, restartSuccessful=false) returned for that object: the phase of every node
 *   it kept and the pods it deletes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { planRetry, retryWorkflow, RetryRefused, type RetryNode } from '../../../src/core/pipelineRun/retry';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
type Wf = { metadata: { name: string; labels: Record<string, string>; resourceVersion?: string }; spec: Record<string, unknown>; status: Record<string, unknown> & { nodes?: Record<string, RetryNode> } };
const workflow = (): Wf => fixture('retry-shape.workflow.json') as Wf;
const argo = fixture('retry-shape.argo-retry.json') as { nodes: Record<string, string>; pods: string[] };
const NOW = '2026-12-05T03:00:00Z';

/** Argo's pod name (v2) of a node: <wf>-<template>-<id hash>, i.e. the node id's hash behind the template name. */
function podNameOf(wf: Wf, id: string): string {
  const node = wf.status.nodes?.[id];
  assert.ok(node, `node ${id}`);
  return `${wf.metadata.name}-${String(node.templateName)}-${id.slice(wf.metadata.name.length + 1)}`;
}

describe('retry failed (Argo FormulateRetryWorkflow semantics)', () => {
  test('keeps and resets exactly the nodes Argo keeps and resets, with the same phases', () => {
    const wf = workflow();
    const plan = planRetry(wf.metadata.name, wf.status.nodes ?? {}, NOW);
    const phases = Object.fromEntries(Object.entries(plan.nodes).map(([id, n]) => [id, n.phase]));
    assert.deepEqual(phases, argo.nodes);
    // The reset ones are Running with no message and no finish; kept succeeded ones untouched.
    for (const id of plan.reset) {
      assert.equal(plan.nodes[id].phase, 'Running');
      assert.equal(plan.nodes[id].message, undefined);
      assert.equal(plan.nodes[id].finishedAt, null);
      assert.equal(plan.nodes[id].startedAt, NOW);
    }
    assert.deepEqual(plan.reset.sort(), Object.keys(argo.nodes).filter((id) => argo.nodes[id] === 'Running').sort());
    for (const [id, n] of Object.entries(plan.nodes)) if (n.phase === 'Succeeded') assert.deepEqual(n, wf.status.nodes?.[id]);
  });

  test('deletes the pods Argo deletes: the failed items, both attempts of the retried task, the failed step and the exit handler', () => {
    const wf = workflow();
    const plan = planRetry(wf.metadata.name, wf.status.nodes ?? {}, NOW);
    assert.deepEqual(plan.podNodeIds.map((id) => podNameOf(wf, id)).sort(), [...argo.pods].sort());
  });

  test('children and outbound lists no longer name deleted nodes', () => {
    const wf = workflow();
    const plan = planRetry(wf.metadata.name, wf.status.nodes ?? {}, NOW);
    const fanOut = Object.values(plan.nodes).find((n) => n.name === 'retry-shape.shard');
    assert.equal(fanOut?.children?.length, 2, 'the 2 succeeded items stay, the 2 failed ones go');
    for (const n of Object.values(plan.nodes)) for (const c of [...(n.children ?? []), ...(n.outboundNodes ?? [])]) assert.ok(plan.nodes[c], `${n.name} → ${c}`);
  });

  test('the workflow is Running again: completed label, finish, message and shutdown cleared', () => {
    const wf = workflow();
    wf.spec.shutdown = 'Stop';
    wf.status.message = 'child failed';
    const { workflow: out } = retryWorkflow(wf, NOW);
    const o = out as Wf;
    assert.equal(o.metadata.labels['workflows.argoproj.io/completed'], undefined);
    assert.equal(o.metadata.labels['workflows.argoproj.io/phase'], 'Running');
    assert.equal(o.metadata.resourceVersion, wf.metadata.resourceVersion, 'written back with the version it was read at');
    assert.equal(o.spec.shutdown, undefined);
    assert.equal(o.status.phase, 'Running');
    assert.equal(o.status.message, undefined);
    assert.equal(o.status.finishedAt, null);
    assert.deepEqual((o.status.conditions as { type: string; status: string }[]).filter((c) => c.type === 'Completed'), [{ type: 'Completed', status: 'False' }]);
    assert.ok(!Object.values(o.status.nodes ?? {}).some((n) => 'podName' in n), "Kindling's derived podName is not written to Argo's nodes");
  });

  test('compressed nodes are read and written back compressed, with the same plan', () => {
    const wf = workflow();
    const plain = retryWorkflow(workflow(), NOW);
    wf.status.compressedNodes = gzipSync(Buffer.from(JSON.stringify(wf.status.nodes))).toString('base64');
    delete wf.status.nodes;
    const { workflow: out, plan } = retryWorkflow(wf, NOW);
    const st = (out as Wf).status;
    assert.equal(st.nodes, undefined);
    const decoded = JSON.parse(gunzipSync(Buffer.from(String(st.compressedNodes), 'base64')).toString('utf8')) as Record<string, RetryNode>;
    assert.deepEqual(Object.fromEntries(Object.entries(decoded).map(([id, n]) => [id, n.phase])), argo.nodes);
    assert.deepEqual(plan.podNodeIds.sort(), plain.plan.podNodeIds.sort());
  });

  test('a later successful attempt of a retryStrategy means that step is not retried', () => {
    const wf = workflow();
    const nodes = structuredClone(wf.status.nodes ?? {});
    const retry = Object.values(nodes).find((n) => n.type === 'Retry');
    assert.ok(retry?.children?.[1]);
    nodes[retry.children[1]].phase = 'Succeeded';
    const plan = planRetry(wf.metadata.name, nodes, NOW);
    assert.ok(plan.nodes[retry.children[1]], 'the succeeded attempt stays');
    assert.ok(plan.nodes[retry.children[0]], 'the failed attempt before it stays too');
  });

  test('refuses runs that did not fail, and runs whose nodes are offloaded', () => {
    for (const phase of ['Running', 'Succeeded', undefined]) {
      const wf = workflow();
      wf.status.phase = phase;
      assert.throws(() => retryWorkflow(wf, NOW), (e: unknown) => e instanceof RetryRefused && /Failed or Error/.test(e.message));
    }
    const wf = workflow();
    delete wf.status.nodes;
    wf.status.offloadNodeStatusVersion = 'fnv:123';
    assert.throws(() => retryWorkflow(wf, NOW), (e: unknown) => e instanceof RetryRefused && /offloaded/.test(e.message));
  });
});
