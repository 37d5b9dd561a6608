// Create on a real engine when something is wrong: the registry port taken, an add-on image the
// node cannot pull (which leaves a half-made cluster the error must own up to), and the engine
// stopped. Kindling's own createCluster / deleteCluster / doctor; only the test environment's own
// dockerd is ever stopped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { diagnose } from '../../src/core/cluster/doctor';
import { ClusterStepError } from '../../src/core/cluster/failures';
import { controlPlaneContainerName } from '../../src/core/cluster/kindConfig';
import { registryContainerName } from '../../src/core/cluster/registry';
import { REGISTRY_IMAGE, SPARK_OPERATOR_IMAGE } from '../../src/core/cluster/versions';
import { createCluster, deleteCluster } from '../../src/kube/cluster/lifecycle';
import { gatherProbes } from '../../src/kube/cluster/probes';
import { withEngineStopped } from './engineControl.mjs';
import { clusterOptions, docker, freePort, kindTier, type KindTier } from './kindCluster';

let tier: KindTier;
const HOLDER = 'kindling-kt-port-holder';

async function rejection(promise: Promise<unknown>): Promise<ClusterStepError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClusterStepError, `expected a ClusterStepError, got ${String(error)}`);
  return error;
}

async function containerNames(): Promise<string> {
  return docker(tier, 'ps', '-a', '--format', '{{.Names}}');
}

describe('Create refuses clearly on a real engine', () => {
  before(async () => {
    tier = await kindTier();
  });

  after(async () => {
    if (!tier) return;
    await docker(tier, 'rm', '-f', HOLDER).catch(() => undefined);
    for (const name of ['kindling-kt-port', 'kindling-kt-pull']) {
      await deleteCluster({ clusterName: name, kubeconfigPath: clusterOptions(tier, name, 0).kubeconfigPath, removeRegistry: true, env: tier.env }).catch(() => undefined);
    }
  });

  test('registry port taken by another container: the doctor step stops Create, naming the port and the setting; nothing is made', async () => {
    const port = await freePort();
    await docker(tier, 'run', '-d', '--name', HOLDER, '-p', `127.0.0.1:${port}:5000`, REGISTRY_IMAGE);
    try {
      const steps: string[] = [];
      const error = await rejection(createCluster(clusterOptions(tier, 'kindling-kt-port', port, { onStep: (step) => steps.push(step) })));
      assert.equal(error.step, 'doctor');
      assert.match(error.reason, new RegExp(`Port ${port} is taken`));
      assert.match(error.fix, /pick another port in the kindling\.cluster\.registryPort setting/);
      assert.equal(error.clusterLeftBehind, false);
      assert.deepEqual(steps, ['doctor']);
      const names = await containerNames();
      assert.doesNotMatch(names, /^kindling-kt-port-(registry|control-plane)$/m);
    } finally {
      await docker(tier, 'rm', '-f', HOLDER);
    }
  });

  test('an add-on image the node cannot pull: Create names the image and the mirror/preload fix, and says the half-made cluster is left; Delete removes it', async () => {
    const name = 'kindling-kt-pull';
    // Everything but the Spark operator's image reaches the node; ghcr.io is not reachable from here.
    const opts = clusterOptions(tier, name, await freePort(), {
      preloadImages: tier.kind.addonImages.filter((i) => i !== SPARK_OPERATOR_IMAGE && i !== REGISTRY_IMAGE),
    });
    const started = Date.now();
    const error = await rejection(createCluster(opts));
    console.log(`[kind] image pull failure reported after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(error.step, 'ready');
    assert.ok(error.reason.includes(`the node cannot pull ${SPARK_OPERATOR_IMAGE}`), error.reason);
    assert.match(error.reason, /^The Spark operator cannot start/);
    assert.match(error.fix, /add a mirror for it in kindling\.cluster\.registryMirrors \(e\.g\. \{ "ghcr\.io": /);
    assert.ok(error.fix.includes(`add "${SPARK_OPERATOR_IMAGE}" to kindling.cluster.preloadImages`), error.fix);
    // The cluster exists and is not finished: the UI offers Delete Cluster on this flag.
    assert.equal(error.clusterLeftBehind, true);
    assert.match(await containerNames(), new RegExp(`^${controlPlaneContainerName(name)}$`, 'm'));

    // Delete without the registry keeps the registry; asked again with it, both are gone.
    const first = await deleteCluster({ clusterName: name, kubeconfigPath: opts.kubeconfigPath, removeRegistry: false, env: tier.env });
    assert.equal(first.registryRemoved, false);
    let names = await containerNames();
    assert.doesNotMatch(names, new RegExp(`^${controlPlaneContainerName(name)}$`, 'm'));
    assert.match(names, new RegExp(`^${registryContainerName(name)}$`, 'm'));
    const second = await deleteCluster({ clusterName: name, kubeconfigPath: opts.kubeconfigPath, removeRegistry: true, env: tier.env });
    assert.equal(second.registryRemoved, true);
    names = await containerNames();
    assert.doesNotMatch(names, new RegExp(`^${registryContainerName(name)}$`, 'm'));
  });

  test('the engine stopped (the test environment’s own dockerd): the doctor explains it and Create stops at the doctor', async () => {
    await withEngineStopped(async () => {
      const findings = diagnose(await gatherProbes({ clusterName: 'kindling-kt-stopped', registryPort: 0, apiServerPort: 0, env: tier.env }));
      const engine = findings.find((f) => f.id === 'engine');
      assert.equal(engine?.severity, 'error');
      assert.equal(engine?.title, 'Docker is installed but not running');
      // The docker CLI's own words, about our engine's socket.
      assert.ok(engine?.detail.includes(`Cannot connect to the Docker daemon at ${tier.kind.dockerHost}`), engine?.detail);
      assert.match(engine?.fix ?? '', /Start Docker Desktop \(or `sudo systemctl start docker` on Linux\)/);
      assert.equal(findings.find((f) => f.id === 'existing')?.title, 'Could not check for an existing "kindling-kt-stopped" cluster');

      const error = await rejection(createCluster(clusterOptions(tier, 'kindling-kt-stopped', 0)));
      assert.equal(error.step, 'doctor');
      assert.match(error.reason, /Docker is installed but not running/);
      assert.equal(error.clusterLeftBehind, false);
    });
    // Running again for whoever comes next.
    assert.match(await docker(tier, 'version', '--format', '{{.Server.Version}}'), /^\d+\./);
  });
});
