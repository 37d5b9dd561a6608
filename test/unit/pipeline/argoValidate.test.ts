// Argo's admission rules (argoValidate.ts): each diagnostic points at the line and column that
// causes it. The documents are small variations of the same Workflow; the argo-validate tier
// checks the rules against Argo's own validator on Argo's fixtures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePipeline } from '../../../src/core/pipeline/index';
import { posOf } from './helpers';

const wf = (templates: string, spec = '', meta = '  generateName: t-\n', kind = 'Workflow') => `apiVersion: argoproj.io/v1alpha1
kind: ${kind}
metadata:
${meta}spec:
  entrypoint: main
${spec}  templates:
${templates}
  - name: c
    inputs:
      parameters:
      - name: msg
        value: hi
    container:
      image: alpine:3.20
      command: [echo, "{{inputs.parameters.msg}}"]
`;

function errors(text: string) {
  return parsePipeline(text, { fileName: 'w.yaml' }).diagnostics.filter((d) => d.severity === 'error');
}

/** Exactly one error, with `code`, starting where `needle` (its `nth` occurrence) starts. */
function expectError(text: string, code: string, needle: string, nth = 0, message?: RegExp): void {
  const errs = errors(text);
  assert.deepEqual(errs.map((d) => d.code), [code], JSON.stringify(errs, null, 1));
  let after = 0;
  for (let k = 0; k < nth; k++) after = text.indexOf(needle, after) + 1;
  const at = posOf(text, needle, after);
  assert.equal(errs[0].range?.startLine, at.line, `line of ${code}`);
  assert.equal(errs[0].range?.startCol, at.col, `column of ${code}`);
  if (message) assert.match(errs[0].message, message);
}

const dag = (tasks: string) => `  - name: main
    dag:
      tasks:
${tasks}`;

test('continueOn with depends: at the continueOn key, in Argo\'s words', () => {
  const text = wf(dag(`      - {name: A, template: c}
      - name: B
        template: c
        depends: A
      - name: C
        template: c
        continueOn: {failed: true}`));
  expectError(text, 'continue-on-with-depends', 'continueOn', 0, /cannot use 'continueOn' when using 'depends'. Instead use 'dep-task.Failed'/);
});

test('depends and dependencies in one DAG template: at the dependencies key', () => {
  const text = wf(dag(`      - {name: A, template: c}
      - {name: B, template: c, depends: A}
      - name: C
        template: c
        dependencies: [A]`));
  expectError(text, 'depends-and-dependencies', 'dependencies:', 0, /cannot use both 'depends' and 'dependencies'/);
});

test('withItems and withParam together: at the second loop key', () => {
  const text = wf(`  - name: main
    steps:
    - - name: s
        template: c
        withItems: [1, 2]
        withParam: "{{workflow.parameters.list}}"`, '  arguments:\n    parameters:\n    - {name: list, value: "[1]"}\n');
  expectError(text, 'loop-conflict', 'withParam', 0, /only one of withItems, withParam, withSequence/);
});

test('duplicate step names are an error at the second name', () => {
  const text = wf(`  - name: main
    steps:
    - - {name: s, template: c}
    - - {name: s, template: c}`);
  expectError(text, 'duplicate-name', 's, template', 1);
});

test('invalid and too long names', () => {
  expectError(wf(dag('      - {name: a_b, template: c}')), 'invalid-name', 'a_b', 0, /name must consist of alpha-numeric characters or '-'/);
  const long = 'x'.repeat(64);
  expectError(wf(dag('      - {name: a, template: c}'), '', `  name: ${long}\n`), 'name-too-long', long, 0, /must not be more than 63 characters long \(currently 64\)/);
  const cron = `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: ${'y'.repeat(53)}
spec:
  schedule: "* * * * *"
  workflowSpec:
    entrypoint: c
    templates:
    - {name: c, container: {image: alpine}}
`;
  expectError(cron, 'name-too-long', 'y'.repeat(53), 0, /must not be more than 52 characters long \(currently 53\); Argo appends a timestamp/);
  expectError(wf(dag('      - {name: a, template: c}'), '  arguments:\n    parameters:\n    - {name: "p#1", value: x}\n'), 'invalid-name', '"p#1"', 0, /Parameter\/Artifact name must consist/);
  expectError(wf(dag('      - {name: 1a, template: c}\n      - {name: b, template: c, depends: 1a}')), 'task-name-digit', '1a, template', 0, /cannot begin with a digit/);
});

test('parameters used but not declared: at the string that uses them', () => {
  const text = wf(`  - name: main
    container:
      image: alpine
      args: ["{{inputs.parameters.nope}}"]`);
  expectError(text, 'unresolved-variable', '"{{inputs.parameters.nope}}"', 0, /failed to resolve \{\{inputs.parameters.nope\}\}/);
  const global = wf(`  - name: main
    container:
      image: alpine
      args: ["{{workflow.parameters.missing}}"]`);
  expectError(global, 'unresolved-variable', '"{{workflow.parameters.missing}}"');
  const label = wf(`  - name: main
    container:
      image: alpine
      args: ["{{workflow.labels.team}}"]`);
  expectError(label, 'unresolved-variable', '"{{workflow.labels.team}}"');
});

test('step and task references: future steps, outputs the template does not declare, non-ancestors', () => {
  const steps = wf(`  - name: main
    steps:
    - - name: one
        template: c
        arguments: {parameters: [{name: msg, value: "{{steps.two.status}}"}]}
    - - {name: two, template: c}`);
  expectError(steps, 'unresolved-variable', '"{{steps.two.status}}"');
  const output = wf(dag(`      - {name: A, template: c}
      - name: B
        template: c
        depends: A
        arguments: {parameters: [{name: msg, value: "{{tasks.A.outputs.parameters.nope}}"}]}`));
  expectError(output, 'unresolved-variable', '"{{tasks.A.outputs.parameters.nope}}"');
  const notAncestor = wf(dag(`      - {name: A, template: c}
      - name: B
        template: c
        arguments: {parameters: [{name: msg, value: "{{tasks.A.outputs.result}}"}]}`));
  expectError(notAncestor, 'missing-dependency', '"{{tasks.A.outputs.result}}"', 0, /missing dependency 'A' for parameter 'msg'/);
});

test('inputs a template declares without a value must be supplied by the call', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: t-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: s
        template: needs
  - name: needs
    inputs:
      parameters:
      - name: message
    container: {image: alpine, args: ["{{inputs.parameters.message}}"]}
`;
  expectError(text, 'parameter-not-supplied', 'needs\n', 0, /inputs.parameters.message was not supplied/);
  // The entrypoint gets the Workflow's own arguments.
  const entry = text.replace('entrypoint: main', 'entrypoint: needs').replace(/ {2}- name: main\n[\s\S]*?(?= {2}- name: needs)/, '');
  expectError(entry, 'parameter-not-supplied', 'message\n', 0, /pass it in spec.arguments.parameters/);
});

test('onExit targets and unknown template references', () => {
  expectError(wf(dag('      - {name: a, template: c}'), '  onExit: cleanup\n'), 'unknown-template', 'cleanup');
  expectError(wf(dag('      - {name: a, template: nope}')), 'unknown-template', 'nope');
});

test('DAG rules: items conditions without items, unknown targets, empty DAGs', () => {
  expectError(wf(dag('      - {name: A, template: c}\n      - {name: B, template: c, depends: A.AnySucceeded}')), 'items-condition-without-items', 'A.AnySucceeded');
  expectError(wf(`  - name: main
    dag:
      target: A ghost
      tasks:
      - {name: A, template: c}`), 'unknown-target', 'A ghost', 0, /target 'ghost' is not defined/);
  expectError(wf('  - name: main\n    dag:\n      tasks: []'), 'empty-dag', '[]');
  expectError(wf(dag('      - {name: A, template: c}\n      - {name: B, template: c, depends: A.Finished}')), 'depends-result', 'A.Finished', 0, /task result 'Finished' for task 'A' is invalid/);
});

test('arguments: values, valueFrom, enums, artifact sources', () => {
  expectError(wf(dag('      - {name: a, template: c}'), '  arguments:\n    parameters:\n    - name: p\n'), 'missing-value', 'name: p', 0, /spec.arguments.p.value or spec.arguments.p.valueFrom is required/);
  expectError(wf(dag('      - {name: a, template: c}'), '  arguments:\n    parameters:\n    - {name: p, value: x, enum: [a, b]}\n'), 'value-not-in-enum', 'x,');
  expectError(wf(dag('      - {name: a, template: c}'), '  arguments:\n    parameters:\n    - name: p\n      valueFrom: {path: /tmp/x}\n'), 'invalid-value-from', 'path: /tmp/x');
  expectError(wf(dag('      - name: a\n        template: c\n        arguments: {artifacts: [{name: art}]}')), 'missing-artifact-source', '{name: art}', 0, /from, artifact location, or key is required/);
});

test('template rules: types, images, resources, metrics, outputs, loops, timeouts, steps fields', () => {
  const leaf = (body: string) => wf(`  - name: main\n${body}`);
  expectError(leaf('    container: {image: a}\n    script: {image: a, source: x}'), 'multiple-template-types', 'script');
  expectError(leaf('    container: {command: [x]}'), 'missing-image', 'container');
  expectError(leaf('    resource: {action: explode, manifest: "a: b"}'), 'invalid-resource-action', 'explode');
  expectError(leaf('    resource:\n      action: create\n      manifest: |\n        invalid-line\n        kind: ConfigMap'), 'invalid-manifest', '|');
  expectError(leaf('    container: {image: a}\n    metrics:\n      prometheus:\n      - {name: bad.name, help: h, gauge: {value: "1"}}'), 'invalid-metric', 'bad.name');
  expectError(leaf('    container: {image: a}\n    outputs:\n      parameters:\n      - name: o\n        valueFrom: {jsonPath: "{.x}"}'), 'output-value-from', '{jsonPath', 0, /path must be specified for Container templates/);
  expectError(leaf('    container: {image: a}\n    timeout: "30"'), 'timeout-format', '"30"');
  expectError(leaf('    activeDeadlineSeconds: -1\n    container: {image: a}'), 'invalid-deadline', '-1');
  expectError(leaf('    parallelism: 2\n    container: {image: a}'), 'parallelism-not-leaf', 'parallelism');
  expectError(leaf('    steps:\n    - - {name: s, template: c, withSequence: {count: "2", end: "3"}}'), 'sequence-count-and-end', 'end');
  expectError(leaf('    steps:\n    - - {name: s, template: c, dependencies: [x]}'), 'unknown-step-field', 'dependencies', 0, /unknown field "dependencies" in a step/);
  expectError(leaf('    container:\n      image: a\n      volumeMounts:\n      - {name: v1, mountPath: /w}\n      - {name: v2, mountPath: /w}'), 'mount-collision', '/w}', 1);
});

test('values Go cannot decode and templates without a type', () => {
  expectError(wf(dag('      - {name: a, template: c}'), '', '  generateName: t-\n  labels: team-a\n'), 'wrong-type', 'team-a', 0, /metadata.labels must be a mapping/);
  expectError(wf('  - name: main\n    container: {image: a, command: {sh: x}}'), 'wrong-type', '{sh: x}', 0, /command must be a list/);
  expectError(wf('  - name: main\n    container: {image: a, resources: {requests: [cpu]}}'), 'wrong-type', '[cpu]', 0, /resources.requests must be a mapping/);
  expectError(wf('  - name: main\n    conatiner: {image: a}'), 'unknown-template-type', 'name: main', 0, /template type unspecified/);
});

test('what Argo accepts stays silent', () => {
  const ok = (text: string) => assert.deepEqual(errors(text), []);
  // An exit hook may use its own step's outputs; withParam allows any item key.
  ok(wf(`  - name: main
    steps:
    - - name: s
        template: c
        hooks:
          exit:
            template: c
            arguments: {parameters: [{name: msg, value: "{{steps.s.outputs.result}}"}]}
    - - name: t
        template: c
        withParam: '["a"]'
        arguments: {parameters: [{name: msg, value: "{{item.anything}}"}]}`));
  // A WorkflowTemplate may use parameters the Workflow will pass.
  ok(wf(`  - name: main
    container: {image: a, args: ["{{workflow.parameters.later}}"]}`, '', '  name: wt\n', 'WorkflowTemplate'));
  // Go decodes field names ignoring case: jqfilter is jqFilter.
  ok(wf(`  - name: main
    resource: {action: get, manifest: "kind: ConfigMap"}
    outputs:
      parameters:
      - {name: o, valueFrom: {jqfilter: .data}}`));
  // Outputs of a template in another file we cannot see are not second-guessed.
  const ref = wf(dag(`      - {name: A, templateRef: {name: elsewhere, template: t}}
      - name: B
        template: c
        depends: A
        arguments: {parameters: [{name: msg, value: "{{tasks.A.outputs.parameters.anything}}"}]}`));
  assert.deepEqual(errors(ref), []);
});
