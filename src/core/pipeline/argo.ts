/**
 * Argo Workflows (Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow) → PipelineGraph.
 *
 * The graph is what a run would look like, expanded from the entrypoint:
 * - dag tasks become nodes; `dependencies` and `depends` become edges (non-default outcomes such
 *   as `A.Failed` label the edge);
 * - steps become nodes with `sequence` edges from every step of one parallel group to every step
 *   of the next;
 * - a task calling a dag/steps template becomes a group whose members are that template's tasks;
 * - withItems/withSequence expand into one node per iteration inside a `loop` group (capped),
 *   withParam (known only at run time) into a `fan-out` group with one representative member;
 * - onExit and lifecycle hooks hang off the graph with `exit` edges.
 *
 * `statusKey` is the Argo node name with the workflow name stripped (".train", "[0].step",
 * ".loop(0:a)"), so the host can match live node status by `node.name.slice(wf.name.length)`.
 */
import type { NodeDetail, NodeKind, PipelineGraph, PipelineFormat } from '../model/pipelineGraph';
import { dependsLabel, parseDependsOf, type DependsRef } from './argoDepends';
import { brief, findCycles, GraphBuilder, LineIndex, loadDocuments, YamlView, type Diagnostics, type YValue } from './source';
import { sparkSummaryDetails } from './spark';
import { validateArgoSpec } from './argoValidate';
import { argoSource, lookupTemplate, type ArgoTemplateSource, type TemplateIndex } from './templateIndex';

/** Iterations drawn per loop; the rest are summarised in a diagnostic. */
export const LOOP_CAP = 32;
/** Nesting depth of templates calling templates before we stop expanding. */
const MAX_DEPTH = 24;

const TEMPLATE_TYPES = ['dag', 'steps', 'container', 'script', 'resource', 'suspend', 'http', 'plugin', 'containerSet', 'data'] as const;
type TemplateType = (typeof TEMPLATE_TYPES)[number];

type Resolved =
  | { ok: true; src: ArgoTemplateSource; tmpl: YValue; name: string }
  | { ok: false; subtitle: string; reason: string };

interface LeafInfo {
  kind: NodeKind;
  subtitle: string;
  details: NodeDetail[];
}

interface Placed {
  id: string;
  when?: string;
}

const KIND_OF: Record<string, NodeKind> = {
  container: 'container',
  containerSet: 'container',
  script: 'script',
  resource: 'resource',
  suspend: 'suspend',
  http: 'http',
  plugin: 'plugin',
  data: 'plugin',
};

function formatOf(kind: ArgoTemplateSource['kind']): PipelineFormat {
  switch (kind) {
    case 'WorkflowTemplate':
      return 'argo-workflow-template';
    case 'ClusterWorkflowTemplate':
      return 'argo-cluster-workflow-template';
    case 'CronWorkflow':
      return 'argo-cron-workflow';
    default:
      return 'argo-workflow';
  }
}

function resourcesText(v: unknown): string {
  if (!v || typeof v !== 'object') return '';
  const parts: string[] = [];
  for (const section of ['requests', 'limits']) {
    const s = (v as Record<string, unknown>)[section];
    if (s && typeof s === 'object') {
      const kv = Object.entries(s as Record<string, unknown>).map(([k, val]) => `${k}=${brief(val, 40)}`);
      if (kv.length) parts.push(`${section} ${kv.join(' ')}`);
    }
  }
  return parts.join('; ');
}

/**
 * References into one task, by source task in first-mention order. Tasks have a handful, so a
 * list scan replaces the Map per task (10k Maps at 10k tasks); long `depends` lists get a Map.
 */
class IncomingRefs {
  readonly names: string[] = [];
  readonly entries: Array<{ refs: DependsRef[]; at: YValue }> = [];
  private byName: Map<string, number> | undefined;

  private indexOf(name: string): number {
    if (this.byName) return this.byName.get(name) ?? -1;
    if (this.names.length < 16) return this.names.indexOf(name);
    this.byName = new Map(this.names.map((n, i) => [n, i]));
    return this.byName.get(name) ?? -1;
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  get(name: string): { refs: DependsRef[]; at: YValue } | undefined {
    const i = this.indexOf(name);
    return i >= 0 ? this.entries[i] : undefined;
  }

  set(name: string, entry: { refs: DependsRef[]; at: YValue }): void {
    this.byName?.set(name, this.names.length);
    this.names.push(name);
    this.entries.push(entry);
  }
}

class ArgoExpander {
  private readonly leafCache = new Map<YValue, LeafInfo>();
  private readonly reportedOnce = new Set<string>();

  constructor(
    readonly b: GraphBuilder,
    private readonly diags: Diagnostics,
    private readonly index: TemplateIndex | undefined,
  ) {}

  private once(key: string): boolean {
    if (this.reportedOnce.has(key)) return false;
    this.reportedOnce.add(key);
    return true;
  }

  /** Diagnostics only for the parsed file: problems inside referenced files are theirs to report. */
  private report(src: ArgoTemplateSource, severity: 'error' | 'warning' | 'info', code: string, message: string, at: YValue): void {
    if (src.view.fileName !== this.docFileName) {
      return;
    }
    this.diags.add(severity, code, message, src.view.range(at));
  }

  docFileName = '';

  templateType(src: ArgoTemplateSource, tmpl: YValue): TemplateType | undefined {
    for (const t of TEMPLATE_TYPES) if (src.view.get(tmpl, t) !== undefined) return t;
    return undefined;
  }

  resolveName(src: ArgoTemplateSource, tName: string, at: YValue): Resolved {
    const t = src.templates.get(tName);
    if (t !== undefined) return { ok: true, src, tmpl: t, name: tName };
    this.report(src, 'error', 'unknown-template', `Template "${tName}" is not defined in this ${src.kind}.`, at);
    return { ok: false, subtitle: tName, reason: `template "${tName}" not found` };
  }

  resolve(src: ArgoTemplateSource, call: YValue, callName: string): Resolved {
    const y = src.view;
    const tNode = y.get(call, 'template');
    const tName = y.str(tNode);
    if (tName !== undefined) return this.resolveName(src, tName, tNode);
    const inline = y.get(call, 'inline');
    if (y.isMap(inline)) return { ok: true, src, tmpl: inline, name: `${callName} (inline)` };
    const ref = y.get(call, 'templateRef');
    if (ref !== undefined) {
      const refName = y.str(y.get(ref, 'name'));
      const refTmpl = y.str(y.get(ref, 'template'));
      if (!refName || !refTmpl) {
        this.report(src, 'error', 'wrong-type', 'templateRef needs both "name" and "template".', ref);
        return { ok: false, subtitle: 'templateRef', reason: 'incomplete templateRef' };
      }
      const cluster = y.str(y.get(ref, 'clusterScope')) === 'true';
      const ws = lookupTemplate(this.index, refName, cluster);
      const label = `${refName}/${refTmpl}`;
      if (!ws) {
        this.report(src, 'warning', 'unresolved-template-ref',
          `${cluster ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate'} "${refName}" was not found in the workspace; "${callName}" is drawn unresolved.`, ref);
        return { ok: false, subtitle: label, reason: `${cluster ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate'} "${refName}" not found in the workspace` };
      }
      const t = ws.templates.get(refTmpl);
      if (t === undefined) {
        this.report(src, 'warning', 'unresolved-template-ref', `${ws.kind} "${refName}" has no template "${refTmpl}".`, ref);
        return { ok: false, subtitle: label, reason: `"${refName}" has no template "${refTmpl}"` };
      }
      return { ok: true, src: ws, tmpl: t, name: label };
    }
    this.report(src, 'error', 'missing-template', `"${callName}" names no template (template, templateRef or inline).`, call);
    return { ok: false, subtitle: '(no template)', reason: 'no template named' };
  }

  leafInfo(src: ArgoTemplateSource, tmpl: YValue, name: string, type: TemplateType | undefined): LeafInfo {
    const cached = this.leafCache.get(tmpl);
    if (cached) return cached;
    const y = src.view;
    const details: NodeDetail[] = [{ key: 'template', value: name }];
    let kind: NodeKind = type ? (KIND_OF[type] ?? 'container') : 'container';
    let subtitle: string = type ?? 'template';
    const add = (key: string, v: unknown) => {
      const s = brief(v);
      if (s) details.push({ key, value: s });
    };
    if (type === 'container' || type === 'script') {
      const c = y.get(tmpl, type);
      add('image', y.str(y.get(c, 'image')));
      add('command', y.toJS(y.get(c, 'command')));
      add('args', y.toJS(y.get(c, 'args')));
      if (type === 'script') add('source', y.str(y.get(c, 'source')));
      add('resources', resourcesText(y.toJS(y.get(c, 'resources'))));
    } else if (type === 'containerSet') {
      const names = y.seq(y.get(tmpl, 'containerSet', 'containers')).map((c) => `${y.str(y.get(c, 'name')) ?? '?'} (${y.str(y.get(c, 'image')) ?? '?'})`);
      add('containers', names.join(', '));
    } else if (type === 'resource') {
      const r = y.get(tmpl, 'resource');
      add('action', y.str(y.get(r, 'action')));
      const manifestText = y.str(y.get(r, 'manifest'));
      if (manifestText !== undefined) {
        const m = parseManifest(manifestText);
        if (m.kind) {
          add('manifest', `${m.kind}${m.name ? ' ' + m.name : ''}`);
          subtitle = `resource: ${m.kind}`;
        }
        if (m.kind === 'SparkApplication') {
          kind = 'spark';
          subtitle = 'SparkApplication';
          details.push(...sparkSummaryDetails(m.spec));
        }
      } else if (y.get(r, 'manifestFrom') !== undefined) {
        add('manifestFrom', y.toJS(y.get(r, 'manifestFrom')));
      }
      add('successCondition', y.str(y.get(r, 'successCondition')));
      add('failureCondition', y.str(y.get(r, 'failureCondition')));
    } else if (type === 'suspend') {
      add('duration', y.str(y.get(tmpl, 'suspend', 'duration')));
    } else if (type === 'http') {
      const h = y.get(tmpl, 'http');
      add('request', `${y.str(y.get(h, 'method')) ?? 'GET'} ${y.str(y.get(h, 'url')) ?? ''}`);
    } else if (type === 'plugin') {
      const first = y.entries(y.get(tmpl, 'plugin'))[0];
      if (first) {
        add('plugin', first[0]);
        subtitle = `plugin: ${first[0]}`;
      }
    }
    const params = y.seq(y.get(tmpl, 'inputs', 'parameters')).map((p) => {
      const n = y.str(y.get(p, 'name')) ?? '?';
      const v = y.str(y.get(p, 'value')) ?? y.str(y.get(p, 'default'));
      return v === undefined ? n : `${n}=${v}`;
    });
    if (params.length) add('inputs', params.join(', '));
    const arts = y.seq(y.get(tmpl, 'inputs', 'artifacts')).map((a) => y.str(y.get(a, 'name')) ?? '?');
    if (arts.length) add('input artifacts', arts.join(', '));
    const info = { kind, subtitle, details };
    this.leafCache.set(tmpl, info);
    return info;
  }

  /** Details that belong to one call site: arguments, when, loop source. */
  callDetails(src: ArgoTemplateSource, call: YValue): NodeDetail[] {
    const y = src.view;
    const out: NodeDetail[] = [];
    const args = y.seq(y.get(call, 'arguments', 'parameters')).map((p) => {
      const n = y.str(y.get(p, 'name')) ?? '?';
      const v = y.str(y.get(p, 'value'));
      return v === undefined ? n : `${n}=${v}`;
    });
    if (args.length) out.push({ key: 'arguments', value: brief(args.join(', ')) });
    const when = y.str(y.get(call, 'when'));
    if (when) out.push({ key: 'when', value: brief(when) });
    return out;
  }

  /**
   * Draws one call of a template: a leaf node, or a group with the template's tasks inside.
   * Returns the node id, or undefined when the graph is full.
   */
  placeInstance(
    callSrc: ArgoTemplateSource,
    res: Resolved,
    label: string,
    id: string,
    parent: string | undefined,
    at: YValue,
    extra: NodeDetail[],
    statusKey: string,
    stack: string[],
  ): string | undefined {
    const range = callSrc.view.range(at);
    const fileName = callSrc.view.fileName !== this.docFileName ? callSrc.view.fileName : undefined;
    if (!res.ok) {
      return this.b.addNode({
        id, label, kind: 'unresolved', parent, range, fileName, subtitle: res.subtitle, statusKey,
        details: [{ key: 'unresolved', value: res.reason }, ...extra],
      });
    }
    const type = this.templateType(res.src, res.tmpl);
    if (type === 'dag' || type === 'steps') {
      const key = `${res.src.key}\u0000${res.name}`;
      const recursive = stack.includes(key);
      const details: NodeDetail[] = [{ key: 'template', value: res.name }, ...extra];
      if (recursive) details.push({ key: 'recursion', value: `calls ${res.name} again; not expanded further` });
      const gid = this.b.addNode({ id, label, kind: 'group', groupKind: type, parent, range, fileName, subtitle: res.name, details, statusKey });
      if (gid === undefined) return undefined;
      if (recursive) {
        if (this.once(`recursive:${key}`)) this.report(callSrc, 'info', 'recursive-template', `Template "${res.name}" calls itself; the graph shows one level of the recursion.`, at);
        return gid;
      }
      if (stack.length > MAX_DEPTH) {
        if (this.once('too-deep')) this.report(callSrc, 'warning', 'too-deep', `Templates nest more than ${MAX_DEPTH} levels deep; deeper levels are not drawn.`, at);
        return gid;
      }
      this.expandBody(res.src, res.tmpl, res.name, gid, statusKey, [...stack, key]);
      return gid;
    }
    // Top-level templates of this document are checked by argoValidate.ts, reachable or not.
    const checkedElsewhere = res.src.view.fileName === this.docFileName && res.src.templates.get(res.name) === res.tmpl;
    if (type === undefined && !checkedElsewhere && this.once(`type:${res.src.key}:${res.name}`)) {
      this.report(res.src, 'error', 'unknown-template-type',
        `Template "${res.name}" has none of ${TEMPLATE_TYPES.join(', ')}.`, res.tmpl);
    }
    const leaf = this.leafInfo(res.src, res.tmpl, res.name, type);
    return this.b.addNode({
      id, label, kind: leaf.kind, parent, range, fileName, subtitle: leaf.subtitle, statusKey,
      details: extra.length ? [...leaf.details, ...extra] : leaf.details,
    });
  }

  /** A dag task or a step: handles loops, then onExit and hooks of the call. */
  placeCall(src: ArgoTemplateSource, call: YValue, name: string, id: string, parent: string | undefined, statusKey: string, stack: string[]): Placed | undefined {
    const y = src.view;
    const res = this.resolve(src, call, name);
    const extra = this.callDetails(src, call);
    const when = y.str(y.get(call, 'when'));
    const withItems = y.get(call, 'withItems');
    const withSeq = y.get(call, 'withSequence');
    const withParam = y.get(call, 'withParam');
    let placedId: string | undefined;
    if (withItems !== undefined || withSeq !== undefined || withParam !== undefined) {
      placedId = this.placeLoop(src, call, res, name, id, parent, statusKey, extra, stack, withItems, withSeq, withParam);
    } else {
      placedId = this.placeInstance(src, res, name, id, parent, call, extra, statusKey, stack);
    }
    if (placedId === undefined) return undefined;
    this.placeCallExits(src, call, name, placedId, parent, statusKey, stack);
    return when ? { id: placedId, when } : { id: placedId };
  }

  private placeLoop(
    src: ArgoTemplateSource, call: YValue, res: Resolved, name: string, id: string, parent: string | undefined,
    statusKey: string, extra: NodeDetail[], stack: string[], withItems: YValue, withSeq: YValue, withParam: YValue,
  ): string | undefined {
    const y = src.view;
    let items: string[] | undefined;
    // withSequence totals can be huge (count: 1e9); we only materialise the drawn iterations.
    let seqTotal: number | undefined;
    let source = '';
    if (withItems !== undefined) {
      if (y.isSeq(withItems)) {
        items = y.seq(withItems).map((it) => y.str(it) ?? brief(y.toJS(it), 40));
        source = `withItems (${items.length})`;
      } else {
        this.report(src, 'error', 'wrong-type', `withItems must be a list, found ${y.typeName(withItems)}.`, withItems);
        source = 'withItems';
      }
    } else if (withSeq !== undefined) {
      const count = y.num(y.get(withSeq, 'count'));
      const start = y.num(y.get(withSeq, 'start'));
      const end = y.num(y.get(withSeq, 'end'));
      const hasCount = y.get(withSeq, 'count') !== undefined;
      if (!y.isMap(withSeq)) {
        this.report(src, 'error', 'wrong-type', `withSequence must be a mapping, found ${y.typeName(withSeq)}.`, withSeq);
      } else if (hasCount && count !== undefined) {
        const from = start ?? 0;
        seqTotal = Math.max(0, count);
        items = Array.from({ length: Math.min(seqTotal, LOOP_CAP) }, (_, i) => String(from + i));
        source = `withSequence count ${count}`;
      } else if (!hasCount && end !== undefined) {
        const from = start ?? 0;
        const step = end >= from ? 1 : -1;
        seqTotal = Math.abs(end - from) + 1;
        items = Array.from({ length: Math.min(seqTotal, LOOP_CAP) }, (_, i) => String(from + i * step));
        source = `withSequence ${from}..${end}`;
      } else {
        source = `withSequence ${brief(y.toJS(withSeq), 80)}`;
      }
    } else {
      source = `withParam ${y.str(withParam) ?? brief(y.toJS(withParam), 80)}`;
    }
    const total = items ? (seqTotal ?? items.length) : undefined;
    const groupKind = items ? 'loop' : 'fan-out';
    const gid = this.b.addNode({
      id, label: name, kind: 'group', groupKind, parent, range: y.range(call), subtitle: source,
      fileName: y.fileName !== this.docFileName ? y.fileName : undefined,
      details: [{ key: 'template', value: res.ok ? res.name : res.subtitle }, { key: 'loop', value: source }, ...extra],
      statusKey,
    });
    if (gid === undefined) return undefined;
    if (!items) {
      // Only known at run time: one representative member stands for all iterations.
      this.placeInstance(src, res, `${name}(…)`, `${gid}(*)`, gid, call, [], `${statusKey}(*)`, stack);
      return gid;
    }
    const shown = Math.min(items.length, LOOP_CAP);
    if (total !== undefined && total > LOOP_CAP) {
      this.report(src, 'info', 'loop-truncated', `"${name}" loops ${total} times; the graph shows the first ${LOOP_CAP} iterations.`, withItems ?? withSeq);
    }
    for (let i = 0; i < shown; i++) {
      const label = `${name}(${i}:${items[i]})`;
      if (this.placeInstance(src, res, label, `${gid}(${i})`, gid, call, [], `${statusKey}(${i}:${items[i]})`, stack) === undefined) break;
    }
    return gid;
  }

  /** Task-level onExit and lifecycle hooks: extra nodes after the task, joined by `exit` edges. */
  private placeCallExits(src: ArgoTemplateSource, call: YValue, name: string, id: string, parent: string | undefined, statusKey: string, stack: string[]): void {
    const y = src.view;
    const onExitNode = y.get(call, 'onExit');
    const onExit = y.str(onExitNode);
    if (onExit) {
      const res = this.resolveName(src, onExit, onExitNode);
      const exitId = this.placeInstance(src, res, `${name}.onExit`, `${id}.onExit`, parent, onExitNode, [], `${statusKey}.onExit`, stack);
      if (exitId) this.b.addEdge({ from: id, to: exitId, kind: 'exit', label: 'onExit' });
    }
    for (const [hookName, hook] of y.entries(y.get(call, 'hooks'))) {
      const res = this.resolve(src, hook, `${name}.hooks.${hookName}`);
      const expr = y.str(y.get(hook, 'expression'));
      const extra = expr ? [{ key: 'expression', value: brief(expr) }] : [];
      const hid = this.placeInstance(src, res, `${name}.hooks.${hookName}`, `${id}.hooks.${hookName}`, parent, hook, extra, `${statusKey}.hooks.${hookName}`, stack);
      if (hid) this.b.addEdge({ from: id, to: hid, kind: 'exit', label: hookName === 'exit' ? 'exit hook' : brief(expr ?? hookName, 60) });
    }
  }

  expandBody(src: ArgoTemplateSource, tmpl: YValue, tmplName: string, parent: string | undefined, statusPrefix: string, stack: string[]): void {
    const y = src.view;
    const dag = y.get(tmpl, 'dag');
    if (dag !== undefined) this.expandDag(src, dag, tmplName, parent, statusPrefix, stack);
    else this.expandSteps(src, y.get(tmpl, 'steps'), tmplName, parent, statusPrefix, stack);
  }

  private idFor(parent: string | undefined, name: string): string {
    return parent ? `${parent}/${name}` : name;
  }

  private expandDag(src: ArgoTemplateSource, dag: YValue, tmplName: string, parent: string | undefined, statusPrefix: string, stack: string[]): void {
    const y = src.view;
    const tasksNode = y.get(dag, 'tasks');
    if (!y.isSeq(tasksNode)) {
      this.report(src, 'error', 'wrong-type', `dag.tasks of template "${tmplName}" must be a list, found ${y.typeName(tasksNode)}.`, tasksNode ?? dag);
      return;
    }
    const tasks = y.seq(tasksNode);
    // An empty dag is an error of argoValidate.ts (Argo refuses it).
    // `order`: position among the placed tasks, to tell whether dependencies only point backwards.
    // `deps`: names of the placed tasks it depends on (filled in the second pass; no extra map).
    const placed = new Map<string, Placed & { task: YValue; order: number; deps: string[] }>();
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i];
      if (!y.isMap(task)) {
        this.report(src, 'error', 'wrong-type', `Task ${i + 1} of template "${tmplName}" must be a mapping, found ${y.typeName(task)}.`, task);
        continue;
      }
      let name = y.str(y.get(task, 'name'));
      if (!name) {
        this.report(src, 'error', 'missing-name', `Task ${i + 1} of template "${tmplName}" has no name.`, task);
        name = `task-${i + 1}`;
      }
      if (placed.has(name)) {
        this.report(src, 'error', 'duplicate-name', `Template "${tmplName}" has two tasks named "${name}".`, y.get(task, 'name'));
        continue;
      }
      const p = this.placeCall(src, task, name, this.idFor(parent, name), parent, `${statusPrefix}.${name}`, stack);
      if (!p) return;
      placed.set(name, { id: p.id, when: p.when, task, order: placed.size, deps: [] });
    }
    let backwardsOnly = true;
    for (const [name, p] of placed) {
      const task = p.task;
      const incoming = new IncomingRefs();
      const depList = y.get(task, 'dependencies');
      if (depList !== undefined && depList !== null) {
        if (!y.isSeq(depList)) {
          this.report(src, 'error', 'wrong-type', `"dependencies" of task "${name}" must be a list, found ${y.typeName(depList)}.`, depList);
        } else {
          for (const d of y.seq(depList)) {
            const dn = y.str(d);
            if (dn === undefined) this.report(src, 'error', 'wrong-type', `A dependency of task "${name}" is ${y.typeName(d)}, not a task name.`, d);
            else if (!incoming.has(dn)) incoming.set(dn, { refs: [{ task: dn, negated: false, offset: 0 }], at: d });
          }
        }
      }
      const dependsNode = y.get(task, 'depends');
      if (dependsNode !== undefined && dependsNode !== null) {
        const expr = y.str(dependsNode);
        if (expr === undefined) {
          this.report(src, 'error', 'wrong-type', `"depends" of task "${name}" must be a string, found ${y.typeName(dependsNode)}.`, dependsNode);
        } else {
          const parsed = parseDependsOf(dependsNode as object, expr);
          if (parsed.error) this.report(src, 'error', 'depends-syntax', `"depends" of task "${name}": ${parsed.error.message} (at character ${parsed.error.offset + 1}).`, dependsNode);
          for (const r of parsed.refs) {
            const entry = incoming.get(r.task);
            if (entry) entry.refs.push(r);
            else incoming.set(r.task, { refs: [r], at: dependsNode });
          }
        }
      }
      const depNames = p.deps;
      // Same for every incoming edge of this task: computed once.
      const whenLabel = p.when ? `when ${brief(p.when, 80)}` : undefined;
      for (let k = 0; k < incoming.names.length; k++) {
        const from = incoming.names[k];
        const { refs, at } = incoming.entries[k];
        const source = placed.get(from);
        if (!source) {
          this.report(src, 'error', 'missing-dependency', `Task "${name}" depends on "${from}", which is not a task of template "${tmplName}".`, at);
          continue;
        }
        depNames.push(from);
        if (source.order >= p.order) backwardsOnly = false;
        const refsLabel = dependsLabel(refs);
        const label = refsLabel ? (whenLabel ? `${refsLabel} · ${whenLabel}` : refsLabel) : whenLabel;
        this.b.addEdge({ from: source.id, to: p.id, kind: 'depends', label: label || undefined });
      }
    }
    // Every dependency on an earlier task (the usual way files are written) means no cycle and no
    // self loop, so the cycle search and its name-keyed maps are skipped.
    if (!backwardsOnly) for (const cycle of findCycles([...placed.keys()], (n) => placed.get(n)?.deps ?? [])) {
      const first = placed.get(cycle[0])!;
      this.report(src, 'error', 'cycle', `Tasks of template "${tmplName}" form a cycle: ${[...cycle, cycle[0]].join(' → ')}.`, y.get(first.task, 'name') ?? first.task);
    }
  }

  private expandSteps(src: ArgoTemplateSource, steps: YValue, tmplName: string, parent: string | undefined, statusPrefix: string, stack: string[]): void {
    const y = src.view;
    if (!y.isSeq(steps)) {
      this.report(src, 'error', 'wrong-type', `steps of template "${tmplName}" must be a list of lists, found ${y.typeName(steps)}.`, steps);
      return;
    }
    const groups = y.seq(steps);
    if (groups.length === 0) this.report(src, 'warning', 'empty-template', `Template "${tmplName}" has no steps.`, steps);
    let previous: string[] = [];
    const seen = new Set<string>();
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi];
      if (!y.isSeq(group)) {
        this.report(src, 'error', 'wrong-type', `Step group ${gi + 1} of template "${tmplName}" must be a list of steps, found ${y.typeName(group)}.`, group);
        continue;
      }
      const current: string[] = [];
      const whens: Array<string | undefined> = [];
      const members = y.seq(group);
      for (let si = 0; si < members.length; si++) {
        const step = members[si];
        if (!y.isMap(step)) {
          this.report(src, 'error', 'wrong-type', `Step ${si + 1} of group ${gi + 1} in template "${tmplName}" must be a mapping, found ${y.typeName(step)}.`, step);
          continue;
        }
        let name = y.str(y.get(step, 'name'));
        if (!name) {
          this.report(src, 'error', 'missing-name', `Step ${si + 1} of group ${gi + 1} in template "${tmplName}" has no name.`, step);
          name = `step-${gi + 1}-${si + 1}`;
        }
        if (seen.has(name)) this.report(src, 'error', 'duplicate-name', `Template "${tmplName}" has more than one step named "${name}"; Argo requires unique step names.`, y.get(step, 'name'));
        seen.add(name);
        const p = this.placeCall(src, step, name, this.idFor(parent, name), parent, `${statusPrefix}[${gi}].${name}`, stack);
        if (!p) return;
        current.push(p.id);
        whens.push(p.when);
      }
      if (!current.length) continue;
      for (const from of previous) {
        for (let k = 0; k < current.length; k++) {
          this.b.addEdge({ from, to: current[k], kind: 'sequence', label: whens[k] ? `when ${brief(whens[k], 80)}` : undefined });
        }
      }
      previous = current;
    }
  }
}

/** Text of a resource manifest → kind/name/spec, tolerant of Argo `{{…}}` placeholders. */
function parseManifest(text: string): { kind?: string; name?: string; spec?: unknown } {
  try {
    const { docs } = loadDocuments(text);
    const first = docs.find((d) => d.contents !== null);
    if (!first || first.errors.length) return {};
    const js = new YamlView(new LineIndex(''), '').toJS(first.contents) as Record<string, unknown> | null;
    if (!js || typeof js !== 'object' || Array.isArray(js)) return {};
    const md = (js.metadata ?? {}) as Record<string, unknown>;
    return {
      kind: typeof js.kind === 'string' ? js.kind : undefined,
      name: typeof md.name === 'string' ? md.name : typeof md.generateName === 'string' ? md.generateName : undefined,
      spec: js.spec,
    };
  } catch {
    return {};
  }
}

export function parseArgoDocument(
  view: YamlView,
  root: YValue,
  diags: Diagnostics,
  index: TemplateIndex | undefined,
): PipelineGraph | undefined {
  const src = argoSource(view, root, view.fileName);
  if (!src) return undefined;
  const b = new GraphBuilder();
  const graph: PipelineGraph = { format: formatOf(src.kind), name: src.name, nodes: b.nodes, edges: b.edges };
  const ex = new ArgoExpander(b, diags, index);
  ex.docFileName = view.fileName;
  const y = view;
  const specPath = src.kind === 'CronWorkflow' ? 'spec.workflowSpec' : 'spec';
  if (!y.isMap(src.spec)) {
    // Argo reads a missing or null spec as an empty one: a WorkflowTemplate without templates is
    // accepted (and useless), a Workflow is refused for its missing entrypoint.
    const empty = src.spec === undefined || y.isNull(src.spec);
    if (!empty) diags.add('error', 'wrong-type', `${specPath} must be a mapping, found ${y.typeName(src.spec)}.`, y.range(src.spec) ?? y.range(root));
    else if (src.kind === 'Workflow' || src.kind === 'CronWorkflow') diags.add('error', 'missing-entrypoint', `${src.kind} has no ${specPath}.entrypoint (spec.entrypoint is required).`, y.range(src.spec) ?? y.range(root));
    else diags.add('warning', 'empty-spec', `${src.kind} has no ${specPath}: it defines no templates.`, y.range(src.spec) ?? y.range(root));
    return graph;
  }
  const templatesNode = y.get(src.spec, 'templates');
  if (templatesNode !== undefined && !y.isNull(templatesNode) && !y.isSeq(templatesNode)) {
    diags.add('error', 'wrong-type', `${specPath}.templates must be a list, found ${y.typeName(templatesNode)}.`, y.range(templatesNode));
  }
  const seenTemplates = new Set<string>();
  y.seq(templatesNode).forEach((t, i) => {
    const n = y.get(t, 'name');
    const name = y.str(n);
    if (!y.isMap(t)) diags.add('error', 'wrong-type', `Template ${i + 1} must be a mapping, found ${y.typeName(t)}.`, y.range(t));
    else if (!name) diags.add('error', 'missing-name', `Template ${i + 1} has no name.`, y.range(t));
    else if (seenTemplates.has(name)) diags.add('error', 'duplicate-name', `Two templates are named "${name}".`, y.range(n));
    if (name) seenTemplates.add(name);
  });
  // Argo's admission rules, on every template of this document (reachable or not).
  validateArgoSpec(y, root, src, diags, index);

  // workflowTemplateRef: the whole workflow comes from a (Cluster)WorkflowTemplate.
  let entrySrc: ArgoTemplateSource = src;
  const wtRef = y.get(src.spec, 'workflowTemplateRef');
  let entryName = y.str(y.get(src.spec, 'entrypoint'));
  if (wtRef !== undefined) {
    const refName = y.str(y.get(wtRef, 'name'));
    const cluster = y.str(y.get(wtRef, 'clusterScope')) === 'true';
    const ws = refName ? lookupTemplate(index, refName, cluster) : undefined;
    if (!ws) {
      diags.add('warning', 'unresolved-template-ref', `${cluster ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate'} "${refName ?? '?'}" was not found in the workspace.`, y.range(wtRef));
      b.addNode({ id: refName ?? 'workflowTemplateRef', label: refName ?? 'workflowTemplateRef', kind: 'unresolved', range: y.range(wtRef), subtitle: 'workflowTemplateRef', details: [{ key: 'unresolved', value: `${refName ?? '?'} not found in the workspace` }] });
      return graph;
    }
    entrySrc = { ...ws, templates: new Map([...ws.templates, ...src.templates]) };
    entryName ??= y.str(ws.view.get(ws.spec, 'entrypoint'));
  }

  const stackKey = (name: string) => `${entrySrc.key}\u0000${name}`;
  const drawRoot = (name: string, tmpl: YValue, statusKey: string) => {
    const type = ex.templateType(entrySrc, tmpl);
    if (type === 'dag' || type === 'steps') ex.expandBody(entrySrc, tmpl, name, undefined, '', [stackKey(name)]);
    else ex.placeInstance(entrySrc, { ok: true, src: entrySrc, tmpl, name }, name, name, undefined, tmpl, [], statusKey, [stackKey(name)]);
  };
  const drawAll = () => {
    for (const [name, tmpl] of entrySrc.templates) {
      ex.placeInstance(entrySrc, { ok: true, src: entrySrc, tmpl, name }, name, name, undefined, tmpl, [], `.${name}`, []);
    }
  };

  if (entryName === undefined) {
    if (src.kind === 'Workflow' || src.kind === 'CronWorkflow') {
      diags.add('error', 'missing-entrypoint', `${src.kind} has no spec${src.kind === 'CronWorkflow' ? '.workflowSpec' : ''}.entrypoint; showing every template.`, y.range(src.spec));
    } else if (entrySrc.templates.size) {
      diags.add('info', 'no-entrypoint', `${src.kind} has no entrypoint; showing every template.`, y.range(src.spec));
    }
    drawAll();
  } else {
    const tmpl = entrySrc.templates.get(entryName);
    if (tmpl === undefined) {
      diags.add('error', 'unknown-template', `Entrypoint "${entryName}" is not a template of this ${src.kind}; showing every template.`, y.range(y.get(src.spec, 'entrypoint') ?? src.spec));
      drawAll();
    } else {
      drawRoot(entryName, tmpl, '');
    }
  }

  // Workflow-level exit handler and hooks run after everything else.
  const onExitNode = y.get(src.spec, 'onExit');
  const onExit = y.str(onExitNode);
  const hooks = y.entries(y.get(src.spec, 'hooks'));
  if ((onExit || hooks.length) && !b.full) {
    const hasOut = new Set(b.edges.map((e) => e.from));
    const sinks = b.nodes.filter((n) => n.parent === undefined && !hasOut.has(n.id)).map((n) => n.id);
    const gid = b.addNode({
      id: 'onExit', label: 'exit handler', kind: 'group', groupKind: 'exit-handler',
      range: y.range(y.pair(src.spec, onExit ? 'onExit' : 'hooks')), subtitle: onExit ?? 'hooks', details: onExit ? [{ key: 'template', value: onExit }] : [],
    });
    if (gid) {
      if (onExit) {
        const res = ex.resolveName(entrySrc, onExit, onExitNode);
        ex.placeInstance(entrySrc, res, onExit, `${gid}/${onExit}`, gid, onExitNode, [], '.onExit', []);
      }
      for (const [hookName, hook] of hooks) {
        const res = ex.resolve(src, hook, `hooks.${hookName}`);
        const expr = y.str(y.get(hook, 'expression'));
        ex.placeInstance(src, res, `hooks.${hookName}`, `${gid}/hooks.${hookName}`, gid, hook, expr ? [{ key: 'expression', value: brief(expr) }] : [], `.hooks.${hookName}`, []);
      }
      for (const s of sinks) b.addEdge({ from: s, to: gid, kind: 'exit' });
    }
  }
  if (b.truncated) diags.add('warning', 'truncated', `The graph was cut at ${b.nodes.length} nodes; loops and nesting would make it larger.`, y.range(root));
  return graph;
}
