/**
 * The peer: Argo's own graph code, built at bench time from the pinned argo-workflows Go module
 * (its `ui/src`, as `go` downloaded it into the module cache), never copied into this repository.
 *
 * - `WorkflowDag` (ui/src/workflows/components/workflow-dag) turns `status.nodes` into Argo's graph and
 *   renders `GraphPanel` (ui/src/shared/components/graph): layout with dagre ("pretty", Argo's default)
 *   and one SVG element per node and edge, through React 18.
 * - Its npm dependencies are installed (yarn-like: peers not forced, --legacy-peer-deps) into a cache folder (~/.cache/kindling/bench/argo-graph-<version>)
 *   at the versions of the module's own ui/yarn.lock. One exception: the module pins `argo-ui` as a
 *   GitHub commit, and GitHub is not reachable here; the npm registry's `argo-ui@1.0.0` provides the
 *   two files the graph code imports (components/checkbox, models/kubernetes) and the SCSS config.
 * - Bundled with this repository's esbuild (production React); SCSS compiled with `sass`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

export interface ArgoPeerBundle {
  name: string;
  js: string;
  css: string;
  /** What differs from Argo's own build, said in the results. */
  notes: string[];
}

/** Versions from the module's ui/yarn.lock (v3.6.15), except argo-ui (see above). */
const dependencies: Record<string, string> = {
  react: '18.3.1',
  'react-dom': '18.3.1',
  dagre: '0.8.5',
  classnames: '2.5.1',
  'argo-ui': '1.0.0',
  '@fortawesome/fontawesome-free': '6.5.1',
  sass: '1.69.7',
};

export function argoModuleDir(version: string): string {
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const dir = join(cache, 'github.com/argoproj/argo-workflows', `v3@${version}`);
  if (!existsSync(join(dir, 'ui/src/shared/components/graph/graph-panel.tsx'))) {
    throw new Error(`Argo's UI source is not in the Go module cache (${dir}): run \`npm run testenv:up\` once (it downloads the module), or \`go mod download github.com/argoproj/argo-workflows/v3@${version}\`.`);
  }
  return dir;
}

function installDependencies(cacheDir: string): void {
  const manifest = JSON.stringify({ name: 'kindling-bench-argo-graph', private: true, dependencies }, null, 2);
  const stamp = join(cacheDir, 'node_modules/.kindling-installed');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === manifest) return;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'package.json'), manifest);
  const t0 = Date.now();
  console.log(`peer: npm install of Argo's graph dependencies into ${cacheDir}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', '--loglevel=error'], { cwd: cacheDir, stdio: 'inherit' });
  writeFileSync(stamp, manifest);
  console.log(`peer: installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** The page's entry: renders WorkflowDag with the nodes it is given and reports when the frame is out. */
function entrySource(moduleDir: string): string {
  const dag = join(moduleDir, 'ui/src/workflows/components/workflow-dag/workflow-dag');
  return `
import * as React from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { WorkflowDag } from ${JSON.stringify(dag)};
const root = createRoot(document.getElementById('root'));
const afterFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
// Argo's own "expand all" (its render options): every child shown, none folded into "N hidden nodes".
class ExpandedWorkflowDag extends WorkflowDag {
  constructor(props) {
    super(props);
    this.state = { ...this.state, expandNodes: new Set(['*']) };
  }
}
window.argoPeer = {
  // As Argo's UI gets them: the Workflow's nodes as JSON text, parsed, then WorkflowDag renders them.
  async show(workflowName, json, expandAll) {
    const t0 = performance.now();
    const nodes = JSON.parse(json);
    const Dag = expandAll ? ExpandedWorkflowDag : WorkflowDag;
    flushSync(() => root.render(React.createElement(Dag, { workflowName, nodes })));
    const rendered = performance.now();
    await afterFrame();
    return {
      ms: performance.now() - t0,
      renderMs: rendered - t0,
      drawnNodes: document.querySelectorAll('#root svg g.node').length,
      svgElements: document.querySelectorAll('#root svg *').length,
    };
  },
};
`;
}

function scssPlugin(cacheDir: string): Plugin {
  const sass = createRequire(join(cacheDir, 'package.json'))('sass') as { compile(file: string, opts: { loadPaths: string[]; quietDeps: boolean; logger: unknown }): { css: string } };
  return {
    name: 'scss',
    setup(b) {
      b.onLoad({ filter: /\.scss$/ }, (args) => ({
        // Argo's SCSS imports 'node_modules/argo-ui/…' relative to its ui folder: the cache folder plays it.
        contents: sass.compile(args.path, { loadPaths: [cacheDir], quietDeps: true, logger: { warn: () => undefined } }).css,
        loader: 'css',
      }));
    },
  };
}

export async function buildArgoPeer(version: string): Promise<ArgoPeerBundle> {
  const moduleDir = argoModuleDir(version);
  const cacheDir = join(os.homedir(), '.cache/kindling/bench', `argo-graph-${version}`);
  installDependencies(cacheDir);
  const entry = join(cacheDir, 'entry.js');
  writeFileSync(entry, entrySource(moduleDir));
  const outfile = join(cacheDir, 'out/peer.js');
  mkdirSync(dirname(outfile), { recursive: true });
  const t0 = Date.now();
  await build({
    entryPoints: [entry],
    bundle: true,
    outfile,
    format: 'iife',
    minify: true,
    target: 'es2020',
    // The module's sources resolve their packages from the cache folder (they have no node_modules).
    nodePaths: [join(cacheDir, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.eot': 'empty', '.svg': 'empty', '.png': 'empty' },
    plugins: [scssPlugin(cacheDir)],
    logLevel: 'error',
  });
  console.log(`peer: bundled Argo ${version} WorkflowDag + GraphPanel in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return {
    name: `argo-workflows ${version} ui: WorkflowDag + GraphPanel (dagre layout, React 18 SVG)`,
    js: readFileSync(outfile, 'utf8'),
    css: existsSync(outfile.replace(/\.js$/, '.css')) ? readFileSync(outfile.replace(/\.js$/, '.css'), 'utf8') : '',
    notes: [
      'argo-ui from npm (1.0.0) instead of the GitHub commit the module pins (GitHub is not reachable here)',
      'icon fonts not loaded (font files bundled as empty): node icons draw as fallback glyphs',
    ],
  };
}
