/**
 * Promote with an image target on the real remote control plane: the template names an image in a
 * "local" registry (a plain-http docker-registry on loopback, as Kindling's localhost:5001); the target
 * environment's registry is a second docker-registry with TLS and basic auth. The image is copied by
 * digest, the promoted object names the copy (`<registry>/<repo>@sha256:…`), and the preflight checks
 * the image is there. The KWOK remote never pulls images, so the pull itself is not exercised here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { PromoteAnnotations } from '../../../src/core/promote';
import { PromoteError, runPromote, type ImageTarget, type PromoteReview } from '../../../src/kube/promote';
import { connect } from '../../../src/kube/runs';
import { getCluster, useNamespace } from '../helpers/testCluster';
import { hasDockerRegistry, image, layer, pushPlain, startRegistry, type TestRegistry } from '../registry/registries';

const remote = getCluster('remote');
const skip = hasDockerRegistry() ? false : 'docker-registry is not installed (scripts/setup-machine.sh installs it)';
const USER = { name: 'ci', password: 'ci-secret' };
let local: TestRegistry;
let target: TestRegistry;
let imageTarget: ImageTarget;
const built = image([layer('model.bin', 400_000, 'model'), layer('code.py', 3_000, 'code'), layer('req.txt', 500, 'req')]);

before(async () => {
  if (skip) return;
  local = await startRegistry();
  target = await startRegistry({ tls: true, user: USER });
  await pushPlain(local, 'ml/train', built, '0.1');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-docker-config-'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [target.host]: { auth: Buffer.from(`${USER.name}:${USER.password}`).toString('base64') } } }));
  imageTarget = { registry: `${target.host}/team`, ca: target.caPem, dockerConfigFile: path.join(dir, 'config.json') };
});

after(async () => {
  await local?.stop();
  await target?.stop();
});

const base = { sourcePath: 'pipelines/train.yaml', kindlingVersion: '0.0.0-test', git: { commit: 'd'.repeat(40), dirty: false, user: 'tester' }, promotedFrom: 'kindling-local' };
const kc = () => connect({ kubeconfigPath: remote.kubeconfigPath, context: remote.context });
const template = (imageRef: string) => `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: train
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: ${imageRef}
        command: [python, train.py]
`;
const blobPuts = () => target.requests().filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/')).length;

test('a local image is copied to the target registry by digest and the promoted template names the copy; a second promote is a no-op', { skip }, async (t) => {
  const namespace = await useNamespace(t, remote, 'promote-image');
  const text = template(`${local.host}/ml/train:0.1`);
  const messages: string[] = [];
  let review: PromoteReview | undefined;
  const outcome = await runPromote({ ...base, kc: kc(), text, namespace, imageTarget }, { progress: (m) => messages.push(m), confirm: async (r) => ((review = r), true) });
  assert.equal(outcome.status, 'applied');
  const pinned = `${target.host}/team/ml/train@${built.manifest.digest}`;
  assert.equal(review?.images[0]?.to, pinned);
  assert.equal(review?.images[0]?.result.blobs.uploaded, 4, 'config + 3 layers');
  assert.ok(messages.some((m) => /^Copying 127\.0\.0\.1:\d+\/ml\/train:0\.1 to 127\.0\.0\.1:\d+\/team: layer \d\/4 [0-9a-f]{12}: /.test(m)), messages.join('\n'));
  assert.ok(review?.notes.some((n) => n.startsWith(`Image ${local.host}/ml/train:0.1 copied to ${pinned} (4 blob(s) uploaded`)), review?.notes.join('\n'));
  assert.ok(!review?.warnings.some((w) => w.includes(`${local.host}/ml/train`)), 'no "registry on this machine" warning for the copied image');
  assert.ok(!review?.warnings.some((w) => w.includes('registry on this machine')), `the copy on the remote's own registry (loopback here) is not "on this machine": ${review?.warnings.join(' | ')}`);

  const api = KubernetesObjectApi.makeApiClient(remote.kc);
  const live = (await api.read({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'train', namespace } })) as {
    spec?: { templates?: { container?: { image?: string } }[] };
    metadata?: { annotations?: Record<string, string> };
  };
  assert.equal(live.spec?.templates?.[0]?.container?.image, pinned);
  assert.equal(live.metadata?.annotations?.[PromoteAnnotations.imageDigest], built.manifest.digest);

  const puts = blobPuts();
  let asked = false;
  const again = await runPromote({ ...base, kc: kc(), text, namespace, imageTarget }, { confirm: async () => (asked = true) });
  assert.equal(again.status, 'unchanged');
  assert.equal(asked, false);
  assert.equal(blobPuts(), puts, 'the second promote uploaded no blob (target access log)');
});

test('preflight checks that an image on the target registry is there, instead of warning', { skip }, async (t) => {
  const namespace = await useNamespace(t, remote, 'promote-image-missing');
  const absent = `${target.host}/team/ml/absent@sha256:${'0'.repeat(64)}`;
  const err = await runPromote({ ...base, kc: kc(), text: template(absent), namespace, imageTarget }, { confirm: async () => true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PromoteError, String(err));
  assert.equal(err.stage, 'preflight');
  assert.ok(err.problems.includes(`Image ${absent} is not in registry ${target.host}: the target cluster could not pull it. Push it there (or name a local image, which Kindling copies).`), err.problems.join('\n'));
});

test('a copy refused by the target registry stops the promote before the cluster is touched', { skip }, async (t) => {
  const namespace = await useNamespace(t, remote, 'promote-image-auth');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-docker-config-'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [target.host]: { auth: Buffer.from(`${USER.name}:nope`).toString('base64') } } }));
  const err = await runPromote(
    { ...base, kc: kc(), text: template(`${local.host}/ml/train:0.1`), namespace, imageTarget: { ...imageTarget, dockerConfigFile: path.join(dir, 'config.json') } },
    { confirm: async () => true },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PromoteError, String(err));
  assert.equal(err.stage, 'images');
  assert.match(err.problems[0] ?? '', /^Registry 127\.0\.0\.1:\d+ refused the credentials for user "ci" from .*config\.json auths\["127\.0\.0\.1:\d+"\] \(HTTP 401\): run "docker login 127\.0\.0\.1:\d+" again/);
  const api = KubernetesObjectApi.makeApiClient(remote.kc);
  await assert.rejects(api.read({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'train', namespace } }), (e: unknown) => (e as { code?: number }).code === 404);
});
