import { kindContextName } from './kindConfig';

/**
 * Which kube context "Run as Component" submits to. Runs must never go silently to whatever context
 * happens to be current, so the answer is always a named context:
 *   1. KINDLING_RUN_CONTEXT, when set: an override for benchmarks and scripted runs, which must not
 *      depend on a user's settings;
 *   2. the `kindling.run.context` setting, for users whose dev cluster is not Kindling's kind cluster;
 *   3. otherwise the Kindling kind cluster, `kind-<kindling.cluster.name>`.
 * Blank values count as unset: an empty setting is the documented default, not a context named "".
 */
export function runContextName(input: { envOverride?: string; setting?: string; clusterName: string }): string {
  const env = input.envOverride?.trim();
  if (env) return env;
  const setting = input.setting?.trim();
  if (setting) return setting;
  return kindContextName(input.clusterName);
}
