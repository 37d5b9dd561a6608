/**
 * Live add-on health for the Clusters view: one informer (list + watch) per add-on namespace,
 * reporting each controller Deployment as available / not available / missing as it changes.
 * The informer re-lists and re-watches after errors, so a restarting cluster recovers on its own.
 */
import { AppsV1Api, makeInformer, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import type { DeploymentCheck } from '../../core/cluster/addonPlan';
import { isDeploymentAvailable } from '../../core/cluster/readiness';

export type AddonHealthState = 'available' | 'progressing' | 'missing' | 'unknown';

export interface AddonHealth {
  check: DeploymentCheck;
  state: AddonHealthState;
  detail?: string;
}

export interface HealthWatch {
  current(): AddonHealth[];
  dispose(): void;
}

export function watchAddonHealth(kc: KubeConfig, checks: readonly DeploymentCheck[], onChange: (health: AddonHealth[]) => void): HealthWatch {
  const apps = kc.makeApiClient(AppsV1Api);
  const health = new Map<DeploymentCheck, AddonHealth>(checks.map((c) => [c, { check: c, state: 'unknown' }]));
  const emit = () => onChange([...health.values()]);
  const stops: Array<() => void> = [];
  let disposed = false;

  for (const namespace of new Set(checks.map((c) => c.namespace))) {
    const mine = checks.filter((c) => c.namespace === namespace);
    const informer = makeInformer<V1Deployment>(kc, `/apis/apps/v1/namespaces/${namespace}/deployments`, () => apps.listNamespacedDeployment({ namespace }));
    const refresh = () => {
      for (const check of mine) {
        const d = informer.get(check.name, namespace);
        const state: AddonHealthState = !d ? 'missing' : isDeploymentAvailable(d) ? 'available' : 'progressing';
        const reason = d?.status?.conditions?.find((c) => c.status !== 'True')?.message;
        health.set(check, { check, state, detail: reason });
      }
      emit();
    };
    informer.on('add', refresh);
    informer.on('update', refresh);
    informer.on('delete', refresh);
    informer.on('connect', refresh);
    informer.on('error', (error: unknown) => {
      for (const check of mine) health.set(check, { check, state: 'unknown', detail: error instanceof Error ? error.message : String(error) });
      emit();
      // The informer stops on error; restart it after a pause, as client-node's examples do.
      setTimeout(() => {
        if (!disposed) void informer.start().catch(() => undefined);
      }, 5000).unref();
    });
    void informer.start().catch(() => undefined);
    stops.push(() => void informer.stop());
  }
  return {
    current: () => [...health.values()],
    dispose: () => {
      disposed = true;
      for (const stop of stops) stop();
    },
  };
}
