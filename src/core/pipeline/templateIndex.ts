/**
 * WorkflowTemplates / ClusterWorkflowTemplates found in the workspace, for `templateRef` and
 * `workflowTemplateRef`. The host reads the files and passes their text; we parse them once here
 * and keep the AST so a node expanded from another file still gets a real range in that file.
 */
import { LineIndex, loadDocuments, YamlView, type YValue } from './source';

export interface ArgoTemplateSource {
  /** File the templates live in; set on nodes whose range points there. */
  fileName: string;
  view: YamlView;
  kind: 'WorkflowTemplate' | 'ClusterWorkflowTemplate' | 'Workflow' | 'CronWorkflow';
  name: string;
  /** The workflow spec mapping (spec, or spec.workflowSpec for CronWorkflow). */
  spec: YValue;
  templates: Map<string, YValue>;
  /** Identity used to spot recursion across files. */
  key: string;
}

export interface TemplateIndex {
  /** WorkflowTemplates by metadata.name. */
  namespaced: Map<string, ArgoTemplateSource>;
  /** ClusterWorkflowTemplates by metadata.name. */
  cluster: Map<string, ArgoTemplateSource>;
}

export function emptyTemplateIndex(): TemplateIndex {
  return { namespaced: new Map(), cluster: new Map() };
}

/** Template name → template node; later duplicates are ignored (the parser reports them). */
export function collectTemplates(view: YamlView, spec: YValue): Map<string, YValue> {
  const out = new Map<string, YValue>();
  for (const t of view.seq(view.get(spec, 'templates'))) {
    const name = view.str(view.get(t, 'name'));
    if (name !== undefined && !out.has(name)) out.set(name, t);
  }
  return out;
}

/** Builds a source for one Argo document, or undefined when it is not one. */
export function argoSource(view: YamlView, root: YValue, fileName: string): ArgoTemplateSource | undefined {
  const kind = view.str(view.get(root, 'kind'));
  const apiVersion = view.str(view.get(root, 'apiVersion')) ?? '';
  if (!apiVersion.startsWith('argoproj.io/')) return undefined;
  if (kind !== 'WorkflowTemplate' && kind !== 'ClusterWorkflowTemplate' && kind !== 'Workflow' && kind !== 'CronWorkflow') return undefined;
  const spec = kind === 'CronWorkflow' ? view.get(root, 'spec', 'workflowSpec') : view.get(root, 'spec');
  const name = view.str(view.get(root, 'metadata', 'name')) ?? view.str(view.get(root, 'metadata', 'generateName')) ?? '';
  return { fileName, view, kind, name, spec, templates: collectTemplates(view, spec), key: `${fileName}\u0000${kind}\u0000${name}` };
}

/** Adds one file's (Cluster)WorkflowTemplates to `index`. Never throws; bad files add nothing. */
export function addToTemplateIndex(index: TemplateIndex, fileName: string, text: string): void {
  try {
    const lines = new LineIndex(text);
    const view = new YamlView(lines, fileName);
    for (const doc of loadDocuments(text).docs) {
      if (doc.errors.length) continue;
      const src = argoSource(view, doc.contents, fileName);
      if (!src || !src.name) continue;
      if (src.kind === 'WorkflowTemplate' && !index.namespaced.has(src.name)) index.namespaced.set(src.name, src);
      if (src.kind === 'ClusterWorkflowTemplate' && !index.cluster.has(src.name)) index.cluster.set(src.name, src);
    }
  } catch {
    // A file we cannot read as YAML simply contributes no templates.
  }
}

export function buildTemplateIndex(docs: Array<{ fileName: string; text: string }>): TemplateIndex {
  const index = emptyTemplateIndex();
  for (const d of docs) addToTemplateIndex(index, d.fileName, d.text);
  return index;
}

/** Argo's lookup: clusterScope picks ClusterWorkflowTemplates; fall back to the other kind so a
 * missing `clusterScope: true` still renders, since showing something beats an unresolved box. */
export function lookupTemplate(index: TemplateIndex | undefined, name: string, clusterScope: boolean): ArgoTemplateSource | undefined {
  if (!index) return undefined;
  return clusterScope ? (index.cluster.get(name) ?? index.namespaced.get(name)) : (index.namespaced.get(name) ?? index.cluster.get(name));
}
