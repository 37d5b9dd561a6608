/**
 * Kubeflow Spark operator's SparkApplication / ScheduledSparkApplication → a two-node graph
 * (driver → executors) whose hovers carry the sizing people tune: cores, memory, instances.
 * The same sizing summary is reused for Argo `resource` templates that create a SparkApplication.
 */
import type { NodeDetail, PipelineGraph } from '../model/pipelineGraph';
import { brief, GraphBuilder, type Diagnostics, type YamlView, type YValue } from './source';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function push(details: NodeDetail[], key: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  details.push({ key, value: brief(value) });
}

/** App-wide facts (image, main file, type) from a SparkApplication spec as plain JS. */
export function sparkAppDetails(specIn: unknown): NodeDetail[] {
  const spec = obj(specIn);
  const d: NodeDetail[] = [];
  push(d, 'type', spec.type);
  push(d, 'image', spec.image);
  push(d, 'mainApplicationFile', spec.mainApplicationFile);
  push(d, 'mainClass', spec.mainClass);
  push(d, 'arguments', spec.arguments);
  push(d, 'sparkVersion', spec.sparkVersion);
  push(d, 'mode', spec.mode);
  return d;
}

/** "cores 1 · memory 512m" style sizing of a driver or executor section. */
export function sparkRoleSizing(roleIn: unknown, withInstances: boolean): string {
  const role = obj(roleIn);
  const parts: string[] = [];
  if (withInstances && role.instances !== undefined) parts.push(`instances ${brief(role.instances)}`);
  if (role.cores !== undefined) parts.push(`cores ${brief(role.cores)}`);
  if (role.coreLimit !== undefined) parts.push(`coreLimit ${brief(role.coreLimit)}`);
  if (role.memory !== undefined) parts.push(`memory ${brief(role.memory)}`);
  if (role.memoryOverhead !== undefined) parts.push(`memoryOverhead ${brief(role.memoryOverhead)}`);
  return parts.join(' · ');
}

/** Details for an Argo resource template that creates a SparkApplication. */
export function sparkSummaryDetails(specIn: unknown): NodeDetail[] {
  const spec = obj(specIn);
  const d = sparkAppDetails(spec);
  const driver = sparkRoleSizing(spec.driver, false);
  const executor = sparkRoleSizing(spec.executor, true);
  if (driver) d.push({ key: 'driver', value: driver });
  if (executor) d.push({ key: 'executor', value: executor });
  const dyn = obj(spec.dynamicAllocation);
  if (dyn.enabled) push(d, 'dynamicAllocation', `min ${brief(dyn.minExecutors)} · max ${brief(dyn.maxExecutors)}`);
  return d;
}

export function parseSparkDocument(
  y: YamlView,
  root: YValue,
  scheduled: boolean,
  diags: Diagnostics,
): PipelineGraph {
  const b = new GraphBuilder();
  const name = y.str(y.get(root, 'metadata', 'name')) ?? y.str(y.get(root, 'metadata', 'generateName')) ?? '';
  const specNode = scheduled ? y.get(root, 'spec', 'template') : y.get(root, 'spec');
  const graph: PipelineGraph = { format: scheduled ? 'scheduled-spark-application' : 'spark-application', name, nodes: b.nodes, edges: b.edges };
  if (!y.isMap(specNode)) {
    diags.add('error', 'wrong-type', `${scheduled ? 'spec.template' : 'spec'} must be a mapping, found ${y.typeName(specNode)}.`, y.range(specNode) ?? y.range(root));
    return graph;
  }
  const spec = obj(y.toJS(specNode));
  const appDetails = sparkAppDetails(spec);
  if (scheduled) {
    push(appDetails, 'schedule', y.str(y.get(root, 'spec', 'schedule')));
    push(appDetails, 'concurrencyPolicy', y.str(y.get(root, 'spec', 'concurrencyPolicy')));
  }
  if (!spec.mainApplicationFile && !spec.mainClass) {
    diags.add('warning', 'missing-field', 'SparkApplication has neither mainApplicationFile nor mainClass.', y.range(specNode));
  }
  const driverNode = y.get(specNode, 'driver');
  const executorNode = y.get(specNode, 'executor');
  const driver = obj(spec.driver);
  const executor = obj(spec.executor);

  const driverDetails: NodeDetail[] = [];
  const dSizing = sparkRoleSizing(driver, false);
  if (dSizing) driverDetails.push({ key: 'sizing', value: dSizing });
  push(driverDetails, 'serviceAccount', driver.serviceAccount);
  if (driver.image) push(driverDetails, 'driver image', driver.image);
  driverDetails.push(...appDetails);
  b.addNode({
    id: 'driver',
    label: 'driver',
    kind: 'spark-driver',
    subtitle: name ? `${name} driver` : 'Spark driver',
    range: y.range(y.pair(specNode, 'driver') ?? specNode),
    details: driverDetails,
    statusKey: name ? `${name}-driver` : undefined,
  });

  const instances = executor.instances;
  const execDetails: NodeDetail[] = [];
  const eSizing = sparkRoleSizing(executor, true);
  if (eSizing) execDetails.push({ key: 'sizing', value: eSizing });
  push(execDetails, 'image', executor.image ?? spec.image);
  const dyn = obj(spec.dynamicAllocation);
  if (dyn.enabled) push(execDetails, 'dynamicAllocation', `min ${brief(dyn.minExecutors)} · max ${brief(dyn.maxExecutors)}`);
  b.addNode({
    id: 'executors',
    label: instances !== undefined ? `executors ×${brief(instances)}` : 'executors',
    kind: 'spark-executor',
    subtitle: 'Spark executors',
    range: y.range(y.pair(specNode, 'executor') ?? specNode),
    details: execDetails,
  });
  b.addEdge({ from: 'driver', to: 'executors', kind: 'depends' });
  if (driverNode === undefined) diags.add('warning', 'missing-field', 'SparkApplication has no spec.driver section.', y.range(specNode));
  if (executorNode === undefined) diags.add('warning', 'missing-field', 'SparkApplication has no spec.executor section.', y.range(specNode));
  return graph;
}
