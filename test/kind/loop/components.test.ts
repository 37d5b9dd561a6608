// The loop on real containers: files run as components on the shared Kindling kind cluster through
// Kindling's own src/kube + src/core code (prepareComponent → startComponent → RunLogFollower), on
// the example runtime image (localhost:5001/ml-pipelines), with the workspace mounted from the host.
// Every expected figure is computed here from the data itself, never taken from the run.
import { CoreV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { Annotations, failureTail, type ResourceRef } from '../../../src/core/component';
import { buildImage, resolveImageDigest } from '../../../src/kube/images';
import { cancelRun, listRuns } from '../../../src/kube/runs';
import { kindlingCluster, type KindlingCluster } from '../helpers/kindlingCluster';
import { loadTestConfig, makeProject, runFile, testProjectConfig, type RunRecord } from '../helpers/runFile';

let cluster: KindlingCluster;
let project: string;
let configText: string;

/** prepare_features.py's figures, from clicks.csv read here. */
function expectedFeatures(csvText: string, minEvents: number): { kept: number; skipped: number; ctr: Map<string, number> } {
  const [header, ...rows] = csvText.trim().split('\n');
  const cols = header.split(',');
  const per = new Map<string, number[]>();
  for (const row of rows) {
    const cells = row.split(',');
    const user = cells[cols.indexOf('user_id')];
    const list = per.get(user) ?? [];
    list.push(Number(cells[cols.indexOf('clicked')]));
    per.set(user, list);
  }
  const ctr = new Map<string, number>();
  for (const [user, clicks] of per) if (clicks.length >= minEvents) ctr.set(user, clicks.reduce((a, b) => a + b, 0) / clicks.length);
  return { kept: ctr.size, skipped: per.size - ctr.size, ctr };
}

/**
 * The image the run's main container was created from, as the API server has it: the pod spec's
 * reference and the kubelet's imageID. An image only preloaded with kind load has no registry digest
 * in containerd, so its imageID is containerd's import name; one pulled from the registry has repo@digest.
 */
async function podImage(run: RunRecord): Promise<{ spec: string; imageID: string }> {
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace: run.manifests.namespace, labelSelector: `kindling.dev/run=${run.manifests.runName}` });
  const pod = pods.items.find((p) => p.spec?.containers.some((c) => c.name === 'main'));
  return {
    spec: pod?.spec?.containers.find((c) => c.name === 'main')?.image ?? '',
    imageID: pod?.status?.containerStatuses?.find((c) => c.name === 'main')?.imageID ?? '',
  };
}

function describeRun(run: RunRecord): string {
  return `${run.final.status.phase}: ${run.final.status.message ?? ''}\n--- output ---\n${run.output}\n--- notes ---\n${run.notes.join('\n')}`;
}

describe('Run as Component on the Kindling kind cluster', () => {
  before(async () => {
    cluster = await kindlingCluster();
    configText = testProjectConfig(cluster.kind.runtimeImage);
    project = makeProject(cluster, `components-${randomBytes(3).toString('hex')}`, configText);
  });

  let firstDigest = '';

  test('prepare_features.py runs on the runtime image over the example data: the figures it prints and writes are the ones computed here', async () => {
    const config = loadTestConfig(project, configText);
    const run = await runFile(cluster, path.join(project, 'prepare_features.py'), config, {
      args: ['--input', '/workspace/data/clicks.csv', '--output', '/workspace/data/features.csv', '--min-events', '3'],
    });
    assert.equal(run.final.status.phase, 'Succeeded', describeRun(run));
    const want = expectedFeatures(readFileSync(path.join(project, 'data', 'clicks.csv'), 'utf8'), 3);
    assert.ok(want.kept > 10 && want.skipped > 5, 'the data has both kept and skipped users');
    assert.match(run.output, new RegExp(`^wrote ${want.kept} users to /workspace/data/features.csv \\(skipped ${want.skipped} with < 3 events\\)$`, 'm'));
    // Written through the hostPath mount into the host's workspace.
    const features = readFileSync(path.join(project, 'data', 'features.csv'), 'utf8').trim().split('\n');
    assert.equal(features.length, want.kept + 1);
    for (const line of features.slice(1)) {
      const [user, , ctr] = line.split(',');
      assert.ok(Math.abs(Number(ctr) - (want.ctr.get(user) ?? NaN)) < 5e-5, `${user}: ${ctr} vs ${want.ctr.get(user)}`);
    }
    // Provenance: the digest the registry serves for the tag, and the pod really ran on it.
    const registryDigest = await resolveImageDigest(cluster.kind.runtimeImage);
    const annotations = run.manifests.resource.metadata.annotations;
    assert.equal(annotations[Annotations.imageDigest], registryDigest);
    assert.equal((await podImage(run)).spec, `${cluster.kind.runtimeImage}@${registryDigest}`);
    firstDigest = registryDigest;
    console.log(`[loop] prepare_features: first line ${run.firstLineAt ? run.firstLineAt - run.invokedAt : '?'} ms after the call, finished ${run.final.timings.finishedAt! - run.invokedAt} ms`);
  });

  test('lines stream while the pod runs: a script printing one line a second delivers its first line seconds before it ends', async () => {
    const file = path.join(project, 'ticker.py');
    writeFileSync(file, 'import time\nfor i in range(6):\n    print(f"tick {i}", flush=True)\n    time.sleep(1)\n');
    const config = loadTestConfig(project, configText);
    const run = await runFile(cluster, file, config);
    assert.equal(run.final.status.phase, 'Succeeded', describeRun(run));
    const ticks = run.lines.filter((l) => /^tick \d/.test(l.text));
    assert.deepEqual(
      ticks.map((l) => l.text.trim()),
      ['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5'],
    );
    const finished = run.final.timings.finishedAt ?? 0;
    assert.ok(finished - ticks[0].at >= 3000, `first tick ${finished - ticks[0].at} ms before the end`);
    // And each arrived about a second after the previous one, not in one burst.
    assert.ok(ticks[5].at - ticks[0].at >= 3500, `ticks spread over ${ticks[5].at - ticks[0].at} ms`);
  });

  test('edit the file, run again: the new code runs, on the same image digest (no rebuild)', async () => {
    const file = path.join(project, 'prepare_features.py');
    const token = randomBytes(4).toString('hex');
    writeFileSync(file, readFileSync(file, 'utf8').replace('def main() -> None:\n', `def main() -> None:\n    print("edited ${token}")\n`));
    const config = loadTestConfig(project, configText);
    const run = await runFile(cluster, file, config, { args: ['--input', '/workspace/data/clicks.csv', '--output', '/tmp/f.csv'] });
    assert.equal(run.final.status.phase, 'Succeeded', describeRun(run));
    assert.match(run.output, new RegExp(`^edited ${token}$`, 'm'));
    assert.equal(run.manifests.resource.metadata.annotations[Annotations.imageDigest], firstDigest);
    assert.equal((await podImage(run)).spec, `${cluster.kind.runtimeImage}@${firstDigest}`);
  });

  test('as a bare Pod (runAs pod): same output and provenance, the pod is the run, cancel deletes it', async () => {
    const config = loadTestConfig(project, configText);
    const file = path.join(project, 'ticker.py');
    const run = await runFile(cluster, file, config, { runAs: 'pod' });
    assert.equal(run.final.status.phase, 'Succeeded', describeRun(run));
    assert.equal(run.manifests.ref.kind, 'Pod');
    assert.match(run.output, /^tick 5$/m);
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const pod = await core.readNamespacedPod({ name: run.manifests.runName, namespace: run.manifests.namespace });
    assert.equal(pod.metadata?.annotations?.[Annotations.imageDigest], firstDigest);
    assert.equal(pod.metadata?.annotations?.[Annotations.sourcePath], path.relative(cluster.workspace, file));
    const listed = await listRuns(cluster.kc, run.manifests.namespace);
    assert.ok(listed.some((r) => r.ref.kind === 'Pod' && r.ref.name === run.manifests.runName && r.status.phase === 'Succeeded'), 'the Runs view lists it');
    assert.ok(!listed.some((r) => r.ref.kind === 'Pod' && r.ref.name !== r.labels['kindling.dev/run']), 'Argo\'s pods are not listed as runs');

    // Cancel while it runs: the pod goes, the run ends (as the Runs view's Cancel does).
    const long = path.join(project, 'long_cancel.py');
    writeFileSync(long, 'import time\nfor i in range(300):\n    print(i, flush=True)\n    time.sleep(1)\n');
    let ref: ResourceRef | undefined;
    let cancelled: Promise<string> | undefined;
    const t0 = Date.now();
    const stopped = await runFile(cluster, long, config, {
      runAs: 'pod',
      onManifests: (m) => (ref = m.ref),
      onLine: (text) => {
        if (!cancelled && ref && text.trim() === '1') cancelled = cancelRun(cluster.kc, ref);
      },
    });
    assert.equal(await cancelled, 'deleted');
    assert.notEqual(stopped.final.status.phase, 'Succeeded');
    assert.ok(Date.now() - t0 < 60_000, 'ended soon after the cancel');
    await assert.rejects(core.readNamespacedPod({ name: stopped.manifests.runName, namespace: stopped.manifests.namespace }).then(async (p) => {
      // Deleted with a short grace period: it may still be terminating for a moment.
      if (p.metadata?.deletionTimestamp) throw new Error('terminating');
      return p;
    }));
  });

  test('a .sh runs with its arguments; its non-zero exit fails the run with the script\'s words', async () => {
    const model = path.join(project, 'model', 'metrics');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(model, { recursive: true });
    writeFileSync(path.join(model, 'auc'), '0.81\n');
    const config = loadTestConfig(project, configText);
    const pass = await runFile(cluster, path.join(project, 'evaluate.sh'), config, { args: ['/workspace/model', '0.75'] });
    assert.equal(pass.final.status.phase, 'Succeeded', describeRun(pass));
    assert.match(pass.output, /^evaluating \/workspace\/model \(threshold AUC 0\.75\)$/m);
    assert.match(pass.output, /^PASS: AUC 0\.81 >= 0\.75$/m);
    const fail = await runFile(cluster, path.join(project, 'evaluate.sh'), config, { args: ['/workspace/model', '0.9'] });
    assert.equal(fail.final.status.phase, 'Failed', describeRun(fail));
    assert.match(fail.output, /^FAIL: AUC 0\.81 < 0\.9$/m);
    assert.match(fail.final.status.message ?? '', /exit code 1/);
  });

  test('a notebook runs through papermill: <name>.out.ipynb next to it with real outputs and the parameters applied', async () => {
    const want = expectedFeatures(readFileSync(path.join(project, 'data', 'clicks.csv'), 'utf8'), 3);
    const meanCtr = [...want.ctr.values()].map((v) => Number(v.toFixed(4))).reduce((a, b) => a + b, 0) / want.kept;
    const config = loadTestConfig(project, configText);
    const run = await runFile(cluster, path.join(project, 'features.ipynb'), config, { parameters: { input_path: '/workspace/data/features.csv', sample_rows: '2' } });
    assert.equal(run.final.status.phase, 'Succeeded', describeRun(run));
    const outPath = path.join(project, 'features.out.ipynb');
    assert.ok(existsSync(outPath), 'features.out.ipynb written next to the notebook');
    const nb = JSON.parse(readFileSync(outPath, 'utf8')) as { cells: { source: string[] | string; outputs?: { text?: string[] | string; data?: Record<string, unknown> }[] }[] };
    const text = nb.cells.flatMap((c) => c.outputs ?? []).map((o) => [o.text ?? ''].flat().join('')).join('');
    assert.match(text, new RegExp(`^${want.kept} rows from /workspace/data/features.csv$`, 'm'));
    assert.match(text, new RegExp(`^mean CTR ${meanCtr.toFixed(4)}$`, 'm'));
    // papermill's injected-parameters cell carries what was passed.
    const injected = nb.cells.map((c) => [c.source].flat().join('')).find((s) => s.includes('sample_rows = 2'));
    assert.ok(injected, 'the parameters cell papermill injected');
  });

  test('a failing notebook cell: the run Failed with the cell\'s traceback in the log, the partial output notebook still written', async () => {
    const file = path.join(project, 'broken.ipynb');
    const cell = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
    writeFileSync(
      file,
      JSON.stringify({
        cells: [cell('print("before the failure")'), cell('raise ValueError("bad feature column 7")'), cell('print("never")')],
        metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
        nbformat: 4,
        nbformat_minor: 5,
      }),
    );
    const config = loadTestConfig(project, configText);
    const run = await runFile(cluster, file, config);
    assert.equal(run.final.status.phase, 'Failed', describeRun(run));
    assert.match(run.output, /ValueError: bad feature column 7/);
    assert.match(failureTail(run.output), /ValueError.*bad feature column 7/);
    const out = JSON.parse(readFileSync(path.join(project, 'broken.out.ipynb'), 'utf8')) as { cells: { outputs?: { text?: string[]; ename?: string; evalue?: string }[] }[] };
    const outputs = out.cells.flatMap((c) => c.outputs ?? []);
    assert.ok(outputs.some((o) => [o.text ?? ''].flat().join('').includes('before the failure')), 'the first cell ran');
    assert.ok(outputs.some((o) => o.ename === 'ValueError' && o.evalue === 'bad feature column 7'), 'the error is in the partial output');
  });

  test('a script that raises: Failed, with its traceback as the tail of the log', async () => {
    const file = path.join(project, 'raises.py');
    writeFileSync(file, 'print("loading 3 rows")\nrows = []\nprint(sum(rows) / len(rows))\n');
    const run = await runFile(cluster, file, loadTestConfig(project, configText));
    assert.equal(run.final.status.phase, 'Failed', describeRun(run));
    const tail = failureTail(run.output);
    assert.match(tail, /^Traceback \(most recent call last\):/);
    assert.match(tail, /File "\/workspace\/raises\.py", line 3/);
    assert.match(tail, /ZeroDivisionError: division by zero$/);
  });

  test('an image that is not in the registry: the run fails within a minute, naming the image and how to build and push it', async () => {
    const missing = `${cluster.registry}/ml-pipelines:missing-${randomBytes(3).toString('hex')}`;
    const text = testProjectConfig(missing);
    const file = path.join(project, 'ticker.py');
    const started = Date.now();
    const run = await runFile(cluster, file, loadTestConfig(project, text), { timeoutMs: 120_000 });
    assert.equal(run.final.status.phase, 'Failed', describeRun(run));
    assert.ok(Date.now() - started < 90_000, `ended after ${Date.now() - started} ms`);
    assert.match(run.final.status.raw ?? '', /ImagePullBackOff|ErrImagePull/);
    assert.ok(run.final.status.message?.includes(`Image ${missing} could not be pulled`), run.final.status.message);
    assert.match(run.final.status.message ?? '', /Kindling: Build Image/);
    assert.ok(run.final.status.message?.includes(`docker push ${missing}`));
  });

  test('over its memory limit: OOMKilled shown as such, with the limit', async () => {
    const text = testProjectConfig(cluster.kind.runtimeImage, { resources: { limits: { memory: '96Mi' } } });
    const file = path.join(project, 'hog.py');
    writeFileSync(file, 'print("allocating", flush=True)\nblocks = [bytearray(16 * 1024 * 1024) for _ in range(64)]\nprint(len(blocks))\n');
    const run = await runFile(cluster, file, loadTestConfig(project, text));
    assert.equal(run.final.status.phase, 'Failed', describeRun(run));
    assert.match(run.final.status.message ?? '', /OOMKilled: container main used more memory than its limit \(96Mi\)/);
  });

  test('Build Image: docker build + push; the next run uses the new image and records the digest the registry serves', async () => {
    const image = `${cluster.registry}/kindling-test/project:${randomBytes(3).toString('hex')}`;
    const dir = path.join(project, 'built');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    // A project image on top of the runtime image: requirements.txt is baked in, as a user's Dockerfile would.
    writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${cluster.kind.runtimeImage}\nCOPY requirements.txt /opt/project-requirements.txt\n`);
    writeFileSync(path.join(dir, 'show.py'), 'print(open("/opt/project-requirements.txt").read().strip())\n');
    const text = testProjectConfig(image);
    writeFileSync(path.join(dir, 'kindling.yaml'), text);
    const digests: string[] = [];
    for (const version of ['pandas==2.2.3', 'pandas==2.2.3\nscikit-learn==1.6.1']) {
      writeFileSync(path.join(dir, 'requirements.txt'), `${version}\n`);
      const lines: string[] = [];
      const built = await buildImage({ image, contextDir: dir, env: { ...cluster.env, DOCKER_BUILDKIT: '0' }, onLine: (l) => lines.push(l) });
      assert.match(built.digest, /^sha256:[a-f0-9]{64}$/);
      assert.ok(lines.some((l) => /^Step \d\/2 : COPY requirements.txt/.test(l)), lines.join('\n'));
      // Independently of Kindling: docker's own record of the pushed digest.
      const repoDigests = await cluster.docker('image', 'inspect', '--format', '{{json .RepoDigests}}', image);
      assert.ok((JSON.parse(repoDigests) as string[]).some((d) => d.endsWith(`@${built.digest}`)), repoDigests);
      const run = await runFile(cluster, path.join(dir, 'show.py'), loadTestConfig(dir, text));
      assert.equal(run.final.status.phase, 'Succeeded', describeRun(run));
      assert.equal(run.output.trim(), version, 'the run saw the requirements of this build');
      assert.equal(run.manifests.resource.metadata.annotations[Annotations.imageDigest], built.digest);
      // Pulled from the registry by digest: the kubelet reports exactly that image.
      const ran = await podImage(run);
      assert.equal(ran.spec, `${image}@${built.digest}`);
      assert.match(ran.imageID, new RegExp(`@${built.digest}$`));
      digests.push(built.digest);
    }
    assert.notEqual(digests[0], digests[1]);
  });
});
