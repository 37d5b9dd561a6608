// How the harness runs an npm of its own: on the Node it installs, with an environment that does not
// carry the settings of whatever npm started us.
//
// Why: `npm run harness:install` exports its whole configuration to child processes as
// `npm_config_*` variables, among them `npm_config_user_agent` ("npm/11 node/v20 …"). An inner npm
// takes those as its own settings, and code-server's postinstall reads the Node version from the
// user agent: it then refused with "requires node v24" although Node 24 was first on PATH.
import { realpathSync, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/**
 * npm settings a user may have exported on purpose to reach their registry: they say where packages
 * come from, not which Node runs, so they are kept. Everything else npm-related is dropped; the inner
 * npm reads the user's and the project's .npmrc files itself.
 */
const KEPT_NPM_SETTINGS = new Set(['registry', 'proxy', 'https_proxy', 'noproxy', 'cafile', 'ca', 'strict_ssl']);

/** Variables npm sets for the scripts it runs (not settings, but they describe the outer npm). */
const NPM_RUN_VARIABLES = new Set(['INIT_CWD', 'NODE', 'NODE_GYP_FORCE_PYTHON', 'COLOR', 'EDITOR_NPM']);

/**
 * The environment for an npm run on `nodeBinDir`'s Node: no inherited `npm_config_*` (except the
 * registry settings above), no `npm_lifecycle_*`, `npm_package_*`, `npm_execpath` or
 * `npm_node_execpath`, and `nodeBinDir` first on PATH. `extra` is applied last.
 * @param {NodeJS.ProcessEnv} baseEnv
 * @param {string} nodeBinDir
 * @param {Record<string, string>} [extra]
 * @returns {Record<string, string>}
 */
export function innerNpmEnv(baseEnv, nodeBinDir, extra = {}) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [key, value] of Object.entries(baseEnv)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower.startsWith('npm_config_')) {
      if (!KEPT_NPM_SETTINGS.has(lower.slice('npm_config_'.length).replace(/-/g, '_'))) continue;
    } else if (lower.startsWith('npm_') || NPM_RUN_VARIABLES.has(key)) {
      continue;
    }
    env[key] = value;
  }
  const path = baseEnv.PATH ?? '';
  env.PATH = path ? `${nodeBinDir}${delimiter}${path}` : nodeBinDir;
  return { ...env, ...extra };
}

/**
 * The npm CLI script (`…/npm/bin/npm-cli.js`), so it can be run as `<any node> <script>`: the one
 * that started us when we run under npm, else the `npm` on PATH, else the one beside this Node.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | undefined}
 */
export function findNpmCli(env = process.env) {
  const candidates = [];
  if (env.npm_execpath && /npm-cli\.js$/.test(env.npm_execpath)) candidates.push(env.npm_execpath);
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const npm = join(dir, 'npm');
    if (!existsSync(npm)) continue;
    try {
      candidates.push(realpathSync(npm));
    } catch {
      // a dangling link: try the next one
    }
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
  return candidates.find((file) => /npm-cli\.js$/.test(file) && existsSync(file));
}
