/**
 * Promote a finished run against the real control planes: a component run on the local one (real Argo
 * controller, KWOK pods) with its file in a ConfigMap, read back by planFromRun (the run object, the
 * ConfigMap's copy of the file, the digest the run recorded), applied to the remote by runPromote, and
 * listed there by listPromoted. The remote plays production; the KWOK pods never pull images, so what
 * runs from the copied image is the kind tier's (test/kind/promote/remote.test.ts).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Annotations } from '../../../src/core/component';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import { PromoteAnnotations, type KubeObject } from '../../../src/core/promote';
import { listPromoted, planFromRun, runPromote, type PromoteReview } from '../../../src/kube/promote';
import { connect, ensureRunIdentity, prepareComponent, runServiceAccounts, startComponent } from '../../../src/kube/runs';
import { getCluster, useNamespace } from '../helpers/testCluster';

const local = getCluster('local');
const remote = getCluster('remote');
const root = process.cwd();
const DIGEST = `sha256:${'4'.repeat(64)}`;
const IMAGE = `localhost:5001/ml-pipelines:0.4.2@${DIGEST}`;

function configFor(namespace: string): KindlingConfig {
  const { config, errors } = loadConfig(`
version: 1
images:
  default: ${IMAGE}
namespace: ${namespace}
resources:
  requests: { cpu: 100m, memory: 128Mi }
volumes:
  - name: raw-data
    hostPath: /kindling/data
    mountPath: /data
    readOnly: true
`);
  assert.deepEqual(errors, []);
  assert.ok(config);
  return config;
}

function timeout(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref());
}

test('a finished component run is promoted as it ran: the file from its ConfigMap, its arguments, its digest, the run named', async (t) => {
  const ns = await useNamespace(t, local, 'promote-run');
  const target = await useNamespace(t, remote, 'promote-run-target');
  const config = configFor(ns);
  const ids = runServiceAccounts(config);
  await ensureRunIdentity(local.kc, ids.namespace, ids.serviceAccounts);
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/prepare_features.py'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'configMap' },
    kindlingVersion: '0.1.0-test',
    args: ['--min-events', '5'],
  });
  const run = await startComponent(local.kc, manifests, { invokedAt: Date.now() });
  t.after(() => run.watch.stop());
  const final = await Promise.race([run.watch.done, timeout(90_000, 'the run to finish')]);
  assert.equal(final.status.phase, 'Succeeded', JSON.stringify(final.status));

  let workspaceAsked = false;
  const fromRun = await planFromRun({
    kc: local.kc,
    run: { kind: 'Workflow', name: manifests.runName, namespace: ns },
    namespace: target,
    // The run's ConfigMap holds what ran: the workspace is not needed (and would be checked by hash).
    readWorkspaceFile: async () => {
      workspaceAsked = true;
      return 'print("edited since")\n';
    },
  });
  assert.deepEqual(fromRun.plan.errors, []);
  assert.equal(workspaceAsked, false);
  assert.equal(fromRun.runRef, `${ns}/${manifests.runName}`);
  assert.equal(fromRun.sourceSha256, manifests.resource.metadata.annotations[Annotations.sourceSha256]);

  let review: PromoteReview | undefined;
  const remoteKc = connect({ kubeconfigPath: remote.kubeconfigPath, context: remote.context });
  const outcome = await runPromote(
    {
      kc: remoteKc,
      text: '',
      sourcePath: 'examples/prepare_features.py',
      namespace: target,
      kindlingVersion: '0.1.0-test',
      git: fromRun.git,
      promotedFrom: local.context,
      fromRun: { plan: fromRun.plan, sourceSha256: fromRun.sourceSha256, run: fromRun.runRef },
    },
    { confirm: async (r) => ((review = r), true) },
  );
  assert.equal(outcome.status, 'applied');
  assert.deepEqual(review?.documents.map((d) => `${d.doc.type.kind}/${d.doc.name}`), ['ConfigMap/prepare-features-src', 'WorkflowTemplate/prepare-features']);

  const custom = remote.kc.makeApiClient(CustomObjectsApi);
  const live = (await custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', plural: 'workflowtemplates', namespace: target, name: 'prepare-features' })) as KubeObject & {
    spec: { templates: { container?: { image: string; command: string[]; args: string[] } }[]; volumes: { name: string; hostPath?: unknown }[] };
  };
  const container = live.spec.templates[0]?.container;
  assert.equal(container?.image, IMAGE);
  assert.deepEqual([...(container?.command ?? []), ...(container?.args ?? [])], ['python', '-u', '/workspace/prepare_features.py', '--min-events', '5']);
  assert.ok(!live.spec.volumes.some((v) => v.hostPath), 'no hostPath reaches the remote');
  const annotations = live.metadata.annotations ?? {};
  assert.equal(annotations[PromoteAnnotations.promotedFromRun], `${ns}/${manifests.runName}`);
  assert.equal(annotations[PromoteAnnotations.promotedFrom], local.context);
  assert.equal(annotations[PromoteAnnotations.imageDigest], DIGEST);
  assert.equal(annotations[PromoteAnnotations.sourceSha256], manifests.resource.metadata.annotations[Annotations.sourceSha256]);

  // The remote side: what Kindling promoted there, from the objects themselves.
  const listing = await listPromoted(remote.kc);
  const mine = listing.records.filter((r) => r.namespace === target);
  assert.deepEqual(mine.map((r) => `${r.kind}/${r.name}`).sort(), ['ConfigMap/prepare-features-src', 'WorkflowTemplate/prepare-features']);
  assert.ok(mine.every((r) => r.promotedFromRun === `${ns}/${manifests.runName}` && r.imageDigest === DIGEST));

  // Promoting the same run again writes nothing.
  const again = await runPromote(
    { kc: remoteKc, text: '', sourcePath: 'examples/prepare_features.py', namespace: target, kindlingVersion: '0.1.0-test', git: fromRun.git, promotedFrom: local.context, fromRun: { plan: fromRun.plan, sourceSha256: fromRun.sourceSha256, run: fromRun.runRef } },
    { confirm: async () => assert.fail('nothing to confirm') },
  );
  assert.equal(again.status, 'unchanged');
});

test('a bare-Pod run (as the Kindling cluster runs scripts) is read back from the server and promoted as a one-step template', async (t) => {
  const ns = await useNamespace(t, local, 'promote-pod-run');
  const target = await useNamespace(t, remote, 'promote-pod-run-target');
  // KWOK ends a bare pod only when it is annotated so (testenv/kwok-stages.yaml); Kindling's own annotations are not carried.
  const config = { ...configFor(ns), podAnnotations: { 'kindling.dev/complete': 'true' } };
  const ids = runServiceAccounts(config);
  await ensureRunIdentity(local.kc, ids.namespace, ids.serviceAccounts);
  const manifests = await prepareComponent({
    filePath: path.join(root, 'examples/prepare_features.py'),
    workspaceRoot: root,
    config,
    delivery: { mode: 'configMap' },
    kindlingVersion: '0.1.0-test',
    args: ['--min-events', '2'],
    runAs: 'pod',
  });
  assert.equal(manifests.ref.kind, 'Pod');
  const run = await startComponent(local.kc, manifests, { invokedAt: Date.now() });
  t.after(() => run.watch.stop());
  const final = await Promise.race([run.watch.done, timeout(90_000, 'the pod run to finish')]);
  assert.equal(final.status.phase, 'Succeeded', JSON.stringify(final.status));

  const fromRun = await planFromRun({ kc: local.kc, run: { kind: 'Pod', name: manifests.runName, namespace: ns }, namespace: target, readWorkspaceFile: async () => undefined });
  assert.deepEqual(fromRun.plan.errors, []);
  const remoteKc = connect({ kubeconfigPath: remote.kubeconfigPath, context: remote.context });
  const outcome = await runPromote(
    { kc: remoteKc, text: '', sourcePath: 'examples/prepare_features.py', namespace: target, kindlingVersion: '0.1.0-test', git: fromRun.git, promotedFrom: local.context, fromRun: { plan: fromRun.plan, sourceSha256: fromRun.sourceSha256, run: fromRun.runRef } },
    { confirm: async () => true },
  );
  assert.equal(outcome.status, 'applied');
  const live = (await remote.kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', plural: 'workflowtemplates', namespace: target, name: 'prepare-features' })) as KubeObject & {
    spec: Record<string, unknown> & { templates: { container?: { image: string; command: string[]; args: string[]; volumeMounts: { name: string }[] } }[]; volumes: { name: string }[] };
  };
  const container = live.spec.templates[0]?.container;
  assert.equal(container?.image, IMAGE);
  assert.deepEqual([...(container?.command ?? []), ...(container?.args ?? [])], ['python', '-u', '/workspace/prepare_features.py', '--min-events', '2']);
  // What the API server and scheduler put on the pod did not travel.
  assert.equal(live.spec.nodeName, undefined);
  assert.ok(!live.spec.volumes.some((v) => v.name.startsWith('kube-api-access-')), JSON.stringify(live.spec.volumes));
  assert.ok(!(container?.volumeMounts ?? []).some((m) => m.name.startsWith('kube-api-access-')));
  assert.equal(live.metadata.annotations?.[PromoteAnnotations.promotedFromRun], `${ns}/${manifests.runName}`);
});
