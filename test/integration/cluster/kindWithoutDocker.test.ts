// The real kind binary, driven by Kindling's code on a machine with the docker CLI but no Docker
// engine: exactly what a user sees before starting Docker Desktop. Needs no control plane.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { diagnose, formatFindings } from '../../../src/core/cluster/doctor';
import { ClusterStepError, classifyFailure } from '../../../src/core/cluster/failures';
import { buildKindConfig, renderKindConfig } from '../../../src/core/cluster/kindConfig';
import { KIND_NODE_IMAGE, KIND_VERSION } from '../../../src/core/cluster/versions';
import { describeFailure } from '../../../src/kube/cluster/exec';
import { KindCli } from '../../../src/kube/cluster/kind';
import { createCluster } from '../../../src/kube/cluster/lifecycle';
import { gatherProbes } from '../../../src/kube/cluster/probes';
import { kindBinaries } from './kindTools';

let kind = '';
let kindcheck = '';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kindling-kind-'));

function dockerDaemonUp(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
}

before(() => {
  ({ kind, kindcheck } = kindBinaries());
});

test('the pinned kind binary runs and reports the pinned version', () => {
  assert.match(execFileSync(kind, ['version'], { encoding: 'utf8' }), new RegExp(`^kind ${KIND_VERSION.replace(/\./g, '\\.')} `));
});

test('doctor: Docker CLI without a daemon is explained in plain words, with the fix', { skip: dockerDaemonUp() && 'a Docker engine is running here' }, async () => {
  const probes = await gatherProbes({ clusterName: 'kindling-it', registryPort: 0, apiServerPort: 0, kindSettingPath: kind });
  const findings = diagnose(probes);
  const engine = findings.find((f) => f.id === 'engine');
  assert.equal(engine?.severity, 'error');
  assert.equal(engine?.title, 'Docker is installed but not running');
  assert.match(engine?.detail ?? '', /Cannot connect to the Docker daemon/);
  assert.match(engine?.fix ?? '', /Start Docker Desktop/);
  const kindFinding = findings.find((f) => f.id === 'kind');
  assert.equal(kindFinding?.severity, 'ok');
  assert.match(kindFinding?.title ?? '', /kind v0\.33\.0/);
  assert.equal(findings.find((f) => f.id === 'existing')?.title, 'Could not check for an existing "kindling-it" cluster');
  // What the output channel shows: no stack trace, just findings.
  assert.doesNotMatch(formatFindings(findings), /\bat .*\.(ts|js):\d+/);
});

test('create stops at the doctor step with the finding, not a stack trace', { skip: dockerDaemonUp() && 'a Docker engine is running here' }, async () => {
  const steps: string[] = [];
  const error = await createCluster({
    clusterName: 'kindling-it',
    registryPort: 0,
    apiServerPort: 0,
    kubeconfigPath: path.join(tmp, 'kubeconfig'),
    kindSettingPath: kind,
    storageDir: tmp,
    onStep: (step) => steps.push(step),
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClusterStepError, String(error));
  assert.equal(error.step, 'doctor');
  assert.match(error.reason, /Docker is installed but not running/);
  assert.match(error.fix, /Start Docker Desktop/);
  assert.equal(error.clusterLeftBehind, false);
  assert.deepEqual(steps, ['doctor']);
});

test('kind create itself, run on a generated config, fails on Docker and is classified so', { skip: dockerDaemonUp() && 'a Docker engine is running here' }, async () => {
  const config = path.join(tmp, 'kind.yaml');
  writeFileSync(config, renderKindConfig(buildKindConfig({ clusterName: 'kindling-it', workspaceHostPath: tmp, apiServerPort: 0 })));
  const result = await new KindCli({ path: kind, source: 'setting' }).createCluster(config, { kubeconfigPath: path.join(tmp, 'kubeconfig'), timeoutMs: 60_000 });
  assert.notEqual(result.code, 0);
  // kind decodes the config strictly before it talks to Docker: getting this far means it parsed.
  assert.match(result.stderr, /failed to get docker info/);
  assert.doesNotMatch(result.stderr, /unable to decode config/);
  const failure = classifyFailure('kind', describeFailure('kind', result));
  assert.equal(failure.cause, 'Docker is not running (kind could not talk to the Docker engine).');
});

test('KIND_EXPERIMENTAL_PROVIDER=podman without Podman: doctor and kind both say so', async () => {
  const env = { ...process.env, KIND_EXPERIMENTAL_PROVIDER: 'podman', PATH: path.dirname(process.execPath) };
  const findings = diagnose(await gatherProbes({ clusterName: 'kindling-it', registryPort: 0, apiServerPort: 0, kindSettingPath: kind, env }));
  assert.equal(findings.find((f) => f.id === 'engine')?.title, 'Podman is not installed');
  const result = await new KindCli({ path: kind, source: 'setting' }, env).getClusters().then(
    () => '',
    (e: Error) => e.message,
  );
  assert.match(classifyFailure('kind', result).cause, /Podman was not found/);
});

test('no kind anywhere: doctor says kind is not installed and how to get it', async () => {
  const env = { ...process.env, PATH: path.dirname(process.execPath) };
  const findings = diagnose(await gatherProbes({ clusterName: 'kindling-it', registryPort: 0, apiServerPort: 0, kindDownloadPath: path.join(tmp, 'nope', 'kind'), env }));
  const k = findings.find((f) => f.id === 'kind');
  assert.equal(k?.title, 'kind is not installed');
  assert.match(k?.fix ?? '', /Install kind v0\.33\.0/);
});

test("generated kind configs pass kind's own loader and validator (tools/kindcheck)", () => {
  const good = path.join(tmp, 'good.yaml');
  writeFileSync(good, renderKindConfig(buildKindConfig({ clusterName: 'kindling', workspaceHostPath: tmp, apiServerPort: 6445 })));
  const ok = spawnSync(kindcheck, [good], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, new RegExp(`OK .*1 node\\(s\\), image ${KIND_NODE_IMAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  // The checker can fail: an invalid port and an unknown field are both caught.
  const bad = path.join(tmp, 'bad.yaml');
  writeFileSync(bad, renderKindConfig(buildKindConfig({ clusterName: 'kindling', apiServerPort: 6445 })).replace('apiServerPort: 6445', 'apiServerPort: 70000'));
  const rejected = spawnSync(kindcheck, [bad], { encoding: 'utf8' });
  assert.equal(rejected.status, 1);
  assert.match(rejected.stdout, /INVALID .*port/i);
  const unknown = path.join(tmp, 'unknown.yaml');
  writeFileSync(unknown, renderKindConfig(buildKindConfig({ clusterName: 'kindling', apiServerPort: 0 })) + 'extraField: true\n');
  assert.match(spawnSync(kindcheck, [unknown], { encoding: 'utf8' }).stdout, /INVALID [^]*field extraField not found/);
});

test('doctor: a registry port held by another program is reported as taken, with the setting to change', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const findings = diagnose(await gatherProbes({ clusterName: 'kindling-it', registryPort: port, apiServerPort: 0, kindSettingPath: kind }));
    const f = findings.find((x) => x.id === 'port-registry');
    assert.equal(f?.severity, 'error');
    assert.equal(f?.title, `Port ${port} is taken`);
    assert.match(f?.fix ?? '', /kindling\.cluster\.registryPort/);
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
  const again = diagnose(await gatherProbes({ clusterName: 'kindling-it', registryPort: port, apiServerPort: 0, kindSettingPath: kind }));
  assert.equal(again.find((x) => x.id === 'port-registry')?.severity, 'ok');
});
