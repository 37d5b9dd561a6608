/**
 * The run view of a SparkApplication: the driver and the executors the operator reports
 * (`status.driverInfo`, `status.executorState`), one node each, the driver pointing at every executor.
 * Spark has no DAG of its own that the cluster knows about, so this is deliberately small.
 */
import type { NodeStatus, PipelineGraph, PipelineNode } from '../model/pipelineGraph';
import { sparkStateStatus } from './liveStatus';

export interface SparkApplicationRun {
  metadata?: { name?: string; namespace?: string };
  status?: {
    applicationState?: { state?: string; errorMessage?: string };
    driverInfo?: { podName?: string; webUIAddress?: string };
    executorState?: Record<string, string>;
    lastSubmissionAttemptTime?: string;
    terminationTime?: string;
    submissionAttempts?: number;
    executionAttempts?: number;
  };
}

export const SPARK_DRIVER_NODE = 'driver';
const executorPrefix = 'executor:';

export function sparkExecutorNodeId(podName: string): string {
  return `${executorPrefix}${podName}`;
}

/** The pod a Spark run-view node stands for (the driver's may not be known before it is created). */
export function sparkNodePod(app: SparkApplicationRun, nodeId: string): string | undefined {
  if (nodeId === SPARK_DRIVER_NODE) return app.status?.driverInfo?.podName;
  return nodeId.startsWith(executorPrefix) ? nodeId.slice(executorPrefix.length) : undefined;
}

export interface SparkRunGraph {
  graph: PipelineGraph;
  statuses: Record<string, NodeStatus>;
  phase: NodeStatus;
  failed: string[];
  collapsedByDefault: string[];
}

export function sparkRunGraph(app: SparkApplicationRun): SparkRunGraph {
  const name = app.metadata?.name ?? '';
  const state = app.status?.applicationState;
  const phase = sparkStateStatus(state?.state);
  const driverPod = app.status?.driverInfo?.podName;
  const nodes: PipelineNode[] = [
    {
      id: SPARK_DRIVER_NODE,
      label: 'driver',
      kind: 'spark-driver',
      subtitle: driverPod,
      details: [
        { key: 'phase', value: state?.state || 'NEW' },
        ...(driverPod ? [{ key: 'pod', value: driverPod }] : []),
        ...(state?.errorMessage ? [{ key: 'message', value: state.errorMessage }] : []),
      ],
    },
  ];
  const statuses: Record<string, NodeStatus> = { [SPARK_DRIVER_NODE]: phase };
  const edges: PipelineGraph['edges'] = [];
  const failed: string[] = [];
  // Sorted by name: the operator's map has no order, and executor pods end in their number.
  const executors = Object.entries(app.status?.executorState ?? {}).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  for (const [pod, executorState] of executors) {
    const id = sparkExecutorNodeId(pod);
    const status = sparkStateStatus(executorState);
    nodes.push({ id, label: pod.replace(/^.*-exec-/, 'executor '), kind: 'spark-executor', subtitle: pod, details: [{ key: 'phase', value: executorState }, { key: 'pod', value: pod }] });
    statuses[id] = status;
    edges.push({ from: SPARK_DRIVER_NODE, to: id, kind: 'depends' });
    if (status === 'failed' || status === 'error') failed.push(id);
  }
  if (phase === 'failed') failed.unshift(SPARK_DRIVER_NODE);
  return { graph: { format: 'spark-application', name, nodes, edges }, statuses, phase, failed, collapsedByDefault: [] };
}
