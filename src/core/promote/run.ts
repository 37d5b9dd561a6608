/**
 * Promote a finished run: the Workflow or SparkApplication that ran (as read back from the local
 * cluster) becomes what Promote applies — a WorkflowTemplate, as a component promote makes (a run
 * object would start running the moment it is created on the target; see component.ts). Pure: the
 * caller reads the run, the file it ran (checked against the run's recorded SHA-256) and, when the run
 * recorded only a tag, the digest the registry serves for it.
 *
 * What is kept is what ran: the container command, arguments, env, resources, service account, the
 * Argo arguments, the Spark settings — with the image pinned to the digest the run ran on. What is
 * changed, and why:
 * - the file: a run on the Kindling cluster reads it from the workspace mount (a hostPath on the kind
 *   node), which the target does not have. It travels in a ConfigMap `<name>-src`, mounted over an
 *   empty, writable /workspace (so a notebook can still write its output there) at the same path;
 * - other hostPath volumes are folders on the local node: left out, with a warning;
 * - KINDLING_RUN_NAME and the Spark application's name become per-workflow (`{{workflow.name}}`);
 * - the run's own labels and kindling.dev/* annotations (one run's name and provenance) are dropped:
 *   the template gets the promote's provenance, which names this run (promoted-from-run);
 * - status, uid, resourceVersion, managedFields, Argo's runtime labels: the server's, not the spec.
 */
import { parse, stringify } from 'yaml';
import { isRecord } from '../values';
import { Annotations, Labels } from '../component/provenance';
import { DEBUG_LABEL } from '../component/debug';
import { configMapKey } from '../component/naming';
import { POD_WORKSPACE_PATH, sparkApplicationStep, WORKSPACE_VOLUME } from '../component/build';
import { CONFIGMAP_KIND, WORKFLOW_TEMPLATE_KIND, componentTemplateName } from './component';
import type { KubeObject, PlannedDocument, PromotePlan } from './documents';

const DIGEST = /@(sha256:[a-f0-9]{64})$/;
/** Argo fills this in per submitted workflow, so each run still knows its own name. */
const WORKFLOW_NAME = '{{workflow.name}}';
/** The volume carrying the promoted file (the workspace itself becomes an emptyDir). */
export const SOURCE_VOLUME = 'kindling-source';

export interface FinishedRun {
  /** Pod: Run as Component runs scripts, shell scripts and notebooks as bare Pods on the Kindling cluster. */
  kind: 'Workflow' | 'SparkApplication' | 'Pod';
  name: string;
  namespace: string;
  /** Whether it succeeded, by its controller's own status. */
  succeeded: boolean;
  /** Its phase/state as the controller wrote it, for messages. */
  rawPhase?: string;
  sourcePath?: string;
  sourceSha256?: string;
  /** kindling.dev/image: the reference the run ran on (repo:tag, maybe @digest). */
  image?: string;
  /** kindling.dev/image-digest, or the digest of an @sha256 reference. */
  imageDigest?: string;
  /** kindling.dev/component-kind: script, shell, notebook, pyspark or pipeline. */
  componentKind?: string;
  debug: boolean;
  /** The commit and dirty flag the run recorded: what ran, not what the work tree is now. */
  gitCommit?: string;
  gitDirty?: boolean;
  /** Who started it (kindling.dev/user). */
  user?: string;
  /** The file travelled in this ConfigMap (a run on a cluster without the workspace mount). */
  sourceConfigMap?: string;
}

/** What the caller needs to know about a run object before it reads anything else. */
export function describeFinishedRun(object: unknown): FinishedRun | undefined {
  if (!isRecord(object) || !isRecord(object.metadata)) return undefined;
  const kind = object.kind;
  if (kind !== 'Workflow' && kind !== 'SparkApplication' && kind !== 'Pod') return undefined;
  const metadata = object.metadata;
  const labels = stringMap(metadata.labels);
  const annotations = stringMap(metadata.annotations);
  const status = isRecord(object.status) ? object.status : {};
  const rawPhase =
    kind !== 'SparkApplication' ? str(status.phase) : isRecord(status.applicationState) ? str(status.applicationState.state) : undefined;
  const image = annotations[Annotations.image];
  const imageDigest = annotations[Annotations.imageDigest] ?? image?.match(DIGEST)?.[1];
  return {
    kind,
    name: str(metadata.name) ?? '',
    namespace: str(metadata.namespace) ?? 'default',
    succeeded: kind === 'SparkApplication' ? rawPhase === 'COMPLETED' : rawPhase === 'Succeeded',
    rawPhase,
    sourcePath: annotations[Annotations.sourcePath],
    sourceSha256: annotations[Annotations.sourceSha256],
    image,
    imageDigest,
    componentKind: labels[Labels.kind],
    debug: labels[DEBUG_LABEL] !== undefined,
    gitCommit: annotations[Annotations.gitCommit],
    gitDirty: annotations[Annotations.gitDirty] === undefined ? undefined : annotations[Annotations.gitDirty] === 'true',
    user: annotations[Annotations.user],
    sourceConfigMap: findSourceConfigMap(object.spec),
  };
}

export interface RunPromoteInput {
  /** The run object as read from the cluster. */
  run: KubeObject;
  /** Where the run ran (recorded as promoted-from). */
  runContext: string;
  namespace: string;
  /**
   * The file the run ran, as read now, with its SHA-256 (hex) computed by the caller. Needed for a
   * component run; it must hash to the run's kindling.dev/source-sha256.
   */
  source?: { content: string; sha256: string };
  /** The digest behind the run's image tag, resolved from the registry when the run did not record it. */
  resolvedDigest?: string;
}

export interface RunPromotePlan extends PromotePlan {
  run?: FinishedRun;
  /** The WorkflowTemplate's name. */
  name?: string;
  /** The image, pinned to the digest the run ran on. */
  image?: string;
}

export function planRunPromote(input: RunPromoteInput): RunPromotePlan {
  const notes: string[] = [];
  const warnings: string[] = [];
  const fail = (message: string, run?: FinishedRun): RunPromotePlan => ({ documents: [], errors: [message], notes, warnings, run });
  const run = describeFinishedRun(input.run);
  if (!run) return fail(`Only a Workflow, SparkApplication or Pod run can be promoted (this is a ${String(input.run.kind)}).`);
  const what = `${run.kind} ${run.name}`;
  if (!run.succeeded) {
    return fail(`${what} has not succeeded (${run.rawPhase ?? 'no status yet'}): only a run that succeeded is promoted, so the target gets something known to work.`, run);
  }
  if (run.debug) return fail(`${what} is a debug run (its step waits for a debugger): run the file normally, then promote that run.`, run);
  const spec = isRecord(input.run.spec) ? input.run.spec : undefined;
  if (!spec) return fail(`${what} has no spec.`, run);
  if (isRecord(spec.workflowTemplateRef)) {
    return fail(`${what} ran WorkflowTemplate ${String(spec.workflowTemplateRef.name)}: promote that WorkflowTemplate's file instead (the run holds only a reference to it).`, run);
  }
  const isComponent = run.componentKind !== undefined && run.componentKind !== 'pipeline';
  const fileName = run.sourcePath?.split('/').pop();
  if (isComponent) {
    if (!run.sourcePath || !fileName || !run.sourceSha256) return fail(`${what} does not record the file it ran (kindling.dev/source-path and source-sha256): it was not started by Kindling's Run as Component.`, run);
    if (!input.source) return fail(`${run.sourcePath}, the file ${what} ran, is not in this workspace.`, run);
    if (input.source.sha256 !== run.sourceSha256) {
      return fail(
        `${run.sourcePath} has changed since ${what} ran (the run ran SHA-256 ${run.sourceSha256.slice(0, 12)}…, the file is now ${input.source.sha256.slice(0, 12)}…): ` +
          `the exact code that ran is no longer on disk. Run it again, then promote that run.`,
        run,
      );
    }
  }

  // The digest the run ran on: recorded by the run, else resolved by the caller from the registry.
  const digest = run.imageDigest ?? input.resolvedDigest;
  const runImage = run.image;
  let pinned: string | undefined;
  if (runImage) {
    if (!digest) return fail(`The digest of ${runImage}, the image ${what} ran on, is unknown: the run did not record it and the registry was not asked.`, run);
    pinned = `${runImage.replace(DIGEST, '')}@${digest}`;
    if (!runImage.match(DIGEST)) notes.push(`${what} ran on ${runImage}; promoted pinned to the digest it ran on, ${digest}.`);
  }

  const name = isComponent && fileName ? componentTemplateName(fileName) : templateNameOfRun(input.run);
  const labels: Record<string, string> = { [Labels.managedBy]: 'kindling', ...(run.componentKind ? { [Labels.kind]: run.componentKind } : {}) };
  const ctx: CleanContext = {
    images: runImage && pinned ? new Map([[runImage, pinned], [runImage.replace(DIGEST, ''), pinned]]) : new Map(),
    sourceKey: fileName ? configMapKey(fileName) : undefined,
    fileName,
    configMapName: `${name}-src`,
    isComponent,
    dropped: new Set(),
    labels,
  };

  let templateSpec: Record<string, unknown>;
  if (run.kind === 'Workflow') {
    templateSpec = cleanWorkflowSpec(spec, ctx);
  } else if (run.kind === 'Pod') {
    templateSpec = podAsWorkflowSpec(spec, input.run.metadata, ctx);
  } else {
    // A PySpark run: the template's one step creates the SparkApplication and follows it, as a
    // promoted PySpark component does (component.ts), so nothing runs until the template is submitted.
    const app = cleanSparkApplication(spec, ctx, input.namespace);
    templateSpec = {
      entrypoint: 'main',
      podMetadata: { labels: { ...labels } },
      templates: [
        { name: 'main', resource: sparkApplicationStep(app) },
      ],
    };
  }
  for (const volume of ctx.dropped) {
    warnings.push(`Volume "${volume}" of ${what} is a hostPath (a folder on the local kind node) and is left out of the promoted template: the target cluster does not have it. Use a PVC for data the step needs there.`);
  }

  const documents: PlannedDocument[] = [];
  if (isComponent && input.source && fileName) {
    documents.push({
      index: 0,
      type: CONFIGMAP_KIND,
      name: ctx.configMapName,
      namespace: input.namespace,
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ctx.configMapName, namespace: input.namespace, labels: { ...labels } }, data: { [configMapKey(fileName)]: input.source.content } },
    });
  }
  documents.push({
    index: documents.length,
    type: WORKFLOW_TEMPLATE_KIND,
    name,
    namespace: input.namespace,
    object: {
      apiVersion: `${WORKFLOW_TEMPLATE_KIND.group}/${WORKFLOW_TEMPLATE_KIND.version}`,
      kind: 'WorkflowTemplate',
      metadata: { name, namespace: input.namespace, labels: { ...labels } },
      spec: templateSpec,
    },
  });
  notes.push(`From run ${run.name} (${run.kind} in ${run.namespace} on context "${input.runContext}")${run.sourcePath ? `, which ran ${run.sourcePath}` : ''}.`);
  return { documents, errors: [], notes, warnings, run, name, image: pinned };
}

interface CleanContext {
  images: Map<string, string>;
  sourceKey?: string;
  fileName?: string;
  configMapName: string;
  isComponent: boolean;
  dropped: Set<string>;
  labels: Record<string, string>;
}

/** Fields of a Workflow spec that belong to one run (a stop request, a suspension), not to its definition. */
const RUN_ONLY_SPEC = ['shutdown', 'suspend', 'workflowTemplateRef'];

function cleanWorkflowSpec(spec: Record<string, unknown>, ctx: CleanContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) if (!RUN_ONLY_SPEC.includes(key)) out[key] = value;
  out.podMetadata = cleanPodMetadata(spec.podMetadata, ctx);
  const cleaned = cleanPod(out, ctx) as Record<string, unknown>;
  if (Array.isArray(cleaned.templates)) {
    cleaned.templates = cleaned.templates.map((t) => {
      if (!isRecord(t) || !isRecord(t.resource) || typeof t.resource.manifest !== 'string') return t;
      // A PySpark component run as a one-step pipeline: the SparkApplication it creates is in a string.
      const app = parse(t.resource.manifest) as unknown;
      if (!isRecord(app) || app.kind !== 'SparkApplication' || !isRecord(app.spec)) return t;
      const ns = isRecord(app.metadata) ? str(app.metadata.namespace) : undefined;
      return { ...t, resource: { ...t.resource, manifest: stringify(cleanSparkApplication(app.spec, ctx, ns)) } };
    });
  }
  return cleaned;
}

/** Pod-level fields a WorkflowTemplate spec carries too; the rest (nodeName, dnsPolicy, …) is the server's or the kubelet's. */
const POD_TO_WORKFLOW = ['serviceAccountName', 'volumes', 'nodeSelector', 'tolerations', 'affinity', 'securityContext', 'imagePullSecrets'];
/** Container fields the API server fills in with their defaults: not part of what the run asked for. */
const CONTAINER_DEFAULTS = ['terminationMessagePath', 'terminationMessagePolicy'];

/**
 * A bare-Pod run (script, shell, notebook on the Kindling cluster) as a one-step workflow: its one
 * container is the `main` step, its pod-level settings the workflow's, its labels and annotations
 * the workflow's podMetadata. The service-account token volume the server injects is dropped (Argo's
 * pods get their own).
 */
function podAsWorkflowSpec(spec: Record<string, unknown>, metadata: Record<string, unknown>, ctx: CleanContext): Record<string, unknown> {
  const injected = new Set(
    (Array.isArray(spec.volumes) ? spec.volumes : []).filter((v) => isRecord(v) && typeof v.name === 'string' && v.name.startsWith('kube-api-access-')).map((v) => (v as { name: string }).name),
  );
  const podLevel: Record<string, unknown> = {};
  for (const key of POD_TO_WORKFLOW) if (spec[key] !== undefined) podLevel[key] = spec[key];
  if (Array.isArray(podLevel.volumes)) podLevel.volumes = podLevel.volumes.filter((v) => !(isRecord(v) && injected.has(String(v.name))));
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isRecord) : [];
  const main = containers.find((c) => c.name === 'main') ?? containers[0] ?? {};
  const container: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(main)) if (key !== 'name' && !CONTAINER_DEFAULTS.includes(key)) container[key] = value;
  if (Array.isArray(container.volumeMounts)) container.volumeMounts = container.volumeMounts.filter((m) => !(isRecord(m) && injected.has(String(m.name))));
  const cleaned = cleanPod({ entrypoint: 'main', ...podLevel, templates: [{ name: 'main', container }] }, ctx) as Record<string, unknown>;
  return { ...cleaned, podMetadata: cleanPodMetadata({ labels: metadata.labels, annotations: metadata.annotations }, ctx) };
}

function cleanSparkApplication(spec: Record<string, unknown>, ctx: CleanContext, namespace: string | undefined): KubeObject {
  const cleanedSpec = cleanPod(spec, ctx) as Record<string, unknown>;
  for (const role of ['driver', 'executor']) {
    const pod = cleanedSpec[role];
    if (!isRecord(pod)) continue;
    const next: Record<string, unknown> = { ...pod, labels: { ...withoutRunLabels(pod.labels), ...ctx.labels }, annotations: withoutKindling(pod.annotations) };
    if (isRecord(pod.template)) next.template = { ...pod.template, metadata: cleanPodMetadata(pod.template.metadata, ctx) };
    cleanedSpec[role] = next;
  }
  return {
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    metadata: { name: `${WORKFLOW_NAME}-spark`, ...(namespace ? { namespace } : {}), labels: { ...ctx.labels } },
    spec: cleanedSpec,
  };
}

/**
 * Walks a pod-bearing spec: every `volumes` list loses hostPath volumes (the workspace one becomes an
 * emptyDir plus the source ConfigMap), every `volumeMounts` list mounts the file where it was, every
 * `env` list gets a per-workflow KINDLING_RUN_NAME, every `image` is pinned.
 */
function cleanPod(value: unknown, ctx: CleanContext): unknown {
  if (Array.isArray(value)) return value.map((v) => cleanPod(v, ctx));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'image' && typeof child === 'string') out[key] = ctx.images.get(child) ?? child;
    else if (key === 'volumes' && Array.isArray(child)) out[key] = cleanVolumes(child, ctx);
    else if (key === 'volumeMounts' && Array.isArray(child)) out[key] = cleanMounts(child, ctx);
    else if (key === 'env' && Array.isArray(child)) out[key] = child.map((e) => (isRecord(e) && e.name === 'KINDLING_RUN_NAME' ? { name: 'KINDLING_RUN_NAME', value: WORKFLOW_NAME } : cleanPod(e, ctx)));
    else if (key === 'podMetadata' || key === 'resource') out[key] = child; // handled by the callers
    else out[key] = cleanPod(child, ctx);
  }
  return out;
}

function cleanVolumes(volumes: unknown[], ctx: CleanContext): unknown[] {
  const out: unknown[] = [];
  for (const v of volumes) {
    if (!isRecord(v)) continue;
    const isWorkspace = v.name === WORKSPACE_VOLUME;
    if (isWorkspace && ctx.isComponent) {
      out.push({ name: WORKSPACE_VOLUME, emptyDir: {} });
      out.push({ name: SOURCE_VOLUME, configMap: { name: ctx.configMapName, items: [{ key: ctx.sourceKey, path: ctx.fileName }] } });
    } else if (isRecord(v.hostPath)) {
      ctx.dropped.add(String(v.name));
    } else {
      out.push(v);
    }
  }
  return out;
}

function cleanMounts(mounts: unknown[], ctx: CleanContext): unknown[] {
  const out: unknown[] = [];
  for (const m of mounts) {
    if (!isRecord(m)) continue;
    if (ctx.dropped.has(String(m.name))) continue;
    if (m.name === WORKSPACE_VOLUME && ctx.isComponent) {
      const mountPath = str(m.mountPath) ?? POD_WORKSPACE_PATH;
      out.push({ name: WORKSPACE_VOLUME, mountPath });
      out.push({ name: SOURCE_VOLUME, mountPath: `${mountPath}/${ctx.fileName}`, subPath: ctx.fileName, readOnly: true });
    } else {
      out.push(m);
    }
  }
  return out;
}

function cleanPodMetadata(value: unknown, ctx: CleanContext): Record<string, unknown> {
  const md = isRecord(value) ? value : {};
  const annotations = withoutKindling(md.annotations);
  return { labels: { ...withoutRunLabels(md.labels), ...ctx.labels }, ...(Object.keys(annotations).length ? { annotations } : {}) };
}

/** One run's labels (its name, its debug mark) and Argo's runtime ones go; the user's stay. */
function withoutRunLabels(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(stringMap(value)).filter(([k]) => !k.startsWith('kindling.dev/') && !k.startsWith('workflows.argoproj.io/')));
}

function withoutKindling(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(stringMap(value)).filter(([k]) => !k.startsWith('kindling.dev/')));
}

/** A pipeline run's template name: its generateName without the dash, else its own name. */
function templateNameOfRun(run: KubeObject): string {
  const generateName = str(run.metadata.generateName);
  return (generateName ? generateName.replace(/-+$/, '') : run.metadata.name) || 'pipeline';
}

function findSourceConfigMap(spec: unknown): string | undefined {
  let found: string | undefined;
  const walk = (value: unknown): void => {
    if (found) return;
    if (Array.isArray(value)) value.forEach(walk);
    else if (isRecord(value)) {
      if (value.name === WORKSPACE_VOLUME && isRecord(value.configMap)) found = str(value.configMap.name);
      else Object.values(value).forEach(walk);
    }
  };
  walk(spec);
  return found;
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
