// Promote on real clusters: a second kind cluster stands in for the remote. It is made by Kindling's
// own createCluster (another cluster name, so its own registry container `<name>-registry` on another
// loopback port and its own hosts.toml; Argo and the Spark operator by the product's add-on install)
// in the same test engine as the shared Kindling cluster. The runtime image is NOT preloaded into it:
// the remote node can only get it from its own registry, where the promote copies it by digest.
//
// prepare_features.py runs on the local Kindling cluster; that finished run is promoted (the exact
// spec that ran, read back from the cluster, planFromRun + runPromote — what kindling.promoteRun
// calls); the promoted WorkflowTemplate is submitted on the remote and must succeed there, its pod
// running the remote registry's image by the digest the local run ran on.
//
// Data: the script reads --input; both clusters see the same click log through a PVC `clicks-data`
// (a static hostPath PV on each node, set up here as a platform team would), so the spec that ran
// locally is the spec that runs remotely. One extra cluster create, deleted after.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Annotations } from '../../../src/core/component';
import { NODE_WORKSPACE_PATH, kindContextName } from '../../../src/core/cluster/kindConfig';
import { REGISTRY_IMAGE } from '../../../src/core/cluster/versions';
import { PromoteAnnotations, type PromotePlan } from '../../../src/core/promote';
import { loadKubeConfig } from '../../../src/kube/client';
import { createCluster, deleteCluster, type ClusterOptions } from '../../../src/kube/cluster/lifecycle';
import { listPromoted, planFromRun, runPromote, type PromoteReview } from '../../../src/kube/promote';
import { manifestExists } from '../../../src/kube/registry';
import { ensureRunIdentity } from '../../../src/kube/runs';
import { clusterOptions, freePort, kindTier, type KindTier } from '../kindCluster';
import { kindlingCluster, type KindlingCluster } from '../helpers/kindlingCluster';
import { loadTestConfig, makeProject, runFile, testProjectConfig, type RunRecord } from '../helpers/runFile';

// Its own name per run: a whole-tier run and a single-file run at the same time must not delete each other's remote.
const REMOTE = `kindling-remote-${randomBytes(2).toString('hex')}`;
const NAMESPACE = 'kindling';
// Per run too: a claim deleted while a pod still used it stays Terminating, and a pod naming it stays Pending.
const CLAIM = `clicks-${randomBytes(2).toString('hex')}`;

let local: KindlingCluster;
let tier: KindTier;
let remoteOpts: ClusterOptions;
let remoteKc: KubeConfig;
let remoteRegistry: string;
let project: string;
let run: RunRecord;
let review: PromoteReview | undefined;
const progress: string[] = [];

/** What prepare_features.py must print for this click log, computed here from the data. */
function expectedLine(csvText: string, minEvents: number, output: string): string {
  const [header, ...rows] = csvText.trim().split('\n');
  const cols = header.split(',');
  const per = new Map<string, number>();
  for (const row of rows) {
    const user = row.split(',')[cols.indexOf('user_id')];
    per.set(user, (per.get(user) ?? 0) + 1);
  }
  const kept = [...per.values()].filter((n) => n >= minEvents).length;
  return `wrote ${kept} users to ${output} (skipped ${per.size - kept} with < ${minEvents} events)`;
}

/** The platform's data volume on a cluster: a PV on a node folder, bound to the claim the project names. */
async function provideClaim(kc: KubeConfig, cluster: string, nodeFolder: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const pv = `${CLAIM}-${cluster}`;
  await core.createPersistentVolume({
    body: {
      metadata: { name: pv },
      spec: { capacity: { storage: '10Mi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', hostPath: { path: nodeFolder, type: 'Directory' }, claimRef: { namespace: NAMESPACE, name: CLAIM } },
    },
  }).catch((e: { code?: number }) => { if (e.code !== 409) throw e; });
  await core.createNamespacedPersistentVolumeClaim({
    namespace: NAMESPACE,
    body: { metadata: { name: CLAIM }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', volumeName: pv, resources: { requests: { storage: '10Mi' } } } },
  }).catch((e: { code?: number }) => { if (e.code !== 409) throw e; });
}

async function waitForWorkflow(kc: KubeConfig, name: string, timeoutMs: number): Promise<{ phase: string; message?: string }> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const deadline = Date.now() + timeoutMs;
  let last: { phase: string; message?: string } = { phase: '' };
  while (Date.now() < deadline) {
    const wf = (await custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', namespace: NAMESPACE, name })) as { status?: { phase?: string; message?: string } };
    last = { phase: wf.status?.phase ?? '', message: wf.status?.message };
    if (last.phase === 'Succeeded' || last.phase === 'Failed' || last.phase === 'Error') return last;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return last;
}

describe('Promote a finished run to a second kind cluster', () => {
  before(async () => {
    local = await kindlingCluster();
    tier = await kindTier();
    remoteRegistry = `localhost:${await freePort()}`;
    remoteOpts = clusterOptions(tier, REMOTE, Number(remoteRegistry.split(':')[1]), {
      // Add-ons only: the runtime image must come from the remote registry, put there by the promote.
      preloadImages: tier.kind.addonImages.filter((i) => i !== REGISTRY_IMAGE),
      onStep: (step, message) => process.stderr.write(`[remote] ${step}: ${message}\n`),
    });
    const t0 = Date.now();
    await createCluster(remoteOpts);
    process.stderr.write(`[remote] created in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    remoteKc = loadKubeConfig({ kubeconfigPath: remoteOpts.kubeconfigPath, context: kindContextName(REMOTE) });
  });

  after(async () => {
    // The local run and its claim (the remote's go with its cluster). The claim stays Terminating while
    // any pod names it, finished ones included: the run's pod goes first.
    if (local) {
      const core = local.kc.makeApiClient(CoreV1Api);
      if (run) await core.deleteNamespacedPod({ name: run.manifests.runName, namespace: NAMESPACE }).catch(() => undefined);
      await core.deleteNamespacedPersistentVolumeClaim({ name: CLAIM, namespace: NAMESPACE }).catch(() => undefined);
      await core.deletePersistentVolume({ name: `${CLAIM}-local` }).catch(() => undefined);
    }
    if (tier && remoteOpts) await deleteCluster({ clusterName: REMOTE, kubeconfigPath: remoteOpts.kubeconfigPath, removeRegistry: true, env: tier.env }).catch(() => undefined);
  });

  test('prepare_features.py runs on the local Kindling cluster, reading the click log from the data claim', async () => {
    // Small requests: the shared node also hosts other files' runs (a paused debug run holds its CPU request).
    const configText = testProjectConfig(local.kind.runtimeImage, {
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
      volumes: [{ name: 'clicks', pvc: CLAIM, mountPath: '/data', readOnly: true }],
    });
    project = makeProject(local, `promote-${randomBytes(3).toString('hex')}`, configText);
    const config = loadTestConfig(project, configText);
    await ensureRunIdentity(local.kc, NAMESPACE, ['kindling-runner']);
    // The local claim: the project's data folder, seen by the node through the workspace mount.
    await provideClaim(local.kc, 'local', `${NODE_WORKSPACE_PATH}/${path.basename(project)}/data`);
    run = await runFile(local, path.join(project, 'prepare_features.py'), config, {
      args: ['--input', '/data/clicks.csv', '--output', '/tmp/features.csv', '--min-events', '3'],
      timeoutMs: 480_000,
      // What Run as Component does on the Kindling cluster: a script runs as a bare Pod.
      runAs: 'pod',
    });
    assert.equal(run.manifests.ref.kind, 'Pod');
    assert.equal(run.final.status.phase, 'Succeeded', `${run.final.status.message ?? ''}\n${run.output}`);
    const want = expectedLine(readFileSync(path.join(project, 'data', 'clicks.csv'), 'utf8'), 3, '/tmp/features.csv');
    assert.ok(run.output.includes(want), `expected "${want}" in\n${run.output}`);
  });

  test('the finished run is promoted: the spec that ran, its image copied by digest to the remote registry, applied on the remote', async () => {
    assert.ok(run, 'the local run ran');
    const ranDigest = run.manifests.resource.metadata.annotations[Annotations.imageDigest];
    assert.match(ranDigest ?? '', /^sha256:[a-f0-9]{64}$/);
    await ensureRunIdentity(remoteKc, NAMESPACE, ['kindling-runner']);
    const fromRun = await planFromRun({
      kc: local.kc,
      run: { kind: 'Pod', name: run.manifests.runName, namespace: NAMESPACE },
      namespace: NAMESPACE,
      readWorkspaceFile: async (sourcePath) => readFileSync(path.join(local.workspace, ...sourcePath.split('/')), 'utf8'),
    });
    assert.deepEqual(fromRun.plan.errors, []);
    const outcome = await runPromote(
      {
        kc: remoteKc,
        text: '',
        sourcePath: fromRun.plan.run?.sourcePath ?? '',
        namespace: NAMESPACE,
        kindlingVersion: 'test',
        git: fromRun.git,
        promotedFrom: local.context,
        imageTarget: { registry: remoteRegistry },
        fromRun: { plan: fromRun.plan as PromotePlan, sourceSha256: fromRun.sourceSha256, run: fromRun.runRef },
      },
      {
        progress: (m) => progress.push(m),
        confirm: async (r) => {
          review = r;
          return true;
        },
      },
    );
    assert.equal(outcome.status, 'applied');
    const expectedImage = `${remoteRegistry}/ml-pipelines@${ranDigest}`;
    // The copy kept the digest, and the progress named layers as they went.
    assert.equal(review?.images[0]?.to, expectedImage);
    assert.ok(progress.some((m) => m.startsWith(`Copying ${local.kind.runtimeImage.replace(/@.*/, '')}`)), progress.join('\n'));
    assert.ok(await manifestExists(expectedImage), `${expectedImage} is in the remote registry`);
    // The diff the user confirmed shows the digest-pinned image on the remote registry.
    const template = review?.documents.find((d) => d.doc.type.kind === 'WorkflowTemplate');
    assert.match(JSON.stringify(template?.proposed), new RegExp(expectedImage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const annotations = (template?.proposed.metadata?.annotations ?? {}) as Record<string, string>;
    assert.equal(annotations[PromoteAnnotations.promotedFromRun], `${NAMESPACE}/${run.manifests.runName}`);
    assert.equal(annotations[PromoteAnnotations.promotedFrom], local.context);
    assert.equal(annotations[PromoteAnnotations.sourceSha256], run.manifests.resource.metadata.annotations[Annotations.sourceSha256]);
  });

  test('the promoted WorkflowTemplate runs on the remote cluster from the remote registry by digest, and succeeds', async () => {
    assert.ok(review, 'the promote was applied');
    // The remote's own data claim: the same click log in the remote node's folder.
    const remoteData = path.join(remoteOpts.workspaceHostPath ?? '', 'data');
    mkdirSync(remoteData, { recursive: true });
    cpSync(path.join(project, 'data', 'clicks.csv'), path.join(remoteData, 'clicks.csv'));
    await provideClaim(remoteKc, 'remote', `${NODE_WORKSPACE_PATH}/data`);
    const templateName = review.documents.find((d) => d.doc.type.kind === 'WorkflowTemplate')?.doc.name ?? '';
    const custom = remoteKc.makeApiClient(CustomObjectsApi);
    const wf = (await custom.createNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      plural: 'workflows',
      namespace: NAMESPACE,
      body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: `${templateName}-`, namespace: NAMESPACE }, spec: { workflowTemplateRef: { name: templateName } } },
    })) as { metadata: { name: string } };
    const t0 = Date.now();
    const final = await waitForWorkflow(remoteKc, wf.metadata.name, 15 * 60_000);
    process.stderr.write(`[remote] ${wf.metadata.name}: ${final.phase} in ${((Date.now() - t0) / 1000).toFixed(1)} s (includes the node pulling the image)\n`);
    const core = remoteKc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: `workflows.argoproj.io/workflow=${wf.metadata.name}` });
    const pod = pods.items[0];
    const main = pod?.status?.containerStatuses?.find((c) => c.name === 'main');
    const log = pod ? String(await core.readNamespacedPodLog({ name: pod.metadata?.name ?? '', namespace: NAMESPACE, container: 'main' }).catch((e: Error) => e.message)) : '';
    assert.equal(final.phase, 'Succeeded', `${final.message ?? ''}\n${log}`);
    const ranDigest = run.manifests.resource.metadata.annotations[Annotations.imageDigest];
    // The pod asked for the remote registry's image by digest, and containerd pulled exactly that
    // (imageID is the repo digest it resolved; status.image is only the local image id when pulled by digest).
    const spec = pod?.spec?.containers.find((c) => c.name === 'main');
    assert.equal(spec?.image, `${remoteRegistry}/ml-pipelines@${ranDigest}`);
    assert.match(main?.imageID ?? '', new RegExp(`^${remoteRegistry}/ml-pipelines@${ranDigest}$`));
    process.stderr.write(`[remote] pod ${pod?.metadata?.name}: image ${spec?.image}, imageID ${main?.imageID}\n`);
    assert.ok(log.includes(expectedLine(readFileSync(path.join(project, 'data', 'clicks.csv'), 'utf8'), 3, '/tmp/features.csv')), log);
  });

  test('the remote lists what Kindling promoted there, with the run it came from', async () => {
    const listing = await listPromoted(remoteKc);
    const template = listing.records.find((r) => r.kind === 'WorkflowTemplate' && r.name === 'prepare-features');
    assert.ok(template, JSON.stringify(listing.records.map((r) => `${r.kind}/${r.name}`)));
    assert.equal(template.promotedFromRun, `${NAMESPACE}/${run.manifests.runName}`);
    assert.equal(template.promotedFrom, local.context);
    assert.equal(template.imageDigest, run.manifests.resource.metadata.annotations[Annotations.imageDigest]);
    assert.ok(listing.records.some((r) => r.kind === 'ConfigMap' && r.name === 'prepare-features-src'));
  });
});
