import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { findNpmCli, innerNpmEnv } from '../../../scripts/lib/npmEnv.mjs';

// What `npm run harness:install` (npm 11 on Node 20) hands its child processes, abridged from a real run.
const outerNpmEnv = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/home/dev',
  XDG_CACHE_HOME: '/tmp/cache',
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  npm_config_nodedir: '/usr/include/node',
  npm_config_globalconfig: '/usr/etc/npmrc',
  npm_config_registry: 'https://registry.example.internal/',
  'npm_config_strict-ssl': 'true',
  npm_config_prefix: '/usr',
  NPM_CONFIG_CACHE: '/home/dev/.npm',
  npm_lifecycle_event: 'harness:install',
  npm_lifecycle_script: 'node scripts/harness.mjs',
  npm_package_name: 'kindling',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_node_execpath: '/usr/bin/node',
  INIT_CWD: '/work/kindling',
  NODE: '/usr/bin/node',
};

test('the inner npm inherits no npm_config_* that describes the outer npm or its Node', () => {
  const env = innerNpmEnv(outerNpmEnv, '/cache/node24/bin');
  const leaked = Object.keys(env).filter((k) => /^npm_/i.test(k) && !/^npm_config_(registry|strict-ssl)$/i.test(k));
  assert.deepEqual(leaked, []);
  assert.equal(env.npm_config_user_agent, undefined, 'code-server reads the Node version from this: it must be the inner npm’s own');
  assert.equal(env.npm_config_nodedir, undefined);
  assert.equal(env.NODE, undefined);
  assert.equal(env.INIT_CWD, undefined);
});

test('registry settings a user exported are kept, so the inner npm reaches the same registry', () => {
  const env = innerNpmEnv(outerNpmEnv, '/cache/node24/bin');
  assert.equal(env.npm_config_registry, 'https://registry.example.internal/');
  assert.equal(env['npm_config_strict-ssl'], 'true');
});

test('Node 24 comes first on PATH and the rest of the environment is kept', () => {
  const env = innerNpmEnv(outerNpmEnv, '/cache/node24/bin');
  assert.deepEqual(env.PATH.split(delimiter), ['/cache/node24/bin', '/usr/local/bin', '/usr/bin', '/bin']);
  assert.equal(env.HOME, '/home/dev');
  assert.equal(env.XDG_CACHE_HOME, '/tmp/cache');
});

test('settings the harness sets itself win over everything inherited', () => {
  const env = innerNpmEnv(outerNpmEnv, '/n/bin', { npm_config_nodedir: '/n', NODEDIR: '/n' });
  assert.equal(env.npm_config_nodedir, '/n');
  assert.equal(env.NODEDIR, '/n');
});

test('an empty PATH becomes the Node folder alone', () => {
  assert.equal(innerNpmEnv({}, '/n/bin').PATH, '/n/bin');
});

test('findNpmCli follows the npm on PATH to its npm-cli.js when not started by npm', () => {
  const root = mkdtempSync(join(tmpdir(), 'kindling-npmcli-'));
  const cli = join(root, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  mkdirSync(join(root, 'lib', 'node_modules', 'npm', 'bin'), { recursive: true });
  writeFileSync(cli, '');
  mkdirSync(join(root, 'bin'));
  symlinkSync(cli, join(root, 'bin', 'npm'));
  assert.equal(findNpmCli({ PATH: join(root, 'bin') }), cli);
  // Started by npm: its own script is preferred.
  const other = join(root, 'other', 'npm-cli.js');
  mkdirSync(join(root, 'other'));
  writeFileSync(other, '');
  assert.equal(findNpmCli({ PATH: join(root, 'bin'), npm_execpath: other }), other);
});
