// A watch (client-node informer) on Argo workflows survives a kube-apiserver kill and restart and still
// delivers the final status; the controllers (Argo, KWOK) reconnect on their own.
import { CustomObjectsApi, type KubernetesObject, makeInformer } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getCluster, restartComponent, useNamespace, waitFor } from '../helpers/testCluster';

const local = getCluster('local');
const custom = local.kc.makeApiClient(CustomObjectsApi);

type Workflow = KubernetesObject & { status?: { phase?: string } };

describe('watch across a kube-apiserver restart', () => {
  test('an informer on workflows delivers Succeeded after the API server was killed and started again', async (t) => {
    const namespace = await useNamespace(t, local, 'watch-restart');
    const path = `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/workflows`;
    const listFn = () => custom.listNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace, plural: 'workflows' }) as never;
    const informer = makeInformer<Workflow>(local.kc, path, listFn);
    const phases: string[] = [];
    let errors = 0;
    let stopped = false;
    let finalPhase: string | undefined;
    const seen = (wf: Workflow) => {
      const phase = wf.status?.phase;
      if (phase && phases[phases.length - 1] !== phase) phases.push(phase);
      if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Error') finalPhase = phase;
    };
    informer.on('add', seen);
    informer.on('update', seen);
    // client-node's informer stops on a connection error; the documented recovery is to start it again.
    informer.on('error', () => {
      errors++;
      if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 1000);
    });
    await informer.start();
    t.after(async () => {
      stopped = true;
      await informer.stop();
    });

    // One step that stays Running for 20 s (KWOK's per-pod delay annotation), so the restart happens mid-run.
    await custom.createNamespacedCustomObject({
      group: 'argoproj.io', version: 'v1alpha1', namespace, plural: 'workflows',
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'survives-restart' },
        spec: {
          entrypoint: 'slow',
          templates: [{
            name: 'slow',
            metadata: { annotations: { 'pod-complete.stage.kwok.x-k8s.io/delay': '20s' } },
            container: { image: 'alpine:3.20', command: ['sleep', '20'] },
          }],
        },
      },
    });
    await waitFor(async () => (phases.includes('Running') ? true : undefined), { timeoutMs: 60_000, what: 'the informer to see phase Running' });

    assert.equal(finalPhase, undefined, 'the workflow must still be running when the API server goes away');
    restartComponent('local-apiserver', { kill: true });

    await waitFor(async () => finalPhase, { timeoutMs: 120_000, intervalMs: 500, what: 'the informer to deliver the final phase after the restart' });
    assert.equal(finalPhase, 'Succeeded', `phases seen: ${phases.join(' → ')}`);
    t.diagnostic(`phases ${phases.join(' → ')}; informer errors during the restart: ${errors}`);
  });
});
