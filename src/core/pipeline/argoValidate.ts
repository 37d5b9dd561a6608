/**
 * Argo's own admission rules (package workflow/validate of argo-workflows v3.6), mirrored so the
 * panel says before submit what the cluster would refuse, at the line that causes it and mostly
 * in Argo's wording. argo.ts draws the graph and reports what it meets on the way; this module
 * checks every template of the document the way Argo's validator does, reachable or not.
 *
 * One rule above all: never an error where Argo accepts (the argo-validate test tier compares
 * both on Argo's own test fixtures, its examples and the fuzz documents). When a rule depends on
 * something we cannot see — a template in another file, a value known only at run time — the
 * check stays silent.
 */
import { parseDependsOf } from './argoDepends';
import type { FMap } from './fastYaml';
import { loadDocuments, type Diagnostics, type YamlView, type YValue } from './source';
import { lookupTemplate, type ArgoTemplateSource, type TemplateIndex } from './templateIndex';

const TEMPLATE_TYPES = ['container', 'containerSet', 'steps', 'script', 'resource', 'dag', 'suspend', 'data', 'http', 'plugin'];
const FIELD_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const FIELD_NAME_MSG = "name must consist of alpha-numeric characters or '-', and must start with an alpha-numeric character (e.g. My-name1-2, 123-NAME)";
const PARAM_NAME = /^[-a-zA-Z0-9_]+$/;
const PARAM_NAME_MSG = "Parameter/Artifact name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1";
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Argo's paramRegex: a whole `{{a.b-c}}` reference (DAG targets may be one). */
const PARAM_REF = /{{[-a-zA-Z0-9]+(\.[-a-zA-Z0-9_]+)*}}/;
const VARIABLE_PREFIXES = ['item.', 'steps.', 'inputs.', 'outputs.', 'pod.', 'workflow.', 'tasks.'];
const ARTIFACT_LOCATIONS = ['from', 'fromExpression', 's3', 'git', 'http', 'artifactory', 'hdfs', 'raw', 'oss', 'gcs', 'azure', 'plugin', 'key', 'artifactGC'];

/**
 * Names a scope can hold; `any` stands for references we cannot check (unresolved templates).
 * A child scope sees its parent's names without copying them: a DAG task's scope is a child of the
 * template's, and copying per task made a 5,000-task DAG quadratic.
 */
class Scope {
  // Allocated on first use: most DAG tasks never add a name of their own.
  private names: Set<string> | undefined;
  private anyPrefixes: string[] | undefined;

  constructor(private readonly parent?: Scope) {}

  add(name: string): void {
    (this.names ??= new Set()).add(name);
  }

  /** Everything starting with `prefix` resolves (e.g. the outputs of a template we cannot see). */
  addAny(prefix: string): void {
    (this.anyPrefixes ??= []).push(prefix);
  }

  has(name: string): boolean {
    if (this.names?.has(name)) return true;
    if (this.anyPrefixes?.some((p) => name.startsWith(p))) return true;
    return this.parent?.has(name) ?? false;
  }
}

const NO_ANCESTORS: ReadonlySet<string> = new Set();

interface Ctx {
  y: YamlView;
  diags: Diagnostics;
  index: TemplateIndex | undefined;
  kind: ArgoTemplateSource['kind'];
  spec: YValue;
  /** Templates of this document by name (first wins, as in templateIndex). */
  templates: Map<string, YValue>;
  /** WorkflowTemplate / ClusterWorkflowTemplate: validated without the Workflow that will use it. */
  templateValidation: boolean;
  globals: Scope;
  /** False when references could come from documents we cannot see (templateRef, workflowTemplateRef). */
  selfContained: boolean;
  /** Documents with templateDefaults set the image etc. of every template. */
  defaultImage: { container: boolean; script: boolean };
}

/**
 * A field by name the way Go's encoding/json finds it: the exact key, else any key that matches
 * ignoring case (Argo decodes `jqfilter` as jqFilter, so it must not count as missing here).
 */
function gi(y: YamlView, n: YValue, k1: string, k2?: string, k3?: string): YValue {
  let cur = field(y, n, k1);
  if (k2 !== undefined && cur !== undefined) cur = field(y, cur, k2);
  if (k3 !== undefined && cur !== undefined) cur = field(y, cur, k3);
  return cur;
}

function field(y: YamlView, n: YValue, k: string): YValue {
  if (!y.isMap(n)) return undefined;
  // One pass, no allocation: this runs for every optional field of every task.
  let folded: YValue;
  for (const item of (n as FMap).items) {
    const key = item.key.value;
    if (key === k) return item.value;
    if (folded === undefined && typeof key === 'string' && key.length === k.length && key.toLowerCase() === k.toLowerCase()) folded = item.value;
  }
  return folded;
}

function err(c: Ctx, code: string, message: string, at: YValue): void {
  c.diags.add('error', code, message, c.y.range(at));
}

function typesOf(y: YamlView, tmpl: YValue): string[] {
  return TEMPLATE_TYPES.filter((t) => gi(y, tmpl, t) !== undefined && !y.isNull(gi(y, tmpl, t)));
}

function isLeaf(types: string[]): boolean {
  return !types.includes('steps') && !types.includes('dag');
}

function nonEmptySeq(y: YamlView, n: YValue): boolean {
  return y.seq(n).length > 0;
}

/** `{{tag}}` references in a text, the way fasttemplate finds them (start tag to the next end tag). */
export function templateTags(text: string): Array<{ tag: string; offset: number }> {
  const out: Array<{ tag: string; offset: number }> = [];
  let i = text.indexOf('{{');
  while (i >= 0) {
    const end = text.indexOf('}}', i + 2);
    if (end < 0) break;
    out.push({ tag: text.slice(i + 2, end), offset: i });
    i = text.indexOf('{{', end + 2);
  }
  return out;
}

// Fields Argo's Go types know at the template and container level. Argo validates the decoded
// object, so text under a misspelt field is dropped before it looks; so do we.
const TEMPLATE_FIELDS = new Set(['name', 'inputs', 'outputs', 'nodeSelector', 'affinity', 'metadata', 'daemon', 'steps', 'container', 'containerSet', 'script', 'resource', 'dag', 'suspend', 'volumes', 'initContainers', 'sidecars', 'archiveLocation', 'activeDeadlineSeconds', 'retryStrategy', 'parallelism', 'failFast', 'tolerations', 'schedulerName', 'priorityClassName', 'priority', 'serviceAccountName', 'automountServiceAccountToken', 'executor', 'hostAliases', 'securityContext', 'podSpecPatch', 'metrics', 'synchronization', 'memoize', 'timeout', 'data', 'http', 'plugin']);
const CONTAINER_FIELDS = new Set(['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty']);
/** The JSON fields of Argo's WorkflowStep, exactly (its decoder compares them case-sensitively). */
const STEP_FIELDS = new Set(['name', 'template', 'arguments', 'templateRef', 'withItems', 'withParam', 'withSequence', 'when', 'continueOn', 'onExit', 'hooks', 'inline']);
const KNOWN_FIELDS: Record<string, Set<string>> = {
  container: CONTAINER_FIELDS,
  script: new Set([...CONTAINER_FIELDS, 'source']),
};

/**
 * Every string scalar under a node (keys included: go marshals them as JSON text too). `fields`
 * limits the first level to the fields Argo decodes (a template); container and script get theirs.
 */
function strings(y: YamlView, n: YValue, out: Array<{ text: string; node: YValue }> = [], depth = 0, fields?: Set<string>): Array<{ text: string; node: YValue }> {
  if (depth > 60) return out;
  if (y.isMap(n)) {
    for (const [k, v, p] of y.entries(n)) {
      if (fields && !fields.has(k)) continue;
      if (k.includes('{{')) out.push({ text: k, node: p.key });
      strings(y, v, out, depth + 1, fields === TEMPLATE_FIELDS ? KNOWN_FIELDS[k] : undefined);
    }
  } else if (y.isSeq(n)) {
    for (const v of y.seq(n)) strings(y, v, out, depth + 1);
  } else {
    const s = y.str(n);
    if (s !== undefined && s.includes('{{')) out.push({ text: s, node: n });
  }
  return out;
}

/**
 * Argo's resolveAllVariables: every `{{…}}` under `node` whose name starts with a workflow
 * variable prefix must be in scope. Reports the first unresolved one (Argo stops there too).
 */
function resolveAll(c: Ctx, scope: Scope, node: YValue, where: string, allowItemAny: boolean, fields?: Set<string>): boolean {
  for (const { text, node: at } of strings(c.y, node, [], 0, fields)) {
    for (const { tag } of templateTags(text)) {
      const t = tag.trim();
      if (t.startsWith('=') || !VARIABLE_PREFIXES.some((p) => t.startsWith(p))) continue;
      if (scope.has(t) || c.globals.has(t)) continue;
      if (allowItemAny && (t === 'item' || t.startsWith('item.'))) continue;
      if (t.startsWith('outputs.') || t.startsWith('tasks.name') || t.startsWith('steps.name')) continue;
      if (['workflow.creationTimestamp', 'workflow.scheduledTime', 'workflow.duration'].some((p) => t.startsWith(p))) continue;
      if (t.startsWith('workflow.parameters') && c.templateValidation) continue;
      if (!c.selfContained && (t.startsWith('workflow.outputs.') || t.startsWith('workflow.parameters'))) continue;
      // Pod-local names (pod.name, retries) and labels of CronWorkflows come from the controller.
      if (t.startsWith('pod.')) continue;
      if (c.kind === 'CronWorkflow' && (t.startsWith('workflow.labels.') || t.startsWith('workflow.annotations.'))) continue;
      if (t.startsWith('workflow.outputs.') && c.globals.has('workflow.outputs.*')) continue;
      err(c, 'unresolved-variable', `${where}: failed to resolve {{${tag}}}. ${hintFor(t)}`, at);
      return false;
    }
  }
  return true;
}

function hintFor(t: string): string {
  if (t.startsWith('inputs.parameters.')) return 'Declare it under inputs.parameters of this template.';
  if (t.startsWith('workflow.parameters.')) return 'Declare it under spec.arguments.parameters.';
  if (t.startsWith('steps.') || t.startsWith('tasks.')) return 'Only earlier steps, or tasks this one depends on, and outputs their templates declare can be referenced.';
  if (t.startsWith('item.')) return 'Only keys of the withItems entries (or any key with withParam) exist.';
  if (t === 'workflow.failures') return 'It exists only in an onExit handler.';
  return 'Argo does not know this variable here.';
}

/** `[i].name` rules of validateWorkflowFieldNames for one list. */
function checkNames(c: Ctx, list: YValue, prefix: string, style: 'field' | 'param', skipMissingAndDup = false): void {
  if (list !== undefined && !c.y.isNull(list) && !c.y.isSeq(list)) {
    // Argo cannot even decode it ("cannot unmarshal object into … of type []…").
    if (!skipMissingAndDup) err(c, 'wrong-type', `${prefix} must be a list, found ${c.y.typeName(list)}.`, list);
    return;
  }
  const seen = new Set<string>();
  c.y.seq(list).forEach((item, i) => {
    if (!c.y.isMap(item)) return;
    const nameNode = gi(c.y, item, 'name');
    const name = c.y.str(nameNode);
    if (!name) {
      if (!skipMissingAndDup) err(c, 'missing-name', `${prefix}[${i}].name is required.`, nameNode ?? item);
      return;
    }
    const problems: string[] = [];
    if (style === 'param') {
      if (!PARAM_NAME.test(name)) problems.push(PARAM_NAME_MSG);
    } else {
      if (name.length > 128) problems.push('must be no more than 128 characters');
      if (!FIELD_NAME.test(name)) problems.push(FIELD_NAME_MSG);
    }
    if (problems.length) err(c, 'invalid-name', `${prefix}[${i}].name: '${name.length > 80 ? name.slice(0, 80) + '…' : name}' is invalid: ${problems.join('; ')}`, nameNode);
    else if (seen.has(name) && !skipMissingAndDup) err(c, 'duplicate-name', `${prefix}[${i}].name '${name}' is not unique.`, nameNode);
    seen.add(name);
  });
}

/** validateArgumentsValues: every parameter needs a value; artifacts need a source. */
function checkArguments(c: Ctx, args: YValue, prefix: string, allowEmpty: boolean): void {
  const y = c.y;
  for (const p of y.seq(gi(y, args, 'parameters'))) {
    const name = y.str(gi(y, p, 'name')) ?? '?';
    const value = gi(y, p, 'value');
    const valueFrom = gi(y, p, 'valueFrom');
    const hasValue = value !== undefined && !y.isNull(value);
    const hasFrom = valueFrom !== undefined && !y.isNull(valueFrom);
    if (!hasValue && !hasFrom && !allowEmpty) {
      err(c, 'missing-value', `${prefix}${name}.value or ${prefix}${name}.valueFrom is required.`, p);
      return;
    }
    if (hasFrom) {
      const allowed = ['configMapKeyRef', 'event', 'supplied'].some((k) => gi(y, valueFrom, k) !== undefined);
      const forbidden = ['path', 'jsonPath', 'parameter', 'expression'].find((k) => nonEmptyStr(y, gi(y, valueFrom, k)));
      if (!allowed || forbidden) {
        err(c, 'invalid-value-from', `${prefix}${name}.valueFrom only allows: default, configMapKeyRef and supplied.`, forbidden ? y.pair(valueFrom, forbidden) : valueFrom);
        return;
      }
    }
    const enumNode = gi(y, p, 'enum');
    if (enumNode !== undefined && !y.isNull(enumNode)) {
      const values = y.seq(enumNode).map((v) => y.str(v));
      if (!values.length) {
        err(c, 'empty-enum', `${prefix}${name}.enum should contain at least one value.`, enumNode);
        return;
      }
      if (!hasValue) {
        if (allowEmpty) return;
        err(c, 'missing-value', `${prefix}${name}.value is required.`, p);
        return;
      }
      if (!values.includes(y.str(value))) {
        err(c, 'value-not-in-enum', `${prefix}${name}.value should be present in ${prefix}${name}.enum list.`, value);
        return;
      }
    }
  }
  for (const a of y.seq(gi(y, args, 'artifacts'))) {
    const name = y.str(gi(y, a, 'name')) ?? '?';
    if (!ARTIFACT_LOCATIONS.some((k) => gi(y, a, k) !== undefined)) {
      err(c, 'missing-artifact-source', `${prefix}${name}.from, artifact location, or key is required.`, a);
      return;
    }
    if (nonEmptyStr(y, gi(y, a, 'from')) && nonEmptyStr(y, gi(y, a, 'fromExpression'))) {
      err(c, 'artifact-from-and-expression', `${prefix}${name} shouldn't have both \`from\` and \`fromExpression\` in Artifact.`, a);
      return;
    }
  }
}

function nonEmptyStr(y: YamlView, n: YValue): boolean {
  const s = y.str(n);
  return s !== undefined && s !== '';
}

/** addItemsToScope: one loop kind at most; what `{{item…}}` means inside it. */
function checkLoop(c: Ctx, call: YValue, where: string, scope: Scope): { anyItem: boolean } {
  const y = c.y;
  const items = gi(y, call, 'withItems');
  const param = gi(y, call, 'withParam');
  const seq = gi(y, call, 'withSequence');
  const defined = [nonEmptySeq(y, items) ? 'withItems' : '', nonEmptyStr(y, param) ? 'withParam' : '', seq !== undefined && !y.isNull(seq) ? 'withSequence' : ''].filter(Boolean);
  if (defined.length > 1) {
    err(c, 'loop-conflict', `${where}: only one of withItems, withParam, withSequence can be specified.`, y.pair(call, defined[1]));
    return { anyItem: true };
  }
  if (nonEmptySeq(y, items)) {
    for (const it of y.seq(items)) {
      if (y.isMap(it)) for (const [k] of y.entries(it)) scope.add(`item.${k}`);
      else if (y.isSeq(it)) y.seq(it).forEach((_, i) => scope.add(`item.[${i}]`));
      else scope.add('item');
    }
  } else if (nonEmptyStr(y, param)) {
    return { anyItem: true };
  } else if (seq !== undefined && !y.isNull(seq)) {
    if (gi(y, seq, 'count') !== undefined && gi(y, seq, 'end') !== undefined) {
      err(c, 'sequence-count-and-end', `${where}: only one of count or end can be defined in withSequence.`, y.pair(seq, 'end'));
    }
    scope.add('item');
  }
  return { anyItem: false };
}

/** The template a step or task calls, when we can see it (this document or the workspace index). */
function resolveCall(c: Ctx, call: YValue): { tmpl: YValue; view: YamlView } | undefined {
  const y = c.y;
  const name = y.str(gi(y, call, 'template'));
  if (name !== undefined) {
    const t = c.templates.get(name);
    return t === undefined ? undefined : { tmpl: t, view: y };
  }
  const inline = gi(y, call, 'inline');
  if (y.isMap(inline)) return { tmpl: inline, view: y };
  const ref = gi(y, call, 'templateRef');
  if (ref !== undefined) {
    const refName = y.str(gi(y, ref, 'name'));
    const refTmpl = y.str(gi(y, ref, 'template'));
    if (!refName || !refTmpl) return undefined;
    const src = lookupTemplate(c.index, refName, y.str(gi(y, ref, 'clusterScope')) === 'true');
    const t = src?.templates.get(refTmpl);
    return t === undefined || !src ? undefined : { tmpl: t, view: src.view };
  }
  return undefined;
}

/** addOutputsToScope: what `{{steps.X.…}}` / `{{tasks.X.…}}` may name after X ran. */
function addOutputs(c: Ctx, call: YValue, prefix: string, scope: Scope, aggregate: boolean, ancestor: boolean): void {
  for (const k of ['id', 'startedAt', 'finishedAt', 'hostNodeName']) scope.add(`${prefix}.${k}`);
  if (ancestor) scope.add(`${prefix}.status`);
  const r = resolveCall(c, call);
  if (!r) {
    scope.addAny(`${prefix}.`);
    return;
  }
  const y = r.view;
  const t = r.tmpl;
  const types = typesOf(y, t);
  if (y.str(gi(y, t, 'daemon')) === 'true') scope.add(`${prefix}.ip`);
  const hasMain = y.seq(gi(y, t, 'containerSet', 'containers')).some((ct) => y.str(gi(y, ct, 'name')) === 'main');
  if (['container', 'script', 'data', 'http', 'plugin'].some((k) => types.includes(k)) || hasMain) {
    scope.add(`${prefix}.outputs.result`);
    scope.add(`${prefix}.exitCode`);
  }
  for (const p of y.seq(gi(y, t, 'outputs', 'parameters'))) {
    const n = y.str(gi(y, p, 'name'));
    if (n !== undefined) scope.add(`${prefix}.outputs.parameters.${n}`);
  }
  for (const a of y.seq(gi(y, t, 'outputs', 'artifacts'))) {
    const n = y.str(gi(y, a, 'name'));
    if (n !== undefined) scope.add(`${prefix}.outputs.artifacts.${n}`);
  }
  if (aggregate) {
    scope.add(`${prefix}.outputs.parameters`);
    if (types.includes('script') || types.includes('containerSet')) {
      scope.add(`${prefix}.outputs.result`);
      scope.add(`${prefix}.exitCode`);
    }
  }
}

/** The input parameters and artifacts a call must supply (no value, default or source of their own). */
function checkSupplied(c: Ctx, call: YValue, args: YValue, where: string, at: YValue): void {
  const r = resolveCall(c, call);
  if (!r) return;
  const y = r.view;
  const supplied = new Set(c.y.seq(gi(c.y, args, 'parameters')).map((p) => c.y.str(gi(c.y, p, 'name'))));
  for (const p of y.seq(gi(y, r.tmpl, 'inputs', 'parameters'))) {
    const name = y.str(gi(y, p, 'name'));
    if (!name || supplied.has(name)) continue;
    if (['value', 'default', 'valueFrom'].some((k) => gi(y, p, k) !== undefined && !y.isNull(gi(y, p, k)))) continue;
    err(c, 'parameter-not-supplied', `${where}: inputs.parameters.${name} was not supplied (the template declares it without a value or default).`, at);
    return;
  }
  const artifacts = new Set(c.y.seq(gi(c.y, args, 'artifacts')).map((a) => c.y.str(gi(c.y, a, 'name'))));
  for (const a of y.seq(gi(y, r.tmpl, 'inputs', 'artifacts'))) {
    const name = y.str(gi(y, a, 'name'));
    if (!name || artifacts.has(name) || y.str(gi(y, a, 'optional')) === 'true') continue;
    if (ARTIFACT_LOCATIONS.some((k) => k !== 'from' && k !== 'fromExpression' && gi(y, a, k) !== undefined)) continue;
    err(c, 'artifact-not-supplied', `${where}: inputs.artifacts.${name} was not supplied.`, at);
    return;
  }
}

function inputScope(c: Ctx, tmpl: YValue, leaf: boolean): Scope {
  const y = c.y;
  const s = new Scope();
  const params = y.seq(gi(y, tmpl, 'inputs', 'parameters'));
  for (const p of params) {
    const n = y.str(gi(y, p, 'name'));
    if (n !== undefined) s.add(`inputs.parameters.${n}`);
  }
  if (params.length) s.add('inputs.parameters');
  for (const a of y.seq(gi(y, tmpl, 'inputs', 'artifacts'))) {
    const n = y.str(gi(y, a, 'name'));
    if (n === undefined) continue;
    s.add(`inputs.artifacts.${n}`);
    if (leaf) s.add(`inputs.artifacts.${n}.path`);
  }
  return s;
}

function checkTemplate(c: Ctx, tmpl: YValue, tName: string): void {
  const y = c.y;
  const types = typesOf(y, tmpl);
  const leaf = isLeaf(types);
  const where = `templates.${tName}`;
  if (types.length === 0) {
    err(c, 'unknown-template-type', `${where}: template type unspecified; choose one of: container, containerSet, steps, script, resource, dag, suspend, data, http, plugin.`, tmpl);
    return;
  }
  if (types.length > 1) {
    err(c, 'multiple-template-types', `${where}: multiple template types specified (${types.join(', ')}); choose one of: container, containerSet, steps, script, resource, dag, suspend, template, template ref.`, y.pair(tmpl, types[1]));
    return;
  }
  checkNames(c, gi(y, tmpl, 'inputs', 'parameters'), `${where}.inputs.parameters`, 'param');
  checkNames(c, gi(y, tmpl, 'inputs', 'artifacts'), `${where}.inputs.artifacts`, 'param');
  for (const a of y.seq(gi(y, tmpl, 'inputs', 'artifacts'))) {
    const name = y.str(gi(y, a, 'name'));
    if (!leaf && nonEmptyStr(y, gi(y, a, 'path'))) err(c, 'artifact-path-not-leaf', `${where}.inputs.artifacts.${name}.path only valid in container/script templates.`, y.pair(a, 'path'));
    if (nonEmptyStr(y, gi(y, a, 'from'))) err(c, 'artifact-from-in-inputs', `${where}.inputs.artifacts.${name}.from not valid in inputs.`, y.pair(a, 'from'));
  }
  y.seq(gi(y, tmpl, 'initContainers')).forEach((ic) => {
    if (!nonEmptyStr(y, gi(y, ic, 'name'))) err(c, 'missing-name', `${where}: initContainers must all have container name.`, ic);
  });
  const timeout = gi(y, tmpl, 'timeout');
  if (timeout !== undefined && nonEmptyStr(y, timeout)) {
    if (!leaf) err(c, 'timeout-not-leaf', `${where}: ${types[0]} template doesn't support timeout field.`, y.pair(tmpl, 'timeout'));
    else if (/^[+-]?\d+$/.test(y.str(timeout)!)) err(c, 'timeout-format', `${where} has invalid duration format in timeout (a number needs a unit, e.g. "${y.str(timeout)}s").`, timeout);
  }
  const ads = gi(y, tmpl, 'activeDeadlineSeconds');
  if (ads !== undefined && !y.isNull(ads)) {
    const s = y.str(ads) ?? '';
    if (!leaf) err(c, 'deadline-not-leaf', `${where}.activeDeadlineSeconds is only valid for leaf templates.`, y.pair(tmpl, 'activeDeadlineSeconds'));
    else if ((/^[+-]?\d+$/.test(s) && Number(s) < 0) || (!/^[+-]?\d+$/.test(s) && !s.includes('{{'))) {
      err(c, 'invalid-deadline', `${where}.activeDeadlineSeconds must be a positive integer > 0 or an argo variable.`, ads);
    }
  }
  if (leaf && gi(y, tmpl, 'parallelism') !== undefined && !y.isNull(gi(y, tmpl, 'parallelism'))) {
    err(c, 'parallelism-not-leaf', `${where}.parallelism is only valid for steps and dag templates.`, y.pair(tmpl, 'parallelism'));
  }
  const policy = y.str(gi(y, tmpl, 'retryStrategy', 'retryPolicy'));
  if (policy && !['Always', 'OnError', 'OnFailure', 'OnTransientError'].includes(policy)) {
    err(c, 'invalid-retry-policy', `${where}: ${policy} is not a valid RetryPolicy (Always, OnError, OnFailure or OnTransientError).`, gi(y, tmpl, 'retryStrategy', 'retryPolicy'));
  }
  checkLeafFields(c, tmpl, types, where);
  checkMetrics(c, tmpl, where);

  // Variables, then the body, then outputs (Argo's order).
  const scope = inputScope(c, tmpl, leaf);
  if (types.includes('steps')) {
    if (!checkSteps(c, tmpl, where, scope)) return;
  } else if (types.includes('dag')) {
    if (!checkDag(c, tmpl, where, scope)) return;
  } else if (types.length === 1) {
    for (const o of y.seq(gi(y, tmpl, 'outputs', 'artifacts'))) scope.add(`outputs.artifacts.${y.str(gi(y, o, 'name'))}.path`);
    // Leaf templates are resolved whole, outputs and all.
    if (!resolveAll(c, scope, tmpl, where, false, TEMPLATE_FIELDS)) return;
  }
  checkOutputs(c, tmpl, types, where, scope);
}

/** Fields whose YAML type Go cannot decode otherwise ("cannot unmarshal string into …"). */
function checkShape(c: Ctx, node: YValue, where: string, lists: string[], maps: string[]): boolean {
  const y = c.y;
  for (const k of lists) {
    const v = gi(y, node, k);
    if (v !== undefined && !y.isNull(v) && !y.isSeq(v)) {
      err(c, 'wrong-type', `${where}.${k} must be a list, found ${y.typeName(v)}; Argo cannot decode it.`, v);
      return false;
    }
  }
  for (const k of maps) {
    const v = gi(y, node, k);
    if (v !== undefined && !y.isNull(v) && !y.isMap(v)) {
      err(c, 'wrong-type', `${where}.${k} must be a mapping, found ${y.typeName(v)}; Argo cannot decode it.`, v);
      return false;
    }
  }
  return true;
}

const CONTAINER_LISTS = ['command', 'args', 'env', 'envFrom', 'ports', 'volumeMounts', 'volumeDevices'];

function checkContainerShape(c: Ctx, ct: YValue, where: string): boolean {
  const y = c.y;
  if (!checkShape(c, ct, where, CONTAINER_LISTS, ['resources', 'securityContext'])) return false;
  for (const k of ['command', 'args']) {
    const bad = y.seq(gi(y, ct, k)).find((v) => y.isMap(v) || y.isSeq(v));
    if (bad !== undefined) {
      err(c, 'wrong-type', `${where}.${k} must be a list of strings, found ${y.typeName(bad)} in it; Argo cannot decode it.`, bad);
      return false;
    }
  }
  for (const k of ['volumeMounts', 'env']) {
    const bad = y.seq(gi(y, ct, k)).find((v) => !y.isMap(v));
    if (bad !== undefined) {
      err(c, 'wrong-type', `${where}.${k} must be a list of mappings, found ${y.typeName(bad)} in it; Argo cannot decode it.`, bad);
      return false;
    }
  }
  const res = gi(y, ct, 'resources');
  return checkShape(c, res, `${where}.resources`, [], ['requests', 'limits']);
}

function checkLeafFields(c: Ctx, tmpl: YValue, types: string[], where: string): void {
  const y = c.y;
  const container = gi(y, tmpl, 'container');
  for (const k of ['container', 'script']) {
    if (types[0] === k && !checkContainerShape(c, gi(y, tmpl, k), `${where}.${k}`)) return;
  }
  if (types[0] === 'container') {
    if (!nonEmptyStr(y, gi(y, container, 'image')) && !c.defaultImage.container) err(c, 'missing-image', `${where}.container.image may not be empty.`, y.pair(tmpl, 'container'));
    const mounts = new Map<string, string>();
    y.seq(gi(y, container, 'volumeMounts')).forEach((m, i) => {
      const path = y.str(gi(y, m, 'mountPath'));
      if (path === undefined) return;
      const prev = mounts.get(path);
      if (prev) err(c, 'mount-collision', `${where}.container.volumeMounts[${i}].mountPath '${path}' already mounted in ${prev}.`, gi(y, m, 'mountPath'));
      mounts.set(path, `container.volumeMounts.${y.str(gi(y, m, 'name'))}`);
    });
    y.seq(gi(y, tmpl, 'inputs', 'artifacts')).forEach((a, i) => {
      const path = y.str(gi(y, a, 'path'));
      if (!path) return;
      const prev = mounts.get(path);
      if (prev) err(c, 'mount-collision', `${where}.inputs.artifacts[${i}].path '${path}' already mounted in ${prev}.`, gi(y, a, 'path'));
      mounts.set(path, `inputs.artifacts.${y.str(gi(y, a, 'name'))}`);
    });
  }
  if (types[0] === 'script' && !nonEmptyStr(y, gi(y, tmpl, 'script', 'image')) && !c.defaultImage.script) {
    err(c, 'missing-image', `${where}.script.image may not be empty.`, y.pair(tmpl, 'script'));
  }
  if (types[0] === 'containerSet') {
    const cs = gi(y, tmpl, 'containerSet');
    const names = new Set(y.seq(gi(y, cs, 'containers')).map((ct) => y.str(gi(y, ct, 'name'))));
    for (const ct of y.seq(gi(y, cs, 'containers'))) {
      for (const d of y.seq(gi(y, ct, 'dependencies'))) {
        const dn = y.str(d);
        if (dn !== undefined && !names.has(dn)) err(c, 'missing-dependency', `${where}.containerSet.containers.${y.str(gi(y, ct, 'name'))} dependency '${dn}' not defined.`, d);
      }
    }
    const needsMain = ['inputs.artifacts', 'outputs.parameters', 'outputs.artifacts'].some((p) => nonEmptySeq(y, gi(y, tmpl, p.split('.')[0], p.split('.')[1])));
    if (needsMain && !names.has('main')) err(c, 'container-set-main', `${where}.containerSet.containers must have a container named "main" for input or output.`, y.pair(tmpl, 'containerSet'));
  }
  if (types[0] === 'resource') {
    const r = gi(y, tmpl, 'resource');
    const action = y.str(gi(y, r, 'action')) ?? '';
    if (!action.includes('{{') && !['get', 'create', 'apply', 'delete', 'replace', 'patch'].includes(action)) {
      err(c, 'invalid-resource-action', `${where}.resource.action must be one of: get, create, apply, delete, replace, patch.`, gi(y, r, 'action') ?? r);
      return;
    }
    if (action === 'delete' || action === 'get') return;
    const manifest = y.str(gi(y, r, 'manifest')) ?? '';
    const from = gi(y, r, 'manifestFrom');
    if (!manifest && from === undefined) err(c, 'missing-manifest', `either ${where}.resource.manifest or ${where}.resource.manifestFrom must be specified.`, r);
    else if (manifest && from !== undefined) err(c, 'manifest-and-manifest-from', 'shouldn\'t have both `manifest` and `manifestFrom` specified in `Manifest` for resource template.', y.pair(r, 'manifestFrom'));
    else if (from !== undefined) {
      const art = y.str(gi(y, from, 'artifact', 'name'));
      const inputs = new Set(y.seq(gi(y, tmpl, 'inputs', 'artifacts')).map((a) => y.str(gi(y, a, 'name'))));
      if (art !== undefined && !inputs.has(art)) err(c, 'unknown-artifact', `artifact ${art} in \`manifestFrom\` refer to a non-exist artifact.`, gi(y, from, 'artifact', 'name'));
    } else if (!manifest.includes('{{')) {
      // Placeholders make the text unreadable as YAML before Argo substitutes them: only plain manifests are checked.
      const { docs } = loadDocuments(manifest);
      if (docs.some((d) => d.errors.length)) err(c, 'invalid-manifest', `${where}.resource.manifest must be a valid yaml.`, gi(y, r, 'manifest'));
    }
  }
}

function checkMetrics(c: Ctx, tmpl: YValue, where: string): void {
  const y = c.y;
  for (const m of y.seq(gi(y, tmpl, 'metrics', 'prometheus'))) {
    const name = y.str(gi(y, m, 'name')) ?? '';
    if (!METRIC_NAME.test(name)) {
      err(c, 'invalid-metric', `${where} metric name '${name}' is invalid. Metric names must contain alphanumeric characters or '_'.`, gi(y, m, 'name') ?? m);
      return;
    }
    for (const l of y.seq(gi(y, m, 'labels'))) {
      const key = y.str(gi(y, l, 'key')) ?? '';
      if (!METRIC_NAME.test(key)) {
        err(c, 'invalid-metric', `metric label '${key}' is invalid: keys may only contain alphanumeric characters or '_'.`, gi(y, l, 'key') ?? l);
        return;
      }
    }
    if (!nonEmptyStr(y, gi(y, m, 'help'))) {
      err(c, 'invalid-metric', `${where} metric '${name}' must contain a help string under 'help: ' field.`, m);
      return;
    }
    const gauge = gi(y, m, 'gauge');
    let problem: string | undefined;
    if (gauge !== undefined) {
      const value = y.str(gi(y, gauge, 'value')) ?? '';
      if (!value) problem = 'missing gauge.value';
      else if (y.str(gi(y, gauge, 'realtime')) === 'true' && value.includes('resourcesDuration.')) problem = "'resourcesDuration.*' metrics cannot be used in real-time";
    }
    for (const k of ['counter', 'histogram']) {
      const sub = gi(y, m, k);
      if (!problem && sub !== undefined && !nonEmptyStr(y, gi(y, sub, 'value'))) problem = `missing ${k}.value`;
    }
    if (problem) {
      err(c, 'invalid-metric', `${where} metric '${name}' error: ${problem}.`, gauge ?? m);
      return;
    }
  }
}

function checkOutputs(c: Ctx, tmpl: YValue, types: string[], where: string, scope: Scope): void {
  const y = c.y;
  const leaf = isLeaf(types);
  checkNames(c, gi(y, tmpl, 'outputs', 'parameters'), `${where}.outputs.parameters`, 'param');
  checkNames(c, gi(y, tmpl, 'outputs', 'artifacts'), `${where}.outputs.artifacts`, 'param');
  if (!leaf && !resolveAll(c, scope, gi(y, tmpl, 'outputs'), `${where}.outputs`, false)) return;
  for (const a of y.seq(gi(y, tmpl, 'outputs', 'artifacts'))) {
    if (!leaf && nonEmptyStr(y, gi(y, a, 'path'))) err(c, 'artifact-path-not-leaf', `${where}.outputs.artifacts.${y.str(gi(y, a, 'name'))}.path only valid in container/script templates.`, y.pair(a, 'path'));
  }
  for (const p of y.seq(gi(y, tmpl, 'outputs', 'parameters'))) {
    const ref = `${where}.outputs.parameters.${y.str(gi(y, p, 'name')) ?? '?'}`;
    const value = gi(y, p, 'value');
    const vf = gi(y, p, 'valueFrom');
    const hasValue = value !== undefined && !y.isNull(value);
    const hasFrom = vf !== undefined && !y.isNull(vf);
    if (hasValue && hasFrom) {
      err(c, 'output-value-and-value-from', `${ref} has both valueFrom and value specified. Choose one.`, p);
      continue;
    }
    if (hasValue) continue;
    if (!hasFrom) {
      err(c, 'output-without-value', `${ref} does not have valueFrom or value specified.`, p);
      continue;
    }
    const kinds = ['path', 'jqFilter', 'jsonPath', 'parameter', 'expression'].filter((k) => nonEmptyStr(y, gi(y, vf, k)));
    const n = kinds.length + (gi(y, vf, 'supplied') !== undefined && !y.isNull(gi(y, vf, 'supplied')) ? 1 : 0);
    if (n === 0) {
      err(c, 'output-value-from', `${ref}: valueFrom type unspecified. choose one of: path, jqFilter, jsonPath, parameter, raw, expression.`, vf);
      continue;
    }
    if (n > 1) {
      err(c, 'output-value-from', `${ref}: multiple valueFrom types specified. choose one of: path, jqFilter, jsonPath, parameter, raw.`, vf);
      continue;
    }
    const t = types[0];
    if ((t === 'container' || t === 'containerSet' || t === 'script') && !kinds.includes('path')) {
      err(c, 'output-value-from', `${ref}.path must be specified for ${t[0].toUpperCase()}${t.slice(1)} templates.`, vf);
    } else if (t === 'resource' && !kinds.includes('jqFilter') && !kinds.includes('jsonPath')) {
      err(c, 'output-value-from', `${ref} .jqFilter or jsonPath must be specified for Resource templates.`, vf);
    } else if ((t === 'dag' || t === 'steps') && !kinds.includes('parameter') && !kinds.includes('expression')) {
      err(c, 'output-value-from', `${ref}.parameter or expression must be specified for ${t === 'dag' ? 'DAG' : 'Steps'} templates.`, vf);
    }
  }
}

function checkSteps(c: Ctx, tmpl: YValue, where: string, scope: Scope): boolean {
  const y = c.y;
  if (gi(y, tmpl, 'activeDeadlineSeconds') !== undefined) return true;
  const seen = new Set<string>();
  const groups = y.seq(gi(y, tmpl, 'steps'));
  for (let group = 0; group < groups.length; group++) {
    for (const step of y.seq(groups[group])) {
      if (!y.isMap(step)) continue;
      // Argo decodes steps strictly (ParallelSteps.UnmarshalJSON): an unknown field refuses the file.
      const unknown = y.entries(step).find(([k]) => !STEP_FIELDS.has(k));
      if (unknown) {
        err(c, 'unknown-step-field', `${where}.steps[${group}]: unknown field "${unknown[0]}" in a step; Argo cannot decode it${unknown[0] === 'dependencies' || unknown[0] === 'depends' ? ' (steps run group after group; dependencies belong to dag tasks)' : ''}.`, unknown[2].key);
        return false;
      }
      const nameNode = gi(y, step, 'name');
      const name = y.str(nameNode);
      if (!name) return false; // argo.ts reports the missing name
      if (seen.has(name)) return false; // argo.ts reports the duplicate
      if (name.length > 128 || !FIELD_NAME.test(name)) {
        err(c, 'invalid-name', `${where}.steps[${group}].name '${name.length > 80 ? name.slice(0, 80) + '…' : name}' is invalid: ${FIELD_NAME_MSG}`, nameNode);
        return false;
      }
      seen.add(name);
      const stepWhere = `${where}.steps[${group}].${name}`;
      scope.add(`steps.${name}.status`);
      const before = c.diags.list.length;
      const loop = checkLoop(c, step, stepWhere, scope);
      checkArguments(c, gi(y, step, 'arguments'), `${stepWhere}.arguments.`, false);
      checkHooks(c, step, stepWhere);
      if (c.diags.list.length !== before) return false;
      // A step with an exit hook may pass its own outputs to it.
      if (hasExitHook(c, step)) addOutputs(c, step, `steps.${name}`, scope, false, false);
      if (gi(y, step, 'inline') === undefined && !resolveAll(c, scope, step, `${where}.steps`, loop.anyItem)) return false;
      const aggregate = nonEmptySeq(y, gi(y, step, 'withItems')) || nonEmptyStr(y, gi(y, step, 'withParam'));
      addOutputs(c, step, `steps.${name}`, scope, aggregate, false);
      checkSupplied(c, step, gi(y, step, 'arguments'), stepWhere, gi(y, step, 'template') ?? gi(y, step, 'templateRef') ?? step);
    }
  }
  return true;
}

function hasExitHook(c: Ctx, call: YValue): boolean {
  return nonEmptyStr(c.y, gi(c.y, call, 'onExit')) || gi(c.y, call, 'hooks', 'exit') !== undefined;
}

function checkHooks(c: Ctx, call: YValue, where: string): void {
  const y = c.y;
  for (const [name, hook, pair] of y.entries(gi(y, call, 'hooks'))) {
    if (name !== 'exit' && !nonEmptyStr(y, gi(y, hook, 'expression'))) err(c, 'hook-expression', `${where}.${name} Expression required.`, pair.key);
  }
}

function checkDag(c: Ctx, tmpl: YValue, where: string, scope: Scope): boolean {
  const y = c.y;
  if (gi(y, tmpl, 'activeDeadlineSeconds') !== undefined) return true;
  const tasksNode = gi(y, tmpl, 'dag', 'tasks');
  const tasks = y.seq(tasksNode).filter((t) => y.isMap(t));
  if (!tasks.length) {
    if (y.isSeq(tasksNode) || tasksNode === undefined || y.isNull(tasksNode)) err(c, 'empty-dag', `${where} must have at least one task.`, tasksNode ?? gi(y, tmpl, 'dag'));
    return false;
  }
  const byName = new Map<string, YValue>();
  for (const t of tasks) {
    const n = y.str(gi(y, t, 'name'));
    if (n === undefined || byName.has(n)) return false; // argo.ts reports missing and duplicate names
    byName.set(n, t);
  }
  const usingDepends = tasks.some((t) => nonEmptyStr(y, gi(y, t, 'depends')));
  // Dependencies per task (depends references or the dependencies list), for ancestry.
  const deps = new Map<string, string[]>();
  const parsedDepends = new Map<string, ReturnType<typeof parseDependsOf>>();
  for (const [n, t] of byName) {
    const dependsNode = gi(y, t, 'depends');
    const expr = y.str(dependsNode);
    const parsed = expr ? parseDependsOf(dependsNode as object, expr) : undefined;
    if (parsed) parsedDepends.set(n, parsed);
    const list = parsed ? parsed.refs.map((r) => r.task) : y.seq(gi(y, t, 'dependencies')).map((d) => y.str(d) ?? '');
    deps.set(n, [...new Set(list)]);
  }
  // Every task's outputs are in scope for every other (Argo adds them all first), but building
  // that scope for a 10,000-task DAG costs more than the rest of the check: only when asked.
  let outputsAdded = false;
  const ensureOutputs = () => {
    if (outputsAdded) return;
    outputsAdded = true;
    for (const [n, t] of byName) addOutputs(c, t, `tasks.${n}`, scope, nonEmptySeq(y, gi(y, t, 'withItems')) || nonEmptyStr(y, gi(y, t, 'withParam')), false);
  };
  if (strings(y, gi(y, tmpl, 'outputs')).some((x) => x.text.includes('tasks.'))) ensureOutputs();
  for (const [n, t] of byName) {
    const tWhere = `${where}.tasks.${n}`;
    const nameNode = gi(y, t, 'name');
    if (n.length > 128 || !FIELD_NAME.test(n)) {
      err(c, 'invalid-name', `${where}.tasks.name '${n.length > 80 ? n.slice(0, 80) + '…' : n}' is invalid: ${FIELD_NAME_MSG}`, nameNode);
      return false;
    }
    const hasDependencies = nonEmptySeq(y, gi(y, t, 'dependencies'));
    if ((usingDepends || hasDependencies) && /^[0-9]/.test(n)) {
      err(c, 'task-name-digit', `${tWhere} name cannot begin with a digit when using either 'depends' or 'dependencies'.`, nameNode);
      return false;
    }
    if (usingDepends && hasDependencies) {
      err(c, 'depends-and-dependencies', `${where} cannot use both 'depends' and 'dependencies' in the same DAG template.`, y.pair(t, 'dependencies'));
      return false;
    }
    const continueOn = gi(y, t, 'continueOn');
    if (usingDepends && continueOn !== undefined && !y.isNull(continueOn)) {
      err(c, 'continue-on-with-depends', `${where} cannot use 'continueOn' when using 'depends'. Instead use 'dep-task.Failed'/'dep-task.Errored'.`, y.pair(t, 'continueOn'));
      return false;
    }
    const parsed = parsedDepends.get(n);
    if (parsed) {
      const bad = parsed.unknownResults[0];
      if (bad && !parsed.error) {
        err(c, 'depends-result', `${tWhere} task result '${bad.result}' for task '${bad.task}' is invalid (Succeeded, Failed, Errored, Skipped, Omitted, Daemoned, AnySucceeded or AllFailed).`, gi(y, t, 'depends'));
        return false;
      }
      for (const r of parsed.refs) {
        const dep = byName.get(r.task);
        if (!dep || (r.result !== 'AnySucceeded' && r.result !== 'AllFailed')) continue;
        if (!nonEmptySeq(y, gi(y, dep, 'withItems')) && !nonEmptyStr(y, gi(y, dep, 'withParam')) && gi(y, dep, 'withSequence') === undefined) {
          err(c, 'items-condition-without-items', `${tWhere} dependency '${r.task}' uses an items-based condition such as .AnySucceeded or .AllFailed but does not contain any items.`, gi(y, t, 'depends'));
          return false;
        }
      }
    }
  }
  const target = gi(y, tmpl, 'dag', 'target');
  const targetText = y.str(target);
  if (targetText) {
    if (targetText.includes('tasks.')) ensureOutputs();
    if (!resolveAll(c, scope, target, `${where}.targets`, false)) return false;
    for (const name of targetText.split(' ')) {
      if (PARAM_REF.test(name) || byName.has(name)) continue;
      err(c, 'unknown-target', `${where}.targets: target '${name}' is not defined.`, target);
      return false;
    }
  }
  const ancestry = (name: string): Set<string> => {
    const out = new Set<string>();
    const stack = [...(deps.get(name) ?? [])];
    while (stack.length) {
      const d = stack.pop()!;
      if (out.has(d) || !byName.has(d)) continue;
      out.add(d);
      stack.push(...(deps.get(d) ?? []));
    }
    return out;
  };
  for (const [n, t] of byName) {
    const tWhere = `${where}.tasks.${n}`;
    const taskScope = new Scope(scope);
    if (gi(y, t, 'hooks') !== undefined) taskScope.add(`tasks.${n}.status`);
    // Ancestry costs as much as the DAG is deep: only tasks that name other tasks need it.
    const tagged = strings(y, t);
    const namesTasks = tagged.some((x) => x.text.includes('tasks.'));
    if (namesTasks) ensureOutputs();
    const ancestors = namesTasks ? ancestry(n) : NO_ANCESTORS;
    for (const a of ancestors) {
      const at = byName.get(a)!;
      addOutputs(c, at, `tasks.${a}`, taskScope, nonEmptySeq(y, gi(y, at, 'withItems')) || nonEmptyStr(y, gi(y, at, 'withParam')), true);
    }
    const before = c.diags.list.length;
    const loop = checkLoop(c, t, tWhere, taskScope);
    if (c.diags.list.length !== before) return false;
    if (tagged.length && gi(y, t, 'inline') === undefined && !resolveAll(c, taskScope, t, tWhere, loop.anyItem)) return false;
    checkArguments(c, gi(y, t, 'arguments'), `${tWhere}.arguments.`, false);
    checkHooks(c, t, tWhere);
    if (c.diags.list.length !== before) return false;
    for (const p of y.seq(gi(y, t, 'arguments', 'parameters'))) {
      const v = y.str(gi(y, p, 'value'));
      if (!v?.startsWith('{{tasks.')) continue;
      const ref = v.split('.')[1];
      if (!ancestors.has(ref)) {
        err(c, 'missing-dependency', `${tWhere}: missing dependency '${ref}' for parameter '${y.str(gi(y, p, 'name'))}' (add it to depends or dependencies).`, gi(y, p, 'value'));
        return false;
      }
    }
    for (const a of y.seq(gi(y, t, 'arguments', 'artifacts'))) {
      const from = y.str(gi(y, a, 'from'));
      if (!from?.startsWith('{{tasks.')) continue;
      const ref = from.split('.')[1];
      if (!ancestors.has(ref)) {
        err(c, 'missing-dependency', `${tWhere}: missing dependency '${ref}' for artifact '${y.str(gi(y, a, 'name'))}' (add it to depends or dependencies).`, gi(y, a, 'from'));
        return false;
      }
    }
    checkSupplied(c, t, gi(y, t, 'arguments'), tWhere, gi(y, t, 'template') ?? gi(y, t, 'templateRef') ?? t);
  }
  return true;
}

/** The global variables a Workflow's templates may use (newTemplateValidationCtx + ValidateWorkflow). */
function globalsOf(y: YamlView, root: YValue, spec: YValue, kind: ArgoTemplateSource['kind']): Scope {
  const g = new Scope();
  for (const n of ['name', 'namespace', 'mainEntrypoint', 'serviceAccountName', 'uid', 'status', 'annotations', 'annotations.json', 'labels', 'labels.json']) g.add(`workflow.${n}`);
  const params = y.seq(gi(y, spec, 'arguments', 'parameters'));
  if (params.length) {
    g.add('workflow.parameters');
    g.add('workflow.parameters.json');
  }
  for (const p of params) {
    const n = y.str(gi(y, p, 'name'));
    if (n) g.add(`workflow.parameters.${n}`);
  }
  const meta = kind === 'CronWorkflow' ? undefined : gi(y, root, 'metadata');
  for (const src of [meta, gi(y, spec, 'workflowMetadata')]) {
    for (const [k] of y.entries(gi(y, src, 'annotations'))) g.add(`workflow.annotations.${k}`);
    for (const [k] of y.entries(gi(y, src, 'labels'))) g.add(`workflow.labels.${k}`);
    for (const [k] of y.entries(gi(y, src, 'labelsFrom'))) g.add(`workflow.labels.${k}`);
  }
  if (gi(y, spec, 'priority') !== undefined) g.add('workflow.priority');
  if (nonEmptyStr(y, gi(y, spec, 'onExit'))) g.add('workflow.failures');
  // Global outputs: any name some template exports; a parameterised globalName allows all.
  for (const t of y.seq(gi(y, spec, 'templates'))) {
    for (const kind2 of ['parameters', 'artifacts']) {
      for (const o of y.seq(gi(y, t, 'outputs', kind2))) {
        const gn = y.str(gi(y, o, 'globalName'));
        if (!gn) continue;
        if (gn.includes('{{')) g.add('workflow.outputs.*');
        else g.add(`workflow.outputs.${kind2}.${gn}`);
      }
    }
  }
  return g;
}

export function validateArgoSpec(
  y: YamlView,
  root: YValue,
  src: ArgoTemplateSource,
  diags: Diagnostics,
  index: TemplateIndex | undefined,
): void {
  const spec = src.spec;
  if (!y.isMap(spec)) return;
  const text = y.lines.text;
  const c: Ctx = {
    y, diags, index, kind: src.kind, spec, templates: src.templates,
    templateValidation: src.kind === 'WorkflowTemplate' || src.kind === 'ClusterWorkflowTemplate',
    globals: globalsOf(y, root, spec, src.kind),
    selfContained: !/\b(templateRef|workflowTemplateRef)\s*:/.test(text),
    defaultImage: {
      container: nonEmptyStr(y, gi(y, spec, 'templateDefaults', 'container', 'image')),
      script: nonEmptyStr(y, gi(y, spec, 'templateDefaults', 'script', 'image')),
    },
  };
  const metadata = gi(y, root, 'metadata');
  if (metadata !== undefined && !y.isNull(metadata) && !y.isMap(metadata)) {
    err(c, 'wrong-type', `metadata must be a mapping, found ${y.typeName(metadata)}; Argo cannot decode it.`, metadata);
    return;
  }
  if (!checkShape(c, metadata, 'metadata', [], ['labels', 'annotations'])) return;
  if (!checkShape(c, spec, src.kind === 'CronWorkflow' ? 'spec.workflowSpec' : 'spec', [], ['arguments'])) return;
  const nameNode = gi(y, root, 'metadata', 'name');
  const name = y.str(nameNode);
  const max = src.kind === 'CronWorkflow' ? 52 : 63;
  if (name && name.length > max) {
    const what = { Workflow: 'workflow', WorkflowTemplate: 'workflow template', ClusterWorkflowTemplate: 'cluster workflow template', CronWorkflow: 'cron workflow' }[src.kind];
    err(c, 'name-too-long', `${what} name "${name}" must not be more than ${max} characters long (currently ${name.length})${src.kind === 'CronWorkflow' ? '; Argo appends a timestamp to the runs it creates' : ''}.`, nameNode);
  }
  const wtRef = gi(y, spec, 'workflowTemplateRef');
  if (wtRef !== undefined && nonEmptySeq(y, gi(y, spec, 'templates'))) {
    err(c, 'templates-with-template-ref', 'Templates is invalid field in spec if workflow referred WorkflowTemplate reference.', y.pair(spec, 'templates'));
    return;
  }
  checkNames(c, gi(y, spec, 'templates'), 'spec.templates', 'field', true);
  checkNames(c, gi(y, spec, 'arguments', 'parameters'), 'spec.arguments.parameters', 'param');
  checkNames(c, gi(y, spec, 'arguments', 'artifacts'), 'spec.arguments.artifacts', 'param');
  // A Workflow must give every argument a value; a WorkflowTemplate's come with the Workflow.
  checkArguments(c, gi(y, spec, 'arguments'), 'spec.arguments.', c.templateValidation || wtRef !== undefined);
  for (const [hookName, , pair] of y.entries(gi(y, spec, 'hooks'))) {
    if (hookName !== 'exit' && !nonEmptyStr(y, gi(y, gi(y, spec, 'hooks'), hookName, 'expression'))) err(c, 'hook-expression', `hooks.${hookName} Expression required.`, pair.key);
  }
  // The entrypoint runs with the Workflow's own arguments: its inputs must be among them.
  const entry = y.str(gi(y, spec, 'entrypoint'));
  if (entry && !c.templateValidation && wtRef === undefined && c.templates.has(entry)) {
    checkEntrypointInputs(c, entry, gi(y, spec, 'arguments'));
  }
  for (const [tName, tmpl] of c.templates) {
    if (!y.isMap(tmpl)) continue;
    if (tName.length > 128 || !FIELD_NAME.test(tName)) continue; // reported by checkNames
    checkTemplate(c, tmpl, tName);
  }
}

/** Inputs of the entrypoint template that neither it nor spec.arguments give a value. */
function checkEntrypointInputs(c: Ctx, entry: string, args: YValue): void {
  const y = c.y;
  const tmpl = c.templates.get(entry);
  const supplied = new Set(y.seq(gi(y, args, 'parameters')).map((p) => y.str(gi(y, p, 'name'))));
  for (const p of y.seq(gi(y, tmpl, 'inputs', 'parameters'))) {
    const name = y.str(gi(y, p, 'name'));
    if (!name || supplied.has(name)) continue;
    if (['value', 'default', 'valueFrom'].some((k) => gi(y, p, k) !== undefined && !y.isNull(gi(y, p, k)))) continue;
    err(c, 'parameter-not-supplied', `templates.${entry} inputs.parameters.${name} was not supplied: give it a value or default, or pass it in spec.arguments.parameters.`, gi(y, p, 'name'));
    return;
  }
  const artifacts = new Set(y.seq(gi(y, args, 'artifacts')).map((a) => y.str(gi(y, a, 'name'))));
  for (const a of y.seq(gi(y, tmpl, 'inputs', 'artifacts'))) {
    const name = y.str(gi(y, a, 'name'));
    if (!name || artifacts.has(name) || y.str(gi(y, a, 'optional')) === 'true') continue;
    if (ARTIFACT_LOCATIONS.some((k) => k !== 'from' && k !== 'fromExpression' && gi(y, a, k) !== undefined)) continue;
    err(c, 'artifact-not-supplied', `templates.${entry} inputs.artifacts.${name} was not supplied: give it a location (s3, http, git, raw, …), mark it optional, or pass it in spec.arguments.artifacts.`, gi(y, a, 'name'));
    return;
  }
}
