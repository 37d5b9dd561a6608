/**
 * What a component file (.py, .sh, .ipynb) becomes when it is promoted: a ConfigMap `<name>-src`
 * carrying the file (the remote cluster has no workspace mount) and an Argo WorkflowTemplate `<name>`
 * whose `main` step runs it exactly as Run as Component does on a cluster without the workspace mount
 * (src/core/component/build.ts, ConfigMap delivery). Pure: the caller reads the file and kindling.yaml.
 *
 * Why a WorkflowTemplate and not a Workflow/SparkApplication: promote deploys definitions, and a run
 * object starts running the moment it is created (docs/promote.md, Decisions). A PySpark component
 * becomes a WorkflowTemplate whose step creates the SparkApplication, so nothing runs until someone
 * submits the template.
 */
import { parse, stringify } from 'yaml';
import type { KindlingConfig } from '../config/types';
import {
  buildComponent,
  ComponentError,
  CONFIGMAP_LIMIT_BYTES,
  configMapKey,
  detectComponentKind,
  formatBytes,
  Labels,
  type ComponentKind,
  type EnvVarSpec,
  type Workflow,
} from '../component';
import type { KubeObject, PromotableKind, PromotePlan } from './documents';

export const CONFIGMAP_KIND: PromotableKind = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps' };
export const WORKFLOW_TEMPLATE_KIND: PromotableKind = { group: 'argoproj.io', version: 'v1alpha1', kind: 'WorkflowTemplate', plural: 'workflowtemplates' };

/**
 * Workflows submitted from the template get `<name>-<5 chars>`; a PySpark step names its
 * SparkApplication `<workflow>-spark`, whose driver service must stay within 63 characters (see
 * makeRunName): 40 leaves room for both.
 */
const MAX_NAME = 40;
/** Argo fills this in per submitted workflow, so each run still knows its own name. */
const WORKFLOW_NAME = '{{workflow.name}}';

/** prepare_features.py → prepare-features (DNS-1123 label, at most 40 characters). */
export function componentTemplateName(fileName: string): string {
  const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  return (
    stem
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MAX_NAME)
      .replace(/-+$/g, '') || 'component'
  );
}

/** The kindling.yaml `remotes` entry whose context is the target: its key names the environment. */
export function environmentForContext(config: KindlingConfig, context: string): string | undefined {
  return Object.entries(config.remotes ?? {}).find(([, remote]) => remote.context === context)?.[0];
}

export interface ComponentPromoteInput {
  /** Workspace-relative path, "/" separators. */
  sourcePath: string;
  /** The file's exact text. */
  content: string;
  /** kindling.yaml: images, env, volumes, resources… Without it a component has no image. */
  config: KindlingConfig | undefined;
  namespace: string;
  /** The target kube context: picks the `remotes` environment and with it the image. */
  context: string;
}

export function planComponentPromote(input: ComponentPromoteInput): PromotePlan & { kind?: ComponentKind; image?: string; environment?: string } {
  const notes: string[] = [];
  const warnings: string[] = [];
  const fileName = input.sourcePath.split('/').pop() ?? input.sourcePath;
  const fail = (message: string): PromotePlan => ({ documents: [], errors: [message], notes, warnings });
  const kind = detectComponentKind(fileName, input.content);
  if (!kind) return fail(`${fileName} is not a component (Kindling promotes .py, .sh and .ipynb files, and pipeline YAML).`);
  if (!input.config) {
    return fail(`Promoting ${fileName} needs a kindling.yaml next to it (or above it) naming the image it runs on (images.default or images.environments).`);
  }
  const key = configMapKey(fileName);
  const size = new TextEncoder().encode(input.content).length + key.length;
  if (size > CONFIGMAP_LIMIT_BYTES) {
    return fail(
      `${fileName} is ${formatBytes(size)}, more than a ConfigMap can carry (${formatBytes(CONFIGMAP_LIMIT_BYTES)}). ` +
        `A promoted component travels to the cluster in a ConfigMap: move large data out of the file (e.g. clear notebook outputs), ` +
        `or bake the file into the image and promote a pipeline YAML that runs it.`,
    );
  }

  // hostPath volumes are folders on the local kind node: they do not exist on the target.
  const dropped = (input.config.volumes ?? []).filter((v) => v.hostPath !== undefined);
  for (const v of dropped) {
    warnings.push(`Volume "${v.name}" (hostPath ${v.hostPath} → ${v.mountPath}) from kindling.yaml is left out of ${fileName}'s template: a hostPath is a folder on the local kind node, not on the target cluster. Use a PVC volume for data the component needs there.`);
  }
  const config: KindlingConfig = {
    ...input.config,
    namespace: input.namespace,
    volumes: (input.config.volumes ?? []).filter((v) => v.hostPath === undefined),
  };
  const environment = environmentForContext(input.config, input.context);
  const environmentImage = environment ? input.config.images.environments?.[environment] : undefined;
  if (environment && environmentImage) notes.push(`Context "${input.context}" is kindling.yaml remote "${environment}": ${fileName} runs on that environment's image, ${environmentImage}.`);
  else if (environment) {
    warnings.push(`Context "${input.context}" is kindling.yaml remote "${environment}", but images.environments has no "${environment}" entry: ${fileName} runs on images.default, ${input.config.images.default}. Add the image the ${environment} cluster pulls under images.environments.${environment}.`);
  } else {
    notes.push(`Context "${input.context}" is not a kindling.yaml remote: ${fileName} runs on images.default, ${input.config.images.default}.`);
  }
  const name = componentTemplateName(fileName);
  let built: ReturnType<typeof buildComponent>;
  try {
    built = buildComponent({
      kind,
      relativePath: input.sourcePath,
      content: input.content,
      runName: name,
      config,
      environment,
      delivery: { mode: 'configMap' },
      // Provenance goes on by stampProvenance at promote time; the run's own keys are replaced below.
      provenance: { sourceSha256: '', kindlingVersion: '' },
      asPipeline: kind === 'pyspark',
    });
  } catch (err) {
    if (err instanceof ComponentError) return fail(err.message);
    throw err;
  }
  const configMap = built.configMap;
  if (!configMap) return fail(`Internal: no ConfigMap was built for ${fileName}.`);

  // Labels every promoted pod and object carries: not the run's (kindling.dev/run would name one run,
  // but every workflow submitted from the template has its own name; Argo labels those pods with
  // workflows.argoproj.io/workflow-template).
  const labels = { [Labels.managedBy]: 'kindling', [Labels.kind]: kind };
  const podAnnotations = { ...(input.config.podAnnotations ?? {}) };
  const wf = built.resource as Workflow;
  const templates = wf.spec.templates.map((t) => {
    if (t.container) return { ...t, container: { ...t.container, env: perRunEnv(t.container.env) } };
    if (t.resource) return { ...t, resource: { ...t.resource, manifest: sparkManifest(t.resource.manifest, labels, podAnnotations) } };
    return t;
  });
  const template: KubeObject = {
    apiVersion: `${WORKFLOW_TEMPLATE_KIND.group}/${WORKFLOW_TEMPLATE_KIND.version}`,
    kind: 'WorkflowTemplate',
    metadata: { name, namespace: input.namespace, labels: { ...labels } },
    spec: {
      ...wf.spec,
      podMetadata: { labels: { ...labels }, ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}) },
      templates,
    },
  };
  const source: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMap.metadata.name, namespace: input.namespace, labels: { ...labels } },
    data: configMap.data,
  };
  return {
    kind,
    image: built.image,
    environment,
    errors: [],
    notes,
    warnings,
    // The ConfigMap first: a template applied without its source would fail every run.
    documents: [
      { index: 0, type: CONFIGMAP_KIND, name: configMap.metadata.name, namespace: input.namespace, object: source },
      { index: 1, type: WORKFLOW_TEMPLATE_KIND, name, namespace: input.namespace, object: template },
    ],
  };
}

function perRunEnv(env: EnvVarSpec[] | undefined): EnvVarSpec[] | undefined {
  return env?.map((e) => (e.name === 'KINDLING_RUN_NAME' ? { name: e.name, value: WORKFLOW_NAME } : e));
}

/**
 * The SparkApplication the PySpark step creates: named after each workflow (a fixed name would collide
 * on the second submit while the first workflow still owns its application), with the template's
 * labels instead of one run's.
 */
function sparkManifest(manifest: string, labels: Record<string, string>, podAnnotations: Record<string, string>): string {
  const app = parse(manifest) as {
    metadata: Record<string, unknown>;
    spec: Record<string, { labels?: unknown; annotations?: unknown; template?: { metadata?: unknown; spec?: { containers?: { env?: EnvVarSpec[] }[] } } }>;
  };
  app.metadata = { name: `${WORKFLOW_NAME}-spark`, namespace: app.metadata.namespace, labels: { ...labels } };
  for (const role of ['driver', 'executor'] as const) {
    const pod = app.spec[role];
    if (!pod) continue;
    pod.labels = { ...labels };
    pod.annotations = { ...podAnnotations };
    if (pod.template) {
      pod.template.metadata = { labels: { ...labels }, annotations: { ...podAnnotations } };
      for (const c of pod.template.spec?.containers ?? []) c.env = perRunEnv(c.env);
    }
  }
  return stringify(app);
}
