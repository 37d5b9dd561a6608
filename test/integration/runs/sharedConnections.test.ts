/**
 * Kept-alive connections for runs (src/kube/sharedConnections.ts) against the real API server: calls
 * made through connect() reuse one TLS connection, across KubeConfigs loaded again for the next run,
 * and a watch on a shared connection still delivers events while other calls go out.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { test } from 'node:test';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { connect } from '../../../src/kube/runs';
import { getCluster, useNamespace, waitFor } from '../helpers/testCluster';

const local = getCluster('local');
const target = { kubeconfigPath: local.kubeconfigPath, context: local.context };

/**
 * Counts the requests made while `fn` runs that needed a new connection: Node publishes every client
 * request, and marks the ones its agent sent on a kept-alive socket (`reusedSocket`).
 */
async function countConnections(fn: () => Promise<void>): Promise<number> {
  const requests: ClientRequest[] = [];
  const onRequest = (message: unknown): void => {
    requests.push((message as { request: ClientRequest }).request);
  };
  subscribe('http.client.request.start', onRequest);
  try {
    await fn();
  } finally {
    unsubscribe('http.client.request.start', onRequest);
  }
  assert.ok(requests.length >= 5, `saw ${requests.length} requests`);
  return requests.filter((r) => !r.reusedSocket).length;
}

const fiveReads = (kcs: ReturnType<typeof connect>[]) => async (): Promise<void> => {
  for (const kc of kcs) await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'default' });
};

test('five calls through connect(), each with a freshly loaded kubeconfig, open at most one connection', async () => {
  // Warm the pool first, so the count below is about reuse, not about the first connection.
  await fiveReads([connect(target)])();
  const opened = await countConnections(fiveReads(Array.from({ length: 5 }, () => connect(target))));
  assert.ok(opened <= 1, `expected the kept-alive connection to be reused, ${opened} were opened`);
});

test('the same calls with client-node as it comes open one connection each (what connect() avoids)', async () => {
  const opened = await countConnections(fiveReads(Array.from({ length: 5 }, () => local.kc)));
  assert.equal(opened, 5);
});

test('a watch on a shared connection sees an object created through the same KubeConfig', async (t) => {
  const ns = await useNamespace(t, local, 'shared-conn');
  const kc = connect(target);
  const seen: string[] = [];
  const controller = await new Watch(kc).watch(
    `/api/v1/namespaces/${ns}/configmaps`,
    {},
    (type: string, obj: { metadata?: { name?: string } }) => {
      if (type === 'ADDED' && obj.metadata?.name) seen.push(obj.metadata.name);
    },
    () => undefined,
  );
  t.after(() => controller.abort());
  const core = kc.makeApiClient(CoreV1Api);
  for (const name of ['first', 'second']) {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, data: { k: name } } });
  }
  await waitFor(async () => (seen.includes('first') && seen.includes('second') ? true : undefined), { timeoutMs: 20_000, what: 'both ConfigMaps on the watch' });
});
