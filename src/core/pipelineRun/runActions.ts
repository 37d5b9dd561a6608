/**
 * The pure parts of the run actions (src/kube/runs/actions.ts): what Argo's own verbs write, as
 * argo-workflows v3.6.15 workflow/util does it (ResumeWorkflow, FormulateResubmitWorkflow), so the
 * actions work through the Kubernetes API alone. Retry is in retry.ts.
 */
import { gzipSync } from 'node:zlib';
import { Labels } from '../component/provenance';
import { isRecord } from '../values';
import { pipelineRunName } from './manifest';
import { readWorkflowNodes } from './workflowNodes';

type Obj = Record<string, unknown>;

export const RESUBMITTED_FROM_LABEL = 'workflows.argoproj.io/resubmitted-from-workflow';
/** Labels Argo does not carry to a resubmitted run: they describe the old run's state or its creator. */
const NOT_CARRIED = new Set([
  'workflows.argoproj.io/creator',
  'workflows.argoproj.io/creator-email',
  'workflows.argoproj.io/creator-preferred-username',
  'workflows.argoproj.io/phase',
  'workflows.argoproj.io/completed',
  'workflows.argoproj.io/workflow-archiving-status',
]);

const FINISHED = new Set(['Succeeded', 'Failed', 'Error']);

/** Argo's Workflow phase, and whether the run has ended (then Stop, Terminate, Suspend are refused). */
export function workflowPhase(wf: unknown): { phase?: string; finished: boolean; suspended: boolean } {
  const o = isRecord(wf) ? wf : {};
  const status = isRecord(o.status) ? o.status : {};
  const spec = isRecord(o.spec) ? o.spec : {};
  const phase = typeof status.phase === 'string' && status.phase ? status.phase : undefined;
  return { phase, finished: phase !== undefined && FINISHED.has(phase), suspended: spec.suspend === true };
}

/**
 * Resume: `spec.suspend` cleared, and every suspend-template node that waits (type Suspend, phase
 * Running) marked Succeeded, its supplied outputs set to their defaults — that is how Argo resumes a
 * run paused by a `suspend` step, not only one paused by Suspend. `changed` false: nothing to resume.
 */
export function resumedWorkflow(wf: Obj, now: string, message = 'Resumed from Kindling'): { workflow: Obj; changed: boolean; resumedNodes: string[] } {
  const out = structuredClone(wf);
  const spec = (isRecord(out.spec) ? out.spec : (out.spec = {})) as Obj;
  let changed = false;
  if (spec.suspend === true) {
    delete spec.suspend;
    changed = true;
  }
  const read = readWorkflowNodes(out);
  const resumedNodes: string[] = [];
  if (read.nodes) {
    const nodes: Record<string, Obj> = {};
    for (const [id, node] of Object.entries(read.nodes)) {
      const { podName: _derived, ...argo } = node;
      const n = argo as Obj;
      if (n.type === 'Suspend' && n.phase === 'Running') {
        const outputs = isRecord(n.outputs) ? n.outputs : undefined;
        if (outputs && Array.isArray(outputs.parameters)) {
          outputs.parameters = (outputs.parameters as Obj[]).map((p) => {
            const from = isRecord(p.valueFrom) ? p.valueFrom : undefined;
            if (!from || !isRecord(from.supplied)) return p;
            if (from.default === undefined) throw new Error(`the suspend step ${String(n.displayName ?? n.name)} waits for output parameter "${String(p.name)}", which has no default; supply it with Argo (argo node set) instead`);
            const { valueFrom: _v, ...rest } = p;
            return { ...rest, value: from.default };
          });
        }
        n.phase = 'Succeeded';
        n.message = typeof n.message === 'string' && n.message ? `${n.message}; ${message}` : message;
        n.finishedAt = now;
        resumedNodes.push(id);
      }
      nodes[id] = n;
    }
    if (resumedNodes.length) {
      changed = true;
      const status = out.status as Obj;
      if (read.source === 'compressed') status.compressedNodes = gzipSync(Buffer.from(JSON.stringify(nodes), 'utf8')).toString('base64');
      else status.nodes = nodes;
    }
  }
  return { workflow: out, changed, resumedNodes };
}

/**
 * Resubmit: a new run from the old one's spec (Argo's FormulateResubmitWorkflow, not memoized): the
 * same labels and annotations (Kindling's provenance among them) except the old run's state,
 * `resubmitted-from-workflow`, shutdown and a Terminate's zero deadline cleared. A Kindling run gets
 * a name chosen here (the run label, on the run and on its pods, must name it before it exists);
 * another run gets `generateName`, as Argo does. SparkApplications (no Argo verb) get the same treatment.
 */
export function resubmittedRun(old: Obj, suffix: string): Obj {
  const meta = isRecord(old.metadata) ? old.metadata : {};
  const oldName = String(meta.name ?? '');
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(isRecord(meta.labels) ? meta.labels : {})) if (!NOT_CARRIED.has(k) && typeof v === 'string') labels[k] = v;
  const isWorkflow = old.kind === 'Workflow';
  if (isWorkflow) labels[RESUBMITTED_FROM_LABEL] = oldName;
  const annotations = structuredClone(isRecord(meta.annotations) ? meta.annotations : {});
  const spec = structuredClone(isRecord(old.spec) ? old.spec : {});
  if (isWorkflow) {
    delete spec.shutdown;
    delete spec.suspend;
    if (spec.activeDeadlineSeconds === 0) delete spec.activeDeadlineSeconds;
  }
  const newMeta: Obj = { namespace: meta.namespace, labels, annotations };
  if (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length) newMeta.ownerReferences = structuredClone(meta.ownerReferences);
  const prefix = typeof meta.generateName === 'string' && meta.generateName ? meta.generateName : `${oldName}-`;
  if (labels[Labels.run] !== undefined || !isWorkflow) {
    // Kindling's run: a name of our own, and the run label on the run and its pods follows it.
    // `train-abc12` → `train-<new suffix>`: names do not grow with each resubmit.
    const stem = labels[Labels.run] !== undefined ? oldName.replace(/-[a-z0-9]{5}$/, '') : oldName;
    const name = pipelineRunName(`${stem}-`, suffix);
    newMeta.name = name;
    if (labels[Labels.run] !== undefined) {
      labels[Labels.run] = name;
      relabelPods(spec, name);
    }
  } else newMeta.generateName = prefix;
  return { apiVersion: old.apiVersion, kind: old.kind, metadata: newMeta, spec };
}

function relabelPods(spec: Obj, name: string): void {
  const relabel = (holder: unknown): void => {
    if (!isRecord(holder)) return;
    if (isRecord(holder.labels) && holder.labels[Labels.run] !== undefined) holder.labels[Labels.run] = name;
  };
  relabel(spec.podMetadata); // Argo
  relabel(spec.driver); // Spark
  relabel(spec.executor);
}
