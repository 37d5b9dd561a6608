// Bundles, as VS Code's esbuild sample does: the extension host (node/cjs, `vscode` external) and the
// DAG webview (browser/iife). @kubernetes/client-node is ESM-only, so it must be bundled — once, into
// dist/kube.js, shared by the cluster, run and promote features (see scripts/lib/kubeBundle.mjs).
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBundles } from './lib/bundleChecks.mjs';
import { KUBE_RUNTIME_IMPORT, createKubeBundleState, kubeBuildOptions, kubeStubPlugin, scanBuildOptions } from './lib/kubeBundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

/** @type {esbuild.BuildOptions} */
const common = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
  metafile: true,
};

/** @type {esbuild.BuildOptions} */
const extensionHost = {
  ...common,
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  mainFields: ['module', 'main'],
};

const kube = createKubeBundleState(root);

// The shell stays tiny; each feature is its own bundle, required on first use (see extension.ts).
// The shell and the DAG feature never touch the cluster, so they are built without the kube stubs.
/** @type {esbuild.BuildOptions} */
const shellAndDag = {
  ...extensionHost,
  entryPoints: { extension: 'src/extension/extension.ts', 'features/dag': 'src/extension/features/dag.ts' },
};
/** @type {esbuild.BuildOptions} */
const kubeFeatures = {
  ...extensionHost,
  entryPoints: {
    'features/cluster': 'src/extension/features/cluster.ts',
    'features/run': 'src/extension/features/run.ts',
    'features/promote': 'src/extension/features/promote.ts',
  },
  plugins: [kubeStubPlugin(kube)],
};
/** @type {esbuild.BuildOptions} */
const webview = {
  ...common,
  entryPoints: { 'webview/dag': 'webview/main.ts', 'webview/layout-worker': 'webview/layoutWorker.ts' },
  outdir: 'dist',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  loader: { '.css': 'css' },
};

const bundleRules = {
  kubeRuntimeImport: KUBE_RUNTIME_IMPORT,
  mustNotLoadKube: ['dist/extension.js', 'dist/features/dag.js', 'dist/webview/dag.js', 'dist/webview/layout-worker.js'],
};

function failOnProblems(metafiles) {
  const problems = checkBundles(metafiles, bundleRules);
  for (const problem of problems) console.error(`[kindling] bundle check: ${problem}`);
  return problems.length === 0;
}

mkdirSync(join(root, 'dist'), { recursive: true });
if (watch) {
  // Order matters: the scan decides what the features stub, the features decide what kube.js holds.
  // Any change under the scan (src/kube and what it imports) rebuilds all three; a feature-only
  // change rebuilds kube.js only when the set of requested modules moved.
  const metafiles = new Map();
  const remember = (name) => ({
    name: `remember-${name}`,
    setup(build) {
      build.onEnd((result) => {
        if (result.metafile) metafiles.set(name, result.metafile);
        if (metafiles.size === 5) failOnProblems([...metafiles.values()]);
      });
    },
  });
  const kubeCtx = await esbuild.context({ ...kubeBuildOptions(kube, extensionHost), plugins: [...kubeBuildOptions(kube, extensionHost).plugins, remember('kube')] });
  let requestedBefore = '';
  const featuresCtx = await esbuild.context({
    ...kubeFeatures,
    plugins: [
      ...kubeFeatures.plugins,
      remember('features'),
      {
        name: 'rebuild-kube-on-new-requests',
        setup(build) {
          build.onEnd(async () => {
            const requested = [...kube.requested].sort().join('\n');
            if (requested !== requestedBefore) {
              requestedBefore = requested;
              await kubeCtx.rebuild().catch(() => undefined); // esbuild has logged the errors
            }
          });
        },
      },
    ],
  });
  let scanned = false;
  const scanCtx = await esbuild.context({
    ...scanBuildOptions(kube, extensionHost),
    plugins: [
      ...scanBuildOptions(kube, extensionHost).plugins,
      {
        name: 'rebuild-after-scan',
        setup(build) {
          build.onEnd(async () => {
            // The first scan is followed by the features' own initial watch build.
            if (!scanned) return void (scanned = true);
            await featuresCtx.rebuild().catch(() => undefined);
            await kubeCtx.rebuild().catch(() => undefined);
          });
        },
      },
    ],
  });
  await scanCtx.rebuild();
  const others = await Promise.all([shellAndDag, webview].map((b, i) => esbuild.context({ ...b, plugins: [...(b.plugins ?? []), remember(`other${i}`)] })));
  await Promise.all([scanCtx, featuresCtx, ...others].map((c) => c.watch()));
  console.log('[kindling] watching for changes…');
} else {
  const started = Date.now();
  const kubeSide = (async () => {
    await esbuild.build(scanBuildOptions(kube, extensionHost));
    const features = await esbuild.build(kubeFeatures);
    return [features, await esbuild.build(kubeBuildOptions(kube, extensionHost))];
  })();
  const [kubeResults, ...others] = await Promise.all([kubeSide, esbuild.build(shellAndDag), esbuild.build(webview)]);
  if (!failOnProblems([...kubeResults, ...others].map((r) => r.metafile))) process.exit(1);
  console.log(`[kindling] built in ${Date.now() - started} ms (shared kube bundle: ${kube.requested.size} modules)`);
}
