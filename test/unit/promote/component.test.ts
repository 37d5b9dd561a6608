import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { CONFIGMAP_LIMIT_BYTES } from '../../../src/core/component';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import { componentTemplateName, planComponentPromote, stampProvenance, type KubeObject } from '../../../src/core/promote';

const CONFIG = readFileSync('examples/kindling.yaml', 'utf8');
const SCRIPT = readFileSync('examples/prepare_features.py', 'utf8');

function config(text = CONFIG): KindlingConfig {
  const { config: c, errors } = loadConfig(text);
  assert.deepEqual(errors, []);
  assert.ok(c);
  return c;
}

type Container = { image: string; command: string[]; args: string[]; env: { name: string; value?: string; valueFrom?: unknown }[]; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] };
type Template = { name: string; container?: Container; resource?: { action: string; manifest: string } };
type Spec = { entrypoint: string; serviceAccountName: string; volumes: { name: string; configMap?: { name: string; items: unknown[] }; hostPath?: unknown; persistentVolumeClaim?: { claimName: string } }[]; templates: Template[]; podMetadata: { labels: Record<string, string>; annotations?: Record<string, string> } };

function plan(sourcePath: string, content: string, context = 'gke_ml-prod_europe-west4_ml', cfg: KindlingConfig | undefined = config()) {
  return planComponentPromote({ sourcePath, content, config: cfg, namespace: 'ml', context });
}

function specOf(object: KubeObject): Spec {
  return object.spec as Spec;
}

test('template names are DNS-1123 labels taken from the file name', () => {
  assert.equal(componentTemplateName('prepare_features.py'), 'prepare-features');
  assert.equal(componentTemplateName('jobs/Train Model (v2).ipynb'), 'train-model-v2');
  assert.equal(componentTemplateName('__.sh'), 'component');
  const long = componentTemplateName(`${'a'.repeat(70)}.py`);
  assert.equal(long.length, 40);
});

test('a script becomes ConfigMap <name>-src then WorkflowTemplate <name>, in the target namespace', () => {
  const p = plan('examples/prepare_features.py', SCRIPT);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(
    p.documents.map((d) => [d.index, d.object.apiVersion, d.object.kind, d.name, d.namespace, d.type.plural]),
    [
      [0, 'v1', 'ConfigMap', 'prepare-features-src', 'ml', 'configmaps'],
      [1, 'argoproj.io/v1alpha1', 'WorkflowTemplate', 'prepare-features', 'ml', 'workflowtemplates'],
    ],
  );
  const [cm, wft] = p.documents.map((d) => d.object) as [KubeObject, KubeObject];
  assert.deepEqual(cm.data, { 'prepare_features.py': SCRIPT });
  const spec = specOf(wft);
  assert.equal(spec.entrypoint, 'main');
  assert.equal(spec.serviceAccountName, 'kindling-runner');
  assert.equal(spec.templates.length, 1);
  const main = spec.templates[0]!.container!;
  assert.deepEqual(main.command, ['python', '-u', '/workspace/prepare_features.py']);
  assert.deepEqual(main.args, []);
  // Mounted as the ConfigMap delivery of Run as Component: the file under /workspace, read-only.
  const ws = spec.volumes.find((v) => v.name === 'kindling-workspace');
  assert.deepEqual(ws?.configMap, { name: 'prepare-features-src', items: [{ key: 'prepare_features.py', path: 'prepare_features.py' }] });
  assert.deepEqual(main.volumeMounts.find((m) => m.name === 'kindling-workspace'), { name: 'kindling-workspace', mountPath: '/workspace', readOnly: true });
  // Each submitted workflow knows its own name; the run label of a single run is not baked in.
  assert.deepEqual(main.env.find((e) => e.name === 'KINDLING_RUN_NAME'), { name: 'KINDLING_RUN_NAME', value: '{{workflow.name}}' });
  assert.equal(spec.podMetadata.labels['kindling.dev/run'], undefined);
  assert.equal(spec.podMetadata.annotations?.['cluster-autoscaler.kubernetes.io/safe-to-evict'], 'false');
  assert.equal(wft.metadata.labels?.['kindling.dev/component-kind'], 'script');
});

test('the image is the target environment\'s: remotes context → images.environments, else images.default', () => {
  const prod = plan('examples/prepare_features.py', SCRIPT);
  assert.equal(p0(prod).image, 'registry.example.com/ml/ml-pipelines@sha256:3f7c9a1e5b2d4c6f8a0e1b3d5c7f9a2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a');
  assert.equal(prod.environment, 'prod');
  assert.ok(prod.notes.some((n) => n.includes('remote "prod"')));
  assert.ok(prod.notes.some((n) => n.includes("that environment's image, registry.example.com/ml/ml-pipelines@sha256:")));
  // staging is a remote without its own image: the default image, and the review says so as a warning.
  const staging = plan('examples/prepare_features.py', SCRIPT, 'gke_ml-staging_europe-west4_ml');
  assert.equal(p0(staging).image, 'localhost:5001/ml-pipelines:0.4.2');
  assert.ok(staging.warnings?.some((w) => /images\.environments has no "staging" entry: .*runs on images\.default, localhost:5001\/ml-pipelines:0\.4\.2/.test(w)), staging.warnings?.join('\n'));
  // An unknown context is no remote at all: the default image, said in a note.
  const other = plan('examples/prepare_features.py', SCRIPT, 'somewhere-else');
  assert.equal(other.environment, undefined);
  assert.equal(p0(other).image, 'localhost:5001/ml-pipelines:0.4.2');
  assert.ok(other.notes.some((n) => n.includes('not a kindling.yaml remote') && n.includes('localhost:5001/ml-pipelines:0.4.2')));
});

function p0(p: ReturnType<typeof plan>): Container {
  return specOf(p.documents[1]!.object).templates[0]!.container!;
}

test('hostPath volumes are left out with a warning; PVC volumes and secret env refs stay', () => {
  const p = plan('examples/prepare_features.py', SCRIPT);
  const spec = specOf(p.documents[1]!.object);
  assert.deepEqual(spec.volumes.map((v) => v.name), ['kindling-workspace', 'models']);
  assert.equal(spec.volumes.some((v) => v.hostPath), false);
  assert.equal(spec.volumes[1]?.persistentVolumeClaim?.claimName, 'model-artifacts');
  const main = p0(p);
  assert.deepEqual(main.volumeMounts.map((m) => m.mountPath), ['/workspace', '/models']);
  assert.deepEqual(main.env.find((e) => e.name === 'FEATURE_STORE_TOKEN')?.valueFrom, { secretKeyRef: { name: 'feature-store', key: 'token' } });
  assert.equal(p.warnings?.length, 1);
  assert.match(p.warnings?.[0] ?? '', /Volume "raw-data" \(hostPath \/kindling\/data → \/data\).*left out/);
});

test('provenance is stamped on both objects like a promoted pipeline, with the component file\'s hash', () => {
  const p = plan('examples/prepare_features.py', SCRIPT);
  for (const doc of p.documents) {
    const stamped = stampProvenance(doc.object, {
      gitCommit: 'c'.repeat(40),
      gitDirty: false,
      sourceSha256: 'f'.repeat(64),
      sourcePath: 'examples/prepare_features.py',
      images: [],
      kindlingVersion: '1.2.3',
      promotedAt: '2026-01-01T00:00:00.000Z',
    });
    assert.equal(stamped.metadata.labels?.['app.kubernetes.io/managed-by'], 'kindling');
    assert.equal(stamped.metadata.labels?.['kindling.dev/git-commit'], 'c'.repeat(40));
    assert.equal(stamped.metadata.annotations?.['kindling.dev/source-sha256'], 'f'.repeat(64));
    assert.equal(stamped.metadata.annotations?.['kindling.dev/source-path'], 'examples/prepare_features.py');
  }
});

test('a file over the ConfigMap limit is refused with the size and what to do', () => {
  const big = `x = "${'a'.repeat(CONFIGMAP_LIMIT_BYTES)}"\n`;
  const p = plan('big.py', big);
  assert.deepEqual(p.documents, []);
  assert.equal(p.errors.length, 1);
  assert.match(p.errors[0] ?? '', /^big\.py is 1\.00 MiB \(1,048,\d+ bytes\), more than a ConfigMap can carry \(1 MiB/);
  assert.match(p.errors[0] ?? '', /clear notebook outputs/);
});

test('a notebook runs through the runner script and writes its output to the scratch dir', () => {
  const nb = JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 });
  const p = plan('examples/features.ipynb', nb);
  assert.deepEqual(p.errors, []);
  const main = p0(p);
  assert.deepEqual(main.command.slice(0, 2), ['sh', '-c']);
  const script = main.command[2] ?? '';
  assert.match(script, /papermill \/workspace\/features\.ipynb \/tmp\/kindling-output\/features\.out\.ipynb/);
  assert.match(script, /jupyter nbconvert --to notebook --execute \/workspace\/features\.ipynb/);
  assert.ok(main.volumeMounts.some((m) => m.mountPath === '/tmp/kindling-output'));
  assert.deepEqual(p.documents[0]!.object.data, { 'features.ipynb': nb });
});

test('a shell script keeps its interpreter', () => {
  const p = plan('examples/evaluate.sh', readFileSync('examples/evaluate.sh', 'utf8'));
  assert.deepEqual(p0(p).command, ['bash', '/workspace/evaluate.sh']);
});

test('PySpark: a WorkflowTemplate whose step creates a SparkApplication named after each workflow', () => {
  const p = plan('examples/train_spark.py', readFileSync('examples/train_spark.py', 'utf8'));
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.documents.map((d) => d.object.kind), ['ConfigMap', 'WorkflowTemplate']);
  const step = specOf(p.documents[1]!.object).templates[0]!;
  assert.equal(step.container, undefined);
  assert.equal(step.resource?.action, 'create');
  const app = parse(step.resource?.manifest ?? '') as { kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: { mainApplicationFile: string; driver: { labels: Record<string, string>; template: { spec: { volumes: { name: string; configMap?: { name: string } }[] } } } } };
  assert.equal(app.kind, 'SparkApplication');
  assert.equal(app.metadata.name, '{{workflow.name}}-spark');
  assert.equal(app.metadata.namespace, 'ml');
  assert.equal(app.metadata.labels['kindling.dev/run'], undefined);
  assert.equal(app.spec.driver.labels['kindling.dev/run'], undefined);
  assert.equal(app.spec.mainApplicationFile, 'local:///workspace/train_spark.py');
  assert.deepEqual(app.spec.driver.template.spec.volumes.map((v) => [v.name, v.configMap?.name]), [['kindling-workspace', 'train-spark-src'], ['models', undefined]]);
});

test('no kindling.yaml, or not a component: refused with a reason', () => {
  const none = planComponentPromote({ sourcePath: 'a.py', content: 'print(1)', config: undefined, namespace: 'ml', context: 'x' });
  assert.match(none.errors[0] ?? '', /needs a kindling\.yaml/);
  assert.match(plan('a.txt', 'x').errors[0] ?? '', /is not a component/);
});
