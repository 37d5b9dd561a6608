import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { NODE_WORKSPACE_PATH } from '../../../src/core/cluster/kindConfig';
import {
  addDebugpyRequirement,
  buildComponent,
  ComponentError,
  debugAttachArguments,
  debugLauncher,
  debugManifests,
  debugpyFixes,
  DEBUG_LABEL,
  DEBUGPY_MISSING_EXIT,
  DEBUGPY_MISSING_MARKER,
  DEBUGPY_VOLUME,
  isDebugpyMissing,
  POD_DEBUGPY_PATH,
  stagedDebugpyRelativePath,
  type ComponentRequest,
  type Workflow,
} from '../../../src/core/component';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';

const loaded = loadConfig(readFileSync('examples/kindling.yaml', 'utf8'));
assert.ok(loaded.config);
const config: KindlingConfig = loaded.config;
const prepare = readFileSync('examples/prepare_features.py', 'utf8');

function request(over: Partial<ComponentRequest> = {}): ComponentRequest {
  return {
    kind: 'script',
    relativePath: 'examples/prepare_features.py',
    content: prepare,
    runName: 'prepare-features-abcde',
    config,
    delivery: { mode: 'hostPath', nodeWorkspacePath: NODE_WORKSPACE_PATH },
    provenance: { sourceSha256: 'a'.repeat(64), kindlingVersion: '0.1.0', gitCommit: '0123456789abcdef0123456789abcdef01234567' },
    args: ['--min-events', '2'],
    ...over,
  };
}

const mainContainer = (wf: Workflow) => wf.spec.templates[0].container!;

test('debug manifests: the file runs under debugpy listening on 5678 and waiting; the arguments follow the file', () => {
  const run = buildComponent(request());
  const debug = debugManifests(run);
  const c = mainContainer(debug.resource as Workflow);
  assert.equal(c.command?.[0], 'sh');
  assert.equal(c.command?.[1], '-c');
  assert.match(c.command![2], /exec python -u -Xfrozen_modules=off -m debugpy --listen 0\.0\.0\.0:5678 --wait-for-client "\$0" "\$@"/);
  assert.equal(c.command?.[3], '/workspace/prepare_features.py');
  assert.deepEqual(c.args, ['--min-events', '2']);
});

test('debug manifests: everything else is the run\'s own (image, env, mounts, provenance, name); the debug label is added', () => {
  const run = buildComponent(request());
  const debug = debugManifests(run);
  const wf = debug.resource as Workflow;
  const before = run.resource as Workflow;
  assert.equal(debug.runName, run.runName);
  assert.equal(debug.image, run.image);
  assert.deepEqual(wf.metadata.annotations, before.metadata.annotations);
  assert.deepEqual(wf.spec.podMetadata.annotations, before.spec.podMetadata.annotations);
  assert.equal(wf.metadata.labels[DEBUG_LABEL], 'true');
  assert.equal(wf.spec.podMetadata.labels[DEBUG_LABEL], 'true');
  assert.equal(before.metadata.labels[DEBUG_LABEL], undefined, 'the run it was made from is not changed');
  const c = mainContainer(wf);
  const c0 = mainContainer(before);
  assert.deepEqual(c.env, c0.env);
  assert.deepEqual(c.volumeMounts, c0.volumeMounts);
  assert.equal(c.image, c0.image);
  assert.equal(c.workingDir, '/workspace');
  assert.deepEqual(wf.spec.volumes, before.spec.volumes);
  assert.deepEqual(c0.command, ['python', '-u', '/workspace/prepare_features.py']);
});

test('debug manifests: a staged debugpy is mounted read-only from the node and put first on PYTHONPATH', () => {
  const node = `${NODE_WORKSPACE_PATH}/${stagedDebugpyRelativePath('1.8.17')}`;
  const debug = debugManifests(buildComponent(request()), { debugpyNodePath: node });
  const wf = debug.resource as Workflow;
  assert.deepEqual(
    wf.spec.volumes.find((v) => v.name === DEBUGPY_VOLUME),
    { name: DEBUGPY_VOLUME, hostPath: { path: node, type: 'Directory' } },
  );
  assert.deepEqual(
    mainContainer(wf).volumeMounts?.find((m) => m.name === DEBUGPY_VOLUME),
    { name: DEBUGPY_VOLUME, mountPath: POD_DEBUGPY_PATH, readOnly: true },
  );
  assert.match(mainContainer(wf).command![2], /^export PYTHONPATH='?\/opt\/kindling\/debugpy'?\$\{PYTHONPATH:\+:\$PYTHONPATH\}$/m);
  assert.doesNotMatch(debugLauncher(false), /PYTHONPATH/);
});

test('debug launcher: checks for debugpy before starting, with its own exit code and marker', () => {
  const script = debugLauncher(false);
  const check = script.split('\n').findIndex((l) => l.includes("import debugpy;"));
  const exec = script.split('\n').findIndex((l) => l.startsWith('exec '));
  assert.ok(check >= 0 && check < exec);
  assert.ok(script.includes(`exit ${DEBUGPY_MISSING_EXIT}`));
  assert.ok(script.includes(DEBUGPY_MISSING_MARKER));
});

test('debug manifests: notebooks, shell scripts and SparkApplications are refused (a PySpark file is prepared as a script)', () => {
  const nb = buildComponent(request({ kind: 'notebook', relativePath: 'examples/features.ipynb', content: readFileSync('examples/features.ipynb', 'utf8') }));
  assert.throws(() => debugManifests(nb), ComponentError);
  const spark = buildComponent(request({ kind: 'pyspark', relativePath: 'examples/train_spark.py', content: readFileSync('examples/train_spark.py', 'utf8') }));
  assert.throws(() => debugManifests(spark), /Python files/);
  const asScript = buildComponent(request({ kind: 'script', relativePath: 'examples/train_spark.py', content: readFileSync('examples/train_spark.py', 'utf8') }));
  assert.equal(mainContainer(debugManifests(asScript).resource as Workflow).command?.[3], '/workspace/train_spark.py');
});

test('debugpy missing: told by the exit code or by the marker in the log, not by any failure', () => {
  assert.equal(isDebugpyMissing({ exitCode: DEBUGPY_MISSING_EXIT }), true);
  assert.equal(isDebugpyMissing({ exitCode: 1, log: `x\n${DEBUGPY_MISSING_MARKER}\n` }), true);
  assert.equal(isDebugpyMissing({ exitCode: 1, log: 'Traceback …\nModuleNotFoundError: No module named pandas' }), false);
  assert.equal(isDebugpyMissing({ exitCode: 0 }), false);
});

test('debugpy missing: staging is offered only where the workspace is on the node; requirements only when there is a file', () => {
  assert.deepEqual(debugpyFixes({ delivery: 'hostPath', hasRequirements: true }), ['stage', 'requirements']);
  assert.deepEqual(debugpyFixes({ delivery: 'configMap', hasRequirements: true }), ['requirements']);
  assert.deepEqual(debugpyFixes({ delivery: 'hostPath', hasRequirements: false }), ['stage']);
  assert.deepEqual(debugpyFixes({ delivery: 'configMap', hasRequirements: false }), []);
});

test('requirements: debugpy is added once, keeping the file\'s line ends', () => {
  assert.equal(addDebugpyRequirement('pandas==2.2.3\nscikit-learn\n'), 'pandas==2.2.3\nscikit-learn\ndebugpy  # Debug as Component (Kindling)\n');
  assert.equal(addDebugpyRequirement('pandas\r\nnumpy'), 'pandas\r\nnumpy\r\ndebugpy  # Debug as Component (Kindling)\r\n');
  assert.equal(addDebugpyRequirement('pandas\nDebugPy>=1.8  # already\n'), undefined);
  assert.equal(addDebugpyRequirement('debugpy[foo]==1.8.0'), undefined);
  assert.notEqual(addDebugpyRequirement('# debugpy is not here\npandas\n'), undefined);
  assert.notEqual(addDebugpyRequirement('debugpy-extra\n'), undefined);
});

test('path mapping: the file\'s local folder is the pod\'s /workspace', () => {
  const a = debugAttachArguments('/home/ada/project/examples');
  assert.deepEqual(a.pathMappings, [{ localRoot: '/home/ada/project/examples', remoteRoot: '/workspace' }]);
  assert.equal(a.justMyCode, true);
  // The mount is the file's folder: /workspace/<file> ↔ <folder>/<file>.
  const run = buildComponent(request());
  const mount = (run.resource as Workflow).spec.volumes.find((v) => v.name === 'kindling-workspace');
  assert.equal(mount?.hostPath?.path, `${NODE_WORKSPACE_PATH}/examples`);
});
