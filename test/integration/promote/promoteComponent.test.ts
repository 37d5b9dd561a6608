/**
 * Promote of a component file (examples/prepare_features.py) against the real control planes: the
 * remote plays production (no workflow-controller there), and the local one, which runs the real Argo
 * controller, proves the promoted template actually runs. Everything goes through runPromote, the
 * function the kindling.promote command calls; only the confirmation is answered by the test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import { isProvenanceChange, PromoteAnnotations } from '../../../src/core/promote';
import { PromoteError, runPromote, sourceSha256, type PromoteReview } from '../../../src/kube/promote';
import { connect, ensureRunIdentity, runServiceAccounts } from '../../../src/kube/runs';
import { getCluster, RESTRICTED_NAMESPACE, useNamespace, waitFor, type TestCluster } from '../helpers/testCluster';

const remote = getCluster('remote');
const restricted = getCluster('remote-restricted');
const local = getCluster('local');
const COMMIT = 'd'.repeat(40);
const SOURCE_PATH = 'examples/prepare_features.py';
const SCRIPT = readFileSync(SOURCE_PATH, 'utf8');
const PROD_IMAGE = `registry.example/ml/ml-pipelines@sha256:${'e'.repeat(64)}`;
const DEFAULT_IMAGE = 'localhost:5001/ml-pipelines:0.4.2';

/** kindling.yaml with the test remote as environment "prod" (pinned image) and a hostPath volume. */
function configFor(remoteContext: string, namespace: string): KindlingConfig {
  const { config, errors } = loadConfig(`
version: 1
images:
  default: ${DEFAULT_IMAGE}
  environments:
    prod: ${PROD_IMAGE}
namespace: ${namespace}
resources:
  requests: { cpu: 100m, memory: 128Mi }
env:
  - name: FEATURE_STORE_TOKEN
    secretKeyRef: { name: feature-store, key: token, optional: true }
volumes:
  - name: raw-data
    hostPath: /kindling/data
    mountPath: /data
    readOnly: true
spark:
  sparkVersion: 4.0.0
  driver: { cores: 1, memory: 512m }
  executor: { cores: 1, memory: 512m, instances: 1 }
remotes:
  prod: { context: ${remoteContext}, namespace: ${namespace} }
`);
  assert.deepEqual(errors, []);
  assert.ok(config);
  return config;
}

function targetOf(cluster: TestCluster) {
  return connect({ kubeconfigPath: cluster.kubeconfigPath, context: cluster.context });
}

async function read(cluster: TestCluster, apiVersion: string, kind: string, namespace: string, name: string): Promise<KubernetesObject | undefined> {
  try {
    return await KubernetesObjectApi.makeApiClient(cluster.kc).read({ apiVersion, kind, metadata: { name, namespace } });
  } catch {
    return undefined;
  }
}

const base = { sourcePath: SOURCE_PATH, kindlingVersion: '0.0.0-test', git: { commit: COMMIT, dirty: false, user: 'tester' }, promotedFrom: 'kindling-local' };

test('a component is promoted as ConfigMap + WorkflowTemplate with provenance; a changed file diffs exactly the ConfigMap data', async (t) => {
  const namespace = await useNamespace(t, remote, 'promote-comp');
  const config = configFor('kindling-remote', namespace);
  const reviews: PromoteReview[] = [];
  const outcome = await runPromote(
    { ...base, kc: targetOf(remote), text: SCRIPT, namespace, config, knownImages: [PROD_IMAGE] },
    { confirm: async (review) => (reviews.push(review), true) },
  );
  assert.equal(outcome.status, 'applied');
  assert.deepEqual(outcome.status === 'applied' && outcome.applied, ['ConfigMap prepare-features-src (document 1)', 'WorkflowTemplate prepare-features (document 2)']);
  const review = reviews[0];
  assert.ok(review);
  assert.deepEqual(review.documents.map((d) => [d.doc.type.kind, d.live === undefined]), [['ConfigMap', true], ['WorkflowTemplate', true]]);
  assert.ok(review.warnings.some((w) => w.includes('Volume "raw-data"') && w.includes('left out')), review.warnings.join('\n'));
  assert.ok(!review.warnings.some((w) => w.includes('not pinned')), 'the prod image carries its digest');
  // Kindling makes its run service account on the local cluster only: the remote namespace lacks it.
  assert.ok(
    review.warnings.some((w) => w.startsWith(`Service account "kindling-runner" does not exist in namespace "${namespace}" on context "kindling-remote"`) && w.includes('WorkflowTemplate prepare-features')),
    review.warnings.join('\n'),
  );

  const cm = await read(remote, 'v1', 'ConfigMap', namespace, 'prepare-features-src');
  const wft = await read(remote, 'argoproj.io/v1alpha1', 'WorkflowTemplate', namespace, 'prepare-features');
  assert.ok(cm && wft, 'both objects exist on the remote');
  assert.deepEqual((cm as { data?: Record<string, string> }).data, { 'prepare_features.py': SCRIPT });
  for (const object of [cm, wft]) {
    const annotations = object.metadata?.annotations ?? {};
    assert.equal(annotations[PromoteAnnotations.sourceSha256], sourceSha256(SCRIPT));
    assert.equal(annotations[PromoteAnnotations.sourcePath], SOURCE_PATH);
    assert.equal(annotations[PromoteAnnotations.gitCommit], COMMIT);
    assert.equal(annotations[PromoteAnnotations.promotedFrom], 'kindling-local');
    assert.equal(annotations[PromoteAnnotations.imageDigest], `sha256:${'e'.repeat(64)}`);
    assert.equal(object.metadata?.labels?.['app.kubernetes.io/managed-by'], 'kindling');
    assert.ok(object.metadata?.managedFields?.some((f) => f.manager === 'kindling' && f.operation === 'Apply'));
  }
  const spec = (wft as { spec: { templates: { container: { image: string; command: string[] } }[]; volumes: { name: string; hostPath?: unknown }[] } }).spec;
  assert.equal(spec.templates[0]?.container.image, PROD_IMAGE, 'the remote is environment "prod": its image');
  assert.deepEqual(spec.templates[0]?.container.command, ['python', '-u', '/workspace/prepare_features.py']);
  assert.deepEqual(spec.volumes.map((v) => v.name), ['kindling-workspace']);

  // The file changes: the second promote's diff is the ConfigMap's data (and the source hash), nothing else.
  const changed = SCRIPT.replace('default=3', 'default=4');
  assert.notEqual(changed, SCRIPT);
  let second: PromoteReview | undefined;
  const again = await runPromote(
    { ...base, kc: targetOf(remote), text: changed, namespace, config, knownImages: [PROD_IMAGE] },
    { confirm: async (r) => ((second = r), false) },
  );
  assert.equal(again.status, 'cancelled');
  const [cmReview, wftReview] = second?.documents ?? [];
  assert.ok(cmReview?.live && wftReview?.live);
  assert.deepEqual(
    cmReview.changes.filter((c) => !isProvenanceChange(c)).map((c) => [c.path, c.before, c.after]),
    [['data["prepare_features.py"]', SCRIPT, changed]],
  );
  assert.deepEqual(wftReview.changes.filter((c) => !isProvenanceChange(c)), [], 'the template itself does not change');
  for (const r of [cmReview, wftReview]) {
    const sha = r.changes.find((c) => c.path === `metadata.annotations["${PromoteAnnotations.sourceSha256}"]`);
    assert.deepEqual([sha?.before, sha?.after], [sourceSha256(SCRIPT), sourceSha256(changed)]);
  }
  const after = (await read(remote, 'v1', 'ConfigMap', namespace, 'prepare-features-src')) as { data?: Record<string, string> } | undefined;
  assert.equal(after?.data?.['prepare_features.py'], SCRIPT, 'cancelled: the live ConfigMap keeps the old file');
  assert.ok(!second?.warnings.some((w) => w.includes('was promoted from')), 'the same file replacing itself is no news');

  // Another file with the same name (jobs/prepare_features.py) would replace this one: the review says so.
  let other: PromoteReview | undefined;
  await runPromote(
    { ...base, sourcePath: 'jobs/prepare_features.py', kc: targetOf(remote), text: changed, namespace, config, knownImages: [PROD_IMAGE] },
    { confirm: async (r) => ((other = r), false) },
  );
  const replaced = other?.warnings.filter((w) => w.includes(`was promoted from ${SOURCE_PATH}; this promote replaces it with jobs/prepare_features.py`)) ?? [];
  assert.deepEqual(replaced.map((w) => w.split(' on the target')[0]), ['ConfigMap prepare-features-src (document 1)', 'WorkflowTemplate prepare-features (document 2)']);
});

test('the restricted user, who may only read configmaps, is refused at preflight for the ConfigMap and nothing is created', async () => {
  const config = configFor('kindling-remote-restricted', RESTRICTED_NAMESPACE);
  let confirmed = false;
  const err = await runPromote(
    { ...base, kc: targetOf(restricted), text: SCRIPT, namespace: RESTRICTED_NAMESPACE, config },
    { confirm: async () => (confirmed = true) },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PromoteError, `expected a PromoteError, got ${String(err)}`);
  assert.equal(err.stage, 'preflight');
  assert.equal(confirmed, false);
  const text = err.problems.join('\n');
  assert.match(text, /user "kindling-restricted" may not create configmaps in namespace "kindling-team" on context "kindling-remote-restricted"/);
  assert.match(text, /may not patch configmaps in namespace "kindling-team"/);
  assert.doesNotMatch(text, /may not get configmaps/, 'get is allowed');
  assert.doesNotMatch(text, /workflowtemplates/, 'the user may write WorkflowTemplates there');
  assert.equal(await read(remote, 'v1', 'ConfigMap', RESTRICTED_NAMESPACE, 'prepare-features-src'), undefined);
  assert.equal(await read(remote, 'argoproj.io/v1alpha1', 'WorkflowTemplate', RESTRICTED_NAMESPACE, 'prepare-features'), undefined);
});

/**
 * Promotes `file` into a fresh namespace of the local test cluster (where the real Argo controller
 * runs), submits a Workflow referencing the template and waits for it to finish.
 */
async function promoteAndRun(t: Parameters<typeof useNamespace>[0], file: string, template: string): Promise<{ namespace: string; workflow: string; phase?: string; status: unknown }> {
  const namespace = await useNamespace(t, local, 'promote-run');
  // The local context is no remote of this kindling.yaml: images.default.
  const config = configFor('kindling-remote', namespace);
  const ids = runServiceAccounts(config);
  await ensureRunIdentity(local.kc, ids.namespace, ids.serviceAccounts);
  const outcome = await runPromote({ ...base, sourcePath: file, kc: targetOf(local), text: readFileSync(file, 'utf8'), namespace, config }, { confirm: async () => true });
  assert.equal(outcome.status, 'applied');

  const custom = local.kc.makeApiClient(CustomObjectsApi);
  const wf = (await custom.createNamespacedCustomObject({
    group: 'argoproj.io',
    version: 'v1alpha1',
    namespace,
    plural: 'workflows',
    body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: `${template}-` }, spec: { workflowTemplateRef: { name: template } } },
  })) as { metadata: { name: string } };
  const done = await waitFor(
    async () => {
      const got = (await custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace, plural: 'workflows', name: wf.metadata.name })) as {
        status?: { phase?: string };
      };
      return got.status?.phase === 'Succeeded' || got.status?.phase === 'Failed' || got.status?.phase === 'Error' ? got : undefined;
    },
    { timeoutMs: 180_000, what: `workflow ${wf.metadata.name} to finish` },
  );
  return { namespace, workflow: wf.metadata.name, phase: done.status?.phase, status: done.status };
}

test('the promoted template runs: on the local cluster (real Argo controller) a Workflow referencing it Succeeds', async (t) => {
  const run = await promoteAndRun(t, SOURCE_PATH, 'prepare-features');
  assert.equal(run.phase, 'Succeeded', JSON.stringify(run.status));
  const { namespace } = run;
  const wf = { metadata: { name: run.workflow } };

  const core = local.kc.makeApiClient(CoreV1Api);
  const pods = (await core.listNamespacedPod({ namespace, labelSelector: `workflows.argoproj.io/workflow=${wf.metadata.name}` })).items;
  assert.equal(pods.length, 1);
  const pod = pods[0]!;
  const main = pod.spec?.containers.find((c) => c.name === 'main');
  assert.equal(main?.image, DEFAULT_IMAGE);
  assert.deepEqual([...(main?.command ?? []), ...(main?.args ?? [])].slice(-3), ['python', '-u', '/workspace/prepare_features.py']);
  assert.equal(main?.env?.find((e) => e.name === 'KINDLING_RUN_NAME')?.value, wf.metadata.name, 'Argo filled in the workflow name');
  assert.equal(pod.spec?.volumes?.find((v) => v.name === 'kindling-workspace')?.configMap?.name, 'prepare-features-src');
  assert.equal(pod.spec?.volumes?.some((v) => v.hostPath), false, 'no hostPath volume on a promoted template');
  assert.equal(pod.metadata?.labels?.['kindling.dev/component-kind'], 'script');
});

test('a promoted PySpark template is accepted by the remote, and the SparkApplication its step creates passes the CRD schema there', async (t) => {
  // The test clusters' pods are KWOK's, so Argo's executor never really runs a resource step: what the
  // step would create is checked by the remote API server itself (dry-run create, CRD schema applied).
  const namespace = await useNamespace(t, remote, 'promote-spark');
  const file = 'examples/train_spark.py';
  const outcome = await runPromote(
    { ...base, sourcePath: file, kc: targetOf(remote), text: readFileSync(file, 'utf8'), namespace, config: configFor('kindling-remote', namespace) },
    { confirm: async () => true },
  );
  assert.equal(outcome.status, 'applied');
  const wft = (await read(remote, 'argoproj.io/v1alpha1', 'WorkflowTemplate', namespace, 'train-spark')) as
    | { spec: { templates: { resource?: { action: string; manifest: string } }[] } }
    | undefined;
  const step = wft?.spec.templates[0]?.resource;
  assert.equal(step?.action, 'create');
  // What Argo does before creating it: substitute the workflow's name.
  const app = parse((step?.manifest ?? '').replaceAll('{{workflow.name}}', 'train-spark-abcde')) as KubernetesObject & { spec: { image: string } };
  assert.equal(app.metadata?.name, 'train-spark-abcde-spark');
  assert.equal(app.spec.image, PROD_IMAGE);
  const custom = remote.kc.makeApiClient(CustomObjectsApi);
  const created = (await custom.createNamespacedCustomObject({
    group: 'sparkoperator.k8s.io',
    version: 'v1beta2',
    namespace,
    plural: 'sparkapplications',
    body: app,
    dryRun: 'All',
  })) as KubernetesObject;
  assert.equal(created.metadata?.name, 'train-spark-abcde-spark');
  assert.equal(await read(remote, 'sparkoperator.k8s.io/v1beta2', 'SparkApplication', namespace, 'train-spark-abcde-spark'), undefined, 'dry-run only');
});
