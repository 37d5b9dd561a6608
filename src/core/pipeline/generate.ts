/**
 * Synthetic but realistic Argo DAG workflows for benchmarks and tests: layered, with fan-out and
 * fan-in, a mix of container/script/Spark-resource templates and some tasks that call a sub-DAG
 * (group nodes). The parsed graph has exactly `nodeCount` nodes, so a benchmark at "10,000 nodes"
 * really draws 10,000.
 */

export interface GenerateOptions {
  /** Seed for the deterministic PRNG; same seed → same text. Default 1. */
  seed?: number;
  /** Roughly how many tasks per layer; default √nodeCount (a squarish graph). */
  layerWidth?: number;
  /** Every Nth top-level task calls the 3-task sub-DAG (a group of 4 nodes). 0 disables. Default 20. */
  groupEvery?: number;
  /** `dependencies` lists, `depends` expressions (some `.Failed`/`.Succeeded`), or mixed: plain and outcome `depends` (Argo refuses both keys in one DAG). Default: mixed. */
  dependsStyle?: 'dependencies' | 'depends' | 'mixed';
  name?: string;
}

/** Nodes one sub-DAG call adds: the group plus its three members. */
export const GROUP_SIZE = 4;

/** A small seeded PRNG (mulberry32): generated inputs must be the same on every run and machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STAGES = ['ingest', 'clean', 'featurize', 'join', 'train', 'tune', 'eval', 'score', 'export'];

export function generateArgoWorkflow(nodeCount: number, opts: GenerateOptions = {}): string {
  const n = Math.max(1, Math.floor(nodeCount));
  const rand = mulberry32(opts.seed ?? 1);
  const width = Math.max(1, Math.floor(opts.layerWidth ?? Math.sqrt(n)));
  const groupEvery = opts.groupEvery ?? 20;
  const style = opts.dependsStyle ?? 'mixed';
  const name = opts.name ?? `generated-${n}`;

  // Decide the top-level tasks first so the node total is exact.
  const tasks: Array<{ name: string; group: boolean; layer: number; template: string }> = [];
  let nodes = 0;
  let i = 0;
  while (nodes < n) {
    const group = groupEvery > 0 && i % groupEvery === groupEvery - 1 && n - nodes >= GROUP_SIZE;
    const layer = Math.floor(i / width);
    const stage = STAGES[layer % STAGES.length];
    const template = group ? 'sub-pipeline' : i % 7 === 3 ? 'spark-step' : i % 5 === 1 ? 'py-script' : 'step';
    tasks.push({ name: `${stage}-${i}`, group, layer, template });
    nodes += group ? GROUP_SIZE : 1;
    i++;
  }

  const out: string[] = [];
  out.push(
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Workflow',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    '    kindling.dev/generated: "true"',
    'spec:',
    '  entrypoint: main',
    '  arguments:',
    '    parameters:',
    '      - name: dataset',
    '        value: s3://datasets/refit/2026-11',
    '  templates:',
    '    - name: main',
    '      dag:',
    '        tasks:',
  );
  const layerStart: number[] = [];
  for (let t = 0; t < tasks.length; t++) if (layerStart[tasks[t].layer] === undefined) layerStart[tasks[t].layer] = t;
  for (let t = 0; t < tasks.length; t++) {
    const task = tasks[t];
    out.push(`          - name: ${task.name}`, `            template: ${task.template}`);
    if (task.template !== 'sub-pipeline') {
      out.push('            arguments:', '              parameters:', `                - name: part`, `                  value: "${t}"`);
    }
    if (task.layer === 0) continue;
    // Fan-in of 1–3 parents from the previous layer; fan-out follows from several children
    // picking the same parent.
    const prevStart = layerStart[task.layer - 1];
    const prevEnd = layerStart[task.layer];
    const k = 1 + Math.floor(rand() * 3);
    const parents = new Set<number>();
    for (let j = 0; j < k; j++) parents.add(prevStart + Math.floor(rand() * (prevEnd - prevStart)));
    const names = [...parents].map((p) => tasks[p].name);
    // Argo refuses `depends` and `dependencies` in one DAG template, so "mixed" mixes plain
    // `depends: "A && B"` (what `dependencies` means) with outcome expressions instead.
    if (style === 'dependencies') {
      out.push(`            dependencies: [${names.join(', ')}]`);
    } else if (style === 'depends' || t % 2 === 0) {
      const expr = names.map((nm, idx) => (idx === 0 && t % 11 === 0 ? `${nm}.Failed` : t % 3 === 0 ? `${nm}.Succeeded` : nm)).join(t % 13 === 0 ? ' || ' : ' && ');
      out.push(`            depends: "${expr}"`);
    } else {
      out.push(`            depends: "${names.join(' && ')}"`);
    }
  }
  out.push(
    '    - name: sub-pipeline',
    '      dag:',
    '        tasks:',
    '          - name: extract',
    '            template: step',
    '          - name: validate',
    '            template: py-script',
    '            depends: extract',
    '          - name: publish',
    '            template: step',
    '            depends: "validate.Succeeded"',
    '    - name: step',
    '      inputs:',
    '        parameters:',
    '          - name: part',
    '            value: "0"',
    '      container:',
    '        image: ghcr.io/kindling/refit:1.4.2',
    '        command: [python, -m, refit.step]',
    '        args: ["--part", "{{inputs.parameters.part}}"]',
    '        resources:',
    '          requests: {cpu: 250m, memory: 512Mi}',
    '          limits: {cpu: "1", memory: 1Gi}',
    '    - name: py-script',
    '      inputs:',
    '        parameters:',
    '          - name: part',
    '            value: "0"',
    '      script:',
    '        image: python:3.11-slim',
    '        command: [python]',
    '        source: |',
    '          import sys',
    '          print("part", sys.argv)',
    '    - name: spark-step',
    '      inputs:',
    '        parameters:',
    '          - name: part',
    '            value: "0"',
    '      resource:',
    '        action: create',
    '        successCondition: status.applicationState.state == COMPLETED',
    '        failureCondition: status.applicationState.state == FAILED',
    '        manifest: |',
    '          apiVersion: sparkoperator.k8s.io/v1beta2',
    '          kind: SparkApplication',
    '          metadata:',
    '            generateName: spark-step-',
    '          spec:',
    '            type: Python',
    '            mode: cluster',
    '            image: ghcr.io/kindling/spark-refit:3.5.3',
    '            mainApplicationFile: local:///opt/app/train_spark.py',
    '            sparkVersion: 3.5.3',
    '            driver:',
    '              cores: 1',
    '              memory: 1g',
    '              serviceAccount: spark',
    '            executor:',
    '              instances: 2',
    '              cores: 2',
    '              memory: 2g',
  );
  return out.join('\n') + '\n';
}
