// The shared Kubernetes bundle (dist/kube.js). @kubernetes/client-node is ~1.9 MB minified; bundled
// into both the cluster and the run feature it shipped twice and was parsed twice. Instead:
//
//  1. scan: bundle every src/kube module once (no output) to learn the set of source files that the
//     kube layer reaches — src/kube, the src/core modules it uses, client-node and its dependencies;
//  2. the feature bundles (cluster, run, promote) replace each file of that set they import by a stub
//     that asks dist/kube.js for it at run time, and we record which files they asked for;
//  3. dist/kube.js is built with a table of exactly those files.
//
// So every module of the kube set exists once per extension host: one KubeConfig class, one informer
// cache, and — which matters for `instanceof` — one ClusterStepError / RunError / ComponentError
// whether a feature imports it directly or gets it thrown from src/kube.
// Kept out of the activation shell and the DAG feature: their builds never use this plugin, and
// checkBundles (bundleChecks.mjs) fails the build if either ends up requiring dist/kube.js.
import { readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** How a feature bundle (in dist/features/) reaches the shared bundle at run time. */
export const KUBE_RUNTIME_IMPORT = '../kube.js';
const RUNTIME_SPECIFIER = 'kindling:kube-runtime';
const ENTRY_SPECIFIER = 'kindling:kube-entry';
const ENTRY_NAMESPACE = 'kindling-kube';
const SCAN_NAMESPACE = 'kindling-kube-scan';
const STUB_NAMESPACE = 'kindling-kube-stub';
/** Marks our own build.resolve calls so the stub resolver does not recurse into itself. */
const RESOLVING = Symbol('kindling-kube-resolving');

/** Project-relative, forward-slash key of a source file: stable across machines, no absolute paths. */
function keyOf(root, absolutePath) {
  return relative(root, absolutePath).split(sep).join('/');
}

function kubeSources(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  walk(join(root, 'src', 'kube'));
  return files.sort();
}

/**
 * State shared by the three builds. `shared` (keys of the kube set) is filled by the scan;
 * `requested` (keys the features asked for) by the feature build; the kube build reads `requested`.
 */
export function createKubeBundleState(root) {
  return { root: resolve(root), shared: new Set(), requested: new Set() };
}

/** Options for the scan build: an entry that imports every src/kube module; only its metafile is used. */
export function scanBuildOptions(state, base) {
  return {
    ...base,
    entryPoints: [ENTRY_SPECIFIER],
    write: false,
    metafile: true,
    sourcemap: false,
    minify: false,
    logLevel: 'warning',
    plugins: [
      {
        name: 'kindling-kube-scan',
        setup(build) {
          build.onResolve({ filter: /^kindling:kube-entry$/ }, () => ({ path: 'scan', namespace: SCAN_NAMESPACE }));
          build.onLoad({ filter: /.*/, namespace: SCAN_NAMESPACE }, () => ({
            contents: kubeSources(state.root).map((file) => `require(${JSON.stringify(file)});`).join('\n'),
            resolveDir: state.root,
            loader: 'js',
          }));
          build.onEnd((result) => {
            if (!result.metafile) return;
            state.shared = new Set(
              Object.keys(result.metafile.inputs)
                .filter((input) => !input.includes(':')) // skip the virtual entry
                .map((input) => keyOf(state.root, resolve(build.initialOptions.absWorkingDir ?? process.cwd(), input))),
            );
          });
        },
      },
    ],
  };
}

/** Plugin for the feature build: stub out every file of the kube set, remember which were asked for. */
export function kubeStubPlugin(state) {
  return {
    name: 'kindling-kube-stubs',
    setup(build) {
      const requested = new Set();
      build.onStart(() => requested.clear());
      build.onResolve({ filter: /^kindling:kube-runtime$/ }, () => ({ path: KUBE_RUNTIME_IMPORT, external: true }));
      // Resolve every import as esbuild would, then swap files of the kube set for a stub in a namespace
      // of its own, so metafiles (and checkBundles) tell a stub from a bundled copy.
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING || args.namespace !== 'file' || args.kind === 'entry-point') return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: RESOLVING,
        });
        if (resolved.errors.length || resolved.external || resolved.namespace !== 'file') return undefined;
        const key = keyOf(state.root, resolved.path);
        if (!state.shared.has(key)) return undefined;
        requested.add(key);
        return { path: key, namespace: STUB_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: STUB_NAMESPACE }, (args) => ({
        // CommonJS on purpose: esbuild's interop then reads named imports off the object that the
        // shared bundle hands back, so live getters (and class identity) come from dist/kube.js.
        contents: `module.exports = require(${JSON.stringify(RUNTIME_SPECIFIER)}).load(${JSON.stringify(args.path)});\n`,
        loader: 'js',
        resolveDir: state.root,
      }));
      build.onEnd(() => {
        state.requested = new Set(requested);
      });
    },
  };
}

/** Options for dist/kube.js: a table of lazily required modules, one per key the features asked for. */
export function kubeBuildOptions(state, base) {
  return {
    ...base,
    entryPoints: { kube: ENTRY_SPECIFIER },
    plugins: [
      {
        name: 'kindling-kube-entry',
        setup(build) {
          build.onResolve({ filter: /^kindling:kube-entry$/ }, () => ({ path: 'entry', namespace: ENTRY_NAMESPACE }));
          build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, () => {
            const keys = [...state.requested].sort();
            const rows = keys.map((key) => `  ${JSON.stringify(key)}: () => require(${JSON.stringify('./' + key)}),`);
            return {
              // Lazy so a module runs when a feature first needs it, in the order the feature's own
              // imports ask for it — as if it were bundled into the feature.
              contents: [
                'const modules = {',
                ...rows,
                '};',
                'const loaded = new Map();',
                'exports.load = (key) => {',
                '  if (!loaded.has(key)) {',
                '    const load = modules[key];',
                '    if (!load) throw new Error(`dist/kube.js has no module ${key}: rebuild (npm run build)`);',
                '    loaded.set(key, load());',
                '  }',
                '  return loaded.get(key);',
                '};',
                '',
              ].join('\n'),
              resolveDir: state.root,
              loader: 'js',
            };
          });
        },
      },
    ],
  };
}
