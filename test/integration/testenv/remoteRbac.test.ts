// The remote cluster's restricted user: SelfSubjectAccessReview says what it may and may not do, and the
// API server enforces it. The admin context of the same cluster may do everything.
import { AuthorizationV1Api, CoreV1Api, CustomObjectsApi, ApiextensionsV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RESTRICTED_NAMESPACE, getCluster, statusCode, type TestCluster } from '../helpers/testCluster';

const remote = getCluster('remote');
const restricted = getCluster('remote-restricted');

async function canI(cluster: TestCluster, attrs: { verb: string; group?: string; resource: string; namespace?: string }): Promise<boolean> {
  const api = cluster.kc.makeApiClient(AuthorizationV1Api);
  const review = await api.createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: { verb: attrs.verb, group: attrs.group ?? '', resource: attrs.resource, namespace: attrs.namespace } } },
  });
  return review.status?.allowed === true;
}

describe('remote cluster: admin and restricted user', () => {
  test('the remote cluster serves the Argo Workflows and Spark operator CRDs', async () => {
    const crds = await remote.kc.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition();
    const names = crds.items.map((c) => c.metadata?.name);
    assert.ok(names.includes('workflows.argoproj.io'));
    assert.ok(names.includes('sparkapplications.sparkoperator.k8s.io'));
  });

  test('the restricted user is allowed only what its Role grants, in its namespace', async () => {
    const ns = RESTRICTED_NAMESPACE;
    const allowed = [
      { verb: 'create', group: 'argoproj.io', resource: 'workflows', namespace: ns },
      { verb: 'list', group: 'argoproj.io', resource: 'workflows', namespace: ns },
      { verb: 'get', group: 'sparkoperator.k8s.io', resource: 'sparkapplications', namespace: ns },
      { verb: 'list', resource: 'pods', namespace: ns },
    ];
    const denied = [
      { verb: 'delete', group: 'argoproj.io', resource: 'workflows', namespace: ns },
      { verb: 'create', group: 'sparkoperator.k8s.io', resource: 'sparkapplications', namespace: ns },
      { verb: 'get', resource: 'secrets', namespace: ns },
      { verb: 'create', group: 'argoproj.io', resource: 'workflows', namespace: 'default' },
      { verb: 'list', resource: 'namespaces' },
      { verb: 'create', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
    ];
    for (const a of allowed) assert.equal(await canI(restricted, a), true, `restricted may ${a.verb} ${a.resource} in ${a.namespace}`);
    for (const a of denied) assert.equal(await canI(restricted, a), false, `restricted must not ${a.verb} ${a.resource} in ${a.namespace ?? 'the cluster'}`);
    // The admin may do all of the denied things.
    for (const a of denied) assert.equal(await canI(remote, a), true, `admin may ${a.verb} ${a.resource}`);
  });

  test('the API server enforces it: a denied request is answered 403, an allowed one succeeds', async () => {
    const core = restricted.kc.makeApiClient(CoreV1Api);
    await assert.rejects(core.listNamespacedSecret({ namespace: RESTRICTED_NAMESPACE }), (err) => statusCode(err) === 403);
    await assert.rejects(core.listNamespace(), (err) => statusCode(err) === 403);
    const pods = await core.listNamespacedPod({ namespace: RESTRICTED_NAMESPACE });
    assert.ok(Array.isArray(pods.items));
    // A server-side dry-run create is allowed (create verb) and persists nothing.
    const custom = restricted.kc.makeApiClient(CustomObjectsApi);
    const body = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'dry-run-only' },
      spec: { entrypoint: 'a', templates: [{ name: 'a', container: { image: 'alpine:3.20' } }] },
    };
    await custom.createNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: RESTRICTED_NAMESPACE, plural: 'workflows', body, dryRun: 'All' });
    await assert.rejects(
      custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: RESTRICTED_NAMESPACE, plural: 'workflows', name: 'dry-run-only' }),
      (err) => statusCode(err) === 404,
    );
  });
});
