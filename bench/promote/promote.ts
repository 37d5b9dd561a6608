/**
 * bench:promote — the image copy of Promote between two real registries on loopback (Debian's
 * docker-registry: a plain-http "local" one, and a TLS + basic-auth "target" one), and one whole
 * promote with that copy against the test environment's remote control plane (npm run testenv:up).
 * Writes bench-results/promote.json:
 *   imageBytes       size of every blob of the image (config + layers, compressed, as stored)
 *   copyMs           first copy into an empty target repository
 *   secondCopyMs     the same copy again (the manifest is already there: nothing to send)
 *   secondCopyLayers blobs uploaded by the second copy (must be 0)
 *   promoteTotalMs   runPromote of a WorkflowTemplate naming the local image, into a fresh target
 *                    repository: copy + preflight (incl. the HEAD check) + dry-run + apply, on the KWOK
 *                    remote (no kubelet pulls the image there), confirmation answered at once
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyImage } from '../../src/kube/registry';
import { runPromote } from '../../src/kube/promote';
import { connect } from '../../src/kube/runs';
import { getCluster, withNamespace } from '../../test/integration/helpers/testCluster';
import { image, layer, pushPlain, startRegistry } from '../../test/integration/registry/registries';

const MB = 1024 * 1024;
const LAYER_SIZES = (process.env.KINDLING_BENCH_LAYERS_MB ?? '24,12,4,0.01').split(',').map((n) => Math.round(Number(n) * MB));

async function main(): Promise<void> {
  const local = await startRegistry();
  const user = { name: 'bench', password: 'bench-secret' };
  const target = await startRegistry({ tls: true, user });
  try {
    const built = image(LAYER_SIZES.map((size, i) => layer(`layer${i}.bin`, size, `bench-${i}`)));
    await pushPlain(local, 'bench/app', built, 'v1');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-bench-docker-'));
    const dockerConfigFile = path.join(dir, 'config.json');
    writeFileSync(dockerConfigFile, JSON.stringify({ auths: { [target.host]: { auth: Buffer.from(`${user.name}:${user.password}`).toString('base64') } } }));
    const options = { [target.host]: { ca: target.caPem } };
    const source = `${local.host}/bench/app:v1`;

    let t0 = performance.now();
    const first = await copyImage({ source, targetRegistry: target.host, registryOptions: options, dockerConfigFile });
    const copyMs = performance.now() - t0;
    t0 = performance.now();
    const second = await copyImage({ source, targetRegistry: target.host, registryOptions: options, dockerConfigFile });
    const secondCopyMs = performance.now() - t0;

    const remote = getCluster('remote');
    const ns = await withNamespace(remote, 'bench-promote');
    let promoteTotalMs: number;
    try {
      const text = `apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: bench\nspec:\n  entrypoint: main\n  templates:\n    - name: main\n      container:\n        image: ${source}\n`;
      t0 = performance.now();
      const outcome = await runPromote(
        {
          kc: connect({ kubeconfigPath: remote.kubeconfigPath, context: remote.context }),
          text,
          sourcePath: 'bench.yaml',
          namespace: ns.namespace,
          kindlingVersion: 'bench',
          // A fresh repository prefix: the promote copies the whole image again.
          imageTarget: { registry: `${target.host}/promote`, ca: target.caPem, dockerConfigFile },
        },
        { confirm: async () => true },
      );
      promoteTotalMs = performance.now() - t0;
      if (outcome.status !== 'applied') throw new Error(`promote ${outcome.status}`);
    } finally {
      await ns.cleanup();
    }
    const result = {
      imageBytes: first.imageBytes,
      layers: LAYER_SIZES.length,
      copyMs: Math.round(copyMs),
      secondCopyMs: Math.round(secondCopyMs),
      secondCopyLayers: second.blobs.uploaded,
      promoteTotalMs: Math.round(promoteTotalMs),
      promoteTarget: 'KWOK remote control plane of the test environment (no image pull)',
      registries: 'docker-registry (Debian) on loopback: plain http → TLS + htpasswd',
      machine: `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}`.trim(),
      load: os.loadavg().map((l) => Number(l.toFixed(2))),
      date: new Date().toISOString(),
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(path.join('bench-results', 'promote.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await local.stop();
    await target.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
