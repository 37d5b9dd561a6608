// Builds (or reuses) everything the real-container room needs, in our own engine (engine.mjs):
//
//   host binaries  ~/.cache/kindling/testenv/bin/<name>-<version>/ — Go builds on the host, sharing
//                  the Go caches with the KWOK control plane (../lib/build.mjs), then COPYed into
//                  images (no compiler inside `docker build`)
//   images         in the engine's data root, each tagged and labelled with a hash of its recipe
//                  (Dockerfile folder + build args + inputs): present with the same hash = skipped
//
// Every image is a Dockerfile in ./images/<name>/ (the runtime image: examples/Dockerfile) plus
// one `docker build`; this file only prepares contexts and runs the steps in order, timing each.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot, ensureBuilt, run } from '../lib/build.mjs';

const RECIPE_LABEL = 'dev.kindling.testenv.recipe';
const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;

export function kindVersions(repoRoot) {
  const shared = JSON.parse(readFileSync(join(repoRoot, 'testenv', 'versions.json'), 'utf8'));
  const own = JSON.parse(readFileSync(join(repoRoot, 'testenv', 'kind', 'versions.json'), 'utf8'));
  const argo = shared.argoWorkflows;
  return {
    ...shared,
    kind: own.kind,
    crictl: own.crictl,
    debian: own.debian,
    runtimePython: own.runtimePython,
    runtimeGlibc: own.runtimeGlibc,
    baseImage: `kindling-testenv/debian:${own.debian}`,
    nodeBaseImage: `kindling-testenv/node-base:kind-${own.kind}`,
    nodeImage: `${own.images.node}:${shared.kubernetes}`,
    addonImages: {
      workflowController: `${own.images.workflowController}:${argo}`,
      argoexec: `${own.images.argoexec}:${argo}`,
      sparkOperator: `${own.images.sparkOperator}:${shared.sparkOperator.replace(/^v/, '')}`,
      registry: own.images.registry,
    },
    runtimeImage: own.images.runtime,
  };
}

/** Paths of the kind binary and the host binaries, without building anything. */
export function kindPaths(versions, root = cacheRoot()) {
  const bin = join(root, 'bin');
  return {
    root: join(root, 'kind'),
    kindBinDir: join(process.env.KINDLING_CACHE || join(homedir(), '.cache', 'kindling'), 'kind', versions.kind), // scripts/kind-build.sh's folder
    kubeDir: join(bin, `kubernetes-${versions.kubernetes}`),
    nodeBinDir: join(bin, `kubernetes-node-${versions.kubernetes}`),
    kubectl: join(bin, `kubernetes-node-${versions.kubernetes}`, 'kubectl'),
    argoexecDir: join(bin, `argoexec-${versions.argoWorkflows}`),
    crictlDir: join(bin, `crictl-${versions.crictl}`),
  };
}

// ---------------------------------------------------------------------------------------------
// Host binaries

/** Builds `files` into <bin>/<name>/ through <name>.tmp unless all are there. Resolves true when it built. */
async function cachedBinaries(binRoot, name, files, build) {
  const out = join(binRoot, name);
  if (files.every((f) => existsSync(join(out, f)))) return false;
  const tmp = `${out}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await build(tmp);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  return true;
}

function k8sLdflags(version) {
  const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(version) || [];
  const flags = ['-s', '-w'];
  // kubectl reports its client version from client-go, the rest from component-base.
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`);
  }
  return flags.join(' ');
}

async function goModDir(modAtVersion, logStream) {
  const info = JSON.parse(await run('go', ['mod', 'download', '-json', modAtVersion], { logStream }));
  if (info.Error) throw new Error(`go mod download ${modAtVersion}: ${info.Error}`);
  return info.Dir;
}

/** The images `kubeadm init` will look for, as kubeadm itself lists them (no network with an explicit version). */
async function kubeadmImages(nodeBinDir, version) {
  const out = await run(join(nodeBinDir, 'kubeadm'), ['config', 'images', 'list', '--kubernetes-version', version]);
  const images = out.split('\n').map((l) => l.trim()).filter(Boolean);
  const find = (re) => {
    const image = images.find((i) => re.test(i));
    if (!image) throw new Error(`kubeadm config images list printed no ${re}: ${images.join(', ')}`);
    return image;
  };
  return {
    all: images,
    apiserver: find(/\/kube-apiserver:/),
    controllerManager: find(/\/kube-controller-manager:/),
    scheduler: find(/\/kube-scheduler:/),
    proxy: find(/\/kube-proxy:/),
    etcd: find(/\/etcd:/),
    coredns: find(/\/coredns:/),
    pause: find(/\/pause:/),
  };
}

// ---------------------------------------------------------------------------------------------
// Images

function hashTree(hash, dir) {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) hashTree(hash, p);
    else hash.update(`${e}\0`).update(readFileSync(p));
  }
}

/**
 * A hash of what an image is made of: its recipe files, build args and inputs (big inputs by
 * path, size and mtime: a rebuilt binary gets a new mtime).
 */
function recipeHash({ recipeFiles = [], recipeDirs = [], buildArgs = {}, inputs = [], extra }) {
  const hash = createHash('sha256');
  for (const d of recipeDirs) hashTree(hash, d);
  for (const f of recipeFiles) hash.update(readFileSync(f));
  hash.update(JSON.stringify({ buildArgs, extra }));
  for (const p of inputs) {
    const s = statSync(p);
    hash.update(`${p}:${s.size}:${s.mtimeMs}`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Creates the helpers that talk to our engine: docker(args) and imageInfo(tag). */
export function dockerClient({ dockerHost, logStream }) {
  const env = { DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' };
  const docker = (args, opts = {}) => run('docker', args, { env, logStream, ...opts });
  const imageInfo = async (tag) => {
    try {
      const out = await docker(['image', 'inspect', '--format', '{{json .Id}} {{json .Size}} {{json .Config.Labels}}', tag], { logStream: undefined, quiet: true });
      const [id, size, labels] = out.trim().split(' ').map((v) => JSON.parse(v));
      return { id, size, recipe: labels?.[RECIPE_LABEL] ?? '' };
    } catch {
      return undefined;
    }
  };
  return { env, docker, imageInfo };
}

/** Puts `src` (file or folder) at `dest` in a build context: hard links when on the same disk (big binaries and jars cost nothing), else a copy. */
function linkInto(src, dest) {
  try {
    execFileSync('cp', ['-al', src, dest], { stdio: 'ignore' });
  } catch {
    rmSync(dest, { recursive: true, force: true });
    execFileSync('cp', ['-a', src, dest]);
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Makes sure every host binary and image exists; returns what env.mjs hands to tests.
 * `log(line)` prints progress; command output goes to `logStream`.
 */
export async function ensureKindImages({ repoRoot, dockerHost, log, logStream, only }) {
  const versions = kindVersions(repoRoot);
  const root = cacheRoot();
  const binRoot = join(root, 'bin');
  const paths = kindPaths(versions, root);
  const contexts = join(paths.root, 'contexts');
  mkdirSync(contexts, { recursive: true });
  const imagesDir = join(repoRoot, 'testenv', 'kind', 'images');
  const { docker, imageInfo } = dockerClient({ dockerHost, logStream });
  const started = Date.now();
  const timings = [];
  const step = async (label, fn) => {
    const t = Date.now();
    const say = (line) => {
      log(line);
      logStream?.write(`\n[kind build ${new Date().toISOString()}] ${line}\n`); // so build.log shows which step printed what
    };
    say(`${label} …`);
    const result = await fn();
    const ms = Date.now() - t;
    if (result !== 'cached') {
      timings.push({ step: label, ms });
      say(`${label}: done in ${fmt(ms)}`);
    } else say(`${label}: cached`);
    return result;
  };

  /** One image: skip when the tag carries the same recipe hash, else prepare the context and build. */
  const image = (tag, { dir, dockerfile, buildArgs = {}, inputs = [], recipeFiles, extra, context, prepare, during }) =>
    step(`image ${tag}`, async () => {
      const buildArgsResolved = { ...buildArgs };
      // A child is stale when its base was rebuilt: its base's image id is part of its recipe.
      for (const k of ['BASE', 'NODE_BASE']) if (buildArgs[k]) buildArgsResolved[`${k}_ID`] = (await imageInfo(buildArgs[k]))?.id;
      const recipe = recipeHash({ recipeDirs: dir ? [dir] : [], recipeFiles, buildArgs: buildArgsResolved, inputs, extra });
      if ((await imageInfo(tag))?.recipe === recipe) return 'cached';
      let ctx = context;
      if (!ctx) {
        ctx = join(contexts, tag.replace(/[^\w.-]+/g, '_'));
        rmSync(ctx, { recursive: true, force: true });
        mkdirSync(ctx, { recursive: true });
        for (const e of readdirSync(dir)) linkInto(join(dir, e), join(ctx, e));
        await prepare?.(ctx);
      }
      // --network host: RUN steps reach the Debian mirror and PyPI without depending on the bridge's NAT.
      const args = ['build', '--network', 'host', '--label', `${RECIPE_LABEL}=${recipe}`, '-t', tag];
      for (const [k, v] of Object.entries(buildArgs)) args.push('--build-arg', `${k}=${v}`);
      if (dockerfile) args.push('-f', dockerfile);
      // `during` wraps the build (e.g. a wheel server); its build args are not part of the recipe.
      if (during) await during((extraArgs) => docker([...args, ...Object.entries(extraArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]), ctx]));
      else await docker([...args, ctx]);
      if (!context) rmSync(ctx, { recursive: true, force: true });
    });

  // Two lanes at once: Go compiles (CPU, one after another, both cores each) beside the images that
  // need no host binary (network: debootstrap, apt, pip). The rest of the images follow.
  const BASE = versions.baseImage;
  let bins;
  let kubeadm;
  const binariesLane = async () => {
    await step('KWOK control-plane binaries, Argo controller, Spark operator, pyspark (../lib/build.mjs)', async () => {
      const wasBuilt = [`kubernetes-${versions.kubernetes}`, `kwok-${versions.kwok}`, `argo-workflows-${versions.argoWorkflows}`, `spark-operator-${versions.sparkOperator}`]
        .every((d) => existsSync(join(binRoot, d))) && existsSync(join(root, `pyspark-${versions.pyspark}`, 'venv', '.complete'));
      bins = await ensureBuilt({ versions, repoRoot, log: (l) => log(`  ${l}`), logStream });
      return wasBuilt ? 'cached' : undefined;
    });
    const kubeModule = join(repoRoot, 'testenv', 'go', 'kube');
    const nodeFiles = ['kubeadm', 'kubelet', 'kubectl', 'kube-proxy'];
    await step(`kubeadm, kubelet, kubectl, kube-proxy ${versions.kubernetes} (wrapper module testenv/go/kube)`, async () => {
      const built = await cachedBinaries(binRoot, `kubernetes-node-${versions.kubernetes}`, nodeFiles, (out) =>
        run('go', ['build', '-trimpath', '-buildvcs=false', '-ldflags', k8sLdflags(versions.kubernetes), '-o', `${out}/`, ...nodeFiles.map((f) => `k8s.io/kubernetes/cmd/${f}`)], { cwd: kubeModule, logStream }),
      );
      return built ? undefined : 'cached';
    });
    kubeadm = await kubeadmImages(paths.nodeBinDir, versions.kubernetes);
    const corednsVersion = kubeadm.coredns.split(':').pop();
    const pauseVersion = kubeadm.pause.split(':').pop();
    await step(`argoexec ${versions.argoWorkflows} (static)`, async () => {
      const argoDir = join(root, 'work', `argo-workflows-${versions.argoWorkflows}`); // ensureBuilt's writable module copy
      // In Argo's repository workflow/executor/os-specific/signal_linux.go is a symlink to
      // signal_darwin.go; module zips leave symlinks out, so the Linux build misses Setpgid & co.
      const signal = join(argoDir, 'workflow', 'executor', 'os-specific');
      if (!existsSync(join(signal, 'signal_linux.go'))) copyFileSync(join(signal, 'signal_darwin.go'), join(signal, 'signal_linux.go'));
      const built = await cachedBinaries(binRoot, `argoexec-${versions.argoWorkflows}`, ['argoexec'], (out) =>
        run('go', ['build', '-trimpath', '-buildvcs=false', '-ldflags', `-s -w -X github.com/argoproj/argo-workflows/v3.version=${versions.argoWorkflows}`, '-o', join(out, 'argoexec'), './cmd/argoexec'], { cwd: argoDir, logStream, env: { CGO_ENABLED: '0' } }),
      );
      return built ? undefined : 'cached';
    });
    await step(`coredns ${corednsVersion}`, async () => {
      const built = await cachedBinaries(binRoot, `coredns-${corednsVersion}`, ['coredns'], (out) =>
        run('go', ['install', '-trimpath', '-ldflags', '-s -w', `github.com/coredns/coredns@${corednsVersion}`], { logStream, env: { GOBIN: out } }),
      );
      return built ? undefined : 'cached';
    });
    await step(`crictl ${versions.crictl}`, async () => {
      const built = await cachedBinaries(binRoot, `crictl-${versions.crictl}`, ['crictl'], (out) =>
        run('go', ['install', '-trimpath', '-ldflags', `-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=${versions.crictl}`, `sigs.k8s.io/cri-tools/cmd/crictl@${versions.crictl}`], { logStream, env: { GOBIN: out, CGO_ENABLED: '0' } }),
      );
      return built ? undefined : 'cached';
    });
    await step(`pause ${pauseVersion} (kubernetes' build/pause/linux/pause.c, gcc -static)`, async () => {
      const built = await cachedBinaries(binRoot, `pause-${pauseVersion}`, ['pause'], async (out) => {
        const src = join(await goModDir(`k8s.io/kubernetes@${versions.kubernetes}`, logStream), 'build', 'pause', 'linux', 'pause.c');
        await run('gcc', ['-Os', '-static', `-DVERSION=${pauseVersion}`, '-o', join(out, 'pause'), src], { logStream });
      });
      return built ? undefined : 'cached';
    });
    await step(`kind ${versions.kind} (scripts/kind-build.sh)`, async () => {
      if (existsSync(join(paths.kindBinDir, 'kind'))) return 'cached';
      await run('sh', [join(repoRoot, 'scripts', 'kind-build.sh')], { logStream, env: { KIND_VERSION: versions.kind } });
    });
  };
  const imagesLane = async () => {
    await step(`image ${BASE} (debootstrap --variant=minbase ${versions.debian} | docker import)`, async () => {
      if (await imageInfo(BASE)) return 'cached';
      const rootfs = join(paths.root, 'rootfs');
      rmSync(rootfs, { recursive: true, force: true });
      await run('debootstrap', ['--variant=minbase', versions.debian, rootfs, debianMirror()], { logStream });
      // Packages installed later in images bring their own docs; keep apt's lists out of the base.
      rmSync(join(rootfs, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
      mkdirSync(join(rootfs, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });
      await run('sh', ['-c', `tar -C "${rootfs}" -c . | docker import - "${BASE}"`], { logStream, env: { DOCKER_HOST: dockerHost } });
      rmSync(rootfs, { recursive: true, force: true });
    });

    await image(versions.nodeBaseImage, {
      dir: join(imagesDir, 'node-base'),
      buildArgs: { BASE },
      prepare: async (ctx) => linkInto(join(await goModDir(`sigs.k8s.io/kind@${versions.kind}`, logStream), 'images', 'base', 'files'), join(ctx, 'files')),
    });
    await image(versions.addonImages.registry, { dir: join(imagesDir, 'registry'), buildArgs: { BASE } });

    // The example project's runtime image, from its own Dockerfile (as a user would build it). Its
    // pip installs from wheels fetched on the host and served to the build on 127.0.0.1: the build
    // reaches PyPI only through this machine's pip, whose CA bundle trusts the network's TLS proxy
    // (the image's does not), and pyspark's 400 MB come from the host's pip cache. The wheels are
    // chosen for the image's Python and glibc (Debian's), not the host's.
    const examples = join(repoRoot, 'examples');
    const requirements = join(examples, 'requirements.txt');
    const wheels = join(paths.root, 'wheels', createHash('sha256').update(readFileSync(requirements)).update(versions.runtimePython).digest('hex').slice(0, 12));
    await step(`wheels for examples/requirements.txt (host pip, for Python ${versions.runtimePython})`, async () => {
      if (existsSync(join(wheels, '.complete'))) return 'cached';
      rmSync(wheels, { recursive: true, force: true });
      const pip = (args) => run('python3', ['-m', 'pip', ...args, '--disable-pip-version-check', '-q'], { logStream });
      // Requirements published only as source (pyspark) become pure-Python wheels here first.
      await pip(['wheel', '--no-deps', '-r', requirements, '-w', wheels]);
      const [, glibcMinor] = versions.runtimeGlibc.split('.').map(Number);
      const platforms = ['manylinux1_x86_64', 'manylinux2010_x86_64', 'manylinux2014_x86_64'];
      for (let m = 5; m <= glibcMinor; m++) platforms.push(`manylinux_2_${m}_x86_64`);
      // --no-deps above took the host's Python's choice for the top-level packages: drop them, then
      // resolve everything again for the image's interpreter, taking only the source-built wheels.
      for (const f of readdirSync(wheels)) if (!/-none-any\.whl$/.test(f)) rmSync(join(wheels, f));
      await pip(['download', '--only-binary=:all:', '--python-version', versions.runtimePython, ...platforms.flatMap((p) => ['--platform', p]), '--find-links', wheels, '-r', requirements, '-d', wheels]);
      writeFileSync(join(wheels, '.complete'), new Date().toISOString() + '\n');
    });
    await image(versions.runtimeImage, {
      context: examples,
      dockerfile: join(examples, 'Dockerfile'),
      recipeFiles: ['Dockerfile', 'requirements.txt', join('image', 'entrypoint.sh')].map((f) => join(examples, f)),
      buildArgs: { BASE },
      during: async (build) => {
        const server = await serveFolder(wheels);
        try {
          await build({ PIP_FIND_LINKS: server.url, PIP_NO_INDEX: '1' });
        } finally {
          await server.close();
        }
      },
    });
  };
  // `only`: 'binaries' or 'base-images' runs one lane (to build one part by hand).
  await Promise.all([only === 'base-images' ? undefined : binariesLane(), only === 'binaries' ? undefined : imagesLane()]);
  if (only) return { versions, paths, timings };
  const corednsVersion = kubeadm.coredns.split(':').pop();
  const pauseVersion = kubeadm.pause.split(':').pop();

  // Kubernetes' own images, tagged with the names kubeadm asks for.
  const k8sBinaryImage = (tag, binary, from) =>
    image(tag, {
      dir: join(imagesDir, 'k8s-binary'),
      buildArgs: { BASE, BINARY: binary },
      inputs: [join(from, binary)],
      prepare: (ctx) => linkInto(join(from, binary), join(ctx, binary)),
    });
  await k8sBinaryImage(kubeadm.apiserver, 'kube-apiserver', bins.kubeDir);
  await k8sBinaryImage(kubeadm.controllerManager, 'kube-controller-manager', bins.kubeDir);
  await k8sBinaryImage(kubeadm.scheduler, 'kube-scheduler', bins.kubeDir);
  // The etcd binary is the version Kubernetes' go.mod requires (../versions.json "etcd"); the tag is
  // the one kubeadm asks for, which may name a newer patch release.
  await k8sBinaryImage(kubeadm.etcd, 'etcd', bins.kubeDir);
  const withBinary = (name, from, file = name) => ({
    dir: join(imagesDir, name),
    buildArgs: { BASE },
    inputs: [join(from, file)],
    prepare: (ctx) => linkInto(join(from, file), join(ctx, file)),
  });
  await image(kubeadm.proxy, withBinary('kube-proxy', paths.nodeBinDir));
  await image(kubeadm.coredns, withBinary('coredns', join(binRoot, `coredns-${corednsVersion}`)));
  await image(kubeadm.pause, { ...withBinary('pause', join(binRoot, `pause-${pauseVersion}`)), buildArgs: {} });

  // The node carries the control-plane images as a tarball: their ids are part of its recipe.
  const controlPlaneIds = await Promise.all(kubeadm.all.map(async (t) => (await imageInfo(t))?.id));
  const nodeBins = [...['kubeadm', 'kubelet', 'kubectl'].map((f) => join(paths.nodeBinDir, f)), join(paths.crictlDir, 'crictl')];
  await image(versions.nodeImage, {
    dir: join(imagesDir, 'node'),
    buildArgs: { NODE_BASE: versions.nodeBaseImage, KUBERNETES_VERSION: versions.kubernetes },
    inputs: nodeBins,
    extra: controlPlaneIds,
    prepare: async (ctx) => {
      mkdirSync(join(ctx, 'bin'));
      for (const b of nodeBins) linkInto(b, join(ctx, 'bin', b.split('/').pop()));
      mkdirSync(join(ctx, 'images'));
      await docker(['save', '-o', join(ctx, 'images', 'kubernetes.tar'), ...kubeadm.all]);
    },
  });

  // The add-ons' images, tagged exactly as the product's manifests name them.
  await image(versions.addonImages.workflowController, withBinary('workflow-controller', join(binRoot, `argo-workflows-${versions.argoWorkflows}`)));
  await image(versions.addonImages.argoexec, withBinary('argoexec', paths.argoexecDir));
  await image(versions.addonImages.sparkOperator, {
    dir: join(imagesDir, 'spark-operator'),
    buildArgs: { BASE },
    inputs: [bins.sparkOperator, join(bins.sparkHome, 'bin', 'spark-submit')],
    prepare: (ctx) => {
      linkInto(bins.sparkOperator, join(ctx, 'spark-operator'));
      // spark-submit needs Spark's launch scripts and jars, not pyspark's Python half.
      mkdirSync(join(ctx, 'spark'));
      for (const d of ['bin', 'jars']) linkInto(join(bins.sparkHome, d), join(ctx, 'spark', d));
    },
  });

  const total = Date.now() - started;
  if (timings.length) {
    // A rebuilt image leaves its previous version untagged: drop those, they only take disk.
    await docker(['image', 'prune', '--force']);
    log(`kind room build finished in ${fmt(total)}`);
  }
  return { versions, paths, timings, totalMs: total, kubeadmImages: kubeadm.all };
}

/** Serves the files of `dir` on 127.0.0.1 with an HTML index (a pip --find-links page). */
async function serveFolder(dir) {
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url || '/').split('?')[0]).replace(/^\/+/, '');
    if (!name) {
      const links = readdirSync(dir).filter((f) => !f.startsWith('.')).map((f) => `<a href="${encodeURIComponent(f)}">${f}</a>`);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><html><body>\n${links.join('<br>\n')}\n</body></html>\n`);
    } else if (name.includes('/') || name.startsWith('.') || !existsSync(join(dir, name))) {
      res.writeHead(404);
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(join(dir, name)).size });
      createReadStream(join(dir, name)).pipe(res);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The Debian mirror this machine's apt uses (debootstrap needs one). */
function debianMirror() {
  for (const f of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(f)) continue;
    const text = readFileSync(f, 'utf8');
    const m = /^URIs:\s*(\S+)/m.exec(text) || /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+\s+main/m.exec(text);
    if (m) return m[1];
  }
  return 'http://deb.debian.org/debian';
}
