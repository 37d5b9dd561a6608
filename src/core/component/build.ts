/**
 * Builds the Kubernetes objects for "Run as Component": one file → an Argo Workflow with one step
 * (script, shell, notebook) or a SparkApplication (PySpark), plus a ConfigMap carrying the file when
 * the cluster cannot see the workspace. Pure: the caller supplies names, provenance and delivery.
 */
import { stringify } from 'yaml';
import { configDefaults, type KindlingConfig, type Quantity, type SparkConfig } from '../config/types';
import { resolveImage } from '../config/loader';
import { configMapKey, shQuote } from './naming';
import { provenanceAnnotations, provenanceLabels } from './provenance';
import {
  ComponentError,
  type ComponentManifests,
  type ComponentRequest,
  type ConfigMap,
  type ContainerSpec,
  type EnvVarSpec,
  type ResourceRequirements,
  type SparkApplication,
  type SparkPodSpec,
  type VolumeMountSpec,
  type VolumeSpec,
  type Workflow,
  type WorkflowTemplateSpec,
} from './types';

/** Where the file's folder (hostPath) or the file (ConfigMap) appears in the pod. */
export const POD_WORKSPACE_PATH = '/workspace';
/** Notebook outputs on a ConfigMap cluster are written here, then printed to the log (see notebookScript). */
export const POD_OUTPUT_DIR = '/tmp/kindling-output';
export const WORKSPACE_VOLUME = 'kindling-workspace';
/** The API server rejects a ConfigMap whose keys + values exceed 1 MiB. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
/** Markers around the base64 notebook output in the log (ConfigMap clusters). */
export const OUTPUT_BEGIN = '<<<kindling-output-begin>>>';
export const OUTPUT_END = '<<<kindling-output-end>>>';

export const SPARK_DRIVER_CONTAINER = 'spark-kubernetes-driver';
export const SPARK_EXECUTOR_CONTAINER = 'spark-kubernetes-executor';

/**
 * An Argo resource step that creates a SparkApplication and follows it to its end: the pattern
 * pipeline authors use for Spark steps, shared by PySpark runs and promoted PySpark runs.
 */
export function sparkApplicationStep(app: object): NonNullable<WorkflowTemplateSpec['resource']> {
  return {
    action: 'create',
    setOwnerReference: true,
    successCondition: 'status.applicationState.state == COMPLETED',
    failureCondition: 'status.applicationState.state in (FAILED, SUBMISSION_FAILED)',
    manifest: stringify(app),
  };
}

export function buildComponent(req: ComponentRequest): ComponentManifests {
  const namespace = req.config.namespace ?? configDefaults.namespace;
  const image = pinImage(componentImage(req.config, req.kind, req.environment), req.provenance.imageDigest);
  const relativePath = normalizeRelative(req.relativePath);
  const fileName = relativePath.split('/').pop() ?? relativePath;
  const relDir = relativePath.includes('/') ? relativePath.slice(0, relativePath.lastIndexOf('/')) : '';
  const args = req.args ?? [];
  const parameters = req.parameters ?? {};
  const labels = provenanceLabels(req.runName, req.kind, req.provenance);
  const annotations = provenanceAnnotations({
    provenance: req.provenance,
    image,
    sourcePath: relativePath,
    args,
    parameters,
    environment: req.environment,
  });
  // kindling.yaml's podAnnotations cannot overwrite provenance (a run must say what it ran); the
  // request's own extras (tests, tools) are added last on purpose.
  const podAnnotations = { ...(req.config.podAnnotations ?? {}), ...annotations, ...(req.podAnnotations ?? {}) };

  let configMap: ConfigMap | undefined;
  let workspaceVolume: VolumeSpec;
  if (req.delivery.mode === 'hostPath') {
    workspaceVolume = {
      name: WORKSPACE_VOLUME,
      hostPath: { path: posixJoin(req.delivery.nodeWorkspacePath, relDir), type: 'Directory' },
    };
  } else {
    const key = configMapKey(fileName);
    const size = utf8Length(req.content) + key.length;
    if (size > CONFIGMAP_LIMIT_BYTES) {
      throw new ComponentError(
        `${fileName} is ${formatBytes(size)}, more than a ConfigMap can carry (${formatBytes(CONFIGMAP_LIMIT_BYTES)}). ` +
          `On this cluster the file travels in a ConfigMap; run it on the Kindling kind cluster (the workspace is mounted there), ` +
          `move large data out of the file (e.g. clear notebook outputs), or bake it into the image.`,
        'too-large',
      );
    }
    configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${req.runName}-src`, namespace, labels, annotations: {} },
      data: { [key]: req.content },
    };
    workspaceVolume = { name: WORKSPACE_VOLUME, configMap: { name: configMap.metadata.name, items: [{ key, path: fileName }] } };
  }
  const volumes = [workspaceVolume, ...configVolumes(req.config)];
  const mounts: VolumeMountSpec[] = [
    { name: WORKSPACE_VOLUME, mountPath: POD_WORKSPACE_PATH, ...(req.delivery.mode === 'configMap' ? { readOnly: true } : {}) },
    ...configMounts(req.config),
  ];
  const env: EnvVarSpec[] = [...configEnv(req.config), { name: 'KINDLING_RUN_NAME', value: req.runName }];
  const filePath = `${POD_WORKSPACE_PATH}/${fileName}`;
  const meta = { name: req.runName, namespace, labels, annotations };

  if (req.kind === 'pyspark') {
    const app = sparkApplication(req, { meta, image, filePath, args, env, volumes, mounts, podAnnotations });
    if (!req.asPipeline) {
      return {
        kind: req.kind,
        runName: req.runName,
        namespace,
        image,
        configMap,
        resource: app,
        ref: { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications', kind: 'SparkApplication', name: req.runName, namespace },
      };
    }
    // A one-step pipeline: Argo creates the SparkApplication and follows its state (the pattern
    // pipeline authors use for Spark steps), so the run also shows in the Runs view and DAG panel.
    app.metadata = { ...app.metadata, name: `${req.runName}-spark` };
    const wf = workflow(req, meta, volumes, podAnnotations, { name: 'main', resource: sparkApplicationStep(app) });
    return { kind: req.kind, runName: req.runName, namespace, image, configMap, resource: wf, ref: workflowRef(req.runName, namespace) };
  }

  const container: ContainerSpec = {
    image,
    ...commandFor(req, fileName, filePath, args, parameters),
    workingDir: POD_WORKSPACE_PATH,
    env: req.kind === 'notebook' ? [...env, { name: 'KINDLING_PARAMETERS', value: JSON.stringify(parameters) }] : env,
    resources: resources(req.config),
    volumeMounts: mounts,
  };
  if (req.kind === 'notebook' && req.delivery.mode === 'configMap') {
    // The read-only ConfigMap mount cannot take the output: write it to a scratch dir.
    container.volumeMounts = [...mounts, { name: 'kindling-output', mountPath: POD_OUTPUT_DIR }];
    volumes.push({ name: 'kindling-output', emptyDir: {} });
  }
  const out: ComponentManifests =
    req.runAs === 'pod'
      ? {
          kind: req.kind,
          runName: req.runName,
          namespace,
          image,
          configMap,
          resource: {
            apiVersion: 'v1',
            kind: 'Pod',
            // The pod is the run: its annotations are the run's provenance plus the pod annotations.
            metadata: { ...meta, annotations: podAnnotations },
            spec: { restartPolicy: 'Never', serviceAccountName: req.config.serviceAccount ?? configDefaults.serviceAccount, containers: [{ name: 'main', ...container }], volumes },
          },
          ref: { group: '', version: 'v1', plural: 'pods', kind: 'Pod', name: req.runName, namespace },
        }
      : { kind: req.kind, runName: req.runName, namespace, image, configMap, resource: workflow(req, meta, volumes, podAnnotations, { name: 'main', container }), ref: workflowRef(req.runName, namespace) };
  if (req.kind === 'notebook') {
    out.notebookOutput = {
      relativePath: relDir ? `${relDir}/${outputName(fileName)}` : outputName(fileName),
      via: req.delivery.mode === 'hostPath' ? 'hostPath' : 'logs',
    };
  }
  return out;
}

/** The image a component of this kind runs on, as kindling.yaml names it. */
export function componentImage(config: KindlingConfig, kind: ComponentRequest['kind'], environment?: string): string {
  return kind === 'pyspark' && config.spark?.image ? config.spark.image : resolveImage(config, environment);
}

/**
 * `repo:tag@sha256:…` when the digest behind the tag is known (resolved from the registry): the node
 * pulls exactly that image even if it holds an older one under the same tag (a tag that is not
 * :latest is never pulled again by IfNotPresent), and the run records what it ran on.
 */
export function pinImage(image: string, digest: string | undefined): string {
  if (!digest || image.includes('@')) return image;
  return `${image}@${digest}`;
}

/** "features.ipynb" → "features.out.ipynb": next to the original, never overwriting it. */
export function outputName(fileName: string): string {
  return fileName.replace(/\.ipynb$/i, '') + '.out.ipynb';
}

function workflowRef(name: string, namespace: string): ComponentManifests['ref'] {
  return { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', kind: 'Workflow', name, namespace };
}

function workflow(
  req: ComponentRequest,
  meta: Workflow['metadata'],
  volumes: VolumeSpec[],
  podAnnotations: Record<string, string>,
  template: Workflow['spec']['templates'][number],
): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: meta,
    spec: {
      entrypoint: 'main',
      serviceAccountName: req.config.serviceAccount ?? configDefaults.serviceAccount,
      podMetadata: { labels: meta.labels, annotations: podAnnotations },
      volumes: template.resource ? [] : volumes,
      templates: [template],
    },
  };
}

function commandFor(
  req: ComponentRequest,
  fileName: string,
  filePath: string,
  args: string[],
  parameters: Record<string, string>,
): Pick<ContainerSpec, 'command' | 'args'> {
  switch (req.kind) {
    case 'script':
      // -u: unbuffered, so log lines stream as they are printed instead of at exit.
      return { command: ['python', '-u', filePath], args };
    case 'shell':
      return { command: [/^#!.*\bbash\b/.test(req.content) ? 'bash' : 'sh', filePath], args };
    case 'notebook':
      return { command: ['sh', '-c', notebookScript(req, fileName, parameters)], args: [] };
    default:
      throw new ComponentError(`No container command for a ${req.kind} component`, 'bad-input');
  }
}

/**
 * The notebook runner as a shell script: papermill when the image has it (parameters applied),
 * else `jupyter nbconvert --execute` (which cannot apply parameters: the script says so in the log;
 * they are still in $KINDLING_PARAMETERS). On a ConfigMap cluster the output is printed to the log
 * as base64 between markers, and the extension writes it back next to the original.
 */
export function notebookScript(req: ComponentRequest, fileName: string, parameters: Record<string, string>): string {
  const runner = req.config.notebook?.runner ?? configDefaults.notebookRunner;
  const kernel = req.config.notebook?.kernel;
  const outDir = req.delivery.mode === 'hostPath' ? POD_WORKSPACE_PATH : POD_OUTPUT_DIR;
  const input = shQuote(`${POD_WORKSPACE_PATH}/${fileName}`);
  const output = shQuote(`${outDir}/${outputName(fileName)}`);
  const pm = [
    'papermill',
    input,
    output,
    ...(kernel ? ['-k', shQuote(kernel)] : []),
    ...Object.entries(parameters).flatMap(([k, v]) => ['-p', shQuote(k), shQuote(v)]),
  ].join(' ');
  const nb = [
    'jupyter nbconvert --to notebook --execute',
    input,
    ...(kernel ? [`--ExecutePreprocessor.kernel_name=${shQuote(kernel)}`] : []),
    `--output-dir ${shQuote(outDir)}`,
    `--output ${shQuote(outputName(fileName))}`,
  ].join(' ');
  const paramsWarning = Object.keys(parameters).length
    ? `echo 'kindling: nbconvert cannot apply notebook parameters; they are in $KINDLING_PARAMETERS' >&2; `
    : '';
  const lines = ['set -u'];
  if (runner === 'papermill') {
    lines.push(`echo 'kindling: running the notebook with papermill'`, `${pm}; rc=$?`);
  } else if (runner === 'nbconvert') {
    lines.push(`echo 'kindling: running the notebook with jupyter nbconvert'`, `${paramsWarning}${nb}; rc=$?`);
  } else {
    lines.push(
      'if command -v papermill >/dev/null 2>&1; then',
      `  echo 'kindling: running the notebook with papermill'; ${pm}; rc=$?`,
      'else',
      `  echo 'kindling: papermill is not in the image; running jupyter nbconvert --execute' >&2; ${paramsWarning}${nb}; rc=$?`,
      'fi',
    );
  }
  if (req.delivery.mode === 'configMap') {
    // papermill writes the output even when a cell fails, which is when it is most useful.
    lines.push(`if [ -f ${output} ]; then echo ${shQuote(OUTPUT_BEGIN)}; base64 ${output}; echo ${shQuote(OUTPUT_END)}; fi`);
  }
  lines.push('exit $rc');
  return lines.join('\n');
}

interface SparkParts {
  meta: SparkApplication['metadata'];
  image: string;
  filePath: string;
  args: string[];
  env: EnvVarSpec[];
  volumes: VolumeSpec[];
  mounts: VolumeMountSpec[];
  podAnnotations: Record<string, string>;
}

function sparkApplication(req: ComponentRequest, p: SparkParts): SparkApplication {
  const spark = req.config.spark ?? {};
  const restart: NonNullable<SparkConfig['restartPolicy']> = spark.restartPolicy ?? configDefaults.restartPolicy;
  const pod = (container: string, extra: { cores: number; coreRequest?: string; memory: string; instances?: number; serviceAccount?: string }): SparkPodSpec => ({
    ...extra,
    labels: p.meta.labels,
    annotations: p.podAnnotations,
    template: {
      metadata: { labels: p.meta.labels, annotations: p.podAnnotations },
      spec: { containers: [{ name: container, env: p.env, volumeMounts: p.mounts }], volumes: p.volumes },
    },
  });
  const restartPolicy: SparkApplication['spec']['restartPolicy'] = { type: restart.type };
  if (restart.type !== 'Never') {
    const retries = restart.retries ?? 3;
    const interval = restart.retryIntervalSeconds ?? 10;
    Object.assign(restartPolicy, {
      onFailureRetries: retries,
      onFailureRetryInterval: interval,
      onSubmissionFailureRetries: retries,
      onSubmissionFailureRetryInterval: interval,
    });
  }
  return {
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    metadata: { ...p.meta },
    spec: {
      type: 'Python',
      pythonVersion: '3',
      mode: 'cluster',
      image: p.image,
      imagePullPolicy: 'IfNotPresent',
      mainApplicationFile: `local://${p.filePath}`,
      arguments: p.args,
      // The operator's pod-template support needs a declared version ≥ 3.0.0.
      sparkVersion: spark.sparkVersion ?? configDefaults.sparkVersion,
      restartPolicy,
      driver: pod(SPARK_DRIVER_CONTAINER, {
        cores: spark.driver?.cores ?? configDefaults.driver.cores,
        ...(spark.driver?.coreRequest ? { coreRequest: spark.driver.coreRequest } : {}),
        memory: spark.driver?.memory ?? configDefaults.driver.memory,
        serviceAccount: spark.serviceAccount ?? req.config.serviceAccount ?? configDefaults.serviceAccount,
      }),
      executor: pod(SPARK_EXECUTOR_CONTAINER, {
        cores: spark.executor?.cores ?? configDefaults.executor.cores,
        ...(spark.executor?.coreRequest ? { coreRequest: spark.executor.coreRequest } : {}),
        memory: spark.executor?.memory ?? configDefaults.executor.memory,
        instances: spark.executor?.instances ?? configDefaults.executor.instances,
      }),
    },
  };
}

function configVolumes(config: KindlingConfig): VolumeSpec[] {
  return (config.volumes ?? []).map((v) =>
    v.hostPath !== undefined
      ? { name: v.name, hostPath: { path: v.hostPath } }
      : { name: v.name, persistentVolumeClaim: { claimName: v.pvc, ...(v.readOnly ? { readOnly: true } : {}) } },
  );
}

function configMounts(config: KindlingConfig): VolumeMountSpec[] {
  return (config.volumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath, ...(v.readOnly ? { readOnly: true } : {}) }));
}

function configEnv(config: KindlingConfig): EnvVarSpec[] {
  return (config.env ?? []).map((e) =>
    e.secretKeyRef
      ? {
          name: e.name,
          valueFrom: {
            secretKeyRef: { name: e.secretKeyRef.name, key: e.secretKeyRef.key, ...(e.secretKeyRef.optional !== undefined ? { optional: e.secretKeyRef.optional } : {}) },
          },
        }
      : { name: e.name, value: e.value ?? '' },
  );
}

function resources(config: KindlingConfig): ResourceRequirements | undefined {
  const r = config.resources;
  if (!r) return undefined;
  const list = (l?: { cpu?: Quantity; memory?: Quantity }): Record<string, string> | undefined => {
    if (!l) return undefined;
    const out: Record<string, string> = {};
    if (l.cpu !== undefined) out.cpu = String(l.cpu);
    if (l.memory !== undefined) out.memory = String(l.memory);
    return Object.keys(out).length ? out : undefined;
  };
  const out: ResourceRequirements = {};
  const requests = list(r.requests);
  const limits = list(r.limits);
  if (requests) out.requests = requests;
  if (limits) out.limits = limits;
  return out;
}

function normalizeRelative(p: string): string {
  const parts = p.replace(/\\/g, '/').split('/').filter((s) => s && s !== '.');
  if (!parts.length || parts.includes('..')) {
    throw new ComponentError(`"${p}" is not a path inside the workspace`, 'bad-input');
  }
  return parts.join('/');
}

function posixJoin(a: string, b: string): string {
  return b ? `${a.replace(/\/+$/, '')}/${b}` : a;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 2)} MiB (${n.toLocaleString('en-US')} bytes)`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB (${n.toLocaleString('en-US')} bytes)`;
  return `${n} bytes`;
}
