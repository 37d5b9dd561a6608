/**
 * "Submit Pipeline" without VS Code: read the pipeline file, build the run (src/core/pipelineRun)
 * with the same provenance as Run as Component, check the WorkflowTemplates it refers to, create it
 * and watch it. The extension and the integration test both go through here.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { runSuffix } from '../../core/component';
import type { KindlingConfig } from '../../core/config';
import { buildPipelineRun, type PipelineRunManifests, type TemplateManifest } from '../../core/pipelineRun';
import { gitInfo } from '../git';
import { classifyKubeError, RunError, statusCodeOf } from './errors';
import type { StartOptions } from './runComponent';
import { watchRun, type RunWatch } from './watch';

export interface PreparePipelineInput {
  /** Absolute path of the pipeline file. */
  filePath: string;
  workspaceRoot: string;
  config: KindlingConfig;
  kindlingVersion: string;
  podAnnotations?: Record<string, string>;
  /** Override the run name's random suffix (tests). */
  suffix?: string;
  /** Which document of a multi-document file (listDocuments' index); absent: the only pipeline in it. */
  documentIndex?: number;
  /** The kind and name chosen at `documentIndex` (PipelineRunRequest.expectedDocument). */
  expectedDocument?: { kind?: string; name?: string };
  /** Values for the workflow's `spec.arguments.parameters` (PipelineRunRequest.parameters). */
  parameters?: Record<string, string>;
}

export async function preparePipeline(input: PreparePipelineInput): Promise<PipelineRunManifests> {
  const gitPromise = gitInfo(input.filePath);
  const text = await readFile(input.filePath, 'utf8');
  let relativePath = path.relative(input.workspaceRoot, input.filePath).split(path.sep).join('/');
  if (relativePath.startsWith('..') || path.isAbsolute(relativePath)) relativePath = path.basename(input.filePath);
  const git = await gitPromise;
  return buildPipelineRun({
    text,
    relativePath,
    config: input.config,
    suffix: input.suffix ?? runSuffix(),
    podAnnotations: input.podAnnotations,
    documentIndex: input.documentIndex,
    expectedDocument: input.expectedDocument,
    parameters: input.parameters,
    provenance: { gitCommit: git.commit, gitDirty: git.dirty, sourceSha256: createHash('sha256').update(text).digest('hex'), user: git.user, kindlingVersion: input.kindlingVersion },
  });
}

const WT = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflowtemplates' };
const CWT = { group: 'argoproj.io', version: 'v1alpha1', plural: 'clusterworkflowtemplates' };

/**
 * A missing referenced template would only show up as the controller's "not found" after the run
 * was created; say it before, with what to do.
 */
export async function checkTemplateRefs(kc: KubeConfig, manifests: PipelineRunManifests): Promise<void> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  for (const t of manifests.templateRefs) {
    try {
      if (t.clusterScope) await custom.getClusterCustomObject({ ...CWT, name: t.name });
      else await custom.getNamespacedCustomObject({ ...WT, namespace: manifests.namespace, name: t.name });
    } catch (err) {
      if (statusCodeOf(err) === 404) {
        const what = t.clusterScope ? `ClusterWorkflowTemplate "${t.name}"` : `WorkflowTemplate "${t.name}" in namespace "${manifests.namespace}"`;
        throw new RunError(
          `${manifests.source} refers to ${what}, which is not on ${kc.getCurrentContext()}. Submit the file that defines it first (Submit Pipeline on a WorkflowTemplate file installs it).`,
          'invalid',
          err,
        );
      }
      throw classifyKubeError(err, kc, `read ${t.clusterScope ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate'} ${t.name}`, t.clusterScope ? CWT : WT);
    }
  }
}

/**
 * Create the WorkflowTemplates the run needs from the file (the ones it refers to, then the one it is),
 * or replace those already there (the file is the truth).
 */
export async function applyWorkflowTemplate(kc: KubeConfig, manifests: PipelineRunManifests): Promise<void> {
  for (const tmpl of [...manifests.companions, ...(manifests.template ? [manifests.template] : [])]) await applyTemplate(kc, manifests.namespace, tmpl);
}

async function applyTemplate(kc: KubeConfig, namespace: string, tmpl: TemplateManifest): Promise<void> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const name = tmpl.metadata.name;
  try {
    await custom.createNamespacedCustomObject({ ...WT, namespace, body: tmpl });
  } catch (err) {
    if (statusCodeOf(err) !== 409) throw classifyKubeError(err, kc, `create WorkflowTemplate ${name} in ${namespace}`, WT);
    try {
      const current = (await custom.getNamespacedCustomObject({ ...WT, namespace, name })) as { metadata?: { resourceVersion?: string } };
      const body = { ...tmpl, metadata: { ...tmpl.metadata, resourceVersion: current.metadata?.resourceVersion } };
      await custom.replaceNamespacedCustomObject({ ...WT, namespace, name, body });
    } catch (e) {
      throw classifyKubeError(e, kc, `update WorkflowTemplate ${name} in ${namespace}`, WT);
    }
  }
}

export interface StartedPipeline {
  manifests: PipelineRunManifests;
  submittedAt: number;
  watch: RunWatch;
}

export interface StartPipelineOptions extends StartOptions {
  /** The run object at every change, for the DAG panel's live colours. */
  onObject?: (obj: unknown) => void;
}

/** Templates first (checked, applied), then the run; the watch starts with the create, as for components. */
export async function startPipeline(kc: KubeConfig, manifests: PipelineRunManifests, opts: StartPipelineOptions = {}): Promise<StartedPipeline> {
  await checkTemplateRefs(kc, manifests);
  await applyWorkflowTemplate(kc, manifests);
  const { ref } = manifests;
  const custom = kc.makeApiClient(CustomObjectsApi);
  const creating = custom.createNamespacedCustomObject({ group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, body: manifests.resource });
  const watch = watchRun(kc, ref, { invokedAt: opts.invokedAt, onUpdate: opts.onUpdate, onPod: opts.onPod, onObject: opts.onObject });
  try {
    await creating;
  } catch (err) {
    watch.stop();
    throw classifyKubeError(err, kc, `create ${ref.kind} ${ref.name} in ${ref.namespace}`, ref);
  }
  const submittedAt = Date.now();
  watch.setSubmittedAt(submittedAt);
  return { manifests, submittedAt, watch };
}
