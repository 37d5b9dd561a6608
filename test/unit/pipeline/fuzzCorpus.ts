// The fuzz tier's hostile documents as a reusable list: the unit fuzz test feeds them to
// parsePipeline (no exception may escape), and the argo-validate tier feeds the Argo ones to Argo's
// own validator as well. Generated from a seeded PRNG, so a failure names a reproducible case.
import { generateArgoWorkflow } from '../../../src/core/pipeline/index';
import { mulberry32 } from '../../../src/core/pipeline/generate';
import { readExample } from './helpers';

// Small seeds keep 10,000 documents within seconds: most mutations leave the fast reader's subset
// and go through the (much slower) yaml package.
const smallKfp = `pipelineInfo: {name: p}
root:
  dag:
    tasks:
      a: {componentRef: {name: comp-a}, taskInfo: {name: a}}
      loop:
        componentRef: {name: comp-loop}
        dependentTasks: [a]
        parameterIterator: {itemInput: x, items: {raw: '[1, 2]'}}
      done:
        componentRef: {name: comp-a}
        dependentTasks: [loop]
        triggerPolicy: {strategy: ALL_UPSTREAM_TASKS_COMPLETED, condition: "inputs.parameter_values['x'] == 1"}
components:
  comp-a: {executorLabel: exec-a}
  comp-loop:
    dag:
      tasks:
        inner: {componentRef: {name: comp-a}, inputs: {parameters: {v: {componentInputParameter: x}}}}
deploymentSpec:
  executors:
    exec-a: {container: {image: python:3.12, command: [python], args: [-c, 'print(1)']}}
`;
const smallSageMaker = JSON.stringify({
  Version: '2020-12-01',
  Steps: [
    { Name: 'Prep', Type: 'Processing', Arguments: { AppSpecification: { ImageUri: 'img' } } },
    { Name: 'Train', Type: 'Training', DependsOn: ['Prep'], Arguments: { In: { Get: 'Steps.Prep.ProcessingOutputConfig.Outputs[0]' } } },
    { Name: 'Check', Type: 'Condition', Arguments: {
      Conditions: [{ Type: 'GreaterThan', LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Train.PropertyFiles.R' }, Path: 'a' } }, RightValue: 1 }],
      IfSteps: [{ Name: 'Reg', Type: 'RegisterModel', Arguments: { M: { 'Std:Join': { On: '/', Values: [{ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }] } } } }],
      ElseSteps: [{ Name: 'Fail', Type: 'Fail', Arguments: { ErrorMessage: 'no' } }] } },
  ],
}, null, 1);
const seeds = [
  readExample('refit-workflow.yaml'),
  readExample('feature-templates.yaml'),
  smallKfp,
  smallSageMaker,
  readExample('spark-train.yaml'),
  generateArgoWorkflow(12, { seed: 5, groupEvery: 4 }),
];

const nasty = ['<script>alert(1)</script>', '{{', '}}', ': ', '- ', '\t', '"', "'", '&a', '*a', '!!binary', '? ', '|', '>', '#', '\u0000', '\u202e', '💥', '[', ']', '{', '}', ',', '---\n', '...\n', '\r\n', 'x'.repeat(5000), '\n  ', '\n- ', 'depends: "A &&"', 'withItems: 7', 'dag: 3', 'steps: {a: 1}', 'tasks: null', '<<: *a'];

function mutate(text: string, rand: () => number): string {
  let s = text;
  const ops = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(rand() * (s.length + 1));
    switch (Math.floor(rand() * 6)) {
      case 0: // truncate
        s = s.slice(0, at);
        break;
      case 1: // insert something nasty
        s = s.slice(0, at) + nasty[Math.floor(rand() * nasty.length)] + s.slice(at);
        break;
      case 2: { // delete a span
        const len = Math.floor(rand() * 200);
        s = s.slice(0, at) + s.slice(at + len);
        break;
      }
      case 3: { // duplicate a line somewhere else (duplicate keys, cycles, repeated tasks)
        const lines = s.split('\n');
        const from = Math.floor(rand() * lines.length);
        lines.splice(Math.floor(rand() * lines.length), 0, lines[from]);
        s = lines.join('\n');
        break;
      }
      case 4: { // re-indent a line
        const lines = s.split('\n');
        const k = Math.floor(rand() * lines.length);
        lines[k] = ' '.repeat(Math.floor(rand() * 8)) + lines[k].trimStart();
        s = lines.join('\n');
        break;
      }
      default: // flip one character
        s = s.slice(0, at) + String.fromCharCode(32 + Math.floor(rand() * 95)) + s.slice(at + 1);
    }
  }
  return s;
}

/** Structurally hostile Argo documents: cycles, deep nesting, huge names, wrong types. */
function hostileArgo(rand: () => number, i: number): string {
  const kind = i % 6;
  const head = 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: "<script>x</script>"\nspec:\n  entrypoint: t0\n  templates:\n';
  if (kind === 0) {
    // A chain of templates calling each other, deeper than we expand, closing into a loop.
    const n = 5 + Math.floor(rand() * 60);
    let s = head;
    for (let k = 0; k < n; k++) s += `  - name: t${k}\n    dag:\n      tasks:\n      - {name: x${k}, template: t${(k + 1) % n}}\n`;
    return s;
  }
  if (kind === 1) {
    const n = 2 + Math.floor(rand() * 50);
    let s = head + '  - name: t0\n    dag:\n      tasks:\n';
    for (let k = 0; k < n; k++) s += `      - {name: n${k}, template: c, depends: "n${(k + 1) % n} && !(n${Math.floor(rand() * n)}.Failed"}\n`;
    return s + '  - name: c\n    container: {image: x}\n';
  }
  if (kind === 2) {
    const name = 'n'.repeat(1 + Math.floor(rand() * 20000));
    return head + `  - name: t0\n    steps:\n    - - {name: ${name}, template: t0, withItems: [${Array.from({ length: 50 }, (_, k) => k).join(',')}]}\n`;
  }
  if (kind === 3) {
    const depth = 20 + Math.floor(rand() * 400);
    return head + '  - name: t0\n    dag:\n      tasks: ' + '['.repeat(depth) + ']'.repeat(Math.floor(rand() * depth)) + '\n';
  }
  if (kind === 4) {
    const values = ['7', 'null', '[1, 2]', '{a: b}', '"str"', 'true', '~', '-1'];
    const v = () => values[Math.floor(rand() * values.length)];
    return head + `  - name: t0\n    dag:\n      tasks:\n      - name: ${v()}\n        template: ${v()}\n        dependencies: ${v()}\n        depends: ${v()}\n        withItems: ${v()}\n        withSequence: ${v()}\n        when: ${v()}\n        onExit: ${v()}\n        hooks: ${v()}\n        templateRef: ${v()}\n`;
  }
  // Alias fan-out (a small "billion laughs") inside a pipeline document.
  return 'a: &a ["x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\nSteps: [*d, *d, {Name: s, Type: Processing, Arguments: [*d, *d]}]\n';
}

function hostileOther(rand: () => number, i: number): string {
  switch (i % 4) {
    case 0: {
      const n = 1 + Math.floor(rand() * 30);
      const steps = Array.from({ length: n }, (_, k) => ({ Name: k % 7 === 0 ? 'dup' : `s${k}`, Type: ['Processing', 'Condition', 7, null][k % 4], DependsOn: [`s${(k + 1) % n}`], Arguments: { IfSteps: k % 3 ? [{ Name: `s${k}` }] : 'no', v: { Get: `Steps.s${Math.floor(rand() * n)}.X` } } }));
      return JSON.stringify({ Steps: steps });
    }
    case 1:
      return `pipelineInfo: {name: p}\nroot:\n  dag:\n    tasks:\n      a: {componentRef: {name: comp-a}, dependentTasks: [a, b]}\n      b: {componentRef: {name: comp-a}, dependentTasks: a}\ncomponents:\n  comp-a: {dag: {tasks: {x: {componentRef: {name: comp-a}}}}}\n`;
    case 2:
      return `apiVersion: sagemaker.services.k8s.aws/v1alpha1\nkind: Pipeline\nspec:\n  pipelineDefinition: ${JSON.stringify(JSON.stringify({ Steps: [{ Name: 'a', Type: 'Condition', Arguments: { IfSteps: [{ Name: 'a' }] } }] }).slice(0, Math.floor(rand() * 80)))}\n`;
    default:
      return `apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nspec: ${['7', '[]', '{driver: 1, executor: [2]}', '{driver: {cores: {a: b}}}'][Math.floor(rand() * 4)]}\n`;
  }
}

export interface FuzzDocument {
  text: string;
  fileName: string;
  /** Which generator made it, e.g. "mutate", "hostile-argo", "truncated". */
  source: string;
}

/** Every document of the fuzz test, in the order it checks them (same PRNG sequence). */
export function fuzzDocuments(): FuzzDocument[] {
  const rand = mulberry32(20261122);
  const out: FuzzDocument[] = [];
  for (let i = 0; i < 6000; i++) {
    const base = seeds[i % seeds.length];
    out.push({ text: mutate(base, rand), fileName: i % seeds.length === 3 ? 'm.json' : 'm.yaml', source: 'mutate' });
  }
  for (let i = 0; i < 2400; i++) out.push({ text: hostileArgo(rand, i), fileName: 'h.yaml', source: 'hostile-argo' });
  for (let i = 0; i < 1600; i++) out.push({ text: hostileOther(rand, i), fileName: i % 4 === 0 ? 'h.json' : 'h.yaml', source: 'hostile-other' });
  for (const base of seeds) for (let cut = 0; cut < base.length; cut += Math.max(1, Math.floor(base.length / 40))) out.push({ text: base.slice(0, cut), fileName: 't.yaml', source: 'truncated' });
  // The real (large) examples, truncated at many points.
  for (const name of ['kfp-refit.yaml', 'sagemaker-refit.json']) {
    const text = readExample(name);
    for (let cut = 0; cut < text.length; cut += Math.floor(text.length / 25)) out.push({ text: text.slice(0, cut), fileName: name, source: 'truncated-example' });
  }
  return out;
}
