import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  NODE_WORKSPACE_PATH,
  buildKindConfig,
  kindContextName,
  renderKindConfig,
} from '../../../src/core/cluster/kindConfig';
import {
  buildLocalRegistryHostingConfigMap,
  buildRegistryHostsToml,
  registryHostsDir,
  registryRunArgs,
} from '../../../src/core/cluster/registry';
import { KIND_NODE_IMAGE } from '../../../src/core/cluster/versions';

test('kind config mounts the workspace at the fixed node path and pins the node image by digest', () => {
  const config = buildKindConfig({ clusterName: 'kindling', workspaceHostPath: '/home/me/proj', apiServerPort: 6445 });
  assert.equal(NODE_WORKSPACE_PATH, '/kindling/workspace');
  assert.equal(config.nodes.length, 1);
  assert.equal(config.nodes[0].role, 'control-plane');
  assert.match(config.nodes[0].image, /^kindest\/node:v1\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  assert.equal(config.nodes[0].image, KIND_NODE_IMAGE);
  assert.deepEqual(config.nodes[0].extraMounts, [{ hostPath: '/home/me/proj', containerPath: '/kindling/workspace' }]);
  assert.deepEqual(config.networking, { apiServerAddress: '127.0.0.1', apiServerPort: 6445 });
});

test('without a workspace folder there is no mount; port 0 leaves the API port to kind', () => {
  const config = buildKindConfig({ clusterName: 'dev', apiServerPort: 0 });
  assert.equal(config.nodes[0].extraMounts, undefined);
  assert.deepEqual(config.networking, { apiServerAddress: '127.0.0.1' });
});

test('containerd is told to read per-registry hosts.toml files (kind local-registry guide)', () => {
  const yaml = renderKindConfig(buildKindConfig({ clusterName: 'kindling', apiServerPort: 6445 }));
  const parsed = parse(yaml) as { containerdConfigPatches: string[]; kind: string; apiVersion: string; name: string };
  assert.equal(parsed.kind, 'Cluster');
  assert.equal(parsed.apiVersion, 'kind.x-k8s.io/v1alpha4');
  assert.equal(parsed.name, 'kindling');
  assert.equal(parsed.containerdConfigPatches.length, 1);
  assert.match(parsed.containerdConfigPatches[0], /^\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\]\n\s+config_path = "\/etc\/containerd\/certs\.d"$/);
});

test('Windows paths survive YAML rendering unchanged', () => {
  const yaml = renderKindConfig(buildKindConfig({ clusterName: 'k', workspaceHostPath: 'C:\\Users\\me\\proj', apiServerPort: 0 }));
  const parsed = parse(yaml) as { nodes: Array<{ extraMounts: Array<{ hostPath: string }> }> };
  assert.equal(parsed.nodes[0].extraMounts[0].hostPath, 'C:\\Users\\me\\proj');
});

test('invalid cluster names are rejected before kind is run', () => {
  assert.throws(() => buildKindConfig({ clusterName: 'My_Cluster', apiServerPort: 0 }), /not a valid kind cluster name/);
  assert.equal(kindContextName('kindling'), 'kind-kindling');
});

test('registry hosts.toml points localhost:<port> at the registry container on the kind network', () => {
  assert.equal(registryHostsDir(5001), '/etc/containerd/certs.d/localhost:5001');
  assert.equal(buildRegistryHostsToml('kindling'), '[host."http://kindling-registry:5000"]\n');
});

test('registry container listens on loopback only, on the configured port', () => {
  const args = registryRunArgs('kindling', 5099);
  assert.deepEqual(args.slice(0, 2), ['run', '-d']);
  assert.equal(args[args.indexOf('-p') + 1], '127.0.0.1:5099:5000');
  assert.equal(args[args.indexOf('--name') + 1], 'kindling-registry');
  assert.equal(args.at(-1), 'registry:2');
});

test('local-registry-hosting ConfigMap follows KEP-1755', () => {
  const cm = buildLocalRegistryHostingConfigMap(5001);
  assert.equal(cm.metadata.namespace, 'kube-public');
  assert.equal(cm.metadata.name, 'local-registry-hosting');
  const hosting = parse(cm.data['localRegistryHosting.v1']) as { host: string; help: string };
  assert.equal(hosting.host, 'localhost:5001');
  assert.match(hosting.help, /^https:\/\/kind\.sigs\.k8s\.io\//);
});
