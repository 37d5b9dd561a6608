/**
 * Every version Kindling pins for the local cluster, in one place. Changing a pin here (and the
 * SHA-256 tables next to it) is the whole upgrade: code elsewhere reads these constants.
 */

/** kind release. Built from source for tests (`scripts/kind-build.sh`), downloaded for users. */
export const KIND_VERSION = 'v0.33.0';

/**
 * Node image for KIND_VERSION, pinned by digest as kind's release notes ask ("You must use the
 * @sha256 digest to guarantee an image built for this release"). From the v0.33.0 release notes'
 * list of images built for that release. Kubernetes 1.34 rather than kind's default 1.37: the
 * integration control plane (testenv/versions.json) runs 1.34, so what we test is what users get.
 */
export const KIND_NODE_IMAGE =
  'kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d';

/** The registry image kind's local-registry guide runs. */
export const REGISTRY_IMAGE = 'registry:2';

/** Argo Workflows; the same release the integration control plane runs (testenv/versions.json). */
export const ARGO_VERSION = 'v3.6.15';
export const ARGO_CONTROLLER_IMAGE = `quay.io/argoproj/workflow-controller:${ARGO_VERSION}`;

/** Kubeflow Spark operator (Go module github.com/kubeflow/spark-operator/v2, Helm chart of the same version); same as testenv/versions.json. */
export const SPARK_OPERATOR_VERSION = 'v2.4.0';
/** The chart's default image (values.yaml: registry ghcr.io, repository kubeflow/spark-operator/controller, tag appVersion). */
export const SPARK_OPERATOR_IMAGE = `ghcr.io/kubeflow/spark-operator/controller:${SPARK_OPERATOR_VERSION.slice(1)}`;
export const SPARK_OPERATOR_HELM_REPO = 'https://kubeflow.github.io/spark-operator';
export const SPARK_OPERATOR_HELM_CHART = 'spark-operator';
