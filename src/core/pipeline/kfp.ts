/**
 * Kubeflow Pipelines v2 compiled YAML (the PipelineSpec IR the kfp SDK writes) → PipelineGraph.
 *
 * `root.dag.tasks` are the top level; a task whose component has its own `dag` (sub-pipeline,
 * ParallelFor, dsl.Condition/If/Elif/Else, ExitHandler) becomes a group with that DAG's tasks as
 * members. Edges come from `dependentTasks` (plus producer tasks of inputs, in case a hand-written
 * file omits them); a task with `triggerPolicy.strategy: ALL_UPSTREAM_TASKS_COMPLETED` runs even
 * when its upstream failed — an exit handler — so its incoming edges are `exit` edges.
 * Images and commands come from `deploymentSpec.executors` via the component's `executorLabel`.
 */
import type { GroupKind, NodeDetail, PipelineGraph } from '../model/pipelineGraph';
import { brief, findCycles, GraphBuilder, type Diagnostics, type YamlView, type YValue } from './source';

const MAX_DEPTH = 24;

/** `inputs.parameter_values['pipelinechannel--flip-coin-Output'] == 'heads'` → `flip-coin-Output == 'heads'`. */
export function prettyKfpCondition(cond: string): string {
  return cond
    .replace(/inputs\.parameter_values\[['"](?:pipelinechannel--)?([^'"\]]+)['"]\]/g, '$1')
    .replace(/inputs\.parameters\[['"](?:pipelinechannel--)?([^'"\]]+)['"]\]/g, '$1');
}

class KfpExpander {
  private readonly reported = new Set<string>();

  constructor(
    private readonly y: YamlView,
    private readonly root: YValue,
    private readonly b: GraphBuilder,
    private readonly diags: Diagnostics,
  ) {}

  private component(name: string): YValue {
    return this.y.get(this.root, 'components', name);
  }

  private executor(label: string): YValue {
    return this.y.get(this.root, 'deploymentSpec', 'executors', label);
  }

  private leafDetails(compName: string, comp: YValue): { details: NodeDetail[]; subtitle: string } {
    const y = this.y;
    const details: NodeDetail[] = [{ key: 'component', value: compName }];
    let subtitle = 'component';
    const label = y.str(y.get(comp, 'executorLabel'));
    if (label) {
      const ex = this.executor(label);
      if (ex === undefined) {
        if (!this.reported.has(`exec:${label}`)) {
          this.reported.add(`exec:${label}`);
          this.diags.add('warning', 'missing-executor', `Executor "${label}" of component "${compName}" is not in deploymentSpec.executors.`, y.range(y.get(comp, 'executorLabel')));
        }
      } else if (y.get(ex, 'container') !== undefined) {
        const c = y.get(ex, 'container');
        const push = (key: string, v: unknown) => {
          const s = brief(v);
          if (s) details.push({ key, value: s });
        };
        push('image', y.str(y.get(c, 'image')));
        push('command', y.toJS(y.get(c, 'command')));
        push('args', y.toJS(y.get(c, 'args')));
        const r = y.toJS(y.get(c, 'resources'));
        if (r && typeof r === 'object') {
          push('resources', Object.entries(r as Record<string, unknown>).map(([k, v]) => `${k}=${brief(v, 40)}`).join(' '));
        }
      } else if (y.get(ex, 'importer') !== undefined) {
        subtitle = 'importer';
        details.push({ key: 'importer', value: brief(y.toJS(y.get(ex, 'importer', 'artifactUri'))) || 'artifact' });
      } else if (y.get(ex, 'resolver') !== undefined) {
        subtitle = 'resolver';
      }
    }
    return { details, subtitle };
  }

  /** Inputs of a task as `name=value` text for the hover. */
  private inputsText(task: YValue): string {
    const y = this.y;
    const parts: string[] = [];
    for (const [name, spec] of y.entries(y.get(task, 'inputs', 'parameters'))) {
      const shown = name.replace(/^pipelinechannel--/, '');
      const producer = y.str(y.get(spec, 'taskOutputParameter', 'producerTask'));
      const key = y.str(y.get(spec, 'taskOutputParameter', 'outputParameterKey'));
      const constant = y.get(spec, 'runtimeValue', 'constant');
      const fromInput = y.str(y.get(spec, 'componentInputParameter'));
      if (producer) parts.push(`${shown}=${producer}.${key ?? 'output'}`);
      else if (constant !== undefined) parts.push(`${shown}=${brief(y.toJS(constant), 60)}`);
      else if (fromInput) parts.push(`${shown}=<${fromInput.replace(/^pipelinechannel--/, '')}>`);
      else parts.push(shown);
    }
    for (const [name, spec] of y.entries(y.get(task, 'inputs', 'artifacts'))) {
      const producer = y.str(y.get(spec, 'taskOutputArtifact', 'producerTask'));
      parts.push(producer ? `${name}=${producer}.${y.str(y.get(spec, 'taskOutputArtifact', 'outputArtifactKey')) ?? 'artifact'}` : name);
    }
    return parts.join(', ');
  }

  expandDag(dag: YValue, dagName: string, parent: string | undefined, stack: string[]): void {
    const y = this.y;
    const tasksNode = y.get(dag, 'tasks');
    if (tasksNode === undefined) {
      this.diags.add('warning', 'empty-template', `DAG "${dagName}" has no tasks.`, y.range(dag));
      return;
    }
    if (!y.isMap(tasksNode)) {
      this.diags.add('error', 'wrong-type', `tasks of "${dagName}" must be a mapping of task name → task, found ${y.typeName(tasksNode)}.`, y.range(tasksNode));
      return;
    }
    const ids = new Map<string, { id: string; task: YValue; keyNode: YValue }>();
    for (const [name, task, pair] of y.entries(tasksNode)) {
      if (!y.isMap(task)) {
        this.diags.add('error', 'wrong-type', `Task "${name}" must be a mapping, found ${y.typeName(task)}.`, y.range(pair));
        continue;
      }
      const id = parent ? `${parent}/${name}` : name;
      const placed = this.placeTask(name, task, id, parent, y.range(pair), stack);
      if (placed === undefined) return;
      ids.set(name, { id: placed, task, keyNode: pair.key });
    }
    const deps = new Map<string, string[]>();
    for (const [name, { id, task }] of ids) {
      const strategy = y.str(y.get(task, 'triggerPolicy', 'strategy'));
      const condition = y.str(y.get(task, 'triggerPolicy', 'condition'));
      const isExit = strategy === 'ALL_UPSTREAM_TASKS_COMPLETED';
      const label = condition ? brief(prettyKfpCondition(condition), 80) : isExit ? 'all upstream done' : undefined;
      const depList = y.get(task, 'dependentTasks');
      const upstream: string[] = [];
      if (depList !== undefined) {
        if (!y.isSeq(depList)) {
          this.diags.add('error', 'wrong-type', `dependentTasks of "${name}" must be a list, found ${y.typeName(depList)}.`, y.range(depList));
        } else {
          for (const d of y.seq(depList)) {
            const dn = y.str(d);
            if (dn === undefined) continue;
            const from = ids.get(dn);
            if (!from) {
              this.diags.add('error', 'missing-dependency', `Task "${name}" depends on "${dn}", which is not a task of "${dagName}".`, y.range(d));
              continue;
            }
            upstream.push(dn);
            this.b.addEdge({ from: from.id, to: id, kind: isExit ? 'exit' : 'depends', label });
          }
        }
      }
      // Data flow a hand-written spec may not have listed in dependentTasks.
      const producers = new Set<string>();
      for (const [, spec] of y.entries(y.get(task, 'inputs', 'parameters'))) {
        const p = y.str(y.get(spec, 'taskOutputParameter', 'producerTask'));
        if (p) producers.add(p);
      }
      for (const [, spec] of y.entries(y.get(task, 'inputs', 'artifacts'))) {
        const p = y.str(y.get(spec, 'taskOutputArtifact', 'producerTask'));
        if (p) producers.add(p);
      }
      for (const p of producers) {
        if (upstream.includes(p)) continue;
        const from = ids.get(p);
        if (!from) {
          // Inside a sub-DAG, producers of the parent DAG arrive as pipelinechannel inputs.
          continue;
        }
        upstream.push(p);
        this.b.addEdge({ from: from.id, to: id, kind: 'data' });
      }
      deps.set(name, upstream);
    }
    for (const cycle of findCycles([...ids.keys()], (n) => deps.get(n) ?? [])) {
      this.diags.add('error', 'cycle', `Tasks of "${dagName}" form a cycle: ${[...cycle, cycle[0]].join(' → ')}.`, y.range(ids.get(cycle[0])!.keyNode));
    }
  }

  private placeTask(name: string, task: YValue, id: string, parent: string | undefined, range: ReturnType<YamlView['range']>, stack: string[]): string | undefined {
    const y = this.y;
    const compName = y.str(y.get(task, 'componentRef', 'name'));
    const displayName = y.str(y.get(task, 'taskInfo', 'name')) ?? name;
    const details: NodeDetail[] = [];
    const condition = y.str(y.get(task, 'triggerPolicy', 'condition'));
    if (condition) details.push({ key: 'condition', value: brief(prettyKfpCondition(condition)) });
    const strategy = y.str(y.get(task, 'triggerPolicy', 'strategy'));
    if (strategy) details.push({ key: 'trigger', value: strategy });
    const inputs = this.inputsText(task);
    if (inputs) details.push({ key: 'inputs', value: brief(inputs) });
    const paramIter = y.get(task, 'parameterIterator');
    const artIter = y.get(task, 'artifactIterator');
    const iter = paramIter ?? artIter;
    if (iter !== undefined) {
      const raw = y.str(y.get(iter, 'items', 'raw'));
      const from = y.str(y.get(iter, 'items', 'inputParameter')) ?? y.str(y.get(iter, 'items', 'inputArtifact'));
      details.push({ key: 'loop over', value: brief(raw ?? (from ? from.replace(/^pipelinechannel--/, '') : 'items')) });
      const limit = y.str(y.get(task, 'iteratorPolicy', 'parallelismLimit'));
      if (limit) details.push({ key: 'parallelism', value: limit });
    }
    const caching = y.get(task, 'cachingOptions', 'enableCache');
    if (caching !== undefined) details.push({ key: 'cache', value: y.str(caching) ?? '' });
    const retry = y.get(task, 'retryPolicy', 'maxRetryCount');
    if (retry !== undefined) details.push({ key: 'retries', value: y.str(retry) ?? '' });

    if (!compName) {
      this.diags.add('error', 'missing-template', `Task "${name}" has no componentRef.name.`, range);
      return this.b.addNode({ id, label: displayName, kind: 'unresolved', parent, range, subtitle: 'no component', details, statusKey: name });
    }
    const comp = this.component(compName);
    if (comp === undefined) {
      this.diags.add('warning', 'unknown-template', `Component "${compName}" of task "${name}" is not in components.`, y.range(y.get(task, 'componentRef', 'name')) ?? range);
      return this.b.addNode({ id, label: displayName, kind: 'unresolved', parent, range, subtitle: compName, details: [{ key: 'unresolved', value: `component ${compName} not found` }, ...details], statusKey: name });
    }
    const dag = y.get(comp, 'dag');
    if (dag !== undefined) {
      let groupKind: GroupKind = 'sub-pipeline';
      if (iter !== undefined || name.startsWith('for-loop')) groupKind = 'loop';
      else if (condition || name.startsWith('condition')) groupKind = 'condition';
      else if (name.startsWith('exit-handler')) groupKind = 'exit-handler';
      const subtitle = groupKind === 'loop' ? 'ParallelFor' : groupKind === 'condition' ? 'condition' : groupKind === 'exit-handler' ? 'exit handler' : compName.replace(/^comp-/, '');
      const gid = this.b.addNode({ id, label: displayName, kind: 'group', groupKind, parent, range, subtitle, details: [{ key: 'component', value: compName }, ...details], statusKey: name });
      if (gid === undefined) return undefined;
      if (stack.includes(compName) || stack.length > MAX_DEPTH) {
        this.diags.add('warning', 'recursive-template', `Component "${compName}" contains itself; not expanded again.`, range);
        return gid;
      }
      this.expandDag(dag, compName, gid, [...stack, compName]);
      return gid;
    }
    const leaf = this.leafDetails(compName, comp);
    return this.b.addNode({ id, label: displayName, kind: 'kfp-component', parent, range, subtitle: leaf.subtitle, details: [...leaf.details, ...details], statusKey: name });
  }
}

export function parseKfpDocument(y: YamlView, root: YValue, diags: Diagnostics): PipelineGraph {
  const b = new GraphBuilder();
  const name = y.str(y.get(root, 'pipelineInfo', 'name')) ?? '';
  const graph: PipelineGraph = { format: 'kfp-v2', name, nodes: b.nodes, edges: b.edges };
  const comps = y.get(root, 'components');
  if (comps !== undefined && !y.isMap(comps)) diags.add('error', 'wrong-type', `components must be a mapping, found ${y.typeName(comps)}.`, y.range(comps));
  const rootDag = y.get(root, 'root', 'dag');
  if (rootDag === undefined) {
    diags.add('error', 'missing-field', 'This KFP spec has no root.dag; nothing to draw.', y.range(y.get(root, 'root') ?? root));
    return graph;
  }
  const ex = new KfpExpander(y, root, b, diags);
  ex.expandDag(rootDag, 'root', undefined, []);
  if (b.truncated) diags.add('warning', 'truncated', `The graph was cut at ${b.nodes.length} nodes.`, y.range(rootDag));
  return graph;
}
