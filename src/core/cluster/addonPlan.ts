/**
 * The add-on install as data: an ordered list of steps (apply these objects, wait for these CRDs,
 * run helm, wait for these Deployments). src/kube/cluster/addons.ts executes it; tests read it.
 */
import {
  ARGO_CONTROLLER_DEPLOYMENT,
  SPARK_OPERATOR_DEPLOYMENT,
  buildRunnerObjects,
  buildSparkOperatorObjects,
} from './generatedObjects';
import { ARGO_CONTROLLER_SOURCES, ARGO_CRD_SOURCES, SPARK_CRD_SOURCES, type AddonName, type ManifestSource } from './manifestSources';
import { isClusterScoped, parseManifests, sortForApply, type KubeObject } from './objects';
import { buildLocalRegistryHostingConfigMap } from './registry';
import {
  ARGO_CONTROLLER_IMAGE,
  SPARK_OPERATOR_HELM_CHART,
  SPARK_OPERATOR_HELM_REPO,
  SPARK_OPERATOR_IMAGE,
  SPARK_OPERATOR_VERSION,
} from './versions';

export const DEFAULT_NAMESPACES = { argo: 'argo', sparkOperator: 'spark-operator', runner: 'kindling' } as const;

export interface DeploymentCheck {
  addon: AddonName;
  namespace: string;
  name: string;
}

export type PlanStep =
  | { kind: 'apply'; title: string; objects: KubeObject[] }
  | { kind: 'waitForCrds'; title: string; names: string[] }
  | { kind: 'helm'; title: string; args: string[] }
  | { kind: 'waitForDeployments'; title: string; deployments: DeploymentCheck[] };

export interface AddonPlan {
  steps: PlanStep[];
  /** What the Clusters view watches for health. */
  health: DeploymentCheck[];
}

export interface AddonPlanInput {
  /** Text of every file in the manifest sources, by source id (already SHA-256 verified). */
  manifests: ReadonlyMap<string, string>;
  registryPort: number;
  namespaces?: { argo: string; sparkOperator: string; runner: string };
  /** Install the Spark operator with its Helm chart (when the user has helm). */
  useHelm?: { kubeconfigPath: string; context: string };
  /** Passed to our Spark operator Deployment; used by tests to make pods unschedulable. */
  sparkNodeSelector?: Record<string, string>;
}

function load(manifests: ReadonlyMap<string, string>, sources: readonly ManifestSource[]): KubeObject[] {
  return sources.flatMap((source) => {
    const text = manifests.get(source.id);
    if (text === undefined) throw new Error(`Add-on manifest ${source.id} was not loaded (${source.url}).`);
    return parseManifests(text, source.localPath);
  });
}

/**
 * What kustomize's `namespace:` does for the cluster-install overlay: put namespaced objects in the
 * namespace and point ServiceAccount subjects of (Cluster)RoleBindings at it.
 */
export function setNamespace(objects: readonly KubeObject[], namespace: string): KubeObject[] {
  return objects.map((obj) => {
    const copy = structuredClone(obj);
    if (!isClusterScoped(copy.kind)) copy.metadata.namespace = namespace;
    if ((copy.kind === 'RoleBinding' || copy.kind === 'ClusterRoleBinding') && Array.isArray(copy.subjects)) {
      copy.subjects = (copy.subjects as Array<Record<string, unknown>>).map((s) =>
        s.kind === 'ServiceAccount' ? { ...s, namespace } : s,
      );
    }
    return copy;
  });
}

/** What kustomize's `images:` does: swap `repo:anything` for the pinned reference in Pod templates. */
export function setImage(objects: readonly KubeObject[], repository: string, pinned: string): KubeObject[] {
  return objects.map((obj) => {
    const copy = structuredClone(obj);
    const spec = copy.spec as { template?: { spec?: { containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> } } } | undefined;
    const podSpec = spec?.template?.spec;
    for (const c of [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])]) {
      if (c.image && (c.image === repository || c.image.startsWith(`${repository}:`) || c.image.startsWith(`${repository}@`))) c.image = pinned;
    }
    return copy;
  });
}

/**
 * Sets environment variables on the named Deployment's container of the same name (merged with
 * what the manifest has; ours win).
 */
export function setContainerEnv(objects: readonly KubeObject[], deployment: string, env: Record<string, string>): KubeObject[] {
  return objects.map((obj) => {
    if (obj.kind !== 'Deployment' || obj.metadata.name !== deployment) return obj;
    const copy = structuredClone(obj);
    const spec = copy.spec as { template?: { spec?: { containers?: Array<{ name?: string; env?: Array<{ name: string; value?: string }> }> } } } | undefined;
    for (const c of spec?.template?.spec?.containers ?? []) {
      if (c.name !== deployment) continue;
      const kept = (c.env ?? []).filter((e) => !(e.name in env));
      c.env = [...kept, ...Object.entries(env).map(([name, value]) => ({ name, value }))];
    }
    return copy;
  });
}

/**
 * How long Argo's controller waits before it looks at a workflow again after a pod event
 * (DEFAULT_REQUEUE_TIME, workflow/controller/rate_limiters.go; 10 s by default). On a shared cluster
 * that spares the API server; on a one-person local cluster it is a pause of up to 10 s between a
 * step's pod ending and the next step starting, or the run being seen done. 1 s is the floor Argo's
 * own comment recommends (its informers must catch up).
 */
export const LOCAL_ARGO_REQUEUE_TIME = '1s';

function crdNames(objects: readonly KubeObject[]): string[] {
  return objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
}

export function buildAddonPlan(input: AddonPlanInput): AddonPlan {
  const ns = input.namespaces ?? DEFAULT_NAMESPACES;
  const namespaceObject = (name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'kindling' } },
  });

  const argoCrds = load(input.manifests, ARGO_CRD_SOURCES);
  const argoController = setContainerEnv(
    setImage(setNamespace(load(input.manifests, ARGO_CONTROLLER_SOURCES), ns.argo), 'quay.io/argoproj/workflow-controller', ARGO_CONTROLLER_IMAGE),
    ARGO_CONTROLLER_DEPLOYMENT,
    { DEFAULT_REQUEUE_TIME: LOCAL_ARGO_REQUEUE_TIME },
  );
  const sparkCrds = input.useHelm ? [] : load(input.manifests, SPARK_CRD_SOURCES);

  const steps: PlanStep[] = [
    {
      kind: 'apply',
      title: 'Creating namespaces and the local registry ConfigMap',
      objects: [namespaceObject(ns.argo), namespaceObject(ns.sparkOperator), buildLocalRegistryHostingConfigMap(input.registryPort)],
    },
    { kind: 'apply', title: 'Installing custom resource definitions', objects: sortForApply([...argoCrds, ...sparkCrds]) },
    { kind: 'waitForCrds', title: 'Waiting for custom resource definitions', names: crdNames([...argoCrds, ...sparkCrds]) },
    { kind: 'apply', title: `Installing Argo Workflows ${ARGO_CONTROLLER_IMAGE.split(':').pop()}`, objects: sortForApply(argoController) },
  ];
  if (input.useHelm) {
    steps.push({
      kind: 'helm',
      title: `Installing the Spark operator ${SPARK_OPERATOR_VERSION} with helm`,
      args: [
        'upgrade', '--install', 'spark-operator', SPARK_OPERATOR_HELM_CHART,
        '--repo', SPARK_OPERATOR_HELM_REPO, '--version', SPARK_OPERATOR_VERSION.slice(1),
        '--namespace', ns.sparkOperator,
        '--kubeconfig', input.useHelm.kubeconfigPath, '--kube-context', input.useHelm.context,
        // Same choice as our own Deployment: watch every namespace, including the runner's.
        '--set', 'spark.jobNamespaces={}',
        '--set', `image.tag=${SPARK_OPERATOR_IMAGE.split(':').pop()}`,
      ],
    });
  } else {
    steps.push({
      kind: 'apply',
      title: `Installing the Spark operator ${SPARK_OPERATOR_VERSION}`,
      objects: sortForApply(buildSparkOperatorObjects({ namespace: ns.sparkOperator, nodeSelector: input.sparkNodeSelector })),
    });
  }
  steps.push({ kind: 'apply', title: `Creating the "${ns.runner}" namespace and service account`, objects: sortForApply(buildRunnerObjects(ns.runner)) });

  const health: DeploymentCheck[] = [
    { addon: 'argo', namespace: ns.argo, name: ARGO_CONTROLLER_DEPLOYMENT },
    { addon: 'spark-operator', namespace: ns.sparkOperator, name: SPARK_OPERATOR_DEPLOYMENT },
  ];
  steps.push({ kind: 'waitForDeployments', title: 'Waiting for the Argo and Spark controllers to become Available', deployments: health });
  return { steps, health };
}
