import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTemplateIndex, findNodeAt, generateArgoWorkflow, LOOP_CAP, parsePipeline } from '../../../src/core/pipeline/index';
import { codes, detail, edgeList, node, nodeIds, posOf, readExample, single } from './helpers';

const wf = (body: string, extraSpec = '') => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: t
spec:
  entrypoint: main
${extraSpec}  templates:
${body}
  - name: c
    container:
      image: alpine:3.20
      command: [echo, hi]
`;

test('refit example: templateRefs resolved through the index, loop, Spark resource, depends labels, onExit', () => {
  const text = readExample('refit-workflow.yaml');
  const templates = buildTemplateIndex([{ fileName: 'feature-templates.yaml', text: readExample('feature-templates.yaml') }]);
  const r = parsePipeline(text, { fileName: 'refit-workflow.yaml', templates });
  assert.deepEqual(r.diagnostics, []);
  const g = single(r);
  assert.equal(g.format, 'argo-workflow');
  assert.equal(g.name, 'ctr-refit-');
  // 7 tasks + 3 loop iterations + exit-handler group + its cleanup node = 12.
  assert.deepEqual(nodeIds(g), [
    'evaluate', 'notify-failure', 'onExit', 'onExit/cleanup', 'prepare-features',
    'profile-shards', 'profile-shards(0)', 'profile-shards(1)', 'profile-shards(2)',
    'register-model', 'train', 'validate-raw',
  ]);
  assert.deepEqual(edgeList(g), [
    'evaluate -> notify-failure [depends: Failed]',
    'evaluate -> register-model [depends: when {{tasks.evaluate.outputs.parameters.verdict}} == pass]',
    'notify-failure -> onExit [exit]',
    'prepare-features -> train [depends]',
    'profile-shards -> train [depends]',
    'register-model -> onExit [exit]',
    'train -> evaluate [depends]',
    'train -> notify-failure [depends: Failed]',
    'validate-raw -> prepare-features [depends]',
    'validate-raw -> profile-shards [depends]',
  ]);
  const train = node(g, 'train');
  assert.equal(train.kind, 'spark');
  assert.equal(train.subtitle, 'SparkApplication');
  assert.equal(detail(g, 'train', 'mainApplicationFile'), 'local:///app/train_spark.py');
  assert.equal(detail(g, 'train', 'driver'), 'cores 1 · coreLimit 1200m · memory 1g');
  assert.equal(detail(g, 'train', 'executor'), 'instances 2 · cores 1 · memory 2g');
  // Task range: from "name:" of the task item to the end of its last field.
  const v = posOf(text, 'name: validate-raw');
  assert.deepEqual(node(g, 'validate-raw').range, { startLine: v.line, startCol: v.col, endLine: v.line + 3, endCol: 36 });
  assert.equal(node(g, 'validate-raw').fileName, undefined, 'the task itself is in this file');
  assert.equal(detail(g, 'validate-raw', 'template'), 'feature-templates/validate-raw');
  assert.equal(detail(g, 'validate-raw', 'image'), 'localhost:5001/ml-pipelines:0.4.2');
  assert.equal(detail(g, 'validate-raw', 'inputs'), 'raw-path=/data/clicks.csv');
  assert.equal(detail(g, 'prepare-features', 'resources'), 'requests cpu=500m memory=1Gi; limits cpu=2 memory=4Gi');
  const loop = node(g, 'profile-shards');
  assert.equal(loop.kind, 'group');
  assert.equal(loop.groupKind, 'loop');
  assert.deepEqual(g.nodes.filter((n) => n.parent === 'profile-shards').map((n) => n.label), [
    'profile-shards(0:clicks-eu)', 'profile-shards(1:clicks-us)', 'profile-shards(2:clicks-apac)',
  ]);
  assert.equal(node(g, 'profile-shards(1)').statusKey, '.profile-shards(1:clicks-us)');
  assert.equal(node(g, 'profile-shards(1)').kind, 'script');
  assert.equal(node(g, 'register-model').details.find((d) => d.key === 'when')?.value, '{{tasks.evaluate.outputs.parameters.verdict}} == pass');
  assert.equal(node(g, 'onExit').groupKind, 'exit-handler');
  assert.equal(node(g, 'onExit/cleanup').parent, 'onExit');
  assert.equal(node(g, 'onExit/cleanup').statusKey, '.onExit');
});

test('refit example without the template index: templateRefs become unresolved nodes with warnings', () => {
  const r = parsePipeline(readExample('refit-workflow.yaml'), { fileName: 'refit-workflow.yaml' });
  const g = single(r);
  assert.equal(node(g, 'validate-raw').kind, 'unresolved');
  assert.equal(node(g, 'validate-raw').subtitle, 'feature-templates/validate-raw');
  // The loop group stays; its iterations are unresolved too.
  assert.equal(node(g, 'profile-shards(0)').kind, 'unresolved');
  assert.equal(g.nodes.length, 12);
  assert.deepEqual(codes(r), Array(3).fill('warning:unresolved-template-ref'));
  assert.ok(r.diagnostics.every((d) => d.range), 'each warning has a place');
});

test('the WorkflowTemplate alone renders every template, with an info that it has no entrypoint', () => {
  const r = parsePipeline(readExample('feature-templates.yaml'), { fileName: 'feature-templates.yaml' });
  const g = single(r);
  assert.equal(g.format, 'argo-workflow-template');
  assert.deepEqual(nodeIds(g), ['prepare-features', 'profile-shard', 'validate-raw']);
  assert.deepEqual(codes(r), ['info:no-entrypoint']);
});

test('depends expressions: one edge per referenced task, labels only for non-default outcomes', () => {
  const text = wf(`  - name: main
    dag:
      tasks:
      - {name: A, template: c}
      - {name: B, template: c}
      - {name: C, template: c}
      - {name: D, template: c, depends: "A.Succeeded || B.Failed"}
      - {name: E, template: c, depends: "(A && B) || C.Errored"}
      - {name: F, template: c, depends: "!D.Failed && E.Errored"}
      - {name: G, template: c, depends: "D && E"}`);
  const r = parsePipeline(text, { fileName: 'w.yaml' });
  assert.deepEqual(r.diagnostics, []);
  const g = single(r);
  assert.deepEqual(nodeIds(g), ['A', 'B', 'C', 'D', 'E', 'F', 'G']);
  assert.deepEqual(edgeList(g), [
    'A -> D [depends]',
    'A -> E [depends]',
    'B -> D [depends: Failed]',
    'B -> E [depends]',
    'C -> E [depends: Errored]',
    'D -> F [depends: !Failed]',
    'D -> G [depends]',
    'E -> F [depends: Errored]',
    'E -> G [depends]',
  ]);
});

test('missing dependencies, cycles, unknown templates and bad depends syntax are diagnostics with places', () => {
  const text = wf(`  - name: main
    dag:
      tasks:
      - name: A
        template: c
        dependencies: [ghost]
      - name: B
        template: c
        depends: C
      - name: C
        template: c
        depends: B
      - name: D
        template: nope
      - name: E
        template: c
        depends: "A &&"`);
  const r = parsePipeline(text, { fileName: 'w.yaml' });
  const g = single(r);
  assert.equal(node(g, 'D').kind, 'unresolved');
  // A uses `dependencies` beside the others' `depends`: Argo refuses that mix too.
  assert.deepEqual(codes(r), ['error:cycle', 'error:depends-and-dependencies', 'error:depends-syntax', 'error:missing-dependency', 'error:unknown-template']);
  const missing = r.diagnostics.find((d) => d.code === 'missing-dependency')!;
  const ghost = posOf(text, 'ghost');
  assert.deepEqual(missing.range, { startLine: ghost.line, startCol: ghost.col, endLine: ghost.line, endCol: ghost.col + 5 });
  const cycle = r.diagnostics.find((d) => d.code === 'cycle')!;
  assert.match(cycle.message, /B → C → B/);
  assert.equal(cycle.range!.startLine, posOf(text, 'name: B').line);
  const unknown = r.diagnostics.find((d) => d.code === 'unknown-template')!;
  assert.equal(unknown.range!.startLine, posOf(text, 'template: nope').line);
  // The cycle's edges are still drawn so the user sees it.
  assert.ok(edgeList(g).includes('B -> C [depends]') && edgeList(g).includes('C -> B [depends]'));
});

test('steps: every step of a group connects to every step of the next; nested templates become groups', () => {
  const text = wf(`  - name: main
    steps:
    - - {name: s1, template: c}
    - - {name: p1, template: c}
      - {name: p2, template: inner, when: "{{steps.s1.outputs.result}} == go"}
    - - {name: last, template: c}
  - name: inner
    dag:
      tasks:
      - {name: x, template: c}
      - {name: y, template: c, dependencies: [x]}`);
  const r = parsePipeline(text, { fileName: 'w.yaml' });
  assert.deepEqual(r.diagnostics, []);
  const g = single(r);
  assert.deepEqual(nodeIds(g), ['last', 'p1', 'p2', 'p2/x', 'p2/y', 's1']);
  assert.deepEqual(edgeList(g), [
    'p1 -> last [sequence]',
    'p2 -> last [sequence]',
    'p2/x -> p2/y [depends]',
    's1 -> p1 [sequence]',
    's1 -> p2 [sequence: when {{steps.s1.outputs.result}} == go]',
  ]);
  assert.equal(node(g, 'p2').groupKind, 'dag');
  assert.equal(node(g, 'p2/x').parent, 'p2');
  assert.equal(node(g, 'p2').statusKey, '[1].p2');
  assert.equal(node(g, 'p2/y').statusKey, '[1].p2.y');
});

test('recursive templates are drawn one level deep with an info', () => {
  const text = wf(`  - name: main
    steps:
    - - {name: flip, template: c}
    - - {name: again, template: main, when: "{{steps.flip.outputs.result}} == tails"}`);
  const r = parsePipeline(text, { fileName: 'w.yaml' });
  const g = single(r);
  assert.deepEqual(nodeIds(g), ['again', 'flip']);
  assert.equal(node(g, 'again').kind, 'group');
  assert.deepEqual(codes(r), ['info:recursive-template']);
});

test('withItems, withSequence (capped) and withParam (fan-out)', () => {
  const text = wf(`  - name: main
    dag:
      tasks:
      - name: items
        template: c
        withItems: [a, {k: 1}, 3]
      - name: seq
        template: c
        withSequence: {count: "100"}
      - name: range
        template: c
        withSequence: {start: "5", end: "7"}
      - name: param
        template: c
        withParam: "{{tasks.items.outputs.result}}"
        dependencies: [items]`);
  const r = parsePipeline(text, { fileName: 'w.yaml' });
  const g = single(r);
  const members = (id: string) => g.nodes.filter((n) => n.parent === id).map((n) => n.label);
  assert.deepEqual(members('items'), ['items(0:a)', 'items(1:{"k":1})', 'items(2:3)']);
  assert.equal(members('seq').length, LOOP_CAP);
  assert.equal(members('seq')[0], 'seq(0:0)');
  assert.deepEqual(members('range'), ['range(0:5)', 'range(1:6)', 'range(2:7)']);
  assert.deepEqual(members('param'), ['param(…)']);
  assert.equal(node(g, 'param').groupKind, 'fan-out');
  assert.equal(node(g, 'seq').groupKind, 'loop');
  // 4 groups + 3 + 32 + 3 + 1 members.
  assert.equal(g.nodes.length, 4 + 3 + LOOP_CAP + 3 + 1);
  assert.deepEqual(edgeList(g), ['items -> param [depends]']);
  assert.deepEqual(codes(r), ['info:loop-truncated']);
  assert.match(r.diagnostics[0].message, /100 times; the graph shows the first 32/);
});

test('task-level onExit and lifecycle hooks, workflow-level hooks', () => {
  const text = wf(`  - name: main
    dag:
      tasks:
      - name: a
        template: c
        onExit: c
        hooks:
          running:
            expression: steps.status == "Running"
            template: c`, `  hooks:
    exit:
      template: c
`);
  const r = parsePipeline(text, { fileName: 'w.yaml' });
  assert.deepEqual(r.diagnostics, []);
  const g = single(r);
  assert.deepEqual(nodeIds(g), ['a', 'a.hooks.running', 'a.onExit', 'onExit', 'onExit/hooks.exit']);
  assert.deepEqual(edgeList(g), [
    'a -> a.hooks.running [exit: steps.status == "Running"]',
    'a -> a.onExit [exit: onExit]',
    'a.hooks.running -> onExit [exit]',
    'a.onExit -> onExit [exit]',
  ]);
});

test('CronWorkflow reads spec.workflowSpec; suspend/http/plugin/script kinds', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: nightly
spec:
  schedule: "0 2 * * *"
  workflowSpec:
    entrypoint: main
    templates:
    - name: main
      steps:
      - - {name: wait, template: wait}
        - {name: ping, template: ping}
        - {name: plug, template: plug}
        - {name: py, template: py}
    - name: wait
      suspend: {duration: 10m}
    - name: ping
      http: {url: "https://example.invalid/health", method: GET}
    - name: plug
      plugin:
        slack: {text: done}
    - name: py
      script:
        image: python:3.12
        command: [python]
        source: print(1)
`;
  const r = parsePipeline(text, { fileName: 'cron.yaml' });
  assert.deepEqual(r.diagnostics, []);
  const g = single(r);
  assert.equal(g.format, 'argo-cron-workflow');
  assert.deepEqual(g.nodes.map((n) => `${n.id}:${n.kind}`), ['wait:suspend', 'ping:http', 'plug:plugin', 'py:script']);
  assert.equal(detail(g, 'wait', 'duration'), '10m');
  assert.equal(detail(g, 'ping', 'request'), 'GET https://example.invalid/health');
  assert.equal(node(g, 'plug').subtitle, 'plugin: slack');
  assert.equal(detail(g, 'py', 'source'), 'print(1)');
});

test('templateRef into a WorkflowTemplate dag expands its tasks with ranges in that file', () => {
  const lib = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: lib
spec:
  templates:
  - name: pair
    dag:
      tasks:
      - {name: one, template: leaf}
      - {name: two, template: leaf, dependencies: [one]}
  - name: leaf
    container: {image: busybox}
`;
  const text = wf(`  - name: main
    dag:
      tasks:
      - name: use
        templateRef: {name: lib, template: pair}
      - name: missing
        templateRef: {name: lib, template: nothing}`);
  const templates = buildTemplateIndex([{ fileName: 'lib.yaml', text: lib }, { fileName: 'broken.yaml', text: 'a: [' }]);
  const r = parsePipeline(text, { fileName: 'w.yaml', templates });
  const g = single(r);
  assert.deepEqual(nodeIds(g), ['missing', 'use', 'use/one', 'use/two']);
  assert.equal(node(g, 'use/one').fileName, 'lib.yaml');
  assert.equal(node(g, 'use/one').range!.startLine, posOf(lib, 'name: one').line);
  assert.equal(node(g, 'missing').kind, 'unresolved');
  assert.deepEqual(codes(r), ['warning:unresolved-template-ref']);
});

test('WorkflowTemplate and Workflow in one multi-document file resolve each other', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: lib}
spec:
  templates:
  - name: leaf
    container: {image: busybox}
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: use-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - name: x
        templateRef: {name: lib, template: leaf}
`;
  const r = parsePipeline(text, { fileName: 'both.yaml' });
  assert.equal(r.graphs.length, 2);
  assert.equal(r.graphs[1].nodes[0].kind, 'container');
  assert.equal(r.graphs[1].nodes[0].fileName, undefined, 'same file');
  assert.ok(r.graphs[1].range!.startLine >= 8);
});

test('wrong types are errors with places, and a best-effort graph is still returned', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: w}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - name: a
        template: c
        dependencies: a-string
      - just-a-string
  - name: c
    container: {image: x}
`;
  const r = parsePipeline(text, { fileName: 'w.yaml' });
  const g = single(r);
  assert.deepEqual(nodeIds(g), ['a']);
  assert.deepEqual(codes(r), ['error:wrong-type', 'error:wrong-type']);
  assert.deepEqual(r.diagnostics.map((d) => d.range!.startLine).sort(), [11, 12]);
  assert.match(r.diagnostics.find((d) => d.range!.startLine === 11)!.message, /"dependencies" of task "a" must be a list/);
});

test('YAML syntax errors become yaml-syntax diagnostics with a line', () => {
  const r = parsePipeline('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  templates: [\n', { fileName: 'bad.yaml' });
  assert.ok(r.diagnostics.some((d) => d.code === 'yaml-syntax' && d.severity === 'error' && d.range));
});

test('not a pipeline, empty file: an info diagnostic says why there is no graph', () => {
  for (const text of ['', 'kind: ConfigMap\napiVersion: v1\n', '- 1\n- 2\n', '# only a comment\n']) {
    const r = parsePipeline(text, { fileName: 'x.yaml' });
    assert.equal(r.graphs.length, 0);
    assert.ok(r.diagnostics.length > 0, `diagnostic for ${JSON.stringify(text)}`);
  }
});

test('findNodeAt returns the innermost node at a position', () => {
  const text = readExample('refit-workflow.yaml');
  const g = single(parsePipeline(text, { fileName: 'refit-workflow.yaml' }));
  const p = posOf(text, 'template: train-spark');
  assert.equal(findNodeAt(g, p.line, p.col)?.id, 'train');
  const loopLine = posOf(text, 'withItems:');
  assert.equal(findNodeAt(g, loopLine.line, loopLine.col)?.id, 'profile-shards', 'ties go to the loop group');
  assert.equal(findNodeAt(g, 0, 0), undefined);
});

test('generated workflows have exactly the requested node count and parse cleanly', () => {
  for (const n of [1, 7, 100, 1000, 10_000]) {
    const text = generateArgoWorkflow(n, { seed: 3 });
    const r = parsePipeline(text, { fileName: 'gen.yaml' });
    assert.deepEqual(r.diagnostics, [], `n=${n}`);
    assert.equal(single(r).nodes.length, n);
  }
  assert.equal(generateArgoWorkflow(50, { seed: 9 }), generateArgoWorkflow(50, { seed: 9 }), 'deterministic');
  const g = single(parsePipeline(generateArgoWorkflow(100), { fileName: 'g.yaml' }));
  // 100 nodes: top-level tasks where every 20th is a 4-node group → 4 groups (16 nodes) + 84 plain.
  assert.equal(g.nodes.filter((n) => n.kind === 'group').length, 4);
  assert.equal(g.nodes.filter((n) => n.kind === 'spark').length > 0, true);
});

test('YAML that Kubernetes accepts but strict YAML 1.2 does not still renders, with a warning', () => {
  // The closing line of the multi-line quoted string is under-indented (as in several upstream
  // Argo examples); go-yaml and js-yaml accept it, the yaml package does not.
  const text = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: lenient}
spec:
  entrypoint: main
  templates:
  - name: main
    container:
      image: alpine
      args: ["
        echo hello
      "]
`;
  const r = parsePipeline(text, { fileName: 'lenient.yaml' });
  const g = single(r);
  assert.deepEqual(nodeIds(g), ['main']);
  assert.deepEqual(codes(r), ['warning:yaml-warning']);
  assert.equal(node(g, 'main').range!.startLine, 6, 'ranges come from the enclosing mapping');
});
