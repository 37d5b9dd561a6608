import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockingFindings, diagnose, formatFindings, type DoctorProbes, type Finding } from '../../../src/core/cluster/doctor';
import { classifyFailure } from '../../../src/core/cluster/failures';
import { KIND_DOWNLOADS, SHA256_HEX, kindPlatform } from '../../../src/core/cluster/kindRelease';

const GiB = 1024 ** 3;

function healthy(): DoctorProbes {
  return {
    clusterName: 'kindling',
    provider: 'docker',
    engine: { engine: 'docker', cli: true, reachable: true, serverVersion: '28.2.2', memTotalBytes: 8 * GiB },
    kind: { path: '/usr/local/bin/kind', source: 'path', version: 'kind v0.33.0 go1.26.8 linux/amd64' },
    expectedKindVersion: 'v0.33.0',
    ports: [
      { port: 5001, purpose: 'registry', free: true },
      { port: 6445, purpose: 'api', free: true },
    ],
    hostMemory: { totalBytes: 16 * GiB, freeBytes: 8 * GiB },
    existing: { cluster: 'none', registry: 'none', nodeContainers: [] },
    platform: 'linux-amd64',
    kindDownloadVerifiable: false,
  };
}

function find(findings: Finding[], id: Finding['id']): Finding {
  const f = findings.find((x) => x.id === id);
  assert.ok(f, `finding ${id}`);
  return f;
}

test('a healthy machine has no blocking findings', () => {
  const findings = diagnose(healthy());
  assert.deepEqual(blockingFindings(findings), []);
  assert.equal(find(findings, 'engine').severity, 'ok');
  assert.equal(find(findings, 'kind').severity, 'ok');
});

test('docker CLI present but daemon down: explains it and says how to start it', () => {
  const p = healthy();
  p.engine = { engine: 'docker', cli: true, reachable: false, error: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' };
  p.existing = { cluster: 'unknown', registry: 'unknown', nodeContainers: [] };
  const f = find(diagnose(p), 'engine');
  assert.equal(f.severity, 'error');
  assert.equal(f.title, 'Docker is installed but not running');
  assert.match(f.detail, /Cannot connect to the Docker daemon/);
  assert.match(f.fix, /Start Docker Desktop/);
});

test('podman provider without podman says so and offers Docker as the alternative', () => {
  const p = healthy();
  p.provider = 'podman';
  p.engine = { engine: 'podman', cli: false, reachable: false };
  const f = find(diagnose(p), 'engine');
  assert.equal(f.title, 'Podman is not installed');
  assert.match(f.fix, /unset KIND_EXPERIMENTAL_PROVIDER/);
});

test('kind missing: offers a verified download only when the platform has a recorded SHA-256', () => {
  const p = healthy();
  p.kind = {};
  let f = find(diagnose(p), 'kind');
  assert.equal(f.severity, 'error');
  assert.equal(f.title, 'kind is not installed');
  assert.equal(f.action?.id, 'openKindInstall');
  assert.match(f.detail, /no checksum recorded for linux-amd64/);
  p.kindDownloadVerifiable = true;
  f = find(diagnose(p), 'kind');
  assert.equal(f.action?.id, 'downloadKind');
  assert.equal(f.action?.label, 'Download kind v0.33.0');
});

test('another kind version is a warning, not an error', () => {
  const p = healthy();
  p.kind.version = 'kind v0.27.0 go1.23 linux/amd64';
  const f = find(diagnose(p), 'kind');
  assert.equal(f.severity, 'warning');
  assert.match(f.fix, /v0\.33\.0/);
});

test('a taken port is an error naming the setting; a port held by our own registry is fine', () => {
  const p = healthy();
  p.ports = [
    { port: 5001, purpose: 'registry', free: false, error: 'EADDRINUSE' },
    { port: 6445, purpose: 'api', free: false, ownedByUs: true },
  ];
  const findings = diagnose(p);
  const reg = find(findings, 'port-registry');
  assert.equal(reg.severity, 'error');
  assert.equal(reg.title, 'Port 5001 is taken');
  assert.match(reg.fix, /kindling\.cluster\.registryPort/);
  assert.equal(reg.action?.id, 'openSettings');
  assert.equal(find(findings, 'port-api').severity, 'ok');
});

test('memory: engine VM size wins over host memory; thresholds give error / warning / ok', () => {
  const p = healthy();
  p.engine.memTotalBytes = 2 * GiB;
  assert.equal(find(diagnose(p), 'memory').severity, 'error');
  p.engine.memTotalBytes = 4 * GiB;
  const warn = find(diagnose(p), 'memory');
  assert.equal(warn.severity, 'warning');
  assert.match(warn.detail, /Docker can use 4\.0 GiB/);
  p.engine.memTotalBytes = undefined;
  assert.equal(find(diagnose(p), 'memory').severity, 'ok');
});

test('a stopped cluster is offered a warm start; a half-running one a delete', () => {
  const p = healthy();
  p.existing = { cluster: 'stopped', registry: 'stopped', nodeContainers: ['kindling-control-plane'] };
  let f = find(diagnose(p), 'existing');
  assert.equal(f.action?.id, 'startCluster');
  assert.match(f.detail, /kindling-control-plane/);
  p.existing = { cluster: 'partial', registry: 'running', nodeContainers: ['kindling-control-plane', 'kindling-worker'] };
  f = find(diagnose(p), 'existing');
  assert.equal(f.action?.id, 'deleteCluster');
  assert.equal(f.severity, 'warning');
});

test('formatFindings prints title, explanation and fix', () => {
  const p = healthy();
  p.kind = {};
  const text = formatFindings(diagnose(p));
  assert.match(text, /✗ kind is not installed\n {4}kind \(Kubernetes in Docker\) creates the local cluster/);
  assert.match(text, /Fix: Install kind v0\.33\.0/);
});

test('kind failures are classified from their real messages', () => {
  const dockerDown = 'ERROR: failed to create cluster: failed to get docker info: command "docker info --format \'{{json .}}\'" failed with error: exit status 1';
  assert.match(classifyFailure('kind', dockerDown).cause, /Docker is not running/);
  assert.match(classifyFailure('registry', 'docker: Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:5001 failed: port is already allocated.').cause, /port .* already taken/);
  const nodePull = classifyFailure('kind', 'ERROR: failed to create cluster: failed to pull image "kindest/node:v1.34.11@sha256:…": command "docker pull …" failed');
  assert.equal(nodePull.cause, 'Docker could not pull the kind node image kindest/node:v1.34.11@sha256:….');
  assert.match(nodePull.fix, /kindling\.cluster\.nodeImage/);
  const registryPull = classifyFailure('registry', "Unable to find image 'registry:2' locally\ndocker: Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host.");
  assert.equal(registryPull.cause, 'Docker could not pull the image registry:2.');
  assert.match(registryPull.fix, /docker load/);
  assert.match(classifyFailure('ready', 'Back-off pulling image "quay.io/argoproj/workflow-controller:v3.6.15": ImagePullBackOff').cause, /could not be pulled/);
  const other = classifyFailure('kind', '\nsomething odd\nmore');
  assert.equal(other.cause, 'something odd');
});

test('kind download table: every platform on the pinned release, hashes either recorded (64 hex) or explicitly unknown', () => {
  assert.equal(kindPlatform('linux', 'x64'), 'linux-amd64');
  assert.equal(kindPlatform('darwin', 'arm64'), 'darwin-arm64');
  assert.equal(kindPlatform('win32', 'x64'), 'windows-amd64');
  assert.equal(kindPlatform('linux', 'ia32'), undefined);
  for (const d of Object.values(KIND_DOWNLOADS)) {
    assert.match(d.url, /\/v0\.33\.0\/kind-[a-z]+-(amd64|arm64)$/);
    assert.ok(d.sha256 === undefined || SHA256_HEX.test(d.sha256), d.platform);
  }
});

test('preload images: the doctor names each image Docker does not hold, and the setting', () => {
  const none = diagnose(healthy());
  assert.equal(none.find((f) => f.id === 'preload'), undefined, 'no finding without the setting');
  const allThere = diagnose({ ...healthy(), preload: [{ image: 'quay.io/argoproj/argoexec:v3.6.15', present: true }] });
  assert.equal(find(allThere, 'preload').severity, 'ok');
  const missing = diagnose({
    ...healthy(),
    preload: [
      { image: 'quay.io/argoproj/argoexec:v3.6.15', present: true },
      { image: 'ghcr.io/kubeflow/spark-operator/controller:2.4.0', present: false },
    ],
  });
  const finding = find(missing, 'preload');
  assert.equal(finding.severity, 'error');
  assert.equal(finding.title, 'Image to preload not found in Docker: ghcr.io/kubeflow/spark-operator/controller:2.4.0');
  assert.match(finding.fix, /docker pull, or docker load -i <file>\), or remove it from kindling\.cluster\.preloadImages/);
  assert.deepEqual(blockingFindings(missing).map((f) => f.id), ['preload']);
});
