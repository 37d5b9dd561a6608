// PySpark as a SparkApplication through the real Spark operator on the shared Kindling cluster: a
// real driver pod and two executor pods that run tasks, the workspace mount reaching all of them
// (the operator gets Spark pod templates, no webhook), and the job's result in the driver's log.
import { CoreV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { summarizePods } from '../../../src/core/component';
import { kindlingCluster, type KindlingCluster } from '../helpers/kindlingCluster';
import { loadTestConfig, makeProject, runFile, testProjectConfig } from '../helpers/runFile';

let cluster: KindlingCluster;
let project: string;
let configText: string;

// Each task runs on an executor and reads the data file through the workspace mount of its own pod.
const JOB = `from pyspark.sql import SparkSession
import socket
print("user code started", flush=True)
spark = SparkSession.builder.appName("kindling-kind-pyspark").getOrCreate()
sc = spark.sparkContext

def count_clicks(part):
    import socket
    with open("/workspace/data/clicks.csv") as f:
        rows = [line.rstrip("\\n").split(",") for line in f][1:]
    for i in part:
        yield (socket.gethostname(), sum(int(r[3]) for r in rows[i::4]))

results = sc.parallelize(range(4), 4).mapPartitions(count_clicks).collect()
hosts = sorted({h for h, _ in results})
print(f"executor hosts: {','.join(hosts)}", flush=True)
print(f"total clicks: {sum(c for _, c in results)}", flush=True)
print(f"driver host: {socket.gethostname()}", flush=True)
spark.stop()
`;

describe('PySpark as a SparkApplication on the Kindling kind cluster', () => {
  before(async () => {
    cluster = await kindlingCluster();
    configText = testProjectConfig(cluster.kind.runtimeImage);
    project = makeProject(cluster, `pyspark-${randomBytes(3).toString('hex')}`, configText);
  });

  test('a driver and two executors run; tasks on both executors read the workspace; the result is in the log', async () => {
    const file = path.join(project, 'clicks_spark.py');
    writeFileSync(file, JOB);
    const clicks = readFileSync(path.join(project, 'data', 'clicks.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .reduce((sum, line) => sum + Number(line.split(',')[3]), 0);
    const executorsSeen = new Set<string>();
    const run = await runFile(cluster, file, loadTestConfig(project, configText), { timeoutMs: 300_000 });
    for (const pod of run.pods.values()) if (pod.containers.includes('spark-kubernetes-executor')) executorsSeen.add(pod.name);
    const describe = `${run.final.status.phase} ${run.final.status.raw}: ${run.final.status.message}\n${run.output}\n${run.notes.join('\n')}`;
    assert.equal(run.manifests.ref.kind, 'SparkApplication');
    assert.equal(run.final.status.phase, 'Succeeded', describe);
    assert.equal(run.final.status.raw, 'COMPLETED');
    assert.match(run.output, /^user code started$/m);
    assert.match(run.output, new RegExp(`^total clicks: ${clicks}$`, 'm'), describe);
    // Two executor pods, both seen by the watch (the Runs view's driver/executor states), both ran tasks.
    assert.equal(executorsSeen.size, 2, [...run.pods.keys()].join(', '));
    const hosts = /^executor hosts: (.*)$/m.exec(run.output)?.[1]?.split(',') ?? [];
    assert.equal(hosts.length, 2, `tasks ran on ${hosts.join(', ')}`);
    for (const h of hosts) assert.ok([...executorsSeen].some((p) => p === h || p.startsWith(h) || h.startsWith(p.slice(0, 50))), `${h} is one of the executor pods ${[...executorsSeen].join(', ')}`);
    // What the Runs view shows for it: the driver and both executors. How each executor ends is
    // Spark's race, not the job's: the driver stops them when the application ends, and one that is
    // deleted before it exits by itself ends Failed (seen in a CI run: "executors 1 Succeeded, 1 Failed").
    assert.match(summarizePods([...run.pods.values()]) ?? '', /^driver Succeeded · executors (2 \w+|1 \w+, 1 \w+)$/);
    console.log(`[loop] pyspark executors ended: ${[...run.pods.values()].filter((p) => executorsSeen.has(p.name)).map((p) => `${p.name} ${p.phase}${p.reason ? ` (${p.reason})` : ''}`).join('; ')}`);
    const driver = [...run.pods.values()].find((p) => p.containers.includes('spark-kubernetes-driver'));
    assert.ok(driver, 'a driver pod');
    assert.equal(driver.phase, 'Succeeded');
    // The workspace mount reached the driver and the executors through the pod templates.
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const driverPod = await core.readNamespacedPod({ name: driver.name, namespace: run.manifests.namespace });
    assert.ok(driverPod.spec?.volumes?.some((v) => v.hostPath?.path.startsWith(cluster.nodeWorkspacePath)), JSON.stringify(driverPod.spec?.volumes));
    console.log(`[loop] pyspark: first user line ${(run.lines.find((l) => /user code started/.test(l.text))?.at ?? 0) - run.invokedAt} ms after the call; done ${(run.final.timings.finishedAt ?? 0) - run.invokedAt} ms`);
  });
});
