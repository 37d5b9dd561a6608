/**
 * The shape of kindling.yaml. Mirrors schemas/kindling.schema.json, which is the single source of
 * validation rules (the loader interprets it); a unit test checks that the loader, the schema (via
 * Ajv) and these types agree on the example and on a set of good and bad inputs.
 */

/** A Kubernetes quantity: "500m", "2", 1.5, "512Mi". */
export type Quantity = string | number;

export interface ResourceList {
  cpu?: Quantity;
  memory?: Quantity;
}

export interface Resources {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface SecretKeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

/** Exactly one of value / secretKeyRef (the schema's oneOf). */
export type EnvVar = { name: string; value: string; secretKeyRef?: undefined } | { name: string; value?: undefined; secretKeyRef: SecretKeyRef };

/** Exactly one of hostPath / pvc (the schema's oneOf). */
export type VolumeMount = {
  name: string;
  mountPath: string;
  readOnly?: boolean;
} & ({ hostPath: string; pvc?: undefined } | { hostPath?: undefined; pvc: string });

export type SparkRestartType = 'Never' | 'OnFailure' | 'Always';

export interface SparkConfig {
  sparkVersion?: string;
  image?: string;
  serviceAccount?: string;
  /** coreRequest: CPU requested from the scheduler (e.g. "250m"), when less than `cores` must fit a small node. */
  driver?: { cores?: number; coreRequest?: string; memory?: string };
  executor?: { cores?: number; coreRequest?: string; memory?: string; instances?: number };
  restartPolicy?: { type: SparkRestartType; retries?: number; retryIntervalSeconds?: number };
}

export type NotebookRunner = 'papermill' | 'nbconvert' | 'auto';

export interface RemoteTarget {
  context: string;
  namespace?: string;
  /** Registry the remote cluster pulls from: promote copies local images there by digest. */
  registry?: string;
  /** PEM CA file for the registry's TLS, relative to kindling.yaml. */
  registryCA?: string;
}

export interface KindlingConfig {
  version: 1;
  images: { default: string; environments?: Record<string, string> };
  namespace?: string;
  serviceAccount?: string;
  resources?: Resources;
  env?: EnvVar[];
  volumes?: VolumeMount[];
  /** Added to every pod of a run; provenance annotations of the same key win. */
  podAnnotations?: Record<string, string>;
  spark?: SparkConfig;
  notebook?: { runner?: NotebookRunner; kernel?: string };
  remotes?: Record<string, RemoteTarget>;
}

/** A problem in kindling.yaml. Positions are 0-based (VS Code's convention). */
export interface ConfigError {
  message: string;
  /** JSON-pointer-like path of the offending value, e.g. "/spark/executor/cores"; "" for the document. */
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ConfigLoadResult {
  /** Present only when there are no errors. */
  config?: KindlingConfig;
  errors: ConfigError[];
}

/** Defaults applied where kindling.yaml is silent. */
export const configDefaults = {
  namespace: 'kindling',
  serviceAccount: 'kindling-runner',
  notebookRunner: 'auto' as NotebookRunner,
  sparkVersion: '3.5.5',
  driver: { cores: 1, memory: '512m' },
  executor: { cores: 1, memory: '512m', instances: 1 },
  restartPolicy: { type: 'Never' as SparkRestartType },
} as const;
