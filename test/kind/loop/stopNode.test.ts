// The node container stops while a run streams its log: the run must end saying why, and nothing
// may hang (watches and log streams give up). Afterwards Kindling's Create starts the stopped
// cluster again (a warm restart), so later test files find it running.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { controlPlaneContainerName } from '../../../src/core/cluster/kindConfig';
import { createCluster } from '../../../src/kube/cluster/lifecycle';
import { kindlingCluster, SHARED_CLUSTER, type KindlingCluster } from '../helpers/kindlingCluster';
import { loadTestConfig, makeProject, runFile, testProjectConfig } from '../helpers/runFile';

let cluster: KindlingCluster;
let project: string;

describe('the node container stops during a run', () => {
  before(async () => {
    cluster = await kindlingCluster();
    project = makeProject(cluster, `stop-${randomBytes(3).toString('hex')}`, testProjectConfig(cluster.kind.runtimeImage));
  });

  after(async () => {
    // Leave the shared cluster running for the files after this one.
    if (cluster) await createCluster(cluster.options);
  });

  test('the run ends as Unknown with the lost API server and the node container named, within the watch timeout', async () => {
    const file = path.join(project, 'long.py');
    writeFileSync(file, 'import time\nfor i in range(600):\n    print(f"still working {i}", flush=True)\n    time.sleep(1)\n');
    const node = controlPlaneContainerName(SHARED_CLUSTER);
    let stopping: Promise<string> | undefined;
    const started = Date.now();
    let stoppedAt = 0;
    const run = await runFile(cluster, file, loadTestConfig(project, testProjectConfig(cluster.kind.runtimeImage)), {
      unreachableMs: 15_000,
      timeoutMs: 180_000,
      onLine: (text) => {
        if (!stopping && /still working 2/.test(text)) {
          stopping = cluster.docker('stop', '-t', '2', node).then((out) => {
            stoppedAt = Date.now();
            return out;
          });
        }
      },
    });
    await stopping;
    const endedAt = Date.now();
    assert.ok(stopping, 'the run printed lines before the node was stopped');
    assert.match(run.output, /still working 2/);
    assert.equal(run.final.status.phase, 'Unknown', `${run.final.status.phase}: ${run.final.status.message}`);
    assert.equal(run.final.status.raw, 'Unreachable');
    assert.match(run.final.status.message ?? '', /Lost contact with the cluster: the API server at https:\/\/127\.0\.0\.1:\d+ has not answered for \d+ s/);
    assert.match(run.final.status.message ?? '', /node container may have stopped/);
    // 15 s of failed watches, the log streams' own give-up, and docker stop itself: well under the 180 s guard.
    assert.ok(endedAt - stoppedAt < 75_000, `ended ${endedAt - stoppedAt} ms after the node stopped (run took ${endedAt - started} ms)`);
    console.log(`[loop] node stopped: run ended ${endedAt - stoppedAt} ms after docker stop returned`);
  });
});
