/**
 * Which graph of a file a run's status snapshot belongs to.
 *
 * The DAG panel draws every pipeline document of a file (one at a time, picked in its graph list),
 * and a run is the run of one of them. Status keys are only unique within a graph: a WorkflowTemplate
 * and the Workflow that uses it, or two copies of a workflow, have the same ".train". So a snapshot
 * names its graph, and the panel colours only that graph.
 *
 * The key is format + name + the ordinal among graphs with the same format and name, not the position
 * in the file: the file can be edited while the run goes on, and a document added above must not move
 * the colours onto another graph.
 */
import type { NodeStatus, PipelineGraph, StatusSnapshot } from './pipelineGraph';

export function graphKey(graphs: readonly Pick<PipelineGraph, 'format' | 'name'>[], index: number): string | undefined {
  const g = graphs[index];
  if (!g) return undefined;
  let ordinal = 0;
  for (let i = 0; i < index; i++) if (graphs[i].format === g.format && graphs[i].name === g.name) ordinal++;
  return `${g.format}:${g.name}#${ordinal}`;
}

/**
 * The statuses to draw on graph `index` of the panel: the snapshot's, when it belongs to that graph
 * (or names none: a snapshot from before graphs were named colours whatever is shown); else none.
 */
export function statusesForGraph(
  snapshot: StatusSnapshot | undefined,
  graphs: readonly Pick<PipelineGraph, 'format' | 'name'>[],
  index: number,
): Record<string, NodeStatus> | undefined {
  if (!snapshot) return undefined;
  if (snapshot.graphKey === undefined) return snapshot.statuses;
  return snapshot.graphKey === graphKey(graphs, index) ? snapshot.statuses : undefined;
}
