/**
 * The run the live benchmark follows: one Argo Workflow whose real controller creates the nodes.
 *
 * Most of its nodes are podless: a `withSequence` fan-out of suspend steps (Argo creates each as a
 * node of type Suspend, phase Running, and keeps it until resumed or stopped). Pods for all of them
 * would take the controller's pod creation (and KWOK) many minutes on a 2-core machine; the panel
 * draws a node the same whatever its type. A second, small fan-out runs real pods that KWOK
 * completes one after the other (their pod-complete delay grows with the item), so the controller
 * changes node phases while the benchmark watches: each of those changes is one status → paint sample.
 *
 * Argo's nodes for this DAG: the DAG node itself, one TaskGroup per fan-out task, and one node per
 * item: 1 + (1 + holds) + (1 + ticks).
 */
export interface BenchWorkflowOptions {
  name: string;
  namespace: string;
  /** Total nodes wanted in status.nodes. */
  nodes: number;
  /** Pods that complete during the run (status changes to time). */
  ticks: number;
  /** Seconds before the first tick pod completes, and between two. */
  firstTickS: number;
  tickEveryS: number;
}

export function holdsFor(opts: Pick<BenchWorkflowOptions, 'nodes' | 'ticks'>): number {
  return opts.nodes - 3 - opts.ticks;
}

export function benchWorkflow(opts: BenchWorkflowOptions): Record<string, unknown> {
  const holds = holdsFor(opts);
  if (holds < 1) throw new Error(`${opts.nodes} nodes leave no room for the fan-out of suspend steps`);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: opts.name, namespace: opts.namespace, labels: { 'kindling.dev/bench': 'live' } },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'hold', template: 'hold', withSequence: { count: String(holds) } },
              {
                name: 'tick',
                template: 'tick',
                withItems: Array.from({ length: opts.ticks }, (_, i) => `${opts.firstTickS + i * opts.tickEveryS}s`),
                arguments: { parameters: [{ name: 'delay', value: '{{item}}' }] },
              },
            ],
          },
        },
        { name: 'hold', suspend: {} },
        {
          name: 'tick',
          inputs: { parameters: [{ name: 'delay' }] },
          // KWOK's stage reads the pod's own annotation (testenv/kwok-stages.yaml): item i completes
          // firstTickS + i × tickEveryS seconds after it started.
          metadata: { annotations: { 'pod-complete.stage.kwok.x-k8s.io/delay': '{{inputs.parameters.delay}}' } },
          container: { image: 'busybox:1.36', command: ['true'] },
        },
      ],
    },
  };
}
