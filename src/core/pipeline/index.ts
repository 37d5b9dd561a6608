/**
 * Entry point of the pipeline parsers: text of one file → PipelineGraph(s) + diagnostics.
 *
 * `parsePipeline` never throws. Every failure (YAML syntax, wrong types, missing tasks, cycles,
 * and even a bug of ours) comes back as a PipelineDiagnostic, and an empty result always carries
 * a diagnostic that says why.
 */
import type { ParseResult, PipelineGraph, PipelineNode, SourceRange } from '../model/pipelineGraph';
import { parseArgoDocument } from './argo';
import { parseKfpDocument } from './kfp';
import { parseAckPipeline, parseSageMakerDefinition } from './sagemaker';
import { Diagnostics, LineIndex, loadDocuments, YamlView, type YValue } from './source';
import { parseSparkDocument } from './spark';
import { argoSource, emptyTemplateIndex, type TemplateIndex } from './templateIndex';

export type { TemplateIndex } from './templateIndex';
export { buildTemplateIndex } from './templateIndex';
export { generateArgoWorkflow, type GenerateOptions } from './generate';
export { wrapSageMakerPipeline, unwrapAckPipeline, type WrapOptions, type WrapResult, type UnwrapResult } from './sagemakerWrap';
export { LOOP_CAP } from './argo';
export { MAX_NODES } from './source';

export interface ParseOptions {
  /** Used to pick JSON vs YAML, and set as `fileName` on nodes expanded from other files. */
  fileName: string;
  /** Workspace (Cluster)WorkflowTemplates for templateRef / workflowTemplateRef. */
  templates?: TemplateIndex;
}

/** Which parser a document needs, from its content. */
export type DetectedKind = 'argo' | 'kfp' | 'kfp-platform' | 'sagemaker' | 'ack-pipeline' | 'spark' | 'scheduled-spark' | 'other';

export function detectDocument(view: YamlView, root: YValue): DetectedKind {
  if (!view.isMap(root)) return 'other';
  const apiVersion = view.str(view.get(root, 'apiVersion')) ?? '';
  const kind = view.str(view.get(root, 'kind')) ?? '';
  if (apiVersion.startsWith('argoproj.io/') && ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow'].includes(kind)) return 'argo';
  if (apiVersion.startsWith('sparkoperator.k8s.io/')) {
    if (kind === 'SparkApplication') return 'spark';
    if (kind === 'ScheduledSparkApplication') return 'scheduled-spark';
  }
  if (apiVersion.startsWith('sagemaker.services.k8s.aws/') && kind === 'Pipeline') return 'ack-pipeline';
  if (view.has(root, 'pipelineInfo') && (view.has(root, 'root') || view.has(root, 'components') || view.has(root, 'deploymentSpec'))) return 'kfp';
  if (view.has(root, 'platforms') && !apiVersion) return 'kfp-platform';
  if (view.has(root, 'Steps') && !apiVersion) return 'sagemaker';
  return 'other';
}

/** A SageMaker definition has no name of its own; the file name is what users call it. */
function baseName(fileName: string): string {
  const base = (fileName ?? '').split(/[\\/]/).pop() ?? '';
  return base.replace(/\.(json|ya?ml)$/i, '');
}

function emptyRange(): SourceRange {
  return { startLine: 0, startCol: 0, endLine: 0, endCol: 0 };
}

function parseInner(text: string, options: ParseOptions, diags: Diagnostics): PipelineGraph[] {
  const graphs: PipelineGraph[] = [];
  if (text.trim() === '') {
    diags.add('info', 'empty', 'The file is empty.');
    return graphs;
  }
  const lines = new LineIndex(text);
  const { docs, fast } = loadDocuments(text);
  const view = new YamlView(lines, options.fileName);
  // A .json file is held to JSON: YAML would quietly accept trailing commas, comments and single
  // quotes that SageMaker then rejects. Report JSON's own error; still draw what YAML could read.
  let jsonError = false;
  if (/\.json$/i.test(options.fileName ?? '') && !fast) {
    try {
      JSON.parse(text);
    } catch (err) {
      jsonError = true;
      const message = err instanceof Error ? err.message : String(err);
      const m = /position (\d+)/.exec(message);
      const at = m ? Number(m[1]) : 0;
      diags.add('error', 'json-syntax', `Not valid JSON: ${message}`, lines.range(at, Math.min(text.length, at + 1)));
    }
  }
  // Templates defined in this very file resolve templateRefs in it, even if the host did not
  // index the file yet (a new, unsaved WorkflowTemplate next to its Workflow).
  let index = options.templates;
  if (/kind:\s*["']?(Cluster)?WorkflowTemplate/.test(text)) {
    const local = emptyTemplateIndex();
    for (const doc of docs) {
      const src = doc.errors.length ? undefined : argoSource(view, doc.contents, options.fileName);
      if (!src?.name) continue;
      if (src.kind === 'WorkflowTemplate' && !local.namespaced.has(src.name)) local.namespaced.set(src.name, src);
      if (src.kind === 'ClusterWorkflowTemplate' && !local.cluster.has(src.name)) local.cluster.set(src.name, src);
    }
    if (local.namespaced.size || local.cluster.size) {
      index = {
        namespaced: new Map([...(options.templates?.namespaced ?? []), ...local.namespaced]),
        cluster: new Map([...(options.templates?.cluster ?? []), ...local.cluster]),
      };
    }
  }
  let sawOther = 0;
  let sawAny = 0;
  for (const doc of docs) {
    if (!jsonError) for (const err of doc.errors) diags.add('error', 'yaml-syntax', err.message, lines.range(err.start, Math.max(err.end, err.start)));
    for (const warn of doc.warnings) diags.add('warning', 'yaml-warning', warn.message, lines.range(warn.start, Math.max(warn.end, warn.start)));
    const root = doc.contents;
    if (root === null || root === undefined || view.isNull(root)) continue;
    sawAny++;
    const docRange = view.range(root);
    const kind = detectDocument(view, root);
    let graph: PipelineGraph | undefined;
    switch (kind) {
      case 'argo':
        graph = parseArgoDocument(view, root, diags, index);
        break;
      case 'kfp':
        graph = parseKfpDocument(view, root, diags);
        break;
      case 'sagemaker':
        graph = parseSageMakerDefinition(view, root, diags, 'sagemaker', baseName(options.fileName));
        break;
      case 'ack-pipeline':
        graph = parseAckPipeline(view, root, diags);
        break;
      case 'spark':
      case 'scheduled-spark':
        graph = parseSparkDocument(view, root, kind === 'scheduled-spark', diags);
        break;
      case 'kfp-platform':
        break;
      default:
        sawOther++;
    }
    if (graph) {
      if (docRange && !graph.range) graph.range = docRange;
      graphs.push(graph);
    }
    if (!view.isMap(root) && kind === 'other' && !doc.errors.length) {
      diags.add('info', 'not-a-pipeline', `This document is ${view.typeName(root)}, not a pipeline.`, docRange);
    }
  }
  if (!graphs.length && !diags.list.some((d) => d.severity === 'error')) {
    if (!sawAny) diags.add('info', 'empty', 'The file holds no YAML or JSON document.');
    else if (sawOther) {
      diags.add('info', 'not-a-pipeline',
        'No pipeline found: expected an Argo Workflow/WorkflowTemplate/CronWorkflow, Kubeflow Pipelines v2 YAML, a SageMaker pipeline definition, an ACK Pipeline or a SparkApplication.',
        emptyRange());
    }
  }
  return graphs;
}

export function parsePipeline(text: string, options: ParseOptions): ParseResult {
  const diags = new Diagnostics();
  let graphs: PipelineGraph[] = [];
  try {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    graphs = parseInner(text, options ?? { fileName: '' }, diags);
  } catch (err) {
    // A bug of ours must not take the panel down: say what happened and keep what we have.
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    diags.add('error', 'internal', `Kindling could not finish reading this file (${message}). Please report it.`);
  }
  for (const g of graphs) {
    if (g.nodes.length === 0 && !diags.list.length) {
      diags.add('warning', 'empty-graph', `"${g.name || g.format}" has no steps to draw.`, g.range);
    }
  }
  if (!graphs.length && !diags.list.length) diags.add('info', 'not-a-pipeline', 'No pipeline found in this file.');
  return { graphs, diagnostics: diags.list };
}

function contains(r: SourceRange, line: number, col: number): boolean {
  if (line < r.startLine || line > r.endLine) return false;
  if (line === r.startLine && col < r.startCol) return false;
  if (line === r.endLine && col > r.endCol) return false;
  return true;
}

function size(r: SourceRange): number {
  return (r.endLine - r.startLine) * 1_000_000 + (r.endCol - r.startCol);
}

/**
 * The innermost node defined at a cursor position (0-based), for "reveal node at cursor".
 * Nodes whose range lives in another file are ignored. Linear, which is well under a
 * millisecond at 10k nodes and needs no index to keep in sync.
 */
export function findNodeAt(graph: PipelineGraph, line: number, col: number): PipelineNode | undefined {
  let best: PipelineNode | undefined;
  let bestSize = Infinity;
  for (const n of graph.nodes) {
    if (!n.range || n.fileName) continue;
    if (!contains(n.range, line, col)) continue;
    const s = size(n.range);
    // Ties (loop iterations share their call's range) go to the first, i.e. the enclosing group.
    if (s < bestSize) {
      best = n;
      bestSize = s;
    }
  }
  return best;
}
