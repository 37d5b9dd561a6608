/**
 * What Kindling last applied to its cluster: a ConfigMap holding the fingerprint of the add-on plan.
 * A warm restart (or a Create on a running cluster) whose plan is unchanged, and whose controller
 * Deployments are all still there, skips the server-side apply of ~60 objects and only waits for the
 * controllers. A new Kindling version, other pins, another registry port or a deleted controller
 * make the plan apply again.
 */
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import type { AddonPlan } from '../../core/cluster/addonPlan';
import { apiErrorCode } from './apply';

export const APPLIED_PLAN_CONFIGMAP = { namespace: 'kube-system', name: 'kindling-applied-addons' } as const;
const FINGERPRINT_KEY = 'planSha256';

/** SHA-256 over what the plan writes (the waits write nothing). */
export function planFingerprint(plan: AddonPlan): string {
  const writes = plan.steps.filter((s) => s.kind === 'apply' || s.kind === 'helm');
  return createHash('sha256').update(JSON.stringify(writes)).digest('hex');
}

/** The plan with only its waits: what a restart of an unchanged cluster still has to do. */
export function waitsOnly(plan: AddonPlan): AddonPlan {
  return { ...plan, steps: plan.steps.filter((s) => s.kind === 'waitForDeployments') };
}

/** Whether this plan was applied last and every controller Deployment it made still exists. */
export async function isPlanApplied(kc: KubeConfig, plan: AddonPlan): Promise<boolean> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    const cm = await core.readNamespacedConfigMap(APPLIED_PLAN_CONFIGMAP);
    if (cm.data?.[FINGERPRINT_KEY] !== planFingerprint(plan)) return false;
    const apps = kc.makeApiClient(AppsV1Api);
    await Promise.all(plan.health.map((d) => apps.readNamespacedDeployment({ name: d.name, namespace: d.namespace })));
    return true;
  } catch (error) {
    // Missing marker or a missing controller: apply. Anything else is a real problem for the apply to report.
    if (apiErrorCode(error) === 404) return false;
    throw error;
  }
}

/** Records the plan as applied (after every step succeeded). */
export async function recordPlanApplied(kc: KubeConfig, plan: AddonPlan): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const body = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...APPLIED_PLAN_CONFIGMAP, labels: { 'app.kubernetes.io/managed-by': 'kindling' } },
    data: { [FINGERPRINT_KEY]: planFingerprint(plan), appliedAt: new Date().toISOString() },
  };
  try {
    await core.replaceNamespacedConfigMap({ ...APPLIED_PLAN_CONFIGMAP, body });
  } catch (error) {
    if (apiErrorCode(error) !== 404) throw error;
    await core.createNamespacedConfigMap({ namespace: APPLIED_PLAN_CONFIGMAP.namespace, body });
  }
}
