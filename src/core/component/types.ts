/**
 * Inputs and outputs of the component manifest builders. Only the fields Kindling writes are typed;
 * the objects are plain JSON ready for the API server.
 */
import type { KindlingConfig } from '../config/types';

export type ComponentKind = 'script' | 'shell' | 'notebook' | 'pyspark';

/** Run provenance, recorded on every run as kindling.dev/* labels and annotations. */
export interface Provenance {
  /** Commit of the workspace's HEAD; undefined outside a git repository. */
  gitCommit?: string;
  /** Uncommitted changes in the working tree (or the file is untracked). */
  gitDirty?: boolean;
  /** SHA-256 (hex) of the exact source that runs. */
  sourceSha256: string;
  /** Image digest (sha256:…) when known (pinned in kindling.yaml or resolved from the registry). */
  imageDigest?: string;
  /** Who ran it (git user.name, else the OS user). */
  user?: string;
  kindlingVersion: string;
}

/**
 * How the source reaches the pod without an image rebuild:
 *  - hostPath: the Kindling kind cluster mounts the workspace into the node at NODE_WORKSPACE_PATH,
 *    so the pod mounts the file's folder (read-write: notebook outputs land next to the original);
 *  - configMap: any other cluster; the file travels in a ConfigMap (≤ 1 MiB), mounted read-only.
 */
export type CodeDelivery = { mode: 'hostPath'; nodeWorkspacePath: string } | { mode: 'configMap' };

export interface ComponentRequest {
  kind: ComponentKind;
  /** Path of the file relative to the workspace folder, with "/" separators (e.g. "jobs/train.py"). */
  relativePath: string;
  /** The file's text (needed for configMap delivery and for the size check). */
  content: string;
  /** DNS-1123 name for the run (see makeRunName). */
  runName: string;
  config: KindlingConfig;
  /** Picks images.environments[environment]; default: images.default. */
  environment?: string;
  delivery: CodeDelivery;
  /** Command-line arguments (script, shell, pyspark). */
  args?: string[];
  /** Notebook parameters (papermill -p key value). */
  parameters?: Record<string, string>;
  provenance: Provenance;
  /** PySpark only: wrap the SparkApplication in an Argo Workflow resource step (a one-step pipeline). */
  asPipeline?: boolean;
  /** Extra annotations for the run's pods (e.g. the test environment's "make this pod fail"). */
  podAnnotations?: Record<string, string>;
  /**
   * Script, shell and notebook components: a one-step Argo Workflow (default) or a bare Pod, which
   * starts without Argo's controller round trip and executor containers (docs/benchmarks.md).
   */
  runAs?: 'workflow' | 'pod';
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[];
}

export interface EnvVarSpec {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } };
}

export interface VolumeSpec {
  name: string;
  hostPath?: { path: string; type?: string };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  configMap?: { name: string; items?: { key: string; path: string }[] };
  emptyDir?: Record<string, never>;
}

export interface VolumeMountSpec {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface ContainerSpec {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVarSpec[];
  resources?: ResourceRequirements;
  volumeMounts?: VolumeMountSpec[];
}

export interface WorkflowTemplateSpec {
  name: string;
  container?: ContainerSpec;
  resource?: {
    action: 'create';
    setOwnerReference: boolean;
    successCondition: string;
    failureCondition: string;
    manifest: string;
  };
}

export interface Workflow {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Workflow';
  metadata: ObjectMeta;
  spec: {
    entrypoint: string;
    serviceAccountName: string;
    podMetadata: { labels: Record<string, string>; annotations: Record<string, string> };
    volumes: VolumeSpec[];
    templates: WorkflowTemplateSpec[];
  };
}

/** A bare Pod run: the Workflow's main container, labels and annotations, without Argo. */
export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: {
    restartPolicy: 'Never';
    serviceAccountName: string;
    containers: ContainerSpec[];
    volumes: VolumeSpec[];
  };
}

export interface SparkPodSpec {
  cores: number;
  /** CPU request of the pod (the operator's coreRequest), when below `cores`. */
  coreRequest?: string;
  memory: string;
  instances?: number;
  serviceAccount?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /**
   * A pod template carries env (with secretKeyRef), volumes and mounts. With a template (Spark ≥ 3)
   * the operator hands it to spark-submit (spark.kubernetes.*.podTemplateFile) and its mutating
   * webhook leaves the pod alone, so this works with or without the webhook installed.
   */
  template: {
    metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    spec: { containers: ContainerSpec[]; volumes: VolumeSpec[] };
  };
}

export interface SparkApplication {
  apiVersion: 'sparkoperator.k8s.io/v1beta2';
  kind: 'SparkApplication';
  metadata: ObjectMeta;
  spec: {
    type: 'Python';
    pythonVersion: '3';
    mode: 'cluster';
    image: string;
    imagePullPolicy: 'IfNotPresent';
    mainApplicationFile: string;
    arguments: string[];
    sparkVersion: string;
    restartPolicy: {
      type: 'Never' | 'OnFailure' | 'Always';
      onFailureRetries?: number;
      onFailureRetryInterval?: number;
      onSubmissionFailureRetries?: number;
      onSubmissionFailureRetryInterval?: number;
    };
    driver: SparkPodSpec;
    executor: SparkPodSpec;
  };
}

export interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  data: Record<string, string>;
}

/** Where a custom resource lives in the API (what CustomObjectsApi needs). */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  kind: 'Workflow' | 'SparkApplication' | 'Pod';
  name: string;
  namespace: string;
}

export interface ComponentManifests {
  kind: ComponentKind;
  runName: string;
  namespace: string;
  image: string;
  /** Present with configMap delivery; create it before `resource`. */
  configMap?: ConfigMap;
  resource: Workflow | SparkApplication | Pod;
  ref: ResourceRef;
  /** Notebook only: where the executed notebook ends up (workspace-relative) and how it gets there. */
  notebookOutput?: { relativePath: string; via: 'hostPath' | 'logs' };
}

/** A problem the user must fix (too large for a ConfigMap, unsupported file); message is user-facing. */
export class ComponentError extends Error {
  constructor(
    message: string,
    readonly code: 'too-large' | 'unsupported-file' | 'bad-name' | 'bad-input',
  ) {
    super(message);
    this.name = 'ComponentError';
  }
}
