/**
 * A project that submits to the KWOK control plane, as the Submit Pipeline E2E files need it: a new
 * namespace with the run identity kindling.yaml asks for, and examples/kindling.yaml pointed at it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/core/config';
import { ensureRunIdentity, runServiceAccounts } from '../../../src/kube/runs';
import { withNamespace, type TestCluster } from '../../integration/helpers/testCluster';

export interface RunProject {
  namespace: string;
  /** examples/kindling.yaml with `namespace:` set to the new namespace. */
  kindlingYaml: string;
  cleanup(): Promise<void>;
}

export async function prepareRunProject(cluster: TestCluster, prefix: string): Promise<RunProject> {
  const examplesConfig = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'kindling.yaml'), 'utf8');
  const ns = await withNamespace(cluster, prefix);
  const config = loadConfig(examplesConfig).config;
  assert.ok(config, 'examples/kindling.yaml loads');
  await ensureRunIdentity(cluster.kc, ns.namespace, runServiceAccounts({ ...config, namespace: ns.namespace }).serviceAccounts);
  return {
    namespace: ns.namespace,
    kindlingYaml: examplesConfig.replace(/^namespace: .*$/m, `namespace: ${ns.namespace}`),
    cleanup: async () => ns.cleanup(),
  };
}
