/**
 * SageMaker Pipelines definition JSON (and the ACK `Pipeline` custom resource that carries it as
 * a string in spec.pipelineDefinition) → PipelineGraph.
 *
 * Steps are nodes; edges come from `DependsOn` (`depends`) and from property references anywhere
 * in a step's arguments — `{"Get": "Steps.Train.Properties…"}`, also inside `Std:JsonGet` and
 * `Std:Join` — (`data`). Condition steps point at their IfSteps (`condition-true`) and ElseSteps
 * (`condition-false`), which are full step definitions nested in the condition.
 */
import type { NodeDetail, PipelineGraph, SourceRange } from '../model/pipelineGraph';
import type { FNode } from './fastYaml';
import { brief, findCycles, GraphBuilder, LineIndex, loadDocuments, YamlView, type Diagnostics, type YValue } from './source';

interface StepInfo {
  name: string;
  type: string;
  node: YValue;
  id: string;
}

/** Budget for walking arguments in search of references; a definition is small, a hostile one is not. */
const WALK_BUDGET = 200_000;

/** Human text for SageMaker expression objects ({Get}, Std:JsonGet, Std:Join) and plain values. */
export function sageMakerValueText(v: unknown, depth = 0): string {
  if (depth > 8) return '…';
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.Get === 'string') return o.Get;
    const jg = o['Std:JsonGet'] as Record<string, unknown> | undefined;
    if (jg && typeof jg === 'object') return `JsonGet(${sageMakerValueText(jg.PropertyFile, depth + 1)}, ${brief(jg.Path, 80)})`;
    const join = o['Std:Join'] as Record<string, unknown> | undefined;
    if (join && typeof join === 'object' && Array.isArray(join.Values)) {
      return `Join(${brief(join.On, 10)}: ${join.Values.map((x) => sageMakerValueText(x, depth + 1)).join(', ')})`;
    }
  }
  return brief(v, 120);
}

function typeDetails(y: YamlView, type: string, step: YValue): NodeDetail[] {
  const args = y.get(step, 'Arguments');
  const d: NodeDetail[] = [];
  const add = (key: string, v: unknown) => {
    const s = typeof v === 'string' ? brief(v) : v === undefined ? '' : sageMakerValueText(v);
    if (s) d.push({ key, value: s });
  };
  const js = (n: YValue) => (n === undefined ? undefined : y.toJS(n));
  const instance = (cfg: YValue) => {
    const t = js(y.get(cfg, 'InstanceType'));
    const c = js(y.get(cfg, 'InstanceCount'));
    if (t === undefined && c === undefined) return undefined;
    return `${t === undefined ? '?' : sageMakerValueText(t)} × ${c === undefined ? 1 : sageMakerValueText(c)}`;
  };
  switch (type) {
    case 'Processing':
      add('image', js(y.get(args, 'AppSpecification', 'ImageUri')));
      add('entrypoint', js(y.get(args, 'AppSpecification', 'ContainerEntrypoint')));
      add('arguments', js(y.get(args, 'AppSpecification', 'ContainerArguments')));
      add('instances', instance(y.get(args, 'ProcessingResources', 'ClusterConfig')));
      add('inputs', y.seq(y.get(args, 'ProcessingInputs')).map((i) => y.str(y.get(i, 'InputName')) ?? '?').join(', '));
      add('outputs', y.seq(y.get(args, 'ProcessingOutputConfig', 'Outputs')).map((i) => y.str(y.get(i, 'OutputName')) ?? '?').join(', '));
      break;
    case 'Training':
      add('image', js(y.get(args, 'AlgorithmSpecification', 'TrainingImage')));
      add('instances', instance(y.get(args, 'ResourceConfig')));
      add('hyperparameters', js(y.get(args, 'HyperParameters')));
      add('channels', y.seq(y.get(args, 'InputDataConfig')).map((i) => y.str(y.get(i, 'ChannelName')) ?? '?').join(', '));
      add('output', js(y.get(args, 'OutputDataConfig', 'S3OutputPath')));
      break;
    case 'Tuning':
      add('strategy', js(y.get(args, 'HyperParameterTuningJobConfig', 'Strategy')));
      add('image', js(y.get(args, 'TrainingJobDefinition', 'AlgorithmSpecification', 'TrainingImage')));
      add('instances', instance(y.get(args, 'TrainingJobDefinition', 'ResourceConfig')));
      break;
    case 'Transform':
      add('model', js(y.get(args, 'ModelName')));
      add('instances', instance(y.get(args, 'TransformResources')));
      break;
    case 'CreateModel':
    case 'Model':
      add('image', js(y.get(args, 'PrimaryContainer', 'Image')));
      add('model data', js(y.get(args, 'PrimaryContainer', 'ModelDataUrl')));
      break;
    case 'RegisterModel':
      add('model package group', js(y.get(args, 'ModelPackageGroupName')));
      add('approval', js(y.get(args, 'ModelApprovalStatus')));
      add('images', y.seq(y.get(args, 'InferenceSpecification', 'Containers')).map((c) => sageMakerValueText(js(y.get(c, 'Image')))).join(', '));
      add('model data', y.seq(y.get(args, 'InferenceSpecification', 'Containers')).map((c) => sageMakerValueText(js(y.get(c, 'ModelDataUrl')))).join(', '));
      break;
    case 'Condition':
      add('conditions', y.seq(y.get(args, 'Conditions')).map((c) => {
        const ct = y.str(y.get(c, 'Type')) ?? '?';
        return `${ct}(${sageMakerValueText(js(y.get(c, 'LeftValue')))}, ${sageMakerValueText(js(y.get(c, 'RightValue')))})`;
      }).join(' AND '));
      break;
    case 'Fail':
      add('error', js(y.get(args, 'ErrorMessage')));
      break;
    case 'Lambda':
      add('function', js(y.get(step, 'FunctionArn')));
      break;
    case 'Callback':
      add('queue', js(y.get(step, 'SqsQueueUrl')));
      break;
    case 'EMR':
      add('cluster', js(y.get(args, 'ClusterId')));
      break;
    case 'QualityCheck':
    case 'ClarifyCheck':
      add('check', js(y.get(step, 'CheckType')));
      break;
    default:
      break;
  }
  add('description', js(y.get(step, 'Description')));
  const cache = y.get(step, 'CacheConfig', 'Enabled');
  if (cache !== undefined) add('cache', js(cache));
  return d;
}

export function parseSageMakerDefinition(
  y: YamlView,
  root: YValue,
  diags: Diagnostics,
  format: 'sagemaker' | 'ack-sagemaker-pipeline',
  name = '',
): PipelineGraph {
  const b = new GraphBuilder();
  const graph: PipelineGraph = { format, name, nodes: b.nodes, edges: b.edges };
  const stepsNode = y.get(root, 'Steps');
  if (!y.isSeq(stepsNode)) {
    diags.add('error', 'wrong-type', `Steps must be a list, found ${y.typeName(stepsNode)}.`, y.range(stepsNode ?? root));
    return graph;
  }
  // Collect every step, including those nested in Condition branches.
  const steps = new Map<string, StepInfo>();
  const branches: Array<{ from: string; to: YValue; kind: 'condition-true' | 'condition-false' }> = [];
  const visit = (list: YValue, depth: number, parentCond?: { name: string; kind: 'condition-true' | 'condition-false' }) => {
    if (depth > 32) {
      diags.add('warning', 'too-deep', 'Condition steps nest more than 32 levels deep; deeper steps are not drawn.', y.range(list));
      return;
    }
    y.seq(list).forEach((step, i) => {
      if (!y.isMap(step)) {
        diags.add('error', 'wrong-type', `Step ${i + 1} must be an object, found ${y.typeName(step)}.`, y.range(step));
        return;
      }
      let stepName = y.str(y.get(step, 'Name'));
      const type = y.str(y.get(step, 'Type')) ?? '';
      if (!stepName) {
        diags.add('error', 'missing-name', `Step ${i + 1} has no Name.`, y.range(step));
        stepName = `step-${depth}-${i + 1}`;
      }
      if (!type) diags.add('error', 'missing-field', `Step "${stepName}" has no Type.`, y.range(step));
      if (steps.has(stepName)) {
        diags.add('error', 'duplicate-name', `Two steps are named "${stepName}".`, y.range(y.get(step, 'Name')));
        return;
      }
      const id = b.addNode({
        id: stepName,
        label: stepName,
        kind: type === 'Condition' ? 'condition' : 'sagemaker',
        range: y.range(step),
        subtitle: type || 'step',
        details: [{ key: 'type', value: type || '?' }, ...typeDetails(y, type, step)],
        statusKey: stepName,
      });
      if (id === undefined) return;
      steps.set(stepName, { name: stepName, type, node: step, id });
      if (parentCond) branches.push({ from: parentCond.name, to: step, kind: parentCond.kind });
      if (type === 'Condition') {
        const args = y.get(step, 'Arguments');
        const ifSteps = y.get(args, 'IfSteps') ?? y.get(step, 'IfSteps');
        const elseSteps = y.get(args, 'ElseSteps') ?? y.get(step, 'ElseSteps');
        for (const [list2, kind] of [[ifSteps, 'condition-true'], [elseSteps, 'condition-false']] as const) {
          if (list2 === undefined) continue;
          if (!y.isSeq(list2)) diags.add('error', 'wrong-type', `${kind === 'condition-true' ? 'IfSteps' : 'ElseSteps'} of "${stepName}" must be a list.`, y.range(list2));
          else visit(list2, depth + 1, { name: stepName, kind });
        }
      }
    });
  };
  visit(stepsNode, 0);

  const deps = new Map<string, Set<string>>();
  const addDep = (to: string, from: string) => {
    if (!deps.has(to)) deps.set(to, new Set());
    deps.get(to)!.add(from);
  };
  for (const br of branches) {
    const to = y.str(y.get(br.to, 'Name'));
    if (to && steps.has(to)) {
      b.addEdge({ from: steps.get(br.from)!.id, to: steps.get(to)!.id, kind: br.kind, label: br.kind === 'condition-true' ? 'if' : 'else' });
      addDep(to, br.from);
    }
  }
  for (const s of steps.values()) {
    const dependsOn = y.get(s.node, 'DependsOn');
    if (dependsOn !== undefined && !y.isNull(dependsOn)) {
      if (!y.isSeq(dependsOn)) {
        diags.add('error', 'wrong-type', `DependsOn of "${s.name}" must be a list of step names, found ${y.typeName(dependsOn)}.`, y.range(dependsOn));
      } else {
        for (const d of y.seq(dependsOn)) {
          const dn = y.str(d);
          if (dn === undefined) {
            diags.add('error', 'wrong-type', `An entry of DependsOn of "${s.name}" is ${y.typeName(d)}, not a step name.`, y.range(d));
            continue;
          }
          const from = steps.get(dn);
          if (!from) {
            diags.add('error', 'missing-dependency', `Step "${s.name}" depends on "${dn}", which is not a step of this pipeline.`, y.range(d));
            continue;
          }
          b.addEdge({ from: from.id, to: s.id, kind: 'depends' });
          addDep(s.name, dn);
        }
      }
    }
    // Property references: walk everything except nested branch steps (they are their own steps).
    const refs = new Map<string, YValue>();
    let budget = WALK_BUDGET;
    const seen = new Set<FNode>();
    const walk = (n: YValue, depth: number) => {
      if (--budget < 0 || depth > 64 || n === undefined) return;
      const f = n as FNode;
      if (seen.has(f)) return;
      seen.add(f);
      if (f.t === 'map') {
        for (const p of f.items) {
          const k = p.key.value;
          if (k === 'IfSteps' || k === 'ElseSteps') continue;
          if (k === 'Get' && p.value.t === 'scalar' && typeof p.value.value === 'string') {
            const m = /^Steps\.([^.[\]]+)/.exec(p.value.value);
            if (m && !refs.has(m[1])) refs.set(m[1], p.value);
            continue;
          }
          walk(p.value, depth + 1);
        }
      } else if (f.t === 'seq') {
        for (const i of f.items) walk(i, depth + 1);
      }
    };
    walk(y.get(s.node, 'Arguments'), 0);
    for (const key of ['PropertyFiles', 'OutputParameters', 'Inputs', 'FunctionArn']) walk(y.get(s.node, key), 0);
    for (const [ref, at] of refs) {
      if (ref === s.name) continue;
      const from = steps.get(ref);
      if (!from) {
        diags.add('error', 'missing-dependency', `Step "${s.name}" reads properties of "${ref}", which is not a step of this pipeline.`, y.range(at));
        continue;
      }
      if (!deps.get(s.name)?.has(ref)) b.addEdge({ from: from.id, to: s.id, kind: 'data' });
      addDep(s.name, ref);
    }
  }
  for (const cycle of findCycles([...steps.keys()], (n) => [...(deps.get(n) ?? [])])) {
    diags.add('error', 'cycle', `Steps form a cycle: ${[...cycle, cycle[0]].join(' → ')}.`, y.range(y.get(steps.get(cycle[0])!.node, 'Name')));
  }
  if (steps.size === 0) diags.add('warning', 'empty-graph', 'The pipeline definition has no steps.', y.range(stepsNode));
  return graph;
}

/**
 * ACK `Pipeline`: the definition is JSON inside a string. Inner positions are not positions in
 * this file, so every node's range is the pipelineDefinition field.
 */
export function parseAckPipeline(y: YamlView, root: YValue, diags: Diagnostics): PipelineGraph {
  const name = y.str(y.get(root, 'spec', 'pipelineName')) ?? y.str(y.get(root, 'metadata', 'name')) ?? '';
  const defNode = y.get(root, 'spec', 'pipelineDefinition');
  const fieldRange: SourceRange | undefined = y.range(y.pair(y.get(root, 'spec'), 'pipelineDefinition') ?? y.get(root, 'spec') ?? root);
  const empty: PipelineGraph = { format: 'ack-sagemaker-pipeline', name, nodes: [], edges: [] };
  if (defNode === undefined) {
    diags.add('error', 'missing-field', 'ACK Pipeline has no spec.pipelineDefinition.', fieldRange);
    return empty;
  }
  const innerText: string | undefined = y.str(defNode);
  if (innerText === undefined && y.isMap(defNode)) {
    // Not what the CRD wants (a string), but the intent is clear: draw it and say so.
    diags.add('warning', 'wrong-type', 'spec.pipelineDefinition should be a JSON string, not a mapping (the ACK CRD field is a string).', y.range(defNode));
    return parseSageMakerDefinition(new YamlView(y.lines, y.fileName, fieldRange), defNode, diags, 'ack-sagemaker-pipeline', name);
  }
  if (innerText === undefined) {
    diags.add('error', 'wrong-type', `spec.pipelineDefinition must be a JSON string, found ${y.typeName(defNode)}.`, y.range(defNode));
    return empty;
  }
  const { docs } = loadDocuments(innerText);
  const inner = docs.find((d) => d.contents !== null);
  const bad = docs.find((d) => d.errors.length);
  if (bad || !inner) {
    let msg = bad?.errors[0]?.message ?? 'it is empty';
    try {
      JSON.parse(innerText);
    } catch (err) {
      msg = err instanceof Error ? err.message : msg;
    }
    diags.add('error', 'json-syntax', `spec.pipelineDefinition is not valid JSON: ${msg}`, fieldRange);
    return empty;
  }
  const innerView = new YamlView(new LineIndex(innerText), y.fileName, fieldRange);
  return parseSageMakerDefinition(innerView, inner.contents, diags, 'ack-sagemaker-pipeline', name);
}
