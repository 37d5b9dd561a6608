/**
 * The namespace and service account runs use, with the rights their pods need: Argo's executor
 * reports results through workflowtaskresults; a Spark driver creates executor pods, services and
 * config maps. Created on the Kindling local cluster only (the extension decides); on any other
 * cluster a missing service account is reported, never created behind the user's back.
 */
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { classifyKubeError, RunError, statusCodeOf } from './errors';

export const RUNNER_ROLE = 'kindling-runner';

async function createIfMissing(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (err) {
    if (statusCodeOf(err) === 409) return false;
    throw err;
  }
}

/** Idempotent; returns what it created (for the log). */
export async function ensureRunIdentity(kc: KubeConfig, namespace: string, serviceAccounts: string[]): Promise<string[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const created: string[] = [];
  const accounts = [...new Set(serviceAccounts)];
  try {
    if (await createIfMissing(() => core.createNamespace({ body: { metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'kindling' } } } }))) {
      created.push(`namespace ${namespace}`);
    }
    for (const sa of accounts) {
      if (await createIfMissing(() => core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: sa, labels: { 'app.kubernetes.io/managed-by': 'kindling' } } } }))) {
        created.push(`service account ${namespace}/${sa}`);
      }
    }
    const role = {
      metadata: { name: RUNNER_ROLE, namespace, labels: { 'app.kubernetes.io/managed-by': 'kindling' } },
      rules: [
        { apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] },
        { apiGroups: ['sparkoperator.k8s.io'], resources: ['sparkapplications'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      ],
    };
    if (await createIfMissing(() => rbac.createNamespacedRole({ namespace, body: role }))) created.push(`role ${namespace}/${RUNNER_ROLE}`);
    const binding = {
      metadata: { name: RUNNER_ROLE, namespace, labels: { 'app.kubernetes.io/managed-by': 'kindling' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: RUNNER_ROLE },
      subjects: accounts.map((name) => ({ kind: 'ServiceAccount', name, namespace })),
    };
    if (await createIfMissing(() => rbac.createNamespacedRoleBinding({ namespace, body: binding }))) {
      created.push(`role binding ${namespace}/${RUNNER_ROLE}`);
    } else {
      // New service accounts (kindling.yaml changed) must join the existing binding.
      await rbac.replaceNamespacedRoleBinding({ name: RUNNER_ROLE, namespace, body: binding });
    }
  } catch (err) {
    throw classifyKubeError(err, kc, `prepare namespace ${namespace} for runs`);
  }
  return created;
}

/** Off the local cluster: only check, so the error names the missing account instead of a stuck pod. */
export async function checkServiceAccounts(kc: KubeConfig, namespace: string, serviceAccounts: string[]): Promise<void> {
  for (const name of new Set(serviceAccounts)) {
    if (!(await serviceAccountExists(kc, namespace, name))) {
      throw new RunError(
        `Service account "${name}" does not exist in namespace "${namespace}" on ${kc.getCurrentContext()}. Ask the cluster's admin for one, or set serviceAccount in kindling.yaml.`,
        'invalid',
      );
    }
  }
}

/** Whether the service account is there (false on 404); any other answer is thrown as a classified RunError. */
export async function serviceAccountExists(kc: KubeConfig, namespace: string, name: string): Promise<boolean> {
  try {
    await kc.makeApiClient(CoreV1Api).readNamespacedServiceAccount({ name, namespace });
    return true;
  } catch (err) {
    if (statusCodeOf(err) === 404) return false;
    throw classifyKubeError(err, kc, `read service account ${namespace}/${name}`);
  }
}
