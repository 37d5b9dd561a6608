/**
 * Promote against the real remote control plane of the test environment (kindling-remote, with the
 * Argo and Spark CRDs and a restricted user). Everything goes through runPromote, the function the
 * kindling.promote command calls; only the confirmation is answered by the test.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { isProvenanceChange, PromoteAnnotations } from '../../../src/core/promote';
import { preflight, PromoteError, runPromote, sourceSha256, type PromoteReview } from '../../../src/kube/promote';
import { connect } from '../../../src/kube/runs';
import { getCluster, RESTRICTED_NAMESPACE, useNamespace, type TestCluster } from '../helpers/testCluster';

const remote = getCluster('remote');
const restricted = getCluster('remote-restricted');
const COMMIT = 'a'.repeat(40);

function template(name: string, image: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: ${name}
  namespace: argo
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: ${image}
        command: [python, train.py]
`;
}

function targetOf(cluster: TestCluster) {
  return connect({ kubeconfigPath: cluster.kubeconfigPath, context: cluster.context });
}

async function readTemplate(namespace: string, name: string): Promise<KubernetesObject | undefined> {
  const api = KubernetesObjectApi.makeApiClient(remote.kc);
  try {
    return await api.read({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name, namespace } });
  } catch {
    return undefined;
  }
}

const base = { sourcePath: 'pipelines/train.yaml', kindlingVersion: '0.0.0-test', git: { commit: COMMIT, dirty: false, user: 'tester' }, promotedFrom: 'kindling-local' };

test('a WorkflowTemplate is promoted with provenance; a changed second promote diffs exactly the changed field', async (t) => {
  const namespace = await useNamespace(t, remote, 'promote');
  const first = template('train', 'registry.example/ml:1.0');
  const reviews: PromoteReview[] = [];
  const outcome = await runPromote(
    { ...base, kc: targetOf(remote), text: first, namespace },
    { confirm: async (review) => (reviews.push(review), true) },
  );
  assert.equal(outcome.status, 'applied');
  assert.equal(reviews[0]?.documents.length, 1);
  assert.equal(reviews[0]?.documents[0]?.live, undefined, 'first promote creates the object');
  assert.ok(reviews[0]?.warnings.some((w) => w.includes('registry.example/ml:1.0') && w.includes('not pinned')), 'unpinned image warned');

  const live = await readTemplate(namespace, 'train');
  assert.ok(live, 'the WorkflowTemplate exists on the remote');
  const annotations = live.metadata?.annotations ?? {};
  assert.equal(annotations[PromoteAnnotations.gitCommit], COMMIT);
  assert.equal(annotations[PromoteAnnotations.gitDirty], 'false');
  assert.equal(annotations[PromoteAnnotations.sourceSha256], sourceSha256(first));
  assert.equal(annotations[PromoteAnnotations.promotedFrom], 'kindling-local');
  assert.equal(annotations[PromoteAnnotations.user], 'tester');
  assert.equal(live.metadata?.labels?.['kindling.dev/git-commit'], COMMIT);
  assert.ok(live.metadata?.managedFields?.some((f) => f.manager === 'kindling' && f.operation === 'Apply'), 'applied server-side by the kindling field manager');

  // Second promote with a new image tag, pinned this time through kindling.yaml's digest.
  const digest = `sha256:${'b'.repeat(64)}`;
  const second = template('train', 'registry.example/ml:1.1');
  let review: PromoteReview | undefined;
  const again = await runPromote(
    { ...base, kc: targetOf(remote), text: second, namespace, knownImages: [`registry.example/ml:1.1@${digest}`] },
    { confirm: async (r) => ((review = r), false) },
  );
  assert.equal(again.status, 'cancelled');
  const doc = review?.documents[0];
  assert.ok(doc?.live, 'the second promote diffs against the live object');
  const real = doc.changes.filter((c) => !isProvenanceChange(c));
  assert.deepEqual(
    real.map((c) => [c.path, c.before, c.after]),
    [['spec.templates[0].container.image', 'registry.example/ml:1.0', 'registry.example/ml:1.1']],
  );
  assert.ok(!review?.warnings.some((w) => w.includes('not pinned')), 'the kindling.yaml digest pins the image');
  const provenancePaths = doc.changes.filter(isProvenanceChange).map((c) => c.path);
  assert.ok(provenancePaths.includes(`metadata.annotations["${PromoteAnnotations.sourceSha256}"]`));
  assert.ok(provenancePaths.includes(`metadata.annotations["${PromoteAnnotations.imageDigest}"]`));
  // Cancelled: the live object still has the first image.
  const after = (await readTemplate(namespace, 'train')) as { spec?: { templates?: { container?: { image?: string } }[] } } | undefined;
  assert.equal(after?.spec?.templates?.[0]?.container?.image, 'registry.example/ml:1.0');
});

test('the restricted user is refused at preflight with a readable message, and nothing is applied', async () => {
  // The restricted user may write Argo objects only in RESTRICTED_NAMESPACE, and SparkApplications nowhere.
  const spark = `apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata:
  name: etl-${Date.now().toString(36)}
spec:
  type: Python
  mode: cluster
  sparkVersion: 4.0.0
  image: registry.example/spark:4.0.0
  mainApplicationFile: local:///app/etl.py
  driver: { cores: 1, memory: 512m }
  executor: { cores: 1, instances: 1, memory: 512m }
`;
  let confirmed = false;
  const err = await runPromote(
    { ...base, kc: targetOf(restricted), text: spark, namespace: RESTRICTED_NAMESPACE },
    { confirm: async () => (confirmed = true) },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PromoteError, `expected a PromoteError, got ${String(err)}`);
  assert.equal(err.stage, 'preflight');
  assert.equal(confirmed, false);
  const text = err.problems.join('\n');
  assert.match(text, /user "kindling-restricted" may not create sparkapplications\.sparkoperator\.k8s\.io in namespace "kindling-team" on context "kindling-remote-restricted"/);
  assert.match(text, /may not patch sparkapplications/);
  assert.doesNotMatch(text, /may not get sparkapplications/, 'get is allowed: only the missing verbs are named');
  const name = /name: (\S+)/.exec(spark)?.[1] as string;
  const api = KubernetesObjectApi.makeApiClient(remote.kc);
  await assert.rejects(
    api.read({ apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', metadata: { name, namespace: RESTRICTED_NAMESPACE } }),
    (e: unknown) => (e as { code?: number }).code === 404,
  );
});

test('a document the server rejects at dry-run stops the whole promote before any apply', async (t) => {
  const namespace = await useNamespace(t, remote, 'promote-bad');
  // The first document is fine; the second has a field of the wrong type, which the CRD's schema refuses.
  const text = `${template('good', 'registry.example/ml:1.0')}---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata:
  name: nightly
spec:
  type: Python
  mode: cluster
  sparkVersion: 4.0.0
  image: registry.example/spark:4.0.0
  mainApplicationFile: local:///app/etl.py
  driver: { cores: one, memory: 512m }
  executor: { cores: 1, instances: 1, memory: 512m }
`;
  let confirmed = false;
  const err = await runPromote({ ...base, kc: targetOf(remote), text, namespace }, { confirm: async () => (confirmed = true) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PromoteError, `expected a PromoteError, got ${String(err)}`);
  assert.equal(err.stage, 'dry-run');
  assert.equal(confirmed, false, 'no confirmation is asked for a plan the server refused');
  assert.deepEqual(err.applied, []);
  const text2 = err.problems.join('\n');
  assert.match(text2, /SparkApplication nightly \(document 2\)/);
  assert.match(text2, /spec\.driver\.cores/);
  assert.match(text2, /Nothing was applied/);
  assert.equal(await readTemplate(namespace, 'good'), undefined, 'the valid first document was not applied either');
});

test('a kind whose CRD is missing on the target is named at preflight, with the context and server', async () => {
  // Every kind Kindling promotes is installed on the test remote, so ask about one that is not.
  const doc = {
    index: 0,
    type: { group: 'example.kindling.dev', version: 'v1', kind: 'Pipeline', plural: 'pipelines' },
    name: 'p',
    namespace: RESTRICTED_NAMESPACE,
    object: { apiVersion: 'example.kindling.dev/v1', kind: 'Pipeline', metadata: { name: 'p', namespace: RESTRICTED_NAMESPACE } },
  };
  const kc = targetOf(remote);
  const report = await preflight(kc, [doc], {});
  assert.equal(report.errors.length, 1, report.errors.join('\n'));
  assert.equal(
    report.errors[0],
    `example.kindling.dev/v1 Pipeline is not installed on context "kindling-remote" (${kc.getCurrentCluster()?.server}): install its CRD (pipelines.example.kindling.dev) there first.`,
  );
});

test('an unreachable context is named with its server', async () => {
  const kc = targetOf(remote);
  const cluster = kc.getCurrentCluster();
  assert.ok(cluster);
  // Port 1: nothing listens there.
  (cluster as { server: string }).server = 'https://127.0.0.1:1';
  const err = await runPromote({ ...base, kc, text: template('t', 'registry.example/ml:1.0'), namespace: 'default' }, { confirm: async () => true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PromoteError);
  assert.equal(err.stage, 'preflight');
  assert.match(err.problems[0] ?? '', /^Cannot reach context "kindling-remote" \(https:\/\/127\.0\.0\.1:1\)/);
});
