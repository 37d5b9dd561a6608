import type { PipelineGraph } from '../model/pipelineGraph';
import { GraphBuilder, type Diagnostics, type YamlView, type YValue } from './source';

export function parseKfpDocument(view: YamlView, root: YValue, diags: Diagnostics): PipelineGraph {
  const b = new GraphBuilder();
  diags.add('info', 'not-implemented', 'Kubeflow Pipelines support is being written.', view.range(root));
  return { format: 'kfp-v2', name: view.str(view.get(root, 'pipelineInfo', 'name')) ?? '', nodes: b.nodes, edges: b.edges };
}
