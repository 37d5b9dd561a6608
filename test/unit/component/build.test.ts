import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { NODE_WORKSPACE_PATH } from '../../../src/core/cluster/kindConfig';
import {
  buildComponent,
  ComponentError,
  CONFIGMAP_LIMIT_BYTES,
  detectComponentKind,
  extractNotebookOutput,
  makeRunName,
  OUTPUT_BEGIN,
  OUTPUT_END,
  shQuote,
  type ComponentRequest,
  type SparkApplication,
  type Workflow,
} from '../../../src/core/component';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';

const loaded = loadConfig(readFileSync('examples/kindling.yaml', 'utf8'));
assert.ok(loaded.config);
const config: KindlingConfig = loaded.config;
const trainSpark = readFileSync('examples/train_spark.py', 'utf8');
const prepare = readFileSync('examples/prepare_features.py', 'utf8');
const notebook = readFileSync('examples/features.ipynb', 'utf8');
const evaluate = readFileSync('examples/evaluate.sh', 'utf8');

const provenance = {
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
  gitDirty: true,
  sourceSha256: 'f'.repeat(64),
  user: 'Ada Lovelace',
  kindlingVersion: '0.1.0',
};
const hostPath = { mode: 'hostPath', nodeWorkspacePath: NODE_WORKSPACE_PATH } as const;

function request(over: Partial<ComponentRequest>): ComponentRequest {
  return {
    kind: 'script',
    relativePath: 'examples/prepare_features.py',
    content: prepare,
    runName: 'prepare-features-abcde',
    config,
    delivery: hostPath,
    provenance,
    ...over,
  };
}

test('detects the component kind by extension and, for Python, by content', () => {
  assert.equal(detectComponentKind('train_spark.py', trainSpark), 'pyspark');
  assert.equal(detectComponentKind('prepare_features.py', prepare), 'script');
  assert.equal(detectComponentKind('features.ipynb', notebook), 'notebook');
  assert.equal(detectComponentKind('evaluate.sh', evaluate), 'shell');
  assert.equal(detectComponentKind('x.py', 'import pyspark\n'), 'pyspark');
  assert.equal(detectComponentKind('x.py', 'spark = SparkSession .builder.getOrCreate()'), 'pyspark');
  assert.equal(detectComponentKind('x.py', '# mentions pyspark in a comment only\nprint(1)\n'), 'script');
  assert.equal(detectComponentKind('README.md', ''), undefined);
});

test('run names are DNS-1123 and short enough for Spark driver pods', () => {
  assert.equal(makeRunName('examples/Train_Spark.py', 'x1y2z'), 'train-spark-x1y2z');
  const long = makeRunName('a'.repeat(200) + '.py', 'abcde');
  assert.ok(long.length <= 52, long);
  assert.match(long, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  assert.equal(makeRunName('__.py', 'abcde'), 'run-abcde');
});

test('script → one-step Workflow on the configured image, with command, mounts, env, resources', () => {
  const m = buildComponent(request({ args: ['--min-events', '5'] }));
  assert.equal(m.ref.kind, 'Workflow');
  assert.equal(m.configMap, undefined);
  const wf = m.resource as Workflow;
  assert.equal(wf.apiVersion, 'argoproj.io/v1alpha1');
  assert.equal(wf.metadata.name, 'prepare-features-abcde');
  assert.equal(wf.metadata.namespace, 'kindling');
  assert.equal(wf.spec.serviceAccountName, 'kindling-runner');
  assert.equal(wf.spec.entrypoint, 'main');
  assert.equal(wf.spec.templates.length, 1);
  const c = wf.spec.templates[0].container;
  assert.ok(c);
  assert.equal(c.image, 'localhost:5001/ml-pipelines:0.4.2');
  assert.deepEqual(c.command, ['python', '-u', '/workspace/prepare_features.py']);
  assert.deepEqual(c.args, ['--min-events', '5']);
  assert.equal(c.workingDir, '/workspace');
  // The file's folder on the kind node, mounted read-write.
  assert.deepEqual(wf.spec.volumes[0], { name: 'kindling-workspace', hostPath: { path: '/kindling/workspace/examples', type: 'Directory' } });
  assert.deepEqual(c.volumeMounts?.[0], { name: 'kindling-workspace', mountPath: '/workspace' });
  assert.deepEqual(wf.spec.volumes.slice(1), [
    { name: 'raw-data', hostPath: { path: '/kindling/data' } },
    { name: 'models', persistentVolumeClaim: { claimName: 'model-artifacts' } },
  ]);
  assert.deepEqual(c.volumeMounts?.slice(1), [
    { name: 'raw-data', mountPath: '/data', readOnly: true },
    { name: 'models', mountPath: '/models' },
  ]);
  assert.deepEqual(c.env, [
    { name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.kindling.svc:5000' },
    { name: 'FEATURE_STORE_TOKEN', valueFrom: { secretKeyRef: { name: 'feature-store', key: 'token' } } },
    { name: 'KINDLING_RUN_NAME', value: 'prepare-features-abcde' },
  ]);
  assert.deepEqual(c.resources, { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } });
});

test('provenance labels and annotations on the run and its pods', () => {
  const wf = buildComponent(request({ args: ['a b'], environment: 'prod' })).resource as Workflow;
  assert.deepEqual(wf.metadata.labels, {
    'app.kubernetes.io/managed-by': 'kindling',
    'kindling.dev/run': 'prepare-features-abcde',
    'kindling.dev/component-kind': 'script',
    'kindling.dev/git-dirty': 'true',
    'kindling.dev/git-commit': provenance.gitCommit,
  });
  const a = wf.metadata.annotations;
  assert.equal(a['kindling.dev/git-commit'], provenance.gitCommit);
  assert.equal(a['kindling.dev/git-dirty'], 'true');
  assert.equal(a['kindling.dev/source-sha256'], 'f'.repeat(64));
  assert.equal(a['kindling.dev/source-path'], 'examples/prepare_features.py');
  assert.match(a['kindling.dev/image'], /^registry\.example\.com\/ml\/ml-pipelines@sha256:/);
  // The prod image is pinned by digest: the digest is known without asking a registry.
  assert.equal(a['kindling.dev/image-digest'], a['kindling.dev/image'].split('@')[1]);
  assert.equal(a['kindling.dev/user'], 'Ada Lovelace');
  assert.equal(a['kindling.dev/kindling-version'], '0.1.0');
  assert.equal(a['kindling.dev/arguments'], '["a b"]');
  assert.equal(a['kindling.dev/environment'], 'prod');
  assert.deepEqual(wf.spec.podMetadata.labels, wf.metadata.labels);
  assert.equal(wf.spec.podMetadata.annotations['kindling.dev/source-sha256'], 'f'.repeat(64));
  for (const value of Object.values(wf.metadata.labels)) assert.ok(value.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value), value);
});

test('no digest annotation when the image is pinned by tag only and none was resolved', () => {
  const wf = buildComponent(request({})).resource as Workflow;
  assert.equal(wf.metadata.annotations['kindling.dev/image-digest'], undefined);
  const withDigest = buildComponent(request({ provenance: { ...provenance, imageDigest: 'sha256:' + '1'.repeat(64) } })).resource as Workflow;
  assert.equal(withDigest.metadata.annotations['kindling.dev/image-digest'], 'sha256:' + '1'.repeat(64));
});

test('pod annotations (e.g. the test environment fail switch) reach the pods only', () => {
  const wf = buildComponent(request({ podAnnotations: { 'kindling.dev/fail': 'true' } })).resource as Workflow;
  assert.equal(wf.spec.podMetadata.annotations['kindling.dev/fail'], 'true');
  assert.equal(wf.metadata.annotations['kindling.dev/fail'], undefined);
});

test('kindling.yaml podAnnotations reach every pod of a run, but never replace provenance', () => {
  const withAnnotations: KindlingConfig = { ...config, podAnnotations: { 'sidecar.istio.io/inject': 'false', 'kindling.dev/source-sha256': 'forged' } };
  const wf = buildComponent(request({ config: withAnnotations })).resource as Workflow;
  assert.equal(wf.spec.podMetadata.annotations['sidecar.istio.io/inject'], 'false');
  assert.equal(wf.spec.podMetadata.annotations['kindling.dev/source-sha256'], 'f'.repeat(64));
  assert.equal(wf.metadata.annotations['sidecar.istio.io/inject'], undefined, 'the Workflow object itself is not annotated');
  const app = buildComponent(request({ kind: 'pyspark', config: withAnnotations, content: trainSpark })).resource as SparkApplication;
  for (const role of [app.spec.driver, app.spec.executor]) {
    assert.equal(role.annotations['sidecar.istio.io/inject'], 'false');
    assert.equal(role.annotations['kindling.dev/source-sha256'], 'f'.repeat(64));
  }
});

test('shell → bash when the shebang asks for it, sh otherwise', () => {
  const wf = buildComponent(request({ kind: 'shell', relativePath: 'evaluate.sh', content: evaluate, args: ['/models/x'] })).resource as Workflow;
  assert.deepEqual(wf.spec.templates[0].container?.command, ['bash', '/workspace/evaluate.sh']);
  assert.deepEqual(wf.spec.templates[0].container?.args, ['/models/x']);
  assert.deepEqual(wf.spec.volumes[0].hostPath, { path: '/kindling/workspace', type: 'Directory' });
  const plain = buildComponent(request({ kind: 'shell', relativePath: 'x.sh', content: 'echo hi\n' })).resource as Workflow;
  assert.deepEqual(plain.spec.templates[0].container?.command, ['sh', '/workspace/x.sh']);
});

test('configMap delivery carries the file, mounts it read-only at the same path', () => {
  const m = buildComponent(request({ delivery: { mode: 'configMap' } }));
  assert.ok(m.configMap);
  assert.equal(m.configMap.metadata.name, 'prepare-features-abcde-src');
  assert.equal(m.configMap.metadata.namespace, 'kindling');
  assert.equal(m.configMap.data['prepare_features.py'], prepare);
  assert.equal(m.configMap.metadata.labels['kindling.dev/run'], 'prepare-features-abcde');
  const wf = m.resource as Workflow;
  assert.deepEqual(wf.spec.volumes[0], {
    name: 'kindling-workspace',
    configMap: { name: 'prepare-features-abcde-src', items: [{ key: 'prepare_features.py', path: 'prepare_features.py' }] },
  });
  assert.deepEqual(wf.spec.templates[0].container?.volumeMounts?.[0], { name: 'kindling-workspace', mountPath: '/workspace', readOnly: true });
  assert.deepEqual(wf.spec.templates[0].container?.command, ['python', '-u', '/workspace/prepare_features.py']);
});

test('a file beyond the ConfigMap limit is refused with its size and the limit', () => {
  const big = 'x'.repeat(CONFIGMAP_LIMIT_BYTES + 10);
  assert.throws(
    () => buildComponent(request({ delivery: { mode: 'configMap' }, content: big, relativePath: 'big.py' })),
    (e: unknown) =>
      e instanceof ComponentError &&
      e.code === 'too-large' &&
      /big\.py is 1\.00 MiB \(1,048,592 bytes\)/.test(e.message) &&
      /\(1 MiB \(1,048,576 bytes\)\)/.test(e.message),
  );
  // hostPath delivery has no such limit: the file is read from the node.
  assert.doesNotThrow(() => buildComponent(request({ content: big, relativePath: 'big.py' })));
});

test('paths outside the workspace are refused', () => {
  assert.throws(() => buildComponent(request({ relativePath: '../etc/passwd' })), ComponentError);
});

test('notebook → Workflow running papermill if present, else nbconvert; output next to the original', () => {
  const m = buildComponent(
    request({ kind: 'notebook', relativePath: 'examples/features.ipynb', content: notebook, parameters: { input_path: "/data/it's.csv", sample_rows: '3' } }),
  );
  assert.deepEqual(m.notebookOutput, { relativePath: 'examples/features.out.ipynb', via: 'hostPath' });
  const c = (m.resource as Workflow).spec.templates[0].container;
  assert.ok(c);
  assert.deepEqual(c.command?.slice(0, 2), ['sh', '-c']);
  const script = c.command?.[2] ?? '';
  assert.match(script, /if command -v papermill >\/dev\/null 2>&1; then/);
  assert.match(script, /papermill \/workspace\/features\.ipynb \/workspace\/features\.out\.ipynb -p input_path '\/data\/it'\\''s\.csv' -p sample_rows 3/);
  assert.match(script, /jupyter nbconvert --to notebook --execute \/workspace\/features\.ipynb --output-dir \/workspace --output features\.out\.ipynb/);
  assert.match(script, /nbconvert cannot apply notebook parameters/);
  assert.doesNotMatch(script, /base64/);
  assert.deepEqual(c.env?.at(-1), { name: 'KINDLING_PARAMETERS', value: JSON.stringify({ input_path: "/data/it's.csv", sample_rows: '3' }) });
});

test('notebook runner setting picks one runner; ConfigMap clusters get the output through the log', () => {
  const pm = buildComponent(
    request({ kind: 'notebook', relativePath: 'features.ipynb', content: notebook, config: { ...config, notebook: { runner: 'papermill', kernel: 'python3' } }, delivery: { mode: 'configMap' } }),
  );
  assert.deepEqual(pm.notebookOutput, { relativePath: 'features.out.ipynb', via: 'logs' });
  const wf = pm.resource as Workflow;
  const script = wf.spec.templates[0].container?.command?.[2] ?? '';
  assert.doesNotMatch(script, /nbconvert/);
  assert.match(script, /papermill \/workspace\/features\.ipynb \/tmp\/kindling-output\/features\.out\.ipynb -k python3/);
  assert.match(script, /base64 \/tmp\/kindling-output\/features\.out\.ipynb/);
  assert.ok(wf.spec.volumes.some((v) => v.name === 'kindling-output' && v.emptyDir));
  const nb = buildComponent(request({ kind: 'notebook', relativePath: 'features.ipynb', content: notebook, config: { ...config, notebook: { runner: 'nbconvert' } } }));
  const nbScript = (nb.resource as Workflow).spec.templates[0].container?.command?.[2] ?? '';
  assert.doesNotMatch(nbScript, /papermill/);
  assert.match(nbScript, /jupyter nbconvert/);
});

test('the notebook output comes back out of a log', () => {
  const payload = Buffer.from('{"cells": []}').toString('base64');
  const log = `kindling: running\nsome output\n${OUTPUT_BEGIN}\n${payload.slice(0, 8)}\n${payload.slice(8)}\n${OUTPUT_END}\n`;
  assert.equal(Buffer.from(extractNotebookOutput(log) ?? '', 'base64').toString(), '{"cells": []}');
  assert.equal(extractNotebookOutput('no markers'), undefined);
  assert.equal(extractNotebookOutput(`${OUTPUT_BEGIN}\nabc`), undefined);
});

test('pyspark → SparkApplication (Python, local:// main file) with Spark defaults and a pod template', () => {
  const m = buildComponent(request({ kind: 'pyspark', relativePath: 'examples/train_spark.py', content: trainSpark, runName: 'train-spark-abcde', args: ['--max-iter', '5'] }));
  assert.deepEqual(m.ref, { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications', kind: 'SparkApplication', name: 'train-spark-abcde', namespace: 'kindling' });
  const app = m.resource as SparkApplication;
  assert.equal(app.spec.type, 'Python');
  assert.equal(app.spec.mode, 'cluster');
  assert.equal(app.spec.image, 'localhost:5001/ml-pipelines:0.4.2');
  assert.equal(app.spec.mainApplicationFile, 'local:///workspace/train_spark.py');
  assert.deepEqual(app.spec.arguments, ['--max-iter', '5']);
  assert.equal(app.spec.sparkVersion, '3.5.5');
  assert.deepEqual(app.spec.restartPolicy, { type: 'OnFailure', onFailureRetries: 2, onFailureRetryInterval: 10, onSubmissionFailureRetries: 2, onSubmissionFailureRetryInterval: 10 });
  assert.equal(app.spec.driver.cores, 1);
  assert.equal(app.spec.driver.memory, '1g');
  assert.equal(app.spec.driver.serviceAccount, 'spark-operator-spark');
  assert.equal(app.spec.executor.instances, 2);
  assert.equal(app.spec.executor.memory, '1g');
  const driverTemplate = app.spec.driver.template;
  assert.equal(driverTemplate.spec.containers[0].name, 'spark-kubernetes-driver');
  assert.equal(app.spec.executor.template.spec.containers[0].name, 'spark-kubernetes-executor');
  assert.deepEqual(driverTemplate.spec.volumes[0].hostPath, { path: '/kindling/workspace/examples', type: 'Directory' });
  assert.deepEqual(driverTemplate.spec.containers[0].volumeMounts?.[0], { name: 'kindling-workspace', mountPath: '/workspace' });
  assert.ok(driverTemplate.spec.containers[0].env?.some((e) => e.name === 'FEATURE_STORE_TOKEN' && e.valueFrom?.secretKeyRef.key === 'token'));
  assert.equal(app.metadata.labels['kindling.dev/component-kind'], 'pyspark');
  assert.equal(app.spec.driver.labels['kindling.dev/run'], 'train-spark-abcde');
  assert.equal(app.spec.driver.annotations['kindling.dev/source-sha256'], 'f'.repeat(64));
});

test('pyspark defaults when kindling.yaml has no spark section; spark.image overrides the run image', () => {
  const bare: KindlingConfig = { version: 1, images: { default: 'a/b:1' } };
  const app = buildComponent(request({ kind: 'pyspark', config: bare, content: trainSpark })).resource as SparkApplication;
  assert.deepEqual(app.spec.restartPolicy, { type: 'Never' });
  assert.equal(app.spec.executor.instances, 1);
  assert.equal(app.spec.driver.serviceAccount, 'kindling-runner');
  assert.equal(app.spec.image, 'a/b:1');
  const own = buildComponent(request({ kind: 'pyspark', config: { ...bare, spark: { image: 'spark/py:3.5.5' } }, content: trainSpark })).resource as SparkApplication;
  assert.equal(own.spec.image, 'spark/py:3.5.5');
});

test('pyspark as a pipeline → Workflow with a resource step that creates the SparkApplication', () => {
  const m = buildComponent(request({ kind: 'pyspark', relativePath: 'train_spark.py', content: trainSpark, runName: 'train-spark-abcde', asPipeline: true }));
  assert.equal(m.ref.kind, 'Workflow');
  const wf = m.resource as Workflow;
  const r = wf.spec.templates[0].resource;
  assert.ok(r);
  assert.equal(r.action, 'create');
  assert.equal(r.setOwnerReference, true);
  assert.equal(r.successCondition, 'status.applicationState.state == COMPLETED');
  assert.match(r.failureCondition, /FAILED/);
  const inner = parse(r.manifest) as SparkApplication;
  assert.equal(inner.kind, 'SparkApplication');
  assert.equal(inner.metadata.name, 'train-spark-abcde-spark');
  assert.equal(inner.spec.mainApplicationFile, 'local:///workspace/train_spark.py');
});

test('shQuote leaves plain words alone and quotes everything else', () => {
  assert.equal(shQuote('abc-1.2'), 'abc-1.2');
  assert.equal(shQuote('a b'), "'a b'");
  assert.equal(shQuote("it's"), "'it'\\''s'");
  assert.equal(shQuote('$(rm -rf /)'), "'$(rm -rf /)'");
});
