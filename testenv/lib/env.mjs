// The two test clusters, their processes and their bootstrap objects. Used by scripts/testenv.mjs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ensurePki, kubeconfigFor, mergeKubeconfigs, writeKubeconfig } from './pki.mjs';
import { logFile, portFree, startProcess, stopProcess, tailOf, trackedProcess } from './procs.mjs';

export function runDir(env = process.env) {
  return env.KINDLING_TESTENV_DIR || join(homedir(), '.cache', 'kindling', 'testenv', 'run');
}

/** Fixed ports below the Linux ephemeral range (32768+), so an outgoing connection never holds one. */
export const PORTS = {
  local: { etcd: 22379, etcdPeer: 22380, apiserver: 26443, controllerManager: 26257, scheduler: 26259, kwok: 26247, argoMetrics: 26090, argoHealth: 6060, sparkHealth: 26081 },
  remote: { etcd: 22479, etcdPeer: 22480, apiserver: 27443, controllerManager: 27257 },
};

export const RESTRICTED_NAMESPACE = 'kindling-team';
export const FAKE_NODES = ['kwok-node-0', 'kwok-node-1', 'kwok-node-2'];

const USERS = {
  local: [{ name: 'kindling-local-admin', cn: 'kindling-local-admin', groups: ['system:masters'] }],
  remote: [
    { name: 'kindling-remote-admin', cn: 'kindling-remote-admin', groups: ['system:masters'] },
    { name: 'kindling-remote-restricted', cn: 'kindling-restricted', groups: ['kindling:restricted'] },
  ],
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function paths(cluster) {
  const run = runDir();
  return {
    run,
    dir: join(run, cluster),
    pki: join(run, cluster, 'pki'),
    etcdData: join(run, cluster, 'etcd'),
    kubeconfig: join(run, 'kubeconfig', `${cluster}.yaml`),
    // Components authenticate as the cluster admin (a test cluster, not a hardened one).
    componentKubeconfig: join(run, cluster, 'admin.kubeconfig'),
  };
}

/** HTTP(S) GET → { status, body } (never throws; status 0 on connection errors). */
function get(url, tls = {}) {
  return new Promise((resolve) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method: 'GET', timeout: 3000, ...tls }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

function adminTls(cluster) {
  const p = paths(cluster);
  const user = USERS[cluster][0].name;
  return {
    ca: readFileSync(join(p.pki, 'ca.crt')),
    cert: readFileSync(join(p.pki, `user-${user}.crt`)),
    key: readFileSync(join(p.pki, `user-${user}.key`)),
  };
}

/** Component table, in start order. `bins` comes from ensureBuilt(). */
export function componentsFor(bins) {
  const k = (name) => join(bins.kubeDir, name);
  const list = [];
  for (const cluster of ['local', 'remote']) {
    const port = PORTS[cluster];
    const p = paths(cluster);
    list.push({
      name: `${cluster}-etcd`, cluster, binary: k('etcd'), ports: [port.etcd, port.etcdPeer],
      args: () => [
        '--name', `kindling-${cluster}`, '--data-dir', p.etcdData,
        '--listen-client-urls', `http://127.0.0.1:${port.etcd}`, '--advertise-client-urls', `http://127.0.0.1:${port.etcd}`,
        '--listen-peer-urls', `http://127.0.0.1:${port.etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${port.etcdPeer}`,
        '--initial-cluster', `kindling-${cluster}=http://127.0.0.1:${port.etcdPeer}`,
        '--unsafe-no-fsync', '--log-level', 'warn',
      ],
      healthy: async () => (await get(`http://127.0.0.1:${port.etcd}/health`)).body.includes('"health":"true"'),
    });
    list.push({
      name: `${cluster}-apiserver`, cluster, binary: k('kube-apiserver'), ports: [port.apiserver],
      args: () => [
        `--etcd-servers=http://127.0.0.1:${port.etcd}`,
        '--bind-address=127.0.0.1', `--secure-port=${port.apiserver}`, '--advertise-address=127.0.0.1',
        '--endpoint-reconciler-type=none',
        `--tls-cert-file=${join(p.pki, 'apiserver.crt')}`, `--tls-private-key-file=${join(p.pki, 'apiserver.key')}`,
        `--client-ca-file=${join(p.pki, 'ca.crt')}`,
        `--service-account-key-file=${join(p.pki, 'sa.pub')}`, `--service-account-signing-key-file=${join(p.pki, 'sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--authorization-mode=RBAC', '--allow-privileged=true', '--profiling=false',
        '--enable-priority-and-fairness=false', '-v=1',
      ],
      healthy: async () => (await get(`https://127.0.0.1:${port.apiserver}/readyz`, adminTls(cluster))).status === 200,
    });
    list.push({
      name: `${cluster}-controller-manager`, cluster, binary: k('kube-controller-manager'), ports: [port.controllerManager],
      args: () => [
        `--kubeconfig=${p.componentKubeconfig}`, `--authentication-kubeconfig=${p.componentKubeconfig}`, `--authorization-kubeconfig=${p.componentKubeconfig}`,
        '--bind-address=127.0.0.1', `--secure-port=${port.controllerManager}`, `--cert-dir=${join(p.dir, 'controller-manager-certs')}`,
        '--leader-elect=false', `--service-account-private-key-file=${join(p.pki, 'sa.key')}`, `--root-ca-file=${join(p.pki, 'ca.crt')}`,
        '--use-service-account-credentials=false', '--controllers=*',
        '--concurrent-gc-syncs=5', '-v=1',
      ],
      healthy: async () => (await get(`https://127.0.0.1:${port.controllerManager}/healthz`, { rejectUnauthorized: false })).status === 200,
    });
    if (cluster === 'local') {
      list.push({
        name: 'local-scheduler', cluster, binary: k('kube-scheduler'), ports: [port.scheduler],
        args: () => [
          `--kubeconfig=${p.componentKubeconfig}`, `--authentication-kubeconfig=${p.componentKubeconfig}`, `--authorization-kubeconfig=${p.componentKubeconfig}`,
          '--bind-address=127.0.0.1', `--secure-port=${port.scheduler}`, `--cert-dir=${join(p.dir, 'scheduler-certs')}`, '--leader-elect=false', '-v=1',
        ],
        healthy: async () => (await get(`https://127.0.0.1:${port.scheduler}/healthz`, { rejectUnauthorized: false })).status === 200,
      });
      list.push({
        name: 'local-kwok', cluster, binary: bins.kwok, ports: [port.kwok],
        // kwok reads the stage file only at start, so a changed file must restart it like changed arguments.
        inputs: ({ stagesFile }) => [stagesFile],
        args: ({ stagesFile }) => [
          `--kubeconfig=${p.componentKubeconfig}`, `--config=${stagesFile}`,
          '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
          '--node-lease-duration-seconds=40', `--server-address=127.0.0.1:${port.kwok}`,
          // Container logs: the API server proxies pods/log to the node's kubelet endpoint, which is kwok's
          // own server (it also answers TLS, self-signed; the API server has no --kubelet-certificate-authority
          // so it does not verify it). Which file serves which container comes from Logs/ClusterLogs objects.
          '--node-ip=127.0.0.1', `--node-port=${port.kwok}`, '--enable-crds=Logs,ClusterLogs',
        ],
        healthy: async () => (await get(`http://127.0.0.1:${port.kwok}/healthz`)).status === 200,
      });
      list.push({
        name: 'local-workflow-controller', cluster, binary: bins.workflowController, ports: [port.argoHealth, port.argoMetrics],
        // DEFAULT_REQUEUE_TIME (Argo's workflow/controller/rate_limiters.go, default 10s) is how long a
        // workflow waits in the queue after a pod event: with 10 s a run is seen done ~10 s after its pod
        // completes. 1 s is the floor Argo's own comment recommends (informers must catch up).
        env: { LEADER_ELECTION_DISABLE: 'true', DEFAULT_REQUEUE_TIME: '1s' },
        args: () => [
          `--kubeconfig=${p.componentKubeconfig}`, '--namespace=argo', '--configmap=workflow-controller-configmap',
          '--executor-image=quay.io/argoproj/argoexec:' + bins.versions.argoWorkflows, '--loglevel=info', '--workflow-workers=8',
        ],
        healthy: async () => (await get(`http://127.0.0.1:${port.argoHealth}/healthz`)).status === 200,
      });
      list.push({
        name: 'local-spark-operator', cluster, binary: bins.sparkOperator, ports: [port.sparkHealth],
        // spark-submit (run by the operator) talks to the API server through KUBERNETES_SERVICE_* and reads
        // credentials from KUBECONFIG (fabric8's auto-configuration).
        env: {
          SPARK_HOME: bins.sparkHome, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port.apiserver),
          KUBECONFIG: p.componentKubeconfig, JAVA_TOOL_OPTIONS: '-Xmx512m',
        },
        args: () => [
          'controller', 'start', `--kubeconfig=${p.componentKubeconfig}`, `--health-probe-bind-address=127.0.0.1:${port.sparkHealth}`,
          '--metrics-bind-address=0', '--leader-election=false', '--enable-ui-service=false', '--controller-threads=4', '--zap-log-level=info',
        ],
        healthy: async () => (await get(`http://127.0.0.1:${port.sparkHealth}/healthz`)).status === 200,
      });
    }
  }
  return list;
}

/** Writes PKI and kubeconfigs (once; they survive `down` so contexts stay stable). */
export function ensureCredentials() {
  const run = runDir();
  mkdirSync(join(run, 'kubeconfig'), { recursive: true });
  const configs = [];
  for (const cluster of ['local', 'remote']) {
    const p = paths(cluster);
    ensurePki(p.pki, cluster, USERS[cluster]);
    const server = `https://127.0.0.1:${PORTS[cluster].apiserver}`;
    const contexts = cluster === 'local'
      ? [{ name: 'kindling-local', user: 'kindling-local-admin' }]
      : [{ name: 'kindling-remote', user: 'kindling-remote-admin' }, { name: 'kindling-remote-restricted', user: 'kindling-remote-restricted', namespace: RESTRICTED_NAMESPACE }];
    const kc = kubeconfigFor({ pkiDir: p.pki, clusterName: `kindling-${cluster}`, server, contexts });
    writeKubeconfig(p.kubeconfig, kc);
    writeKubeconfig(p.componentKubeconfig, kubeconfigFor({ pkiDir: p.pki, clusterName: `kindling-${cluster}`, server, contexts: [contexts[0]] }));
    configs.push(kc);
  }
  writeKubeconfig(join(run, 'kubeconfig', 'all.yaml'), mergeKubeconfigs(configs));
}

export async function componentStatus(c) {
  const proc = trackedProcess(runDir(), c.name);
  if (!proc) return { running: false, healthy: false };
  let healthy = false;
  try {
    healthy = await c.healthy();
  } catch {
    healthy = false;
  }
  return { running: true, healthy, pid: proc.pid };
}

/** How long a component must look gone before it counts as exited (see waitHealthy). */
const EXITED_AFTER_MS = 2000;

export async function waitHealthy(c, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let goneSince;
  while (Date.now() < deadline) {
    const s = await componentStatus(c);
    // Right after spawn, /proc/<pid>/cmdline can still be the forking node process's (exec not done
    // yet on a busy machine), which trackedProcess takes for a reused pid: CI once reported a healthy
    // spark-operator as exited and tore it down. Gone for 2 s in a row is gone.
    if (!s.running) {
      goneSince ??= Date.now();
      if (Date.now() - goneSince >= EXITED_AFTER_MS) throw new Error(`${c.name} exited. Last lines of ${logFile(runDir(), c.name)}:\n${tailOf(logFile(runDir(), c.name))}`);
      await sleep(200);
      continue;
    }
    goneSince = undefined;
    if (s.healthy) return;
    await sleep(200);
  }
  throw new Error(`${c.name} not healthy after ${timeoutMs / 1000} s. Last lines of ${logFile(runDir(), c.name)}:\n${tailOf(logFile(runDir(), c.name))}`);
}

/** Starts a component (ports checked first) and waits until it is healthy. */
/** SHA-256 of each file a component reads only at start (e.g. kwok's stage file), keyed by path. */
function inputDigests(c, ctx) {
  const files = c.inputs ? c.inputs(ctx) : [];
  return Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

/**
 * True when the running process was started with other arguments, environment or input files than
 * `up` would use now (testenv code or config changed).
 */
export function argumentsChanged(c, ctx) {
  const rec = trackedProcess(runDir(), c.name);
  return Boolean(rec) && (rec.binary !== c.binary || JSON.stringify(rec.args) !== JSON.stringify(c.args(ctx)) ||
    JSON.stringify(rec.env ?? {}) !== JSON.stringify(c.env ?? {}) ||
    JSON.stringify(rec.inputs ?? {}) !== JSON.stringify(inputDigests(c, ctx)));
}

export async function startComponent(c, ctx, timeoutMs = 90_000) {
  for (const port of c.ports) {
    // A process that was just killed can hold its port for a moment while the kernel tears it down.
    for (let i = 0; i < 50 && !(await portFree(port)); i++) await sleep(200);
    if (!(await portFree(port))) {
      throw new Error(`port ${port} (needed by ${c.name}) is in use by a process testenv did not start. ` +
        `Find it with \`ss -ltnp 'sport = :${port}'\` and stop it, or stop the other test environment.`);
    }
  }
  if (c.name.endsWith('-etcd')) mkdirSync(paths(c.cluster).etcdData, { recursive: true, mode: 0o700 });
  startProcess(runDir(), c.name, c.binary, c.args(ctx), { env: c.env, cwd: paths(c.cluster).dir, inputs: inputDigests(c, ctx) });
  await waitHealthy(c, timeoutMs);
}

export async function stopComponent(c, opts) {
  return stopProcess(runDir(), c.name, opts);
}

/** Removes the etcd data of both clusters (after `down`, so the next `up` starts clean). */
export function wipeData() {
  for (const cluster of ['local', 'remote']) rmSync(paths(cluster).etcdData, { recursive: true, force: true });
}

export function kubeconfigPaths() {
  const run = runDir();
  return { local: paths('local').kubeconfig, remote: paths('remote').kubeconfig, all: join(run, 'kubeconfig', 'all.yaml') };
}

// ---- bootstrap objects (idempotent) ----

function yamlDocs(file) {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter((o) => o && o.kind);
}

export function crdDocs(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort().flatMap((f) => yamlDocs(join(dir, f)));
}

async function clientsFor(cluster) {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(paths(cluster).componentKubeconfig);
  return { k8s, kc, objects: { cluster } };
}

// Where each kind we create lives in the API (plural, cluster-scoped or not).
const RESOURCES = {
  CustomResourceDefinition: { base: '/apis/apiextensions.k8s.io/v1', plural: 'customresourcedefinitions' },
  Namespace: { base: '/api/v1', plural: 'namespaces' },
  Node: { base: '/api/v1', plural: 'nodes' },
  ConfigMap: { base: '/api/v1', plural: 'configmaps', namespaced: true },
  Role: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles', namespaced: true },
  RoleBinding: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings', namespaced: true },
};

/**
 * Server-side apply of a list of objects (so a second `up` converges instead of failing). Sent as raw
 * JSON: client-node's KubernetesObjectApi re-serialises objects through its typed models, which drops
 * CRD schema keys such as x-kubernetes-int-or-string and x-kubernetes-preserve-unknown-fields.
 */
async function applyAll(objects, list) {
  const cluster = objects.cluster;
  for (const obj of list) {
    const r = RESOURCES[obj.kind];
    if (!r) throw new Error(`testenv cannot apply kind ${obj.kind}`);
    const ns = r.namespaced ? `/namespaces/${obj.metadata.namespace}` : '';
    const url = `https://127.0.0.1:${PORTS[cluster].apiserver}${r.base}${ns}/${r.plural}/${obj.metadata.name}?fieldManager=kindling-testenv&force=true`;
    const res = await send(url, 'PATCH', JSON.stringify(obj), { 'Content-Type': 'application/apply-patch+yaml' }, adminTls(cluster));
    if (res.status < 200 || res.status >= 300) throw new Error(`apply ${obj.kind} ${obj.metadata.name} on ${cluster}: HTTP ${res.status} ${res.body.slice(0, 2000)}`);
  }
}

function send(url, method, body, headers, tls) {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, timeout: 30_000, ...tls }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function waitCrdsEstablished(k8s, kc, names) {
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  for (const name of names) {
    for (let i = 0; ; i++) {
      const crd = await api.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 300) throw new Error(`CRD ${name} not Established after 60 s`);
      await sleep(200);
    }
  }
}

function workflowControllerConfig(versions) {
  // Metrics on a fixed loopback port (the default :9090 is often taken); no artifact repository.
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    // The controller rejects unknown keys in data, so the version goes in an annotation.
    metadata: { name: 'workflow-controller-configmap', namespace: 'argo', annotations: { 'kindling.dev/argo-workflows-version': versions.argoWorkflows } },
    data: {
      metricsConfig: `enabled: true\nport: ${PORTS.local.argoMetrics}\nsecure: false\n`,
      telemetryConfig: 'enabled: false\n',
      executor: `imagePullPolicy: IfNotPresent\n`,
    },
  };
}

export async function bootstrapLocal({ bins, versions }) {
  const { k8s, kc, objects } = await clientsFor('local');
  const crds = [...crdDocs(bins.argoCrdDir), ...crdDocs(bins.sparkCrdDir), ...crdDocs(bins.kwokCrdDir)];
  await applyAll(objects, crds);
  const ns = (name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await applyAll(objects, [ns('argo'), ns('spark-operator'), workflowControllerConfig(versions)]);
  const nodes = FAKE_NODES.map((name) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    spec: {},
  }));
  await applyAll(objects, nodes);
  await waitCrdsEstablished(k8s, kc, crds.map((c) => c.metadata.name));
}

export async function waitNodesReady(timeoutMs = 60_000) {
  const { k8s, kc } = await clientsFor('local');
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const list = await core.listNode();
    const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready.length >= FAKE_NODES.length) return ready.length;
    await sleep(250);
  }
  throw new Error(`fewer than ${FAKE_NODES.length} KWOK nodes Ready after ${timeoutMs / 1000} s (see ${logFile(runDir(), 'local-kwok')})`);
}

/**
 * Points every fake node's kubelet endpoint at kwok's server (127.0.0.1:<kwok port>), so `pods/log` works.
 * kwok's --node-ip/--node-port set this on new nodes, but its node stages keep an address a node already
 * has, so nodes made before those flags are patched here (idempotent).
 */
export async function pointNodesAtKwok() {
  for (const name of FAKE_NODES) {
    const url = `https://127.0.0.1:${PORTS.local.apiserver}/api/v1/nodes/${name}/status`;
    const patch = { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: PORTS.local.kwok } } } };
    const res = await send(url, 'PATCH', JSON.stringify(patch), { 'Content-Type': 'application/merge-patch+json' }, adminTls('local'));
    if (res.status !== 200) throw new Error(`patch node ${name} status: HTTP ${res.status} ${res.body.slice(0, 500)}`);
  }
}

/** The restricted user's rights on the remote cluster: read-only plus create/patch of Argo workflows, in one namespace. */
function restrictedRbac() {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: RESTRICTED_NAMESPACE } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'kindling-restricted', namespace: RESTRICTED_NAMESPACE },
      rules: [
        { apiGroups: [''], resources: ['pods', 'pods/log', 'configmaps', 'events'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['argoproj.io'], resources: ['workflows', 'workflowtemplates', 'cronworkflows'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
        { apiGroups: ['sparkoperator.k8s.io'], resources: ['sparkapplications', 'scheduledsparkapplications'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['sagemaker.services.k8s.aws'], resources: ['pipelines', 'pipelineexecutions'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'kindling-restricted', namespace: RESTRICTED_NAMESPACE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kindling-restricted' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'kindling-restricted' }],
    },
  ];
}

export async function bootstrapRemote({ bins, sagemakerCrdDir }) {
  const { k8s, kc, objects } = await clientsFor('remote');
  const crds = [...crdDocs(bins.argoCrdDir), ...crdDocs(bins.sparkCrdDir), ...(sagemakerCrdDir ? crdDocs(sagemakerCrdDir) : [])];
  await applyAll(objects, crds);
  await waitCrdsEstablished(k8s, kc, crds.map((c) => c.metadata.name));
  await applyAll(objects, restrictedRbac());
}

export function writeState(state) {
  writeFileSync(join(runDir(), 'state.json'), JSON.stringify(state, null, 2) + '\n');
}

export function readState() {
  const f = join(runDir(), 'state.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
}
