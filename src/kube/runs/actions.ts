/**
 * Actions on a run through the Kubernetes API alone (no argo CLI, no argo-server), with Argo's own
 * semantics (argo-workflows v3.6.15 workflow/util):
 *
 * - Stop / Terminate: merge-patch `spec.shutdown` = Stop / Terminate. Stop lets exit handlers run,
 *   Terminate does not. Refused for a run that has ended, as Argo refuses it.
 * - Suspend: `spec.suspend: true`; Resume: cleared, and waiting `suspend` steps marked Succeeded.
 * - Retry failed: core/pipelineRun/retry.ts decides; the reset nodes' pods are deleted, then the
 *   workflow is replaced at the resourceVersion it was read with.
 * - Resubmit: a new run from the same spec (core/pipelineRun/runActions.ts).
 * - Delete: the run object (its pods go with it: they are owned by it).
 * SparkApplications have no stop field: Stop/Terminate/Delete delete the application; Resubmit
 * creates it again. A bare-Pod run can only be deleted (= stopped); Run Again starts its file anew.
 *
 * A write that meets a concurrent change (409) reads the run again and tries once more: the
 * controller updates a running Workflow's status all the time.
 */
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { runSuffix, type ResourceRef } from '../../core/component';
import { retryWorkflow, RetryRefused } from '../../core/pipelineRun/retry';
import { resubmittedRun, resumedWorkflow, workflowPhase } from '../../core/pipelineRun/runActions';
import { classifyKubeError, RunError, statusCodeOf } from './errors';

export type WorkflowVerb = 'stop' | 'terminate' | 'suspend' | 'resume' | 'retry';

export interface ActionResult {
  /** What happened, in plain words, for a notification. */
  message: string;
  /** Resubmit: the new run. */
  created?: ResourceRef;
  /** Retry: how many failed nodes were reset and how many of their pods deleted. */
  retried?: { nodes: number; pods: number };
}

/** The run is gone, has ended, or is in a state the action does not apply to: said, not thrown as a failure. */
export class ActionRefused extends Error {
  constructor(
    message: string,
    readonly reason: 'gone' | 'finished' | 'not-applicable',
  ) {
    super(message);
    this.name = 'ActionRefused';
  }
}

type Obj = Record<string, unknown>;
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function api(ref: ResourceRef): { group: string; version: string; namespace: string; plural: string; name: string } {
  return { group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, name: ref.name };
}

async function read(kc: KubeConfig, ref: ResourceRef, what: string): Promise<Obj> {
  try {
    if (ref.kind === 'Pod') return (await kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: ref.name, namespace: ref.namespace })) as unknown as Obj;
    return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject(api(ref))) as Obj;
  } catch (err) {
    if (statusCodeOf(err) === 404) throw new ActionRefused(`${ref.name} no longer exists on the cluster.`, 'gone');
    throw classifyKubeError(err, kc, `${what} ${ref.kind} ${ref.name}`, ref);
  }
}

/** `attempt` runs with a fresh read; a 409 from its write runs it once more. */
async function withOneRetry<T>(kc: KubeConfig, ref: ResourceRef, what: string, attempt: (current: Obj) => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    const current = await read(kc, ref, what);
    try {
      return await attempt(current);
    } catch (err) {
      if (err instanceof ActionRefused || err instanceof RunError) throw err;
      if (statusCodeOf(err) === 409 && i === 0) continue;
      if (statusCodeOf(err) === 404) throw new ActionRefused(`${ref.name} no longer exists on the cluster.`, 'gone');
      if (statusCodeOf(err) === 409) throw new RunError(`Could not ${what} ${ref.name}: the run kept changing under the update (conflict twice); try again.`, 'conflict', err);
      throw classifyKubeError(err, kc, `${what} ${ref.kind} ${ref.name}`, ref);
    }
  }
}

function requireWorkflow(ref: ResourceRef, verb: string): void {
  if (ref.kind !== 'Workflow') throw new ActionRefused(`${verb} applies to Argo Workflows; ${ref.name} is a ${ref.kind}.`, 'not-applicable');
}

/** Stop (exit handlers run) or Terminate (they do not): Argo's `spec.shutdown`. */
export async function shutdownRun(kc: KubeConfig, ref: ResourceRef, strategy: 'Stop' | 'Terminate'): Promise<ActionResult> {
  if (ref.kind !== 'Workflow') {
    await deleteRun(kc, ref);
    return { message: `${ref.name} was deleted (a ${ref.kind} is stopped by deleting it).` };
  }
  const custom = kc.makeApiClient(CustomObjectsApi);
  return withOneRetry(kc, ref, strategy.toLowerCase(), async (wf) => {
    const { phase, finished } = workflowPhase(wf);
    if (finished) throw new ActionRefused(`${ref.name} has already finished (${phase}); there is nothing to ${strategy.toLowerCase()}.`, 'finished');
    await custom.patchNamespacedCustomObject({ ...api(ref), body: { spec: { shutdown: strategy } } }, merge);
    return { message: strategy === 'Stop' ? `${ref.name} is stopping (exit handlers still run).` : `${ref.name} is being terminated.` };
  });
}

export async function suspendRun(kc: KubeConfig, ref: ResourceRef): Promise<ActionResult> {
  requireWorkflow(ref, 'Suspend');
  const custom = kc.makeApiClient(CustomObjectsApi);
  return withOneRetry(kc, ref, 'suspend', async (wf) => {
    const { phase, finished, suspended } = workflowPhase(wf);
    if (finished) throw new ActionRefused(`${ref.name} has already finished (${phase}); only a running run can be suspended.`, 'finished');
    if (suspended) return { message: `${ref.name} is already suspended.` };
    const rv = (wf.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    await custom.patchNamespacedCustomObject({ ...api(ref), body: { metadata: { resourceVersion: rv }, spec: { suspend: true } } }, merge);
    return { message: `${ref.name} is suspended: running steps finish, no new ones start until Resume.` };
  });
}

export async function resumeRun(kc: KubeConfig, ref: ResourceRef, now: () => Date = () => new Date()): Promise<ActionResult> {
  requireWorkflow(ref, 'Resume');
  const custom = kc.makeApiClient(CustomObjectsApi);
  return withOneRetry(kc, ref, 'resume', async (wf) => {
    const { phase, finished } = workflowPhase(wf);
    if (finished) throw new ActionRefused(`${ref.name} has already finished (${phase}); there is nothing to resume.`, 'finished');
    let resumed;
    try {
      resumed = resumedWorkflow(wf, now().toISOString().replace(/\.\d+Z$/, 'Z'));
    } catch (err) {
      throw new ActionRefused(`${ref.name} cannot be resumed here: ${err instanceof Error ? err.message : String(err)}`, 'not-applicable');
    }
    if (!resumed.changed) return { message: `${ref.name} is not suspended.` };
    // A replace at the version read: a status change by the controller in between is a 409, read again.
    await custom.replaceNamespacedCustomObject({ ...api(ref), body: resumed.workflow });
    const steps = resumed.resumedNodes.length;
    return { message: `${ref.name} resumed${steps ? ` (${steps} suspend step${steps === 1 ? '' : 's'} marked done)` : ''}.` };
  });
}

const NODE_ID_ANNOTATION = 'workflows.argoproj.io/node-id';
const WORKFLOW_LABEL = 'workflows.argoproj.io/workflow';

/** How long Retry waits for the deleted pods to be gone before it gives up, the run left as it was. */
const PODS_GONE_TIMEOUT_MS = 60_000;

async function waitForPodsGone(core: CoreV1Api, ref: ResourceRef, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + PODS_GONE_TIMEOUT_MS;
  let left = [...names];
  while (left.length) {
    const pods = await core.listNamespacedPod({ namespace: ref.namespace, labelSelector: `${WORKFLOW_LABEL}=${ref.name}` });
    const present = new Set(pods.items.map((p) => p.metadata?.name));
    left = left.filter((n) => present.has(n));
    if (!left.length) return;
    if (Date.now() >= deadline) {
      throw new RunError(
        `${ref.name} was not retried: ${left.length} of its old pods (${left.slice(0, 3).join(', ')}${left.length > 3 ? ', …' : ''}) were still being deleted after ${PODS_GONE_TIMEOUT_MS / 1000} s. The run is unchanged; retry again once they are gone (a finalizer may hold them).`,
        'other',
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Retry failed, as `argo retry` does it: failed nodes reset, succeeded ones kept, the reset nodes' pods deleted. */
export async function retryRun(kc: KubeConfig, ref: ResourceRef, now: () => Date = () => new Date()): Promise<ActionResult> {
  requireWorkflow(ref, 'Retry');
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  return withOneRetry(kc, ref, 'retry', async (wf) => {
    let retried;
    try {
      retried = retryWorkflow(wf, now().toISOString().replace(/\.\d+Z$/, 'Z'));
    } catch (err) {
      if (err instanceof RetryRefused) throw new ActionRefused(`${ref.name} cannot be retried: ${err.message}.`, 'not-applicable');
      throw err;
    }
    // Argo's pods carry their node's id: those of the deleted nodes must go, or the controller would
    // find the old failed pod again under the same name.
    const wanted = new Set(retried.plan.podNodeIds);
    let deleted = 0;
    if (wanted.size) {
      const pods = await core.listNamespacedPod({ namespace: ref.namespace, labelSelector: `${WORKFLOW_LABEL}=${ref.name}` });
      const doomed = pods.items.filter((p) => wanted.has(p.metadata?.annotations?.[NODE_ID_ANNOTATION] ?? ''));
      await Promise.all(
        doomed.map(async (p) => {
          try {
            // They have finished: no grace period to wait out.
            await core.deleteNamespacedPod({ name: p.metadata?.name ?? '', namespace: ref.namespace, gracePeriodSeconds: 0 });
            deleted++;
          } catch (err) {
            if (statusCodeOf(err) !== 404) throw err;
          }
        }),
      );
      // Pod names follow node ids: a pod still terminating when the run is written back is found
      // again by the controller, which then reports the old failure instead of running the node.
      await waitForPodsGone(core, ref, doomed.map((p) => p.metadata?.name ?? ''));
    }
    await custom.replaceNamespacedCustomObject({ ...api(ref), body: retried.workflow });
    const failedLeaves = retried.plan.deleted.length;
    return { message: `${ref.name} is running again: ${failedLeaves} node${failedLeaves === 1 ? '' : 's'} will run again, succeeded ones kept.`, retried: { nodes: failedLeaves, pods: deleted } };
  });
}

/** A new run from the old one's spec and provenance (core resubmittedRun). */
export async function resubmitRun(kc: KubeConfig, ref: ResourceRef, suffix: string = runSuffix()): Promise<ActionResult> {
  // A bare-Pod run is started again from its file (Run Again): a pod read back carries what the API
  // server added (node, service-account token volume), which a new pod must not copy.
  if (ref.kind === 'Pod') throw new ActionRefused(`${ref.name} is a single Pod; use Run Again to run its file again.`, 'not-applicable');
  const old = await read(kc, ref, 'read');
  const body = resubmittedRun(old, suffix);
  let created: Obj;
  try {
    created = (await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({ group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, body })) as Obj;
  } catch (err) {
    throw classifyKubeError(err, kc, `create ${ref.kind} in ${ref.namespace}`, ref);
  }
  const name = String((created.metadata as Obj | undefined)?.name ?? '');
  return { message: `${ref.name} resubmitted as ${name}.`, created: { ...ref, name } };
}

/** Deletes the run; its pods are owned by it and go with it. */
export async function deleteRun(kc: KubeConfig, ref: ResourceRef): Promise<ActionResult> {
  try {
    if (ref.kind === 'Pod') await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ name: ref.name, namespace: ref.namespace, gracePeriodSeconds: 5 });
    else await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ ...api(ref), propagationPolicy: 'Background' });
  } catch (err) {
    if (statusCodeOf(err) === 404) throw new ActionRefused(`${ref.name} no longer exists on the cluster.`, 'gone');
    throw classifyKubeError(err, kc, `delete ${ref.kind} ${ref.name}`, ref);
  }
  return { message: `${ref.name} was deleted.` };
}
