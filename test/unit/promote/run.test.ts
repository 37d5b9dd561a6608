import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { buildComponent, DEBUG_LABEL, type ComponentKind } from '../../../src/core/component';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import { collectImages, describeFinishedRun, planRunPromote, promoteAnnotations, rewriteImages, SOURCE_VOLUME, type KubeObject } from '../../../src/core/promote';

const CONFIG = readFileSync('examples/kindling.yaml', 'utf8');
const SCRIPT = readFileSync('examples/prepare_features.py', 'utf8');
const SHA = createHash('sha256').update(SCRIPT, 'utf8').digest('hex');
const DIGEST = `sha256:${'ab'.repeat(32)}`;

function config(): KindlingConfig {
  const { config: c, errors } = loadConfig(CONFIG);
  assert.deepEqual(errors, []);
  assert.ok(c);
  return c;
}

/**
 * A run object as the cluster returns it: what Run as Component built (the real builder, hostPath
 * delivery as on the Kindling cluster), plus the server's metadata and the controller's status.
 */
function finishedRun(opts: { kind?: ComponentKind; digest?: string; phase?: string; asPipeline?: boolean; content?: string; runAs?: 'pod' } = {}): KubeObject {
  const content = opts.content ?? SCRIPT;
  const built = buildComponent({
    kind: opts.kind ?? 'script',
    relativePath: 'examples/prepare_features.py',
    content,
    runName: 'prepare-features-x7k2p',
    config: config(),
    delivery: { mode: 'hostPath', nodeWorkspacePath: '/kindling/workspace' },
    args: ['--min-events', '5'],
    provenance: { sourceSha256: createHash('sha256').update(content, 'utf8').digest('hex'), kindlingVersion: '0.1.0', imageDigest: opts.digest, gitCommit: 'a'.repeat(40) },
    asPipeline: opts.asPipeline,
    runAs: opts.runAs,
  });
  const object = JSON.parse(JSON.stringify(built.resource)) as KubeObject;
  object.metadata = { ...object.metadata, uid: 'u-1', resourceVersion: '4242', creationTimestamp: '2026-12-04T22:00:00Z', managedFields: [{ manager: 'kindling' }] };
  object.metadata.labels = { ...object.metadata.labels, 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': opts.phase ?? 'Succeeded' };
  object.status = object.kind === 'SparkApplication' ? { applicationState: { state: opts.phase ?? 'COMPLETED' } } : { phase: opts.phase ?? 'Succeeded', nodes: {} };
  if (object.kind === 'Pod') {
    // What the API server and the scheduler add to a pod: the token volume, the node, container defaults.
    const spec = object.spec as { nodeName?: string; dnsPolicy?: string; volumes: unknown[]; containers: { volumeMounts: unknown[]; terminationMessagePath?: string }[] };
    spec.nodeName = 'kindling-control-plane';
    spec.dnsPolicy = 'ClusterFirst';
    spec.volumes.push({ name: 'kube-api-access-x9z2k', projected: { sources: [] } });
    for (const c of spec.containers) {
      c.volumeMounts.push({ name: 'kube-api-access-x9z2k', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
      c.terminationMessagePath = '/dev/termination-log';
    }
  }
  return object;
}

type Mount = { name: string; mountPath: string; subPath?: string; readOnly?: boolean };
type Volume = { name: string; hostPath?: unknown; emptyDir?: unknown; configMap?: { name: string; items: { key: string; path: string }[] }; persistentVolumeClaim?: unknown };
type Container = { image: string; command: string[]; args: string[]; env: { name: string; value?: string }[]; volumeMounts: Mount[] };
type Spec = { entrypoint: string; serviceAccountName?: string; volumes: Volume[]; templates: { name: string; container?: Container; resource?: { action: string; manifest: string } }[]; podMetadata: { labels: Record<string, string>; annotations?: Record<string, string> } };

const source = { content: SCRIPT, sha256: SHA };

test('a succeeded script run becomes ConfigMap + WorkflowTemplate running the same command on the digest it ran on', () => {
  const plan = planRunPromote({ run: finishedRun({ digest: DIGEST }), runContext: 'kind-kindling', namespace: 'ml', source });
  assert.deepEqual(plan.errors, []);
  assert.deepEqual(plan.documents.map((d) => [d.index, d.object.kind, d.name, d.namespace]), [
    [0, 'ConfigMap', 'prepare-features-src', 'ml'],
    [1, 'WorkflowTemplate', 'prepare-features', 'ml'],
  ]);
  const [cm, wft] = plan.documents.map((d) => d.object) as [KubeObject, KubeObject];
  assert.deepEqual(cm.data, { 'prepare_features.py': SCRIPT });
  const spec = wft.spec as Spec;
  const container = spec.templates[0]?.container;
  assert.ok(container);
  assert.equal(container.image, `localhost:5001/ml-pipelines:0.4.2@${DIGEST}`);
  assert.equal(plan.image, container.image);
  // Exactly what ran: the command and the run's arguments.
  assert.deepEqual(container.command, ['python', '-u', '/workspace/prepare_features.py']);
  assert.deepEqual(container.args, ['--min-events', '5']);
  assert.equal(spec.serviceAccountName, 'kindling-runner');
  assert.deepEqual(container.env.find((e) => e.name === 'KINDLING_RUN_NAME'), { name: 'KINDLING_RUN_NAME', value: '{{workflow.name}}' });
  assert.ok(container.env.some((e) => e.name === 'MLFLOW_TRACKING_URI'));
});

test('the workspace hostPath becomes an emptyDir with the file mounted from the ConfigMap; other hostPaths are dropped with a warning', () => {
  const plan = planRunPromote({ run: finishedRun({ digest: DIGEST }), runContext: 'kind-kindling', namespace: 'ml', source });
  const spec = plan.documents[1]?.object.spec as Spec;
  assert.equal(spec.volumes.filter((v) => v.hostPath).length, 0);
  assert.deepEqual(spec.volumes.find((v) => v.name === 'kindling-workspace'), { name: 'kindling-workspace', emptyDir: {} });
  assert.deepEqual(spec.volumes.find((v) => v.name === SOURCE_VOLUME)?.configMap, { name: 'prepare-features-src', items: [{ key: 'prepare_features.py', path: 'prepare_features.py' }] });
  assert.ok(spec.volumes.some((v) => v.name === 'models' && v.persistentVolumeClaim), 'the PVC volume stays');
  const mounts = spec.templates[0]?.container?.volumeMounts ?? [];
  assert.deepEqual(mounts.find((m) => m.name === SOURCE_VOLUME), { name: SOURCE_VOLUME, mountPath: '/workspace/prepare_features.py', subPath: 'prepare_features.py', readOnly: true });
  assert.equal(mounts.find((m) => m.name === 'raw-data'), undefined);
  assert.equal(plan.warnings?.length, 1);
  assert.match(plan.warnings?.[0] ?? '', /Volume "raw-data" .* hostPath/);
});

test("the run's own labels, provenance and the server's fields are not carried; the template's labels are", () => {
  const plan = planRunPromote({ run: finishedRun({ digest: DIGEST }), runContext: 'kind-kindling', namespace: 'ml', source });
  const wft = plan.documents[1]?.object as KubeObject;
  assert.deepEqual(Object.keys(wft).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.deepEqual(wft.metadata, { name: 'prepare-features', namespace: 'ml', labels: { 'app.kubernetes.io/managed-by': 'kindling', 'kindling.dev/component-kind': 'script' } });
  const spec = wft.spec as Spec;
  assert.equal(spec.podMetadata.labels['kindling.dev/run'], undefined);
  assert.deepEqual(Object.keys(spec.podMetadata.annotations ?? {}), ['cluster-autoscaler.kubernetes.io/safe-to-evict'], 'kindling.yaml pod annotations stay, run provenance goes');
  assert.match(plan.notes.join('\n'), /From run prepare-features-x7k2p \(Workflow in kindling on context "kind-kindling"\), which ran examples\/prepare_features\.py/);
});

test('a run that recorded only a tag is pinned to the digest the caller resolved, and says so', () => {
  const run = finishedRun();
  assert.equal(describeFinishedRun(run)?.imageDigest, undefined);
  const unresolved = planRunPromote({ run, runContext: 'kind-kindling', namespace: 'ml', source });
  assert.equal(unresolved.documents.length, 0);
  assert.match(unresolved.errors[0] ?? '', /digest of localhost:5001\/ml-pipelines:0\.4\.2, the image .* is unknown/);
  const plan = planRunPromote({ run, runContext: 'kind-kindling', namespace: 'ml', source, resolvedDigest: DIGEST });
  assert.deepEqual(plan.errors, []);
  assert.equal((plan.documents[1]?.object.spec as Spec).templates[0]?.container?.image, `localhost:5001/ml-pipelines:0.4.2@${DIGEST}`);
  assert.ok(plan.notes.some((n) => n.includes(`pinned to the digest it ran on, ${DIGEST}`)));
});

test('refused: a file changed since the run, a failed run, a debug run, a file not in the workspace', () => {
  const changed = planRunPromote({ run: finishedRun({ digest: DIGEST }), runContext: 'k', namespace: 'ml', source: { content: `${SCRIPT}\n# edited`, sha256: createHash('sha256').update(`${SCRIPT}\n# edited`).digest('hex') } });
  assert.match(changed.errors[0] ?? '', /has changed since Workflow prepare-features-x7k2p ran/);
  assert.equal(changed.documents.length, 0);
  const failed = planRunPromote({ run: finishedRun({ digest: DIGEST, phase: 'Failed' }), runContext: 'k', namespace: 'ml', source });
  assert.match(failed.errors[0] ?? '', /has not succeeded \(Failed\)/);
  const debugRun = finishedRun({ digest: DIGEST });
  debugRun.metadata.labels = { ...debugRun.metadata.labels, [DEBUG_LABEL]: 'true' };
  assert.match(planRunPromote({ run: debugRun, runContext: 'k', namespace: 'ml', source }).errors[0] ?? '', /debug run/);
  assert.match(planRunPromote({ run: finishedRun({ digest: DIGEST }), runContext: 'k', namespace: 'ml' }).errors[0] ?? '', /not in this workspace/);
});

test('a PySpark run (SparkApplication) becomes a WorkflowTemplate whose step creates the same application per workflow', () => {
  const content = 'from pyspark.sql import SparkSession\nSparkSession.builder.getOrCreate()\n';
  const run = finishedRun({ kind: 'pyspark', digest: DIGEST, content });
  assert.equal(run.kind, 'SparkApplication');
  const plan = planRunPromote({ run, runContext: 'kind-kindling', namespace: 'ml', source: { content, sha256: createHash('sha256').update(content).digest('hex') } });
  assert.deepEqual(plan.errors, []);
  const spec = plan.documents[1]?.object.spec as Spec;
  const step = spec.templates[0]?.resource;
  assert.equal(step?.action, 'create');
  const app = parse(step?.manifest ?? '') as { metadata: { name: string; namespace: string }; spec: { image: string; arguments: string[]; driver: { labels: Record<string, string>; template: { spec: { volumes: Volume[]; containers: { volumeMounts: Mount[] }[] } } } } };
  assert.equal(app.metadata.name, '{{workflow.name}}-spark');
  assert.equal(app.metadata.namespace, 'ml');
  assert.equal(app.spec.image, `localhost:5001/ml-pipelines:0.4.2@${DIGEST}`);
  assert.deepEqual(app.spec.arguments, ['--min-events', '5']);
  assert.equal(app.spec.driver.labels['kindling.dev/run'], undefined);
  assert.ok(app.spec.driver.template.spec.volumes.some((v) => v.name === SOURCE_VOLUME));
  assert.ok(!app.spec.driver.template.spec.volumes.some((v) => v.hostPath));
  assert.ok(app.spec.driver.template.spec.containers[0]?.volumeMounts.some((m) => m.subPath === 'prepare_features.py'));
  // The image copy sees the application's image inside the step's manifest string, and rewrites it there.
  const template = plan.documents[1]?.object as KubeObject;
  const pinned = `localhost:5001/ml-pipelines:0.4.2@${DIGEST}`;
  assert.deepEqual(collectImages(template), [pinned]);
  const copied = `remote.example:5000/ml-pipelines@${DIGEST}`;
  const rewritten = rewriteImages(template, new Map([[pinned, copied]])) as unknown as { spec: Spec };
  assert.equal((parse(rewritten.spec.templates[0]?.resource?.manifest ?? '') as { spec: { image: string } }).spec.image, copied);
});

test('the promote provenance names the run it came from', () => {
  const annotations = promoteAnnotations({ sourceSha256: SHA, sourcePath: 'examples/prepare_features.py', images: [], kindlingVersion: '0.1.0', promotedFrom: 'kind-kindling', promotedFromRun: 'kindling/prepare-features-x7k2p', promotedAt: '2026-12-04T23:00:00.000Z' });
  assert.equal(annotations['kindling.dev/promoted-from-run'], 'kindling/prepare-features-x7k2p');
  assert.equal(annotations['kindling.dev/promoted-from'], 'kind-kindling');
});

test('a bare-Pod run (how the Kindling cluster runs scripts) becomes the same one-step template, without what the server added', () => {
  const run = finishedRun({ digest: DIGEST, runAs: 'pod' });
  assert.equal(run.kind, 'Pod');
  const plan = planRunPromote({ run, runContext: 'kind-kindling', namespace: 'ml', source });
  assert.deepEqual(plan.errors, []);
  const spec = plan.documents[1]?.object.spec as Spec & Record<string, unknown>;
  assert.equal(spec.entrypoint, 'main');
  assert.equal(spec.serviceAccountName, 'kindling-runner');
  assert.equal(spec.nodeName, undefined);
  assert.equal(spec.dnsPolicy, undefined);
  assert.equal(spec.restartPolicy, undefined);
  const container = spec.templates[0]?.container as Container & Record<string, unknown>;
  assert.equal(container.image, `localhost:5001/ml-pipelines:0.4.2@${DIGEST}`);
  assert.deepEqual([...container.command, ...container.args], ['python', '-u', '/workspace/prepare_features.py', '--min-events', '5']);
  assert.equal(container.name, undefined);
  assert.equal(container.terminationMessagePath, undefined);
  assert.ok(!spec.volumes.some((v) => v.name.startsWith('kube-api-access-') || v.hostPath));
  assert.ok(!container.volumeMounts.some((m) => m.name.startsWith('kube-api-access-')));
  assert.ok(container.volumeMounts.some((m) => m.name === SOURCE_VOLUME && m.subPath === 'prepare_features.py'));
  assert.equal(spec.podMetadata.labels['kindling.dev/run'], undefined);
  assert.deepEqual(Object.keys(spec.podMetadata.annotations ?? {}), ['cluster-autoscaler.kubernetes.io/safe-to-evict']);
});
