// Node details on real containers: the log of a running Argo step reaches the details text while the
// step still runs (streamed, not read at the end), the text is complete once the step has finished,
// and the feed then settles by itself. Through src/kube/runs (preparePipeline → startPipeline →
// NodeDetailsFeed), on the Kindling kind cluster.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { readWorkflowNodes, workflowRunId } from '../../../src/core/pipelineRun';
import { ensureRunIdentity, NodeDetailsFeed, preparePipeline, runServiceAccounts, startPipeline } from '../../../src/kube/runs';
import { kindlingCluster, type KindlingCluster } from '../helpers/kindlingCluster';
import { loadTestConfig, makeProject, testProjectConfig } from '../helpers/runFile';

let cluster: KindlingCluster;
let project: string;
let configText: string;

describe('Node details on the Kindling kind cluster', () => {
  before(async () => {
    cluster = await kindlingCluster();
    configText = testProjectConfig(cluster.kind.runtimeImage);
    project = makeProject(cluster, `details-${randomBytes(3).toString('hex')}`, configText);
  });

  test('a running step\'s log is streamed into its details while it runs, complete once it ends', async () => {
    const image = cluster.kind.runtimeImage;
    const workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'slow-log-' },
      spec: {
        entrypoint: 'main',
        serviceAccountName: 'kindling-runner',
        templates: [
          { name: 'main', dag: { tasks: [{ name: 'talk', template: 'talk' }] } },
          { name: 'talk', container: { image, command: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do echo "line $i of 8"; sleep 1; done'] } },
        ],
      },
    };
    const file = path.join(project, 'slow-log.yaml');
    writeFileSync(file, stringify(workflow));
    const config = loadTestConfig(project, configText);
    const ids = runServiceAccounts(config);
    await ensureRunIdentity(cluster.kc, ids.namespace, ids.serviceAccounts);
    const manifests = await preparePipeline({ filePath: file, workspaceRoot: cluster.workspace, config, kindlingVersion: 'kind-tier' });

    // The details are opened as soon as the step's pod runs, as a user clicking the running node would.
    let talkId: string | undefined;
    let resolveRunning: () => void = () => undefined;
    const running = new Promise<void>((r) => (resolveRunning = r));
    const started = await startPipeline(cluster.kc, manifests, {
      onObject: (o) => {
        const talk = Object.values(readWorkflowNodes(o).nodes ?? {}).find((n) => n.displayName === 'talk');
        if (talk?.phase === 'Running') {
          talkId = talk.id;
          resolveRunning();
        }
      },
    });
    const timer = setTimeout(() => started.watch.stop(), 300_000);
    await Promise.race([running, started.watch.done]);
    assert.ok(talkId, 'the step was seen running');

    const texts: { at: number; lines: number; running: boolean }[] = [];
    const feed = new NodeDetailsFeed(cluster.kc, workflowRunId(manifests.namespace, manifests.ref.name), talkId, (text) => {
      texts.push({ at: Date.now(), lines: (text.match(/^line \d of 8$/gm) ?? []).length, running: /\| Phase \| Running \|/.test(text) });
    }, { pollMs: 1000 });
    try {
      await feed.start();
      await Promise.race([feed.settled(), new Promise((_, reject) => setTimeout(() => reject(new Error(`the details did not settle in 120 s:\n${feed.text()}`)), 120_000))]);
      const final = feed.text();
      assert.equal((final.match(/^line \d of 8$/gm) ?? []).length, 8, final);
      assert.match(final, /\| Phase \| Succeeded \|/);
      // Streamed: some text showed part of the log while the step was still running.
      const partial = texts.filter((t) => t.lines > 0 && t.lines < 8);
      assert.ok(partial.length > 0, `a partial log reached the editor: ${JSON.stringify(texts)}`);
      assert.ok(texts.some((t) => t.running && t.lines > 0), `lines arrived while the phase said Running: ${JSON.stringify(texts)}`);
    } finally {
      feed.stop();
      clearTimeout(timer);
      started.watch.stop();
    }
    const done = await started.watch.done;
    assert.equal(done.status.phase, 'Succeeded');
  });
});
