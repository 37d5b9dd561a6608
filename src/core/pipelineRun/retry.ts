/**
 * "Retry failed" for an Argo Workflow, with Argo's own semantics (workflow/util FormulateRetryWorkflow
 * in argo-workflows v3.6.15, without `restartSuccessful`/node selector), written for Kindling so a
 * retry needs neither the argo CLI nor argo-server:
 *
 * - only a Failed or Error workflow can be retried;
 * - every failed/errored execution node (Pod, Container, HTTP, Plugin) whose parent Retry node has no
 *   succeeded attempt is *deleted* from status.nodes, with everything below it; the controller creates
 *   it again;
 * - the nodes above it up to the root are walked as Argo does: DAG / Steps / StepGroup / TaskGroup
 *   ("group") nodes, Retry nodes and the node each boundary ID points at are *reset* (phase Running,
 *   message and finish cleared), so the controller re-evaluates them; succeeded nodes elsewhere stay;
 * - the exit handler's nodes (`<wf>.onExit…`) are dropped so it runs again;
 * - the pods of deleted Pod nodes and of the exit handler must be deleted (the caller does that; this
 *   module names their node ids, which Argo writes on each pod as `workflows.argoproj.io/node-id`);
 * - the workflow is Running again: finishedAt and message cleared, the `completed` and archiving labels
 *   removed, the phase label Running, the Completed condition False, `shutdown` cleared, a zero
 *   activeDeadlineSeconds (what Terminate sets) removed.
 *
 * Pure: the kube layer reads the object (and its compressed nodes), calls `planRetry`, writes back.
 */
import { gzipSync } from 'node:zlib';
import { isRecord } from '../values';
import { readWorkflowNodes } from './workflowNodes';

/** The fields of an Argo NodeStatus this module reads; all others are carried over untouched. */
export interface RetryNode {
  id: string;
  name: string;
  type?: string;
  phase?: string;
  boundaryID?: string;
  children?: string[];
  outboundNodes?: string[];
  message?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  nodeFlag?: { retried?: boolean; hooked?: boolean };
  outputs?: { parameters?: { name: string; value?: unknown; valueFrom?: unknown }[] } & Record<string, unknown>;
  [field: string]: unknown;
}

export interface RetryPlan {
  /** The new status.nodes. */
  nodes: Record<string, RetryNode>;
  /** Node ids reset to Running (kept, re-evaluated by the controller). */
  reset: string[];
  /** Node ids removed (the controller creates them again), incl. the exit handler's. */
  deleted: string[];
  /** Node ids whose pods must be deleted before the workflow is written back. */
  podNodeIds: string[];
}

const GROUP_TYPES = new Set(['DAG', 'TaskGroup', 'StepGroup', 'Steps']);
const EXECUTION_TYPES = new Set(['Container', 'Pod', 'HTTP', 'Plugin']);
const failedOrError = (n: RetryNode): boolean => n.phase === 'Failed' || n.phase === 'Error';

interface DagNode {
  n: RetryNode;
  parent?: DagNode;
  children: DagNode[];
}

export class RetryRefused extends Error {}

/** Why a workflow in `phase` cannot be retried, or undefined if it can (Argo's rule). */
export function retryRefusal(phase: string | undefined): string | undefined {
  if (phase === 'Failed' || phase === 'Error') return undefined;
  return phase ? `only a Failed or Error run can be retried; this one is ${phase}` : 'the run has no phase yet; only a Failed or Error run can be retried';
}

/** The retry of a workflow named `workflowName` whose status.nodes are `nodes`. `now`: RFC 3339, for reset nodes. */
export function planRetry(workflowName: string, nodes: Record<string, RetryNode>, now: string): RetryPlan {
  const all = Object.values(nodes);
  const failed = new Set<string>();
  for (const node of all) {
    if (!failedOrError(node) || !EXECUTION_TYPES.has(node.type ?? '')) continue;
    // An attempt of a retryStrategy: if a later attempt succeeded, the step as a whole did not fail.
    const judged = node.nodeFlag?.retried ? (all.find((p) => p.children?.includes(node.id)) ?? node) : node;
    if (!descendantSucceeded(judged, nodes)) failed.add(node.id);
  }

  const dag = buildDag(workflowName, nodes);
  const sorted = breadthFirst(dag, workflowName);
  const toReset = new Set<string>();
  const toDelete = new Set<string>();
  // Top-down, as Argo does: a node already deleted with an ancestor is not walked again.
  for (const d of sorted) {
    if (!failed.has(d.n.id) || toDelete.has(d.n.id)) continue;
    resetPath(d, toReset, toDelete);
  }

  const onExit = `${workflowName}.onExit`;
  const exitNodes = new Set<string>();
  for (const node of all) if (node.name === onExit) for (const id of subtree(node, nodes)) exitNodes.add(id);
  for (const node of all) if (node.name.startsWith(onExit)) exitNodes.add(node.id);

  const out: Record<string, RetryNode> = {};
  const reset: string[] = [];
  for (const node of all) {
    if (toDelete.has(node.id) || exitNodes.has(node.id)) continue;
    if (toReset.has(node.id)) {
      out[node.id] = resetNode(node, now);
      reset.push(node.id);
    } else out[node.id] = structuredClone(node);
  }
  const gone = (id: string): boolean => toDelete.has(id) || exitNodes.has(id);
  for (const node of Object.values(out)) {
    if (node.children) node.children = node.children.filter((c) => !toDelete.has(c));
    if (node.outboundNodes) node.outboundNodes = node.outboundNodes.filter((c) => !toDelete.has(c));
  }
  const deleted = all.filter((n) => gone(n.id)).map((n) => n.id);
  const podNodeIds = [...new Set([...all.filter((n) => toDelete.has(n.id) && n.type === 'Pod').map((n) => n.id), ...exitNodes])];
  return { nodes: out, reset, deleted, podNodeIds };
}

/** True if some node below `node` (not itself) succeeded. */
function descendantSucceeded(node: RetryNode, nodes: Record<string, RetryNode>, seen = new Set<string>()): boolean {
  for (const id of node.children ?? []) {
    if (seen.has(id)) continue;
    seen.add(id);
    const child = nodes[id];
    if (!child) continue;
    if (child.phase === 'Succeeded' || descendantSucceeded(child, nodes, seen)) return true;
  }
  return false;
}

function buildDag(workflowName: string, nodes: Record<string, RetryNode>): Map<string, DagNode> {
  const dag = new Map<string, DagNode>();
  for (const n of Object.values(nodes)) dag.set(n.id, { n, children: [] });
  for (const d of dag.values()) {
    for (const id of d.n.children ?? []) {
      const child = dag.get(id);
      if (!child) throw new RetryRefused(`the run's node ${d.n.name} names a child ${id} that is not in status.nodes`);
      d.children.push(child);
      child.parent ??= d;
    }
  }
  for (const d of dag.values()) {
    if (!d.parent && d.n.name !== workflowName && !d.n.name.startsWith(`${workflowName}.onExit`)) {
      throw new RetryRefused(`the run's node ${d.n.name} has no parent in status.nodes; Kindling cannot tell what to retry`);
    }
  }
  return dag;
}

function breadthFirst(dag: Map<string, DagNode>, workflowName: string): DagNode[] {
  const root = [...dag.values()].find((d) => d.n.name === workflowName);
  if (!root) throw new RetryRefused(`the run has no root node named ${workflowName} in status.nodes`);
  const out: DagNode[] = [];
  const seen = new Set<string>();
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    const d = queue[i];
    if (seen.has(d.n.id)) continue;
    seen.add(d.n.id);
    out.push(d);
    queue.push(...d.children);
  }
  return out;
}

function subtree(node: RetryNode, nodes: Record<string, RetryNode>): string[] {
  const out = new Set<string>([node.id]);
  const queue = [...(node.children ?? [])];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (out.has(id)) continue;
    out.add(id);
    queue.push(...(nodes[id]?.children ?? []));
  }
  return [...out];
}

function descendants(d: DagNode): string[] {
  const out = new Set<string>();
  const queue = [...d.children];
  for (let c = queue.shift(); c; c = queue.shift()) {
    if (out.has(c.n.id)) continue;
    out.add(c.n.id);
    queue.push(...c.children);
  }
  return [...out];
}

/** Argo's resetPath: delete the failed node and all below it; reset what the walk to the root finds. */
function resetPath(leaf: DagNode, toReset: Set<string>, toDelete: Set<string>): void {
  toDelete.add(leaf.n.id);
  for (const id of descendants(leaf)) toDelete.add(id);
  if (!leaf.parent) return;
  let curr: DagNode | undefined = leaf;
  while (curr) {
    const type = curr.n.type ?? '';
    if (GROUP_TYPES.has(type)) {
      toReset.add(curr.n.id);
      curr = resetBoundaries(curr, toReset);
      continue;
    }
    if (type === 'Retry') toReset.add(curr.n.id);
    else if (type === 'Container') {
      // A container of a multi-container pod: the pod itself is re-created.
      const pod = resetUntil(curr, (d) => d.n.type === 'Pod', toReset);
      toDelete.add(pod.n.id);
      for (const id of descendants(pod)) toDelete.add(id);
      curr = pod;
      continue;
    }
    curr = curr.parent;
  }
}

function resetUntil(from: DagNode, match: (d: DagNode) => boolean, toReset: Set<string>): DagNode {
  for (let curr: DagNode | undefined = from; curr; curr = curr.parent) {
    if (match(curr)) {
      toReset.add(curr.n.id);
      return curr;
    }
  }
  throw new RetryRefused(`the run's node ${from.n.name} names a boundary that is not above it in status.nodes`);
}

/** Reset the boundary nodes (and Retry / StepGroup parents) from `from` up; returns where the walk goes on. */
function resetBoundaries(from: DagNode, toReset: Set<string>): DagNode | undefined {
  let curr: DagNode | undefined = from;
  while (curr) {
    if (curr.parent?.n.type === 'Retry') {
      toReset.add(curr.parent.n.id);
      curr = curr.parent;
    }
    if (curr.parent?.n.type === 'StepGroup') toReset.add(curr.parent.n.id);
    const boundary = curr.n.boundaryID;
    if (!boundary) return curr.parent;
    curr = resetUntil(curr, (d) => d.n.id === boundary, toReset);
  }
  return undefined;
}

function resetNode(node: RetryNode, now: string): RetryNode {
  const out = structuredClone(node);
  // A suspend node's supplied outputs must be asked for again (Argo clears them too).
  if (out.type === 'Suspend' && out.outputs?.parameters) {
    out.outputs.parameters = out.outputs.parameters.map((p) => ({ name: p.name, valueFrom: { supplied: {} } }));
  }
  // Skipped stays skipped, or the run would wait for it for ever.
  if (out.phase !== 'Skipped') out.phase = 'Running';
  delete out.message;
  out.startedAt = now;
  out.finishedAt = null;
  return out;
}

const COMPLETED_LABEL = 'workflows.argoproj.io/completed';
const ARCHIVING_LABEL = 'workflows.argoproj.io/workflow-archiving-status';
const PHASE_LABEL = 'workflows.argoproj.io/phase';

/**
 * The workflow object to write back (same name and resourceVersion) around the new nodes: Running
 * again, as Argo's createNewRetryWorkflow leaves it. `nodes` go into status.nodes; the caller
 * re-compresses them if the run kept them in status.compressedNodes.
 */
export function retriedWorkflow(wf: Record<string, unknown>, nodes: Record<string, RetryNode>, now: string): Record<string, unknown> {
  const out = structuredClone(wf);
  const meta = (isRecord(out.metadata) ? out.metadata : (out.metadata = {})) as Record<string, unknown>;
  const labels = (isRecord(meta.labels) ? meta.labels : (meta.labels = {})) as Record<string, string>;
  delete labels[COMPLETED_LABEL];
  delete labels[ARCHIVING_LABEL];
  labels[PHASE_LABEL] = 'Running';
  const spec = (isRecord(out.spec) ? out.spec : (out.spec = {})) as Record<string, unknown>;
  delete spec.shutdown;
  if (spec.activeDeadlineSeconds === 0) delete spec.activeDeadlineSeconds;
  const status = (isRecord(out.status) ? out.status : (out.status = {})) as Record<string, unknown>;
  if (isRecord(status.storedWorkflowTemplateSpec)) delete status.storedWorkflowTemplateSpec.shutdown;
  status.phase = 'Running';
  delete status.message;
  status.startedAt = now;
  status.finishedAt = null;
  status.persistentVolumeClaims = [];
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Record<string, unknown>[]).filter((c) => c.type !== 'Completed') : [];
  status.conditions = [...conditions, { type: 'Completed', status: 'False' }];
  status.nodes = nodes;
  delete status.compressedNodes;
  return out;
}

export interface RetriedWorkflow {
  /** The object to `replace` (it keeps the resourceVersion it was read with: a concurrent change is a conflict). */
  workflow: Record<string, unknown>;
  plan: RetryPlan;
}

/**
 * The whole retry of a Workflow object as read from the API: refuses what Argo refuses, reads
 * `status.nodes` or `status.compressedNodes` (workflowNodes.ts) and writes the new nodes back the same
 * way, so a run too large for plain nodes stays compressed.
 */
export function retryWorkflow(wf: unknown, now: string): RetriedWorkflow {
  if (!isRecord(wf)) throw new RetryRefused('not a Workflow object');
  const meta = isRecord(wf.metadata) ? wf.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const status = isRecord(wf.status) ? wf.status : {};
  const refusal = retryRefusal(typeof status.phase === 'string' ? status.phase : undefined);
  if (refusal) throw new RetryRefused(refusal);
  const read = readWorkflowNodes(wf);
  if (!read.nodes) throw new RetryRefused(read.unavailable);
  // podName is Kindling's derived field (workflowNodes.ts), not Argo's: it does not go back.
  const nodes: Record<string, RetryNode> = {};
  for (const [id, node] of Object.entries(read.nodes)) {
    const { podName: _derived, ...argo } = node;
    nodes[id] = argo as RetryNode;
  }
  const plan = planRetry(name, nodes, now);
  const workflow = retriedWorkflow(wf, plan.nodes, now);
  if (read.source === 'compressed') {
    const st = workflow.status as Record<string, unknown>;
    st.compressedNodes = gzipSync(Buffer.from(JSON.stringify(plan.nodes), 'utf8')).toString('base64');
    delete st.nodes;
  }
  return { workflow, plan };
}
