// Create Local Cluster for real: Kindling's own createCluster / deleteCluster (src/kube/cluster/
// lifecycle.ts) on the test environment's dockerd, with the node image built here as
// kindling.cluster.nodeImage and the add-on images preloaded from that engine
// (kindling.cluster.preloadImages). One cluster is shared by the tests of this file, in order:
// create → checks from outside → workspace mount → registry and mirror pulls → warm restart → delete.
import { ApiextensionsV1Api, AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { DEFAULT_NAMESPACES } from '../../src/core/cluster/addonPlan';
import type { CreateStep } from '../../src/core/cluster/failures';
import { RUNNER_SERVICE_ACCOUNT } from '../../src/core/cluster/generatedObjects';
import { NODE_WORKSPACE_PATH, controlPlaneContainerName, kindContextName, type KindClusterConfig } from '../../src/core/cluster/kindConfig';
import { buildMirrorHostsToml } from '../../src/core/cluster/mirrors';
import { buildRegistryHostsToml, registryContainerName } from '../../src/core/cluster/registry';
import { ARGO_CONTROLLER_IMAGE, REGISTRY_IMAGE, SPARK_OPERATOR_IMAGE } from '../../src/core/cluster/versions';
import { loadKubeConfig } from '../../src/kube/client';
import { ContainerEngineCli } from '../../src/kube/cluster/engine';
import { createCluster, deleteCluster, type ClusterOptions, type CreateResult } from '../../src/kube/cluster/lifecycle';
import { watchRestartBackOff } from '../../src/kube/cluster/restartBackOff';
import { clusterOptions, docker, freePort, imageWithLabel, kindTier, runPod, type KindTier } from './kindCluster';

const CLUSTER = 'kindling-kt';
/** A registry name nobody owns: pulls of it can only succeed through the mirror Kindling configured. */
const MIRRORED = 'mirror.kindling.test';

let tier: KindTier;
let opts: ClusterOptions;
let kc: KubeConfig;
let created: CreateResult | undefined;
const steps: Array<{ step: CreateStep; message: string }> = [];

const node = controlPlaneContainerName(CLUSTER);
const registry = registryContainerName(CLUSTER);

describe('Create Local Cluster on a real kind cluster', () => {
  before(async () => {
    tier = await kindTier();
    const registryPort = await freePort();
    opts = clusterOptions(tier, CLUSTER, registryPort, {
      // registry:2 runs in the engine beside the node, not in it: nothing to preload.
      preloadImages: tier.kind.addonImages.filter((i) => i !== REGISTRY_IMAGE),
      // From inside the node the local registry is reachable by its container name on the kind network.
      registryMirrors: { [MIRRORED]: `http://${registry}:5000` },
      onStep: (step, message) => steps.push({ step, message }),
    });
    // A cluster left by an interrupted earlier run would turn Create into a reuse: start clean.
    await deleteCluster({ clusterName: CLUSTER, kubeconfigPath: opts.kubeconfigPath, removeRegistry: true, env: tier.env }).catch(() => undefined);
  });

  after(async () => {
    // Whatever a failed test left behind (delete is idempotent).
    if (tier) await deleteCluster({ clusterName: CLUSTER, kubeconfigPath: opts.kubeconfigPath, removeRegistry: true, env: tier.env }).catch(() => undefined);
  });

  test('create: doctor, registry, kind with the generated config, mirrors, preload, add-ons Available', async () => {
    const started = Date.now();
    created = await createCluster(opts);
    const seconds = (Date.now() - started) / 1000;
    console.log(`[kind] create → add-ons Available in ${seconds.toFixed(1)} s`);
    assert.equal(created.outcome, 'created');
    assert.equal(created.context, kindContextName(CLUSTER));

    // Each step reported, in order, each preloaded image by name.
    const order = steps.map((s) => s.step).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(order, ['doctor', 'registry', 'kind', 'registry-config', 'preload', 'manifests', 'addons', 'ready']);
    for (const image of opts.preloadImages ?? []) assert.ok(steps.some((s) => s.step === 'preload' && s.message.includes(image)), `progress names ${image}`);
    assert.match(steps.find((s) => s.step === 'registry-config')?.message ?? '', /registry and 1 mirror/);

    // The doctor passed on the real engine.
    const engine = created.findings.find((f) => f.id === 'engine');
    assert.equal(engine?.severity, 'ok');
    assert.match(engine?.title ?? '', /^Docker \S+ is running$/);
    assert.equal(created.findings.find((f) => f.id === 'preload')?.severity, 'ok');

    // The kind config Kindling generated, and the node kind made from it.
    const config = parse(readFileSync(path.join(opts.storageDir, `kind-${CLUSTER}.yaml`), 'utf8')) as KindClusterConfig;
    assert.equal(config.nodes[0].image, tier.kind.nodeImage);
    assert.deepEqual(config.nodes[0].extraMounts, [{ hostPath: opts.workspaceHostPath, containerPath: NODE_WORKSPACE_PATH }]);
    const inspect = JSON.parse(await docker(tier, 'inspect', node)) as Array<{ Config: { Image: string }; Mounts: Array<{ Source: string; Destination: string }> }>;
    assert.equal(inspect[0].Config.Image, tier.kind.nodeImage);
    assert.ok(inspect[0].Mounts.some((m) => m.Source === opts.workspaceHostPath && m.Destination === NODE_WORKSPACE_PATH), JSON.stringify(inspect[0].Mounts));

    kc = loadKubeConfig({ kubeconfigPath: opts.kubeconfigPath, context: created.context });
  });

  test('the add-ons: server-side applied from the pinned manifests, controllers Available on their pinned images', async () => {
    assert.ok(kc, 'the cluster was created');
    const apps = kc.makeApiClient(AppsV1Api);
    for (const [namespace, name, image] of [
      [DEFAULT_NAMESPACES.argo, 'workflow-controller', ARGO_CONTROLLER_IMAGE],
      [DEFAULT_NAMESPACES.sparkOperator, 'spark-operator-controller', SPARK_OPERATOR_IMAGE],
    ]) {
      const d = await apps.readNamespacedDeployment({ name, namespace });
      assert.ok(d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'), `${namespace}/${name} Available`);
      assert.equal(d.spec?.template.spec?.containers[0].image, image);
      assert.ok(d.metadata?.managedFields?.some((f) => f.manager === 'kindling' && f.operation === 'Apply'), `${name} was server-side applied by kindling`);
      if (name === 'workflow-controller') {
        const env = d.spec?.template.spec?.containers[0].env ?? [];
        assert.equal(env.find((e) => e.name === 'DEFAULT_REQUEUE_TIME')?.value, '1s', 'the local controller requeues runs after 1 s');
        assert.ok(env.some((e) => e.name === 'LEADER_ELECTION_IDENTITY'), "the manifest's own env is kept");
      }
    }
    const crds = kc.makeApiClient(ApiextensionsV1Api);
    for (const name of ['workflows.argoproj.io', 'workflowtemplates.argoproj.io', 'sparkapplications.sparkoperator.k8s.io']) {
      const crd = await crds.readCustomResourceDefinition({ name });
      assert.ok(crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'), `${name} Established`);
    }
    const core = kc.makeApiClient(CoreV1Api);
    const hosting = await core.readNamespacedConfigMap({ name: 'local-registry-hosting', namespace: 'kube-public' });
    assert.equal((parse(hosting.data?.['localRegistryHosting.v1'] ?? '') as { host: string }).host, `localhost:${opts.registryPort}`);
    const sa = await core.readNamespacedServiceAccount({ name: RUNNER_SERVICE_ACCOUNT, namespace: DEFAULT_NAMESPACES.runner });
    assert.equal(sa.metadata?.name, RUNNER_SERVICE_ACCOUNT);
  });

  test('from outside: node and registry containers, registry on the kind network, hosts.toml files in the node', async () => {
    assert.ok(kc, 'the cluster was created');
    const ps = await docker(tier, 'ps', '--format', '{{.Names}}\t{{.State}}\t{{.Ports}}');
    assert.match(ps, new RegExp(`^${node}\\trunning\\t`, 'm'));
    assert.match(ps, new RegExp(`^${registry}\\trunning\\t127\\.0\\.0\\.1:${opts.registryPort}->5000/tcp`, 'm'));
    const networks = JSON.parse(await docker(tier, 'inspect', '-f', '{{json .NetworkSettings.Networks}}', registry)) as Record<string, unknown>;
    assert.ok('kind' in networks, `registry networks: ${Object.keys(networks).join(', ')}`);

    const local = await docker(tier, 'exec', node, 'cat', `/etc/containerd/certs.d/localhost:${opts.registryPort}/hosts.toml`);
    assert.equal(local, buildRegistryHostsToml(CLUSTER));
    const mirror = await docker(tier, 'exec', node, 'cat', `/etc/containerd/certs.d/${MIRRORED}/hosts.toml`);
    assert.equal(mirror, buildMirrorHostsToml({ registry: MIRRORED, url: `http://${registry}:5000` }));
  });

  test('an image pushed from the host to localhost:<registryPort> runs as a pod; another through the configured mirror', async () => {
    assert.ok(kc, 'the cluster was created');
    const tag = randomBytes(3).toString('hex');
    // Two images of their own (same layers as the preloaded controller, their own digests), so the
    // node must resolve each in a registry: the local one, and the mirror Kindling configured.
    const pushed = `localhost:${opts.registryPort}/kindling-test/shell:${tag}`;
    const viaMirrorPush = `localhost:${opts.registryPort}/kindling-test/mirrored:${tag}`;
    imageWithLabel(tier, ARGO_CONTROLLER_IMAGE, pushed, `pushed ${tag}`);
    imageWithLabel(tier, ARGO_CONTROLLER_IMAGE, viaMirrorPush, `mirrored ${tag}`);
    for (const image of [pushed, viaMirrorPush]) {
      await docker(tier, 'push', image);
      await docker(tier, 'rmi', image);
    }

    const viaRegistry = await runPod(kc, { namespace: DEFAULT_NAMESPACES.runner, name: `pushed-${tag}`, image: pushed, command: ['sh', '-c', 'echo pulled from the local registry'], pullAlways: true });
    assert.equal(viaRegistry.phase, 'Succeeded');
    assert.equal(viaRegistry.log.trim(), 'pulled from the local registry');
    assert.match(viaRegistry.pod.status?.containerStatuses?.[0].imageID ?? '', new RegExp(`^localhost:${opts.registryPort}/kindling-test/shell@sha256:[0-9a-f]{64}$`));

    // mirror.kindling.test does not exist: containerd can only have fetched this through the hosts.toml.
    const mirrored = `${MIRRORED}/kindling-test/mirrored:${tag}`;
    const viaMirror = await runPod(kc, { namespace: DEFAULT_NAMESPACES.runner, name: `mirrored-${tag}`, image: mirrored, command: ['sh', '-c', 'echo pulled through the mirror'], pullAlways: true });
    assert.equal(viaMirror.phase, 'Succeeded');
    assert.equal(viaMirror.log.trim(), 'pulled through the mirror');
    assert.match(viaMirror.pod.status?.containerStatuses?.[0].imageID ?? '', new RegExp(`^${MIRRORED.replace(/\./g, '\\.')}/kindling-test/mirrored@sha256:[0-9a-f]{64}$`));
  });

  test('the workspace mount: a file written on the host is read by a pod through the node path', async () => {
    assert.ok(kc, 'the cluster was created');
    const content = `written on the host ${randomBytes(6).toString('hex')}`;
    const file = path.join(opts.workspaceHostPath ?? '', 'hello.txt');
    writeFileSync(file, `${content}\n`, { mode: 0o644 });
    const result = await runPod(kc, {
      namespace: DEFAULT_NAMESPACES.runner,
      name: `workspace-${randomBytes(3).toString('hex')}`,
      image: ARGO_CONTROLLER_IMAGE,
      command: ['cat', '/workspace/hello.txt'],
      hostPath: { path: NODE_WORKSPACE_PATH, mountPath: '/workspace' },
    });
    assert.equal(result.phase, 'Succeeded');
    assert.equal(result.log.trim(), content);
  });

  test('warm restart: a stopped node is started again, not recreated, and its add-ons run again', async () => {
    assert.ok(kc, 'the cluster was created');
    const before = JSON.parse(await docker(tier, 'inspect', node)) as Array<{ Id: string; Created: string }>;
    await docker(tier, 'stop', node);
    assert.match(await docker(tier, 'inspect', '-f', '{{.State.Status}}', node), /^exited/);

    steps.length = 0;
    const started = Date.now();
    const result = await createCluster(opts);
    const seconds = (Date.now() - started) / 1000;
    console.log(`[kind] warm restart → add-ons running again in ${seconds.toFixed(1)} s`);
    assert.equal(result.outcome, 'started');
    assert.ok(steps.some((s) => s.step === 'kind' && s.message === `Starting the stopped cluster "${CLUSTER}"`));
    // The add-ons were recorded as applied at create and are unchanged: only the wait runs.
    assert.ok(steps.some((s) => s.step === 'addons' && /not applying them again/.test(s.message)), JSON.stringify(steps));
    const after = JSON.parse(await docker(tier, 'inspect', node)) as Array<{ Id: string; Created: string; State: { Running: boolean; StartedAt: string } }>;
    assert.equal(after[0].Id, before[0].Id, 'same container');
    assert.equal(after[0].Created, before[0].Created);
    assert.equal(after[0].State.Running, true);

    // Ready again, and not by the status the API server kept from before the stop: the
    // controllers' containers were started after the node was.
    const restartedAt = Date.parse(after[0].State.StartedAt);
    kc = loadKubeConfig({ kubeconfigPath: opts.kubeconfigPath, context: result.context });
    const core = kc.makeApiClient(CoreV1Api);
    const nodes = await core.listNode();
    assert.ok(nodes.items[0].status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), 'node Ready');
    for (const namespace of [DEFAULT_NAMESPACES.argo, DEFAULT_NAMESPACES.sparkOperator]) {
      const pods = (await core.listNamespacedPod({ namespace })).items;
      const running = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      assert.ok(running.length >= 1, `a Ready pod in ${namespace}`);
      for (const p of running) {
        const startedAt = p.status?.containerStatuses?.[0].state?.running?.startedAt;
        assert.ok(startedAt && new Date(startedAt).getTime() >= Math.floor(restartedAt / 1000) * 1000, `${p.metadata?.name} started ${String(startedAt)}, node ${after[0].State.StartedAt}`);
      }
    }
  });

  test('a container that fails its first starts is started again at once when Kindling restarts the kubelet; running ones are left alone', async () => {
    assert.ok(kc, 'the cluster was created');
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = DEFAULT_NAMESPACES.runner;
    const name = `backoff-${randomBytes(3).toString('hex')}`;
    const argoPod = async () => (await core.listNamespacedPod({ namespace: DEFAULT_NAMESPACES.argo })).items.find((p) => p.status?.phase === 'Running');
    const argoBefore = (await argoPod())?.status?.containerStatuses?.[0];
    // Fails its first two starts (an emptyDir keeps the count across restarts), then stays up: like
    // a controller that started before the node's network was ready. On its own the kubelet starts
    // it the third time only after its first back-off, 10 s (16 s when tried by hand here).
    const script = 'n=$(cat /state/n 2>/dev/null || echo 0); echo $((n+1)) > /state/n; [ "$n" -ge 2 ] && exec sleep 3600; echo "start $n fails"; exit 1';
    const logs: string[] = [];
    const watch = watchRestartBackOff(kc, { engine: new ContainerEngineCli('docker', tier.env), nodes: [node], deployments: [{ namespace, name }], intervalMs: 250, onLog: (l) => logs.push(l) });
    try {
      await apps.createNamespacedDeployment({
        namespace,
        body: {
          metadata: { name, namespace },
          spec: {
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: {
                terminationGracePeriodSeconds: 0,
                containers: [{ name: 'main', image: ARGO_CONTROLLER_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], volumeMounts: [{ name: 'state', mountPath: '/state' }] }],
                volumes: [{ name: 'state', emptyDir: {} }],
              },
            },
          },
        },
      });
      const statusOf = async () => (await core.listNamespacedPod({ namespace, labelSelector: `app=${name}` })).items[0]?.status?.containerStatuses?.[0];
      // The third start: a failing start can be reported running for a moment before it exits.
      const third = (s: Awaited<ReturnType<typeof statusOf>>): boolean => Boolean(s?.state?.running) && (s?.restartCount ?? 0) >= 2;
      // What the API said of the container, each change once: when the watch did not act, was the
      // back-off ever visible to it?
      const seen: string[] = [];
      const started = Date.now();
      let status = await statusOf();
      for (let i = 0; i < 240 && !third(status); i++) {
        const said = `${Object.keys(status?.state ?? {}).join()}${status?.state?.waiting?.reason ? ` ${status.state.waiting.reason}` : ''}, restarts ${status?.restartCount ?? '-'}`;
        if (seen.at(-1)?.endsWith(said) !== true) seen.push(`+${((Date.now() - started) / 1000).toFixed(1)} s ${said}`);
        await new Promise((r) => setTimeout(r, 250));
        status = await statusOf();
      }
      const restarted = await watch.stop();
      assert.equal(restarted, true, `the watch did not restart the kubelet. Its log: ${logs.join(' | ') || '(nothing)'}. The container: ${seen.join('; ')}`);
      assert.match(logs.join('\n'), /restarting the kubelet/);
      assert.ok(status?.state?.running, `running: ${JSON.stringify(status?.state)}`);
      assert.equal(status?.restartCount, 2, 'the third start is the one that stays up');
      const failedAt = Date.parse(String(status?.lastState?.terminated?.finishedAt));
      const startedAt = Date.parse(String(status?.state?.running?.startedAt));
      console.log(`[kind] back-off cut: third start ${((startedAt - failedAt) / 1000).toFixed(0)} s after the second failure`);
      // Whole seconds on both sides: well under the kubelet's 10 s, not a lucky rounding.
      assert.ok(startedAt - failedAt <= 6000, `started ${startedAt - failedAt} ms after the failure`);

      // The kubelet restart did not restart containers that were running.
      const argoAfter = (await argoPod())?.status?.containerStatuses?.[0];
      assert.equal(argoAfter?.containerID, argoBefore?.containerID);
      assert.equal(argoAfter?.restartCount, argoBefore?.restartCount);
      const nodes = await core.listNode();
      assert.ok(nodes.items[0].status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), 'node Ready');
    } finally {
      await watch.stop();
      await apps.deleteNamespacedDeployment({ name, namespace }).catch(() => undefined);
    }
  });

  test('Create on the running cluster puts back a controller that was deleted', async () => {
    assert.ok(kc, 'the cluster was created');
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.deleteNamespacedDeployment({ name: 'workflow-controller', namespace: DEFAULT_NAMESPACES.argo });
    steps.length = 0;
    const result = await createCluster(opts);
    assert.equal(result.outcome, 'reused');
    assert.ok(!steps.some((s) => /not applying them again/.test(s.message)), 'the plan is applied again');
    const d = await apps.readNamespacedDeployment({ name: 'workflow-controller', namespace: DEFAULT_NAMESPACES.argo });
    assert.ok(d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'), 'Argo controller Available again');
  });

  test('delete: cluster, kube context and (when asked) the registry are gone', async () => {
    assert.ok(kc, 'the cluster was created');
    const result = await deleteCluster({ clusterName: CLUSTER, kubeconfigPath: opts.kubeconfigPath, removeRegistry: true, env: tier.env });
    assert.equal(result.registryRemoved, true);
    const left = await docker(tier, 'ps', '-a', '--format', '{{.Names}}');
    assert.doesNotMatch(left, new RegExp(`^(${node}|${registry})$`, 'm'));
    const kubeconfig = existsSync(opts.kubeconfigPath) ? readFileSync(opts.kubeconfigPath, 'utf8') : '';
    assert.doesNotMatch(kubeconfig, new RegExp(`name: ${kindContextName(CLUSTER)}\\b`));
    const clusters = execFileSync(tier.kind.kindBinary, ['get', 'clusters'], { env: tier.env, encoding: 'utf8' });
    assert.doesNotMatch(clusters, new RegExp(`^${CLUSTER}$`, 'm'));
  });
});
