import type { PipelineGraph } from '../model/pipelineGraph';
import { GraphBuilder, type Diagnostics, type YamlView, type YValue } from './source';

export function parseSageMakerDefinition(view: YamlView, root: YValue, diags: Diagnostics, format: 'sagemaker' | 'ack-sagemaker-pipeline'): PipelineGraph {
  const b = new GraphBuilder();
  diags.add('info', 'not-implemented', 'SageMaker support is being written.', view.range(root));
  return { format, name: '', nodes: b.nodes, edges: b.edges };
}

export function parseAckPipeline(view: YamlView, root: YValue, diags: Diagnostics): PipelineGraph {
  return parseSageMakerDefinition(view, root, diags, 'ack-sagemaker-pipeline');
}
