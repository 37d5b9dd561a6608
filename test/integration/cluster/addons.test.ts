// The add-on installer against the real control plane (kindling-local stands in for kind): the
// pinned upstream manifests, read from a local folder and SHA-256 checked, applied with server-side
// apply; the readiness wait returns when KWOK runs the controller pods, and times out with the
// reason when a pod can never be scheduled.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  SchedulingV1Api,
} from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { buildAddonPlan, type AddonPlan } from '../../../src/core/cluster/addonPlan';
import { ALL_MANIFEST_SOURCES } from '../../../src/core/cluster/manifestSources';
import { isClusterScoped, parseManifests } from '../../../src/core/cluster/objects';
import { ARGO_CONTROLLER_IMAGE } from '../../../src/core/cluster/versions';
import { installAddons } from '../../../src/kube/cluster/addons';
import { applyObjects } from '../../../src/kube/cluster/apply';
import { APPLIED_PLAN_CONFIGMAP, isPlanApplied, recordPlanApplied, waitsOnly } from '../../../src/kube/cluster/appliedPlan';
import { watchAddonHealth, type AddonHealth } from '../../../src/kube/cluster/health';
import { loadManifests } from '../../../src/kube/cluster/manifestStore';
import { NotReadyError } from '../../../src/kube/cluster/readiness';
import { getCluster, waitFor, withNamespace, type TestCluster } from '../helpers/testCluster';
import { realManifestDir } from './kindTools';

let local: TestCluster;
let manifests: Map<string, string>;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  local = getCluster('local');
  manifests = await loadManifests(ALL_MANIFEST_SOURCES, { localDir: realManifestDir(), cacheDir: realManifestDir() });
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Three fresh namespaces (argo, spark operator, runner), deleted after the file. */
async function namespaces(prefix: string) {
  const made = await Promise.all(['wf', 'so', 'run'].map((n) => withNamespace(local, `${prefix}-${n}`)));
  cleanups.push(...made.map((m) => () => m.cleanup()));
  return { argo: made[0].namespace, sparkOperator: made[1].namespace, runner: made[2].namespace };
}

/**
 * The upstream Argo RBAC and PriorityClass are cluster-scoped with fixed names; remove the ones this
 * test created so the shared control plane is left as it was found (CRDs are identical to the
 * ones testenv installs and are left alone).
 */
async function rememberClusterScoped(plan: AddonPlan): Promise<void> {
  const rbac = local.kc.makeApiClient(RbacAuthorizationV1Api);
  const scheduling = local.kc.makeApiClient(SchedulingV1Api);
  const objects = plan.steps.flatMap((s) => (s.kind === 'apply' ? s.objects : [])).filter((o) => isClusterScoped(o.kind) && ['ClusterRole', 'ClusterRoleBinding', 'PriorityClass'].includes(o.kind));
  const core = local.kc.makeApiClient(CoreV1Api);
  const registryCmExisted = await core.readNamespacedConfigMap({ name: 'local-registry-hosting', namespace: 'kube-public' }).then(
    () => true,
    () => false,
  );
  if (!registryCmExisted) cleanups.push(async () => void (await core.deleteNamespacedConfigMap({ name: 'local-registry-hosting', namespace: 'kube-public' })));
  for (const o of objects) {
    const name = o.metadata.name;
    const read = o.kind === 'ClusterRole' ? () => rbac.readClusterRole({ name }) : o.kind === 'ClusterRoleBinding' ? () => rbac.readClusterRoleBinding({ name }) : () => scheduling.readPriorityClass({ name });
    const existed = await read().then(
      () => true,
      () => false,
    );
    if (existed) continue;
    cleanups.push(async () => {
      if (o.kind === 'ClusterRole') await rbac.deleteClusterRole({ name });
      else if (o.kind === 'ClusterRoleBinding') await rbac.deleteClusterRoleBinding({ name });
      else await scheduling.deletePriorityClass({ name });
    });
  }
}

test('installs Argo + Spark operator from the pinned manifests and waits until both controllers are Available', async () => {
  const ns = await namespaces('addons');
  const plan = buildAddonPlan({ manifests, registryPort: 5001, namespaces: ns });
  await rememberClusterScoped(plan);
  const steps: string[] = [];
  await installAddons(local.kc, plan, { readyTimeoutMs: 180_000, onStep: (s) => steps.push(s.kind) });
  assert.deepEqual(steps, ['apply', 'apply', 'waitForCrds', 'apply', 'apply', 'apply', 'waitForDeployments']);

  const apps = local.kc.makeApiClient(AppsV1Api);
  const wf = await apps.readNamespacedDeployment({ name: 'workflow-controller', namespace: ns.argo });
  assert.equal(wf.spec?.template.spec?.containers[0].image, ARGO_CONTROLLER_IMAGE);
  assert.equal(wf.metadata?.managedFields?.[0]?.manager, 'kindling');
  assert.equal(wf.metadata?.managedFields?.[0]?.operation, 'Apply');
  assert.ok(wf.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'));
  const so = await apps.readNamespacedDeployment({ name: 'spark-operator-controller', namespace: ns.sparkOperator });
  assert.equal(so.status?.availableReplicas, 1);

  const rbac = local.kc.makeApiClient(RbacAuthorizationV1Api);
  const binding = await rbac.readClusterRoleBinding({ name: 'spark-operator-controller' });
  assert.deepEqual(binding.subjects?.map((s) => `${s.kind}:${s.namespace}/${s.name}`), [`ServiceAccount:${ns.sparkOperator}/spark-operator-controller`]);
  const core = local.kc.makeApiClient(CoreV1Api);
  const cm = await core.readNamespacedConfigMap({ name: 'local-registry-hosting', namespace: 'kube-public' });
  assert.match(cm.data?.['localRegistryHosting.v1'] ?? '', /host: "localhost:5001"/);
  assert.equal((await core.readNamespacedServiceAccount({ name: 'kindling-runner', namespace: ns.runner })).metadata?.name, 'kindling-runner');

  // Applying the same plan again is a no-op that succeeds (re-running Create is safe).
  await installAddons(local.kc, plan, { readyTimeoutMs: 60_000 });

  // What a warm restart reads to skip the apply: this plan, recorded, with its controllers present.
  assert.equal(await isPlanApplied(local.kc, plan), false, 'nothing recorded yet');
  cleanups.push(async () => void (await core.deleteNamespacedConfigMap(APPLIED_PLAN_CONFIGMAP)));
  await recordPlanApplied(local.kc, plan);
  await recordPlanApplied(local.kc, plan); // twice: the second replaces the first
  assert.equal(await isPlanApplied(local.kc, plan), true);
  assert.equal(await isPlanApplied(local.kc, buildAddonPlan({ manifests, registryPort: 5002, namespaces: ns })), false, 'another registry port is another plan');
  assert.deepEqual(waitsOnly(plan).steps.map((s) => s.kind), ['waitForDeployments']);

  // The Clusters view's health watch sees both controllers Available.
  let latest: AddonHealth[] = [];
  const watch = watchAddonHealth(local.kc, plan.health, (h) => (latest = h));
  try {
    await waitFor(async () => (latest.length === 2 && latest.every((h) => h.state === 'available') ? true : undefined), { timeoutMs: 30_000, what: 'health watch to report both add-ons available' });
    // …and notices when one goes away.
    await apps.deleteNamespacedDeployment({ name: 'spark-operator-controller', namespace: ns.sparkOperator });
    await waitFor(async () => (latest.find((h) => h.check.addon === 'spark-operator')?.state === 'missing' ? true : undefined), { timeoutMs: 30_000, what: 'health watch to report the Spark operator missing' });
    assert.equal(await isPlanApplied(local.kc, plan), false, 'a deleted controller makes the plan apply again');
  } finally {
    watch.dispose();
  }
});

test('readiness wait times out with the step, the Deployment and the reason when pods cannot be scheduled', async () => {
  const ns = await namespaces('notready');
  const plan = buildAddonPlan({ manifests, registryPort: 5001, namespaces: ns, sparkNodeSelector: { 'kindling.dev/no-such-node': 'true' } });
  await rememberClusterScoped(plan);
  const started = Date.now();
  await assert.rejects(installAddons(local.kc, plan, { readyTimeoutMs: 15_000 }), (error: unknown) => {
    assert.ok(error instanceof NotReadyError, String(error));
    assert.equal(error.check.addon, 'spark-operator');
    assert.equal(error.check.namespace, ns.sparkOperator);
    assert.equal(error.explanation.kind, 'unschedulable');
    assert.match(error.message, /Not Available after 15 s — Spark operator \(.*\/spark-operator-controller\): pod spark-operator-controller-\S+ cannot be scheduled: 0\/\d+ nodes are available/);
    return true;
  });
  assert.ok(Date.now() - started < 60_000, 'the timeout is honoured');
});

test('the wait can be cancelled', async () => {
  const ns = await namespaces('cancel');
  const plan = buildAddonPlan({ manifests, registryPort: 5001, namespaces: ns, sparkNodeSelector: { 'kindling.dev/no-such-node': 'true' } });
  await rememberClusterScoped(plan);
  const controller = new AbortController();
  const install = installAddons(local.kc, plan, {
    readyTimeoutMs: 300_000,
    signal: controller.signal,
    onStep: (s) => {
      if (s.kind === 'waitForDeployments') setTimeout(() => controller.abort(), 500);
    },
  });
  const started = Date.now();
  await assert.rejects(install, (e: unknown) => e instanceof Error && e.name === 'AbortError');
  assert.ok(Date.now() - started < 30_000);
});

test('server-side apply orders CRDs before their custom resources, even when the file lists the resource first', async () => {
  const { namespace, cleanup } = await withNamespace(local, 'ssa-order');
  cleanups.push(cleanup);
  const suffix = randomBytes(3).toString('hex');
  const group = `t${suffix}.kindling.dev`;
  const crdName = `widgets.${group}`;
  const text = [
    `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: first\n  namespace: ${namespace}\nspec:\n  size: 3`,
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${crdName}\nspec:\n  group: ${group}\n  scope: Namespaced\n  names: {plural: widgets, singular: widget, kind: Widget}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true`,
  ].join('\n---\n');
  const applied: string[] = [];
  await applyObjects(local.kc, parseManifests(text, 'inline'), { onApplied: (r) => applied.push(r) });
  cleanups.push(async () => {
    const { ApiextensionsV1Api } = await import('@kubernetes/client-node');
    await local.kc.makeApiClient(ApiextensionsV1Api).deleteCustomResourceDefinition({ name: crdName });
  });
  assert.deepEqual(applied, [`CustomResourceDefinition ${crdName}`, `Widget ${namespace}/first`]);
  const widget = (await local.kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group, version: 'v1', namespace, plural: 'widgets', name: 'first' })) as { spec: { size: number } };
  assert.equal(widget.spec.size, 3);
});

test('apply errors name the object and the API server reason', async () => {
  const { namespace, cleanup } = await withNamespace(local, 'ssa-error');
  cleanups.push(cleanup);
  const bad = parseManifests(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\n  namespace: ${namespace}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: c}}\n    spec:\n      containers: [{name: c, image: x}]`, 'inline');
  await assert.rejects(applyObjects(local.kc, bad), /Applying Deployment .*\/broken failed: .*selector/);
});
