// KWOK's stage set on the local cluster: long-running pods become Ready (Deployments go Available),
// finite pods complete, the kindling.dev/fail annotation fails a pod, and kindling.dev/hold keeps one
// Running until the test releases it.
import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAIL_ANNOTATION, HOLD_ANNOTATION, getCluster, releasePods, useNamespace, waitFor } from '../helpers/testCluster';

const local = getCluster('local');
const core = local.kc.makeApiClient(CoreV1Api);
const apps = local.kc.makeApiClient(AppsV1Api);

function pod(name: string, annotations: Record<string, string>): V1Pod {
  return { metadata: { name, annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } };
}

describe('KWOK fake nodes on the local cluster', () => {
  test('a Deployment becomes Available with all replicas Ready on fake nodes', async (t) => {
    const namespace = await useNamespace(t, local, 'kwok-deploy');
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
        },
      },
    });
    const dep = await waitFor(
      async () => {
        const d = await apps.readNamespacedDeployment({ namespace, name: 'web' });
        return d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') && d.status?.readyReplicas === 2 ? d : undefined;
      },
      { timeoutMs: 60_000, what: 'Deployment web Available' },
    );
    assert.equal(dep.status?.readyReplicas, 2);
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    for (const p of pods.items) {
      assert.equal(p.status?.phase, 'Running', 'Deployment pods keep running (they are not completed)');
      assert.match(p.spec?.nodeName ?? '', /^kwok-node-/, 'scheduled by kube-scheduler onto a KWOK node');
    }
  });

  test('kindling.dev/complete finishes a bare pod; kindling.dev/fail fails it with exit code 1', async (t) => {
    const namespace = await useNamespace(t, local, 'kwok-pods');
    await core.createNamespacedPod({ namespace, body: pod('ok', { 'kindling.dev/complete': 'true' }) });
    await core.createNamespacedPod({ namespace, body: pod('bad', { 'kindling.dev/complete': 'true', [FAIL_ANNOTATION]: 'true' }) });
    const finished = (name: string) =>
      waitFor(
        async () => {
          const p = await core.readNamespacedPod({ namespace, name });
          return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
        },
        { timeoutMs: 60_000, what: `pod ${name} to finish` },
      );
    const [ok, bad] = await Promise.all([finished('ok'), finished('bad')]);
    assert.equal(ok.status?.phase, 'Succeeded');
    assert.equal(ok.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
    assert.equal(bad.status?.phase, 'Failed');
    assert.equal(bad.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 1);
  });

  test('kindling.dev/hold keeps a pod Running past the completion delay until it is released', async (t) => {
    const namespace = await useNamespace(t, local, 'kwok-hold');
    await core.createNamespacedPod({ namespace, body: pod('held', { 'kindling.dev/complete': 'true', [HOLD_ANNOTATION]: 'true' }) });
    await core.createNamespacedPod({ namespace, body: pod('free', { 'kindling.dev/complete': 'true' }) });
    const phaseOf = async (name: string) => (await core.readNamespacedPod({ namespace, name })).status?.phase;
    await waitFor(async () => ((await phaseOf('free')) === 'Succeeded' ? true : undefined), { timeoutMs: 60_000, what: 'pod free to finish' });
    // The unheld pod finished after its 1 s delay; the held one is still Running 3 s later.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await phaseOf('held'), 'Running');
    assert.deepEqual(await releasePods(local, namespace, ''), ['held']);
    await waitFor(async () => ((await phaseOf('held')) === 'Succeeded' ? true : undefined), { timeoutMs: 60_000, what: 'pod held to finish once released' });
  });
});
