/**
 * The upstream files the add-ons are built from, pinned by tag and SHA-256.
 *
 * Argo Workflows' release `install.yaml` is produced by the release pipeline (kustomize + image
 * tags), so its digest cannot be derived from anything reachable here. The files it is rendered
 * from are in the git tag, and the Go module zip of that tag holds byte-identical copies, so their
 * SHA-256 values below are real: computed from `go mod download github.com/argoproj/argo-workflows/v3@v3.6.15`
 * and `github.com/kubeflow/spark-operator/v2@v2.4.0`. Kindling renders them itself (addonPlan.ts
 * does what kustomize's `namespace:` and `images:` would), which also keeps the set small: the
 * workflow controller and its RBAC, not the Argo server UI.
 *
 * Offline (`kindling.cluster.addonManifestDir`), files are read from
 * `<dir>/<localPath>` — the same layout `scripts/kind-manifests.sh` writes from the Go module
 * cache — and checked against the same digests.
 */
import { ARGO_VERSION, SPARK_OPERATOR_VERSION } from './versions';

export type AddonName = 'argo' | 'spark-operator';

export interface ManifestSource {
  id: string;
  addon: AddonName;
  url: string;
  /** Path inside the upstream repository at the pinned tag. */
  repoPath: string;
  /** Path under the offline manifest folder and the download cache. */
  localPath: string;
  sha256: string;
}

const ARGO_RAW = `https://raw.githubusercontent.com/argoproj/argo-workflows/${ARGO_VERSION}`;
const SPARK_RAW = `https://raw.githubusercontent.com/kubeflow/spark-operator/${SPARK_OPERATOR_VERSION}`;

function argo(repoPath: string, sha256: string): ManifestSource {
  const file = repoPath.split('/').pop() ?? repoPath;
  return { id: `argo/${file}`, addon: 'argo', url: `${ARGO_RAW}/${repoPath}`, repoPath, localPath: `argo-workflows/${ARGO_VERSION}/${repoPath}`, sha256 };
}

function spark(repoPath: string, sha256: string): ManifestSource {
  const file = repoPath.split('/').pop() ?? repoPath;
  return { id: `spark-operator/${file}`, addon: 'spark-operator', url: `${SPARK_RAW}/${repoPath}`, repoPath, localPath: `spark-operator/${SPARK_OPERATOR_VERSION}/${repoPath}`, sha256 };
}

export const ARGO_CRD_SOURCES: readonly ManifestSource[] = [
  argo('manifests/base/crds/minimal/argoproj.io_clusterworkflowtemplates.yaml', '22c202c1d7ea1489ed22d4eff9386500c04ea7c8eb4717d34602d8f8caa5d920'),
  argo('manifests/base/crds/minimal/argoproj.io_cronworkflows.yaml', 'a880ee3e2481264f0b6fbc1ce98b10f64d8121b9f67321e80b157cc14dbe40ff'),
  argo('manifests/base/crds/minimal/argoproj.io_workflowartifactgctasks.yaml', '652acfeb1ce53bbee83ab3723034bc7a67cdca8f42f5b8868185c032dcccdf0f'),
  argo('manifests/base/crds/minimal/argoproj.io_workfloweventbindings.yaml', '805d63c0442382bada354996358478f524d734e7672a3ef4187002cfdc9f4f58'),
  argo('manifests/base/crds/minimal/argoproj.io_workflows.yaml', 'b6a05d9976fa925b4782bfcd5fedc0b6485238ea79e29afe5c3110b1e204128b'),
  argo('manifests/base/crds/minimal/argoproj.io_workflowtaskresults.yaml', '681f5039d377a99c346c4708640d7d74e51237a0b8342ce66e269c4c4403f975'),
  argo('manifests/base/crds/minimal/argoproj.io_workflowtasksets.yaml', '8925dfe9f5cd1e194accc2677e0aee7bee64d95e8afed035395bee6594383deb'),
  argo('manifests/base/crds/minimal/argoproj.io_workflowtemplates.yaml', 'd7b69c80937843de3216185ed3400641a598cfdee4518b1e6fea11214b46633e'),
];

export const ARGO_CONTROLLER_SOURCES: readonly ManifestSource[] = [
  argo('manifests/base/workflow-controller/workflow-controller-configmap.yaml', '838249e13c411c6a1aea5993388bd87bb70fc5db3994afbea04c4ee12fc5d6fa'),
  argo('manifests/base/workflow-controller/workflow-controller-deployment.yaml', '851257565170f2f0f3e0140dfe45bbd546e83b4ae95a5dad6751d2cf6c099ee7'),
  argo('manifests/base/workflow-controller/workflow-controller-sa.yaml', '668ebbd6c43889547668a8a0790e55f01507b47e3d262ccf1d63a7d945d6ab02'),
  argo('manifests/base/workflow-controller/workflow-controller-priorityclass.yaml', 'c4050d6b68d489c6276d197f6a685b1f278a021f5a758534902a74a31dad0eb3'),
  argo('manifests/cluster-install/workflow-controller-rbac/workflow-aggregate-roles.yaml', '5c104f2d89fe5a45ec11c53ea0bfe9b4f865747ceff693624b5cfe23bb78aad7'),
  argo('manifests/cluster-install/workflow-controller-rbac/workflow-controller-clusterrole.yaml', '3c41f4e895e32041da2f656be3b6320dd0657d4b3f049ca1f2f942077c12636c'),
  argo('manifests/cluster-install/workflow-controller-rbac/workflow-controller-clusterrolebinding.yaml', '44fdea7ba86a812a205dc1284065f215148f0450caa7df645adde3feb2cfa8cb'),
  argo('manifests/cluster-install/workflow-controller-rbac/workflow-controller-role.yaml', '9efec7ab5ae4d412113f4aef8fe30cc07cba0d111bbe4edc960683808589f396'),
  argo('manifests/cluster-install/workflow-controller-rbac/workflow-controller-rolebinding.yaml', '386fc2c7f7502448099dc631e9a83e233fb4c7d5e780dfc7d742ad88b64486f6'),
];

/** The Spark operator publishes only a Helm chart; without helm we apply its CRDs and our own Deployment + RBAC. */
export const SPARK_CRD_SOURCES: readonly ManifestSource[] = [
  spark('config/crd/bases/sparkoperator.k8s.io_sparkapplications.yaml', 'ecd9c14fcadb9d5f8ced4c4ee31920548ea53a892e0a69c3e43aa758bfca6d94'),
  spark('config/crd/bases/sparkoperator.k8s.io_scheduledsparkapplications.yaml', '5dc6654b2ad9157421ddf177737795420088fbe70338e45602bacf22ce25cc99'),
  spark('config/crd/bases/sparkoperator.k8s.io_sparkconnects.yaml', 'e80c54cc086e7f0a4ed39de713138f5c9aa5506219584b528cc1a00e65163986'),
];

export const ALL_MANIFEST_SOURCES: readonly ManifestSource[] = [...ARGO_CRD_SOURCES, ...ARGO_CONTROLLER_SOURCES, ...SPARK_CRD_SOURCES];
