// Two bundles, as VS Code's esbuild sample does: the extension host (node/cjs, `vscode` external)
// and the DAG webview (browser/iife). @kubernetes/client-node is ESM-only, so it must be bundled.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    // The shell stays tiny; each feature is its own bundle, required on first use (see extension.ts).
    entryPoints: {
      extension: 'src/extension/extension.ts',
      'features/dag': 'src/extension/features/dag.ts',
      'features/cluster': 'src/extension/features/cluster.ts',
      'features/run': 'src/extension/features/run.ts',
      'features/promote': 'src/extension/features/promote.ts',
    },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    mainFields: ['module', 'main'],
  },
  {
    ...common,
    entryPoints: { 'webview/dag': 'webview/main.ts', 'webview/layout-worker': 'webview/layoutWorker.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css' },
  },
];

mkdirSync('dist', { recursive: true });
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[kindling] watching for changes…');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`[kindling] built in ${Date.now() - started} ms`);
}
