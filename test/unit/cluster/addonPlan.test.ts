import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAddonPlan, setNamespace, type PlanStep } from '../../../src/core/cluster/addonPlan';
import { ALL_MANIFEST_SOURCES, SPARK_CRD_SOURCES } from '../../../src/core/cluster/manifestSources';
import { parseManifests, sortForApply, type KubeObject } from '../../../src/core/cluster/objects';
import { ARGO_VERSION, SPARK_OPERATOR_VERSION } from '../../../src/core/cluster/versions';

// Small stand-ins shaped like the upstream files (the integration tests use the real ones).
function fakeManifests(): Map<string, string> {
  const texts = new Map<string, string>();
  for (const source of ALL_MANIFEST_SOURCES) {
    const file = source.repoPath.split('/').pop() ?? '';
    let text: string;
    if (file.includes('_')) {
      const plural = file.replace(/^.*_/, '').replace('.yaml', '');
      const group = file.split('_')[0];
      text = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${plural}.${group}\n`;
    } else if (file === 'workflow-controller-deployment.yaml') {
      text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: workflow-controller\nspec:\n  template:\n    spec:\n      containers:\n        - name: workflow-controller\n          image: quay.io/argoproj/workflow-controller:latest\n';
    } else if (file === 'workflow-controller-clusterrolebinding.yaml') {
      text = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: argo-binding\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: argo-cluster-role}\nsubjects:\n- kind: ServiceAccount\n  name: argo\n';
    } else if (file === 'workflow-controller-sa.yaml') {
      text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: argo\n';
    } else if (file === 'workflow-aggregate-roles.yaml') {
      text = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: a\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: b\n---\n';
    } else {
      text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${file.replace('.yaml', '')}\n`;
    }
    texts.set(source.id, text);
  }
  return texts;
}

function applied(steps: PlanStep[]): KubeObject[] {
  return steps.flatMap((s) => (s.kind === 'apply' ? s.objects : []));
}

test('manifest sources are pinned to tags with a real-looking SHA-256 and distinct local paths', () => {
  const ids = new Set<string>();
  for (const s of ALL_MANIFEST_SOURCES) {
    assert.match(s.sha256, /^[0-9a-f]{64}$/, s.id);
    assert.ok(s.url.includes(s.addon === 'argo' ? `/${ARGO_VERSION}/` : `/${SPARK_OPERATOR_VERSION}/`), s.url);
    assert.ok(s.url.endsWith(s.repoPath));
    assert.ok(!ids.has(s.id), `duplicate ${s.id}`);
    ids.add(s.id);
  }
});

test('plan order: namespaces, CRDs, wait for CRDs, Argo, Spark operator, runner, wait for controllers', () => {
  const plan = buildAddonPlan({ manifests: fakeManifests(), registryPort: 5001 });
  assert.deepEqual(plan.steps.map((s) => s.kind), ['apply', 'apply', 'waitForCrds', 'apply', 'apply', 'apply', 'waitForDeployments']);
  const crdStep = plan.steps[1];
  assert.ok(crdStep.kind === 'apply' && crdStep.objects.every((o) => o.kind === 'CustomResourceDefinition'));
  assert.equal(crdStep.kind === 'apply' && crdStep.objects.length, 11);
  const wait = plan.steps[2];
  assert.ok(wait.kind === 'waitForCrds' && wait.names.includes('workflows.argoproj.io') && wait.names.includes('sparkapplications.sparkoperator.k8s.io'));
  const last = plan.steps.at(-1);
  assert.ok(last?.kind === 'waitForDeployments');
  assert.deepEqual(last.deployments, [
    { addon: 'argo', namespace: 'argo', name: 'workflow-controller' },
    { addon: 'spark-operator', namespace: 'spark-operator', name: 'spark-operator-controller' },
  ]);
  assert.deepEqual(plan.health, last.deployments);
});

test('Argo objects get the namespace, the pinned image, and SA subjects pointing at the namespace', () => {
  const plan = buildAddonPlan({ manifests: fakeManifests(), registryPort: 5001, namespaces: { argo: 'wf', sparkOperator: 'so', runner: 'run' } });
  const objects = applied(plan.steps);
  const deploy = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'workflow-controller');
  assert.equal(deploy?.metadata.namespace, 'wf');
  const image = (deploy?.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0].image;
  assert.equal(image, `quay.io/argoproj/workflow-controller:${ARGO_VERSION}`);
  // The local cluster's controller looks at a run again 1 s after a pod event, not 10 s.
  const env = (deploy?.spec as { template: { spec: { containers: Array<{ env?: Array<{ name: string; value: string }> }> } } }).template.spec.containers[0].env;
  assert.deepEqual(env, [{ name: 'DEFAULT_REQUEUE_TIME', value: '1s' }]);
  const binding = objects.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'argo-binding');
  assert.equal(binding?.metadata.namespace, undefined, 'cluster-scoped objects stay without namespace');
  assert.deepEqual(binding?.subjects, [{ kind: 'ServiceAccount', name: 'argo', namespace: 'wf' }]);
  const registryCm = objects.find((o) => o.metadata.name === 'local-registry-hosting');
  assert.equal(registryCm?.metadata.namespace, 'kube-public');
  const runnerSa = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'kindling-runner');
  assert.equal(runnerSa?.metadata.namespace, 'run');
});

test('without helm the Spark operator is our Deployment + RBAC on the pinned image; with helm, a helm step and no Spark CRDs from us', () => {
  const own = buildAddonPlan({ manifests: fakeManifests(), registryPort: 5001 });
  const spark = applied(own.steps).filter((o) => o.metadata.name === 'spark-operator-controller');
  assert.deepEqual(spark.map((o) => o.kind).sort(), ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'ServiceAccount']);
  const dep = spark.find((o) => o.kind === 'Deployment');
  const container = (dep?.spec as { template: { spec: { containers: Array<{ image: string; args: string[] }> } } }).template.spec.containers[0];
  assert.equal(container.image, `ghcr.io/kubeflow/spark-operator/controller:${SPARK_OPERATOR_VERSION.slice(1)}`);
  assert.deepEqual(container.args.slice(0, 2), ['controller', 'start']);

  const helm = buildAddonPlan({ manifests: fakeManifests(), registryPort: 5001, useHelm: { kubeconfigPath: '/k', context: 'kind-kindling' } });
  const helmStep = helm.steps.find((s) => s.kind === 'helm');
  assert.ok(helmStep?.kind === 'helm');
  assert.ok(helmStep.args.includes('--version') && helmStep.args[helmStep.args.indexOf('--version') + 1] === SPARK_OPERATOR_VERSION.slice(1));
  assert.equal(helmStep.args[helmStep.args.indexOf('--kube-context') + 1], 'kind-kindling');
  const crdNames = applied(helm.steps).filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
  assert.ok(!crdNames.some((n) => n.endsWith('sparkoperator.k8s.io')));
  assert.equal(applied(helm.steps).filter((o) => o.metadata.name === 'spark-operator-controller').length, 0);
});

test('a missing manifest names the file and its URL', () => {
  const texts = fakeManifests();
  texts.delete(SPARK_CRD_SOURCES[0].id);
  assert.throws(() => buildAddonPlan({ manifests: texts, registryPort: 5001 }), /sparkoperator\.k8s\.io_sparkapplications\.yaml was not loaded \(https:/);
});

test('apply order puts CRDs and RBAC before workloads and custom resources last, keeping file order otherwise', () => {
  const objs = parseManifests(
    [
      'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: wf}',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1}',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: workflows.argoproj.io}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2}',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}',
      '',
    ].join('\n---\n'),
    'inline',
  );
  assert.deepEqual(sortForApply(objs).map((o) => o.metadata.name), ['n', 'workflows.argoproj.io', 'c1', 'c2', 'd', 'wf']);
});

test('parseManifests rejects documents that are not objects, naming the file and document', () => {
  assert.throws(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- just\n- a list\n', 'x.yaml'), /x\.yaml, document 2: not a Kubernetes object/);
  assert.throws(() => parseManifests('a: [unclosed', 'y.yaml'), /y\.yaml, document 1/);
});

test('setNamespace does not touch cluster-scoped kinds or non-ServiceAccount subjects', () => {
  const [role, crb] = setNamespace(
    parseManifests(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nsubjects:\n- {kind: User, name: alice}\n- {kind: ServiceAccount, name: sa}\n',
      'rbac',
    ),
    'ns1',
  );
  assert.equal(role.metadata.namespace, undefined);
  assert.deepEqual(crb.subjects, [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns1' }]);
});

test('the runner Role grants at least what Run as Component creates it with (src/kube/runs/identity.ts)', async () => {
  const { RUNNER_ROLE } = await import('../../../src/kube/runs/identity');
  const plan = buildAddonPlan({ manifests: fakeManifests(), registryPort: 5001 });
  const role = applied(plan.steps).find((o) => o.kind === 'Role' && o.metadata.namespace === 'kindling');
  assert.equal(role?.metadata.name, RUNNER_ROLE);
  const rules = role?.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  const allows = (group: string, resource: string, verb: string) => rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
  for (const [g, r, v] of [['argoproj.io', 'workflowtaskresults', 'patch'], ['sparkoperator.k8s.io', 'sparkapplications', 'create'], ['', 'pods', 'deletecollection'], ['', 'pods/log', 'get']]) {
    assert.ok(allows(g, r, v), `${g}/${r} ${v}`);
  }
});
