import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMirrorHostsToml, mirrorHostsFiles, parseRegistryMirrors, upstreamServer } from '../../../src/core/cluster/mirrors';

test('mirrors setting: registries normalised and sorted, URLs without trailing slash', () => {
  const mirrors = parseRegistryMirrors({ 'Quay.io': 'https://mirror.example.com/quay/', 'docker.io': 'http://10.0.0.5:5000' });
  assert.deepEqual(mirrors, [
    { registry: 'docker.io', url: 'http://10.0.0.5:5000' },
    { registry: 'quay.io', url: 'https://mirror.example.com/quay' },
  ]);
  assert.deepEqual(parseRegistryMirrors(undefined), []);
  assert.deepEqual(parseRegistryMirrors({}), []);
});

test('mirrors setting: every mistake is named in one message with the setting', () => {
  assert.throws(() => parseRegistryMirrors(['quay.io']), /kindling\.cluster\.registryMirrors must be an object/);
  let message = '';
  try {
    parseRegistryMirrors(
      { 'https://quay.io': 'https://m', 'ghcr.io': 'ftp://m', 'docker.io': 42, 'gcr.io': 'not a url', 'localhost:5001': 'http://x', 'r.io': 'https://u:p@m' },
      ['localhost:5001'],
    );
  } catch (error) {
    message = (error as Error).message;
  }
  assert.match(message, /^kindling\.cluster\.registryMirrors: /);
  assert.match(message, /"https:\/\/quay\.io" is not a registry host/);
  assert.match(message, /mirror for "ghcr\.io" must start with http:\/\/ or https:\/\//);
  assert.match(message, /mirror for "docker\.io" must be a URL string/);
  assert.match(message, /mirror for "gcr\.io" \("not a url"\) is not a URL/);
  assert.match(message, /"localhost:5001" is Kindling's local registry/);
  assert.match(message, /mirror for "r\.io" must not carry a query, fragment or credentials/);
});

test('hosts.toml: pull and resolve through the mirror, the real registry as server (Docker Hub on its API host)', () => {
  assert.equal(upstreamServer('docker.io'), 'https://registry-1.docker.io');
  assert.equal(upstreamServer('quay.io'), 'https://quay.io');
  assert.equal(
    buildMirrorHostsToml({ registry: 'quay.io', url: 'https://mirror.example.com/quay' }),
    'server = "https://quay.io"\n\n[host."https://mirror.example.com/quay"]\n  capabilities = ["pull", "resolve"]\n',
  );
  const files = mirrorHostsFiles(parseRegistryMirrors({ 'ghcr.io': 'http://mirror:5000', 'registry.example.com:5443': 'https://m' }));
  assert.deepEqual(files.map((f) => `${f.dir}/${f.file}`), ['/etc/containerd/certs.d/ghcr.io/hosts.toml', '/etc/containerd/certs.d/registry.example.com:5443/hosts.toml']);
  assert.match(files[0].content, /^server = "https:\/\/ghcr\.io"\n/);
});
