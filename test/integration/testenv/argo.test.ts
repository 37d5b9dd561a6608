// Argo Workflows through the real workflow-controller on the local test cluster (pods run by KWOK).
import { CustomObjectsApi } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAIL_ANNOTATION, getCluster, useNamespace, waitFor } from '../helpers/testCluster';

const local = getCluster('local');
const custom = local.kc.makeApiClient(CustomObjectsApi);
const wfApi = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;

interface WorkflowNode {
  displayName: string;
  type: string;
  phase?: string;
  message?: string;
}
interface Workflow {
  metadata: { name: string; namespace: string };
  status?: { phase?: string; nodes?: Record<string, WorkflowNode>; startedAt?: string; finishedAt?: string; message?: string };
}

/** A DAG of three container steps a → b → c; `failStep` gets the annotation that makes KWOK fail its pod. */
export function threeStepDag(name: string, failStep?: 'a' | 'b' | 'c') {
  const step = (id: string) => ({
    name: id,
    ...(id === failStep ? { metadata: { annotations: { [FAIL_ANNOTATION]: 'true' } } } : {}),
    container: { image: 'alpine:3.20', command: ['sh', '-c', `echo step ${id}`] },
  });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'a', template: 'a' },
              { name: 'b', template: 'b', dependencies: ['a'] },
              { name: 'c', template: 'c', dependencies: ['b'] },
            ],
          },
        },
        step('a'),
        step('b'),
        step('c'),
      ],
    },
  };
}

async function getWorkflow(namespace: string, name: string): Promise<Workflow> {
  return (await custom.getNamespacedCustomObject({ ...wfApi, namespace, name })) as Workflow;
}

async function waitFinished(namespace: string, name: string, timeoutMs = 120_000): Promise<Workflow> {
  return waitFor(
    async () => {
      const wf = await getWorkflow(namespace, name);
      const phase = wf.status?.phase;
      return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error' ? wf : undefined;
    },
    { timeoutMs, what: `workflow ${namespace}/${name} to finish` },
  );
}

function podNodes(wf: Workflow): Record<string, WorkflowNode> {
  const out: Record<string, WorkflowNode> = {};
  for (const node of Object.values(wf.status?.nodes ?? {})) if (node.type === 'Pod') out[node.displayName] = node;
  return out;
}

describe('Argo workflow-controller on the local test cluster', () => {
  test('a three-step DAG reaches Succeeded, every step in order', async (t) => {
    const namespace = await useNamespace(t, local, 'argo-dag');
    const started = Date.now();
    await custom.createNamespacedCustomObject({ ...wfApi, namespace, body: threeStepDag('three-steps') });
    const wf = await waitFinished(namespace, 'three-steps');
    const elapsed = Date.now() - started;
    assert.equal(wf.status?.phase, 'Succeeded', `workflow message: ${wf.status?.message}`);
    const nodes = podNodes(wf);
    assert.deepEqual(Object.keys(nodes).sort(), ['a', 'b', 'c']);
    for (const id of ['a', 'b', 'c']) assert.equal(nodes[id].phase, 'Succeeded', `step ${id}`);
    t.diagnostic(`three-step workflow: created → Succeeded in ${(elapsed / 1000).toFixed(1)} s`);
  });

  test('a DAG whose middle step fails reaches Failed, and the failed node is that step', async (t) => {
    const namespace = await useNamespace(t, local, 'argo-fail');
    await custom.createNamespacedCustomObject({ ...wfApi, namespace, body: threeStepDag('fails-at-b', 'b') });
    const wf = await waitFinished(namespace, 'fails-at-b');
    assert.equal(wf.status?.phase, 'Failed');
    const nodes = podNodes(wf);
    assert.equal(nodes.a?.phase, 'Succeeded', 'step a ran before the failure');
    assert.equal(nodes.b?.phase, 'Failed', 'step b is the failed node');
    assert.match(nodes.b?.message ?? '', /exit code 1|Error/i);
    assert.notEqual(nodes.c?.phase, 'Succeeded', 'step c must not run after b failed');
    const failed = Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod' && n.phase === 'Failed');
    assert.deepEqual(failed.map((n) => n.displayName), ['b']);
  });
});
