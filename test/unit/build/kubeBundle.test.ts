import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { checkBundles, type MetafileLike } from '../../../scripts/lib/bundleChecks.mjs';
import {
  KUBE_RUNTIME_IMPORT,
  createKubeBundleState,
  kubeBuildOptions,
  kubeStubPlugin,
  scanBuildOptions,
} from '../../../scripts/lib/kubeBundle.mjs';

const rules = { kubeRuntimeImport: KUBE_RUNTIME_IMPORT, mustNotLoadKube: ['dist/extension.js', 'dist/features/dag.js'] };
const clientNode = 'node_modules/@kubernetes/client-node/dist/config.js';

function metafile(outputs: Record<string, { inputs: string[]; imports?: string[] }>): MetafileLike {
  return {
    outputs: Object.fromEntries(
      Object.entries(outputs).map(([file, o]) => [
        file,
        { inputs: Object.fromEntries(o.inputs.map((i) => [i, { bytesInOutput: 1 }])), imports: (o.imports ?? []).map((path) => ({ path, external: true })) },
      ]),
    ),
  };
}

test('client-node in one output passes, in two outputs (even across builds) fails', () => {
  const shared = metafile({ 'dist/kube.js': { inputs: [clientNode, 'src/kube/client.ts'] } });
  const features = metafile({ 'dist/features/run.js': { inputs: ['src/extension/features/run.ts'], imports: [KUBE_RUNTIME_IMPORT] } });
  assert.deepEqual(checkBundles([shared, features], rules), []);

  const copied = metafile({ 'dist/features/cluster.js': { inputs: ['src/extension/features/cluster.ts', clientNode] } });
  const problems = checkBundles([shared, features, copied], rules);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /bundled into 2 outputs \(dist\/kube\.js, dist\/features\/cluster\.js\)/);
});

test('the shell and the DAG feature may neither bundle client-node nor require the shared bundle', () => {
  const problems = checkBundles(
    [
      metafile({
        'dist/extension.js': { inputs: ['src/extension/extension.ts'], imports: [KUBE_RUNTIME_IMPORT] },
        'dist/features/dag.js': { inputs: ['src/extension/features/dag.ts', clientNode] },
      }),
    ],
    rules,
  );
  assert.deepEqual(problems, [
    'dist/extension.js requires the shared kube bundle but must stay free of it',
    'dist/features/dag.js contains @kubernetes/client-node but must stay free of it',
  ]);
});

// The real sources through the real plugin, in memory: the features hold stubs, dist/kube.js holds
// client-node and every module a feature shares with src/kube.
const base: esbuild.BuildOptions = {
  absWorkingDir: process.cwd(),
  bundle: true,
  write: false,
  metafile: true,
  logLevel: 'silent',
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  mainFields: ['module', 'main'],
};
const featureEntries = { 'features/cluster': 'src/extension/features/cluster.ts', 'features/run': 'src/extension/features/run.ts' };

test('the cluster and run features share one copy of client-node and of the modules they share with src/kube', async () => {
  const state = createKubeBundleState(process.cwd());
  await esbuild.build(scanBuildOptions(state, base));
  const features = (await esbuild.build({ ...base, entryPoints: featureEntries, plugins: [kubeStubPlugin(state)] })).metafile;
  const shared = (await esbuild.build(kubeBuildOptions(state, base))).metafile;
  assert.ok(features && shared);
  assert.deepEqual(checkBundles([features, shared], rules), []);

  for (const name of ['dist/features/cluster.js', 'dist/features/run.js']) {
    const out: esbuild.Metafile['outputs'][string] = features.outputs[name];
    assert.ok(out.imports.some((i) => i.path === KUBE_RUNTIME_IMPORT && i.external), `${name} requires ${KUBE_RUNTIME_IMPORT}`);
    // Nothing of the kube layer is bundled into a feature, only stubs that name it.
    const copies: string[] = Object.keys(out.inputs).filter((input) => state.shared.has(input));
    assert.deepEqual(copies, [], `${name} bundles its own copy of ${copies.join(', ')}`);
  }
  // ClusterStepError is thrown by src/kube/cluster/lifecycle and checked with instanceof by the
  // cluster feature, so the feature must get it from the shared bundle.
  assert.ok(state.requested.has('src/core/cluster/failures.ts'));
  assert.ok(state.requested.has('src/kube/runs/index.ts'));
  const kubeInputs = Object.keys(shared.outputs['dist/kube.js'].inputs);
  assert.ok(kubeInputs.some((i) => i.startsWith('node_modules/@kubernetes/client-node/')));
});
