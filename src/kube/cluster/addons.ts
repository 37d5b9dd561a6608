/**
 * Executes an add-on plan (core/cluster/addonPlan.ts) against a cluster: server-side apply,
 * CRD and Deployment readiness, and helm for the Spark operator when the user has it.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { AddonPlan, PlanStep } from '../../core/cluster/addonPlan';
import { applyObjects, waitForCrdsEstablished } from './apply';
import { describeFailure, run } from './exec';
import { ADDON_LABELS, waitForDeployments } from './readiness';

export interface InstallOptions {
  signal?: AbortSignal;
  /** For the final wait on the controllers. */
  readyTimeoutMs: number;
  /** See DeploymentWaitOptions: give up early on image pulls, and wait for pods restarted since. */
  imagePullGraceMs?: number;
  runningSince?: Date;
  crdTimeoutMs?: number;
  helmPath?: string;
  /** Called with each step's title as it starts, and with finer detail inside a step. */
  onStep?: (step: PlanStep, index: number, total: number) => void;
  onDetail?: (message: string) => void;
}

export async function installAddons(kc: KubeConfig, plan: AddonPlan, opts: InstallOptions): Promise<void> {
  const total = plan.steps.length;
  for (const [index, step] of plan.steps.entries()) {
    opts.signal?.throwIfAborted();
    opts.onStep?.(step, index, total);
    switch (step.kind) {
      case 'apply':
        await applyObjects(kc, step.objects, { signal: opts.signal, crdTimeoutMs: opts.crdTimeoutMs, onApplied: (ref) => opts.onDetail?.(`applied ${ref}`) });
        break;
      case 'waitForCrds':
        await waitForCrdsEstablished(kc, step.names, { timeoutMs: opts.crdTimeoutMs ?? 60_000, signal: opts.signal });
        break;
      case 'helm': {
        const result = await run(opts.helmPath ?? 'helm', step.args, { signal: opts.signal, timeoutMs: 10 * 60_000, onLine: opts.onDetail });
        if (result.code !== 0) throw new Error(`helm ${step.args.slice(0, 3).join(' ')} failed: ${describeFailure('helm', result)}`);
        break;
      }
      case 'waitForDeployments':
        await waitForDeployments(kc, step.deployments, {
          timeoutMs: opts.readyTimeoutMs,
          imagePullGraceMs: opts.imagePullGraceMs,
          runningSince: opts.runningSince,
          signal: opts.signal,
          onProgress: (ready, waiting) =>
            opts.onDetail?.(waiting.length ? `waiting for ${waiting.map((c) => ADDON_LABELS[c.addon]).join(' and ')}` : `${ready.length} controllers Available`),
        });
        break;
    }
  }
}
