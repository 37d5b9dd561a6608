/**
 * bench:loop -- --kind: the loop users feel, on the real Kindling kind cluster (test/kind's shared
 * cluster: Kindling's createCluster on the test environment's engine, runtime image on the node).
 * Each sample goes through the extension's own calls (prepareComponent → startComponent →
 * RunLogFollower) and is timed from "command invoked" to the first line the user's code printed.
 * Also: edit → first line of the edited code, PySpark (SparkApplication) → first user line, notebook
 * → done, and, for the Workflow-vs-Pod decision, the same script as a one-step Argo Workflow.
 * Writes bench-results/loop-kind.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations } from '../../src/core/component';
import { kindlingCluster } from '../../test/kind/helpers/kindlingCluster';
import { loadTestConfig, makeProject, runFile, testProjectConfig, type RunRecord } from '../../test/kind/helpers/runFile';

const RUNS = Math.max(10, Number(process.env.KINDLING_BENCH_RUNS ?? 10));
const SPARK_RUNS = Math.max(1, Number(process.env.KINDLING_BENCH_SPARK_RUNS ?? 10));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}
const p50 = (v: number[]): number => percentile(v, 50);

function firstLineAt(run: RunRecord, pattern: RegExp): number {
  const line = run.lines.find((l) => pattern.test(l.text));
  if (!line) throw new Error(`${run.manifests.runName}: no line matching ${pattern} (${run.final.status.phase}: ${run.final.status.message})\n${run.output}`);
  return line.at;
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const cluster = await kindlingCluster((l) => console.log(`[bench:loop --kind] ${l}`));
  const configText = testProjectConfig(cluster.kind.runtimeImage);
  const project = makeProject(cluster, `bench-${Date.now().toString(36)}`, configText);
  const config = loadTestConfig(project, configText);
  const script = path.join(project, 'first_line.py');
  writeFileSync(script, 'print("first line", flush=True)\n');
  // Run as Component on the Kindling cluster runs scripts as bare Pods (runPreparation.ts, decided
  // from this bench's Workflow-vs-Pod numbers); the Workflow samples below are the comparison.
  const runAs = 'pod' as const;

  // Unmeasured: the first pull of the image by digest, module loading, TLS sessions; and the
  // features table the notebook reads.
  await runFile(cluster, script, config, { runAs });
  const prepared = await runFile(cluster, path.join(project, 'prepare_features.py'), config, { args: ['--input', '/workspace/data/clicks.csv', '--output', '/workspace/data/features.csv'] });
  if (prepared.final.status.phase !== 'Succeeded') throw new Error(`prepare_features: ${prepared.final.status.message}\n${prepared.output}`);

  const command: { firstLine: number; submitted: number; scheduled: number; started: number; done: number; logPath: number }[] = [];
  const digests = new Set<string>();
  for (let i = 0; i < RUNS; i++) {
    const run = await runFile(cluster, script, config, { runAs });
    const t = run.final.timings;
    const first = firstLineAt(run, /^first line/) - run.invokedAt;
    command.push({
      firstLine: first,
      submitted: run.submittedAt - run.invokedAt,
      scheduled: (t.scheduledAt ?? 0) - run.invokedAt,
      started: (t.startedAt ?? 0) - run.invokedAt,
      done: (t.finishedAt ?? 0) - run.invokedAt,
      logPath: first - ((t.startedAt ?? 0) - run.invokedAt),
    });
    digests.add(run.manifests.resource.metadata.annotations[Annotations.imageDigest] ?? 'none');
    console.log(`[bench:loop --kind] command ${i + 1}/${RUNS}: created +${command[i].submitted} ms, scheduled +${command[i].scheduled} ms, Running seen +${command[i].started} ms, first line +${first} ms, done +${command[i].done} ms`);
  }

  const edit: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const editedAt = Date.now();
    writeFileSync(script, `print("edited ${i}", flush=True)\n`);
    const run = await runFile(cluster, script, config, { runAs });
    edit.push(firstLineAt(run, new RegExp(`^edited ${i}\\s*$`)) - editedAt);
    digests.add(run.manifests.resource.metadata.annotations[Annotations.imageDigest] ?? 'none');
    console.log(`[bench:loop --kind] edit ${i + 1}/${RUNS}: first line of the edited file +${edit[i]} ms`);
  }
  writeFileSync(script, 'print("first line", flush=True)\n');

  // The same script as a one-step Argo Workflow, through the same calls: what Argo costs.
  const workflow: { firstLine: number; submitted: number; done: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await runFile(cluster, script, config, { runAs: 'workflow' });
    if (run.final.status.phase !== 'Succeeded') throw new Error(`workflow: ${run.final.status.message}\n${run.output}`);
    workflow.push({ firstLine: firstLineAt(run, /^first line/) - run.invokedAt, submitted: run.submittedAt - run.invokedAt, done: (run.final.timings.finishedAt ?? 0) - run.invokedAt });
    console.log(`[bench:loop --kind] workflow ${i + 1}/${RUNS}: created +${workflow[i].submitted} ms, first line +${workflow[i].firstLine} ms, done +${workflow[i].done} ms`);
  }

  const notebook: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await runFile(cluster, path.join(project, 'features.ipynb'), config, { runAs, parameters: { input_path: '/workspace/data/features.csv', sample_rows: '2' } });
    if (run.final.status.phase !== 'Succeeded') throw new Error(`notebook: ${run.final.status.message}\n${run.output}`);
    notebook.push((run.final.timings.finishedAt ?? 0) - run.invokedAt);
    console.log(`[bench:loop --kind] notebook ${i + 1}/${RUNS}: done +${notebook[i]} ms`);
  }

  const spark = path.join(project, 'spark_first_line.py');
  writeFileSync(spark, 'print("spark user code", flush=True)\nfrom pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nprint(spark.range(100).count())\nspark.stop()\n');
  const pyspark: { firstLine: number; done: number }[] = [];
  for (let i = 0; i < SPARK_RUNS; i++) {
    const run = await runFile(cluster, spark, config, { timeoutMs: 300_000 });
    if (run.final.status.phase !== 'Succeeded') throw new Error(`pyspark: ${run.final.status.message}\n${run.output}`);
    pyspark.push({ firstLine: firstLineAt(run, /^spark user code/) - run.invokedAt, done: (run.final.timings.finishedAt ?? 0) - run.invokedAt });
    console.log(`[bench:loop --kind] pyspark ${i + 1}/${SPARK_RUNS}: first user line +${pyspark[i].firstLine} ms, done +${pyspark[i].done} ms`);
  }

  const result = {
    runs: RUNS,
    commandToFirstLineP50Ms: p50(command.map((s) => s.firstLine)),
    commandToFirstLineP95Ms: percentile(command.map((s) => s.firstLine), 95),
    editToFirstLineP50Ms: p50(edit),
    // Kindling's own share: everything before the create call returned (file, git, registry digest,
    // manifests, create). The watch → screen part is the log stream's client side, inside firstLine.
    kindlingOverheadP50Ms: p50(command.map((s) => s.submitted)),
    pysparkFirstLineP50Ms: p50(pyspark.map((s) => s.firstLine)),
    notebookDoneP50Ms: p50(notebook),
    breakdownP50Ms: {
      invokeToCreated: p50(command.map((s) => s.submitted)),
      createdToScheduled: p50(command.map((s) => s.scheduled - s.submitted)),
      scheduledToRunningSeen: p50(command.map((s) => s.started - s.scheduled)),
      runningSeenToFirstLine: p50(command.map((s) => s.logPath)),
      firstLineToDoneSeen: p50(command.map((s) => s.done - s.firstLine)),
    },
    workflowVsBarePod: {
      workflowFirstLineP50Ms: p50(workflow.map((s) => s.firstLine)),
      barePodFirstLineP50Ms: p50(command.map((s) => s.firstLine)),
      workflowDoneP50Ms: p50(workflow.map((s) => s.done)),
      barePodDoneP50Ms: p50(command.map((s) => s.done)),
    },
    pysparkDoneP50Ms: p50(pyspark.map((s) => s.done)),
    sparkRuns: SPARK_RUNS,
    imageDigests: [...digests],
    goals: { commandToFirstLineP50Ms: 2000, kindlingOverheadP50Ms: 150, pysparkFirstLineP50Ms: 12000 },
    samples: { command, edit, workflow, notebook, pyspark },
    environment: {
      cluster: `kind ${cluster.kind.nodeImage} (Kindling createCluster, test environment engine)`,
      image: cluster.kind.runtimeImage,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverageBefore: loadBefore.map((l) => Number(l.toFixed(2))),
      loadAverageAfter: os.loadavg().map((l) => Number(l.toFixed(2))),
      node: process.version,
      date: new Date().toISOString(),
    },
  };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(path.join('bench-results', 'loop-kind.json'), JSON.stringify(result, null, 2) + '\n');
  const { samples: _samples, ...summary } = result;
  console.log(JSON.stringify(summary, null, 2));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[bench:loop --kind] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
