/**
 * Generates PipelineGraph objects shaped like real ML pipelines (chains, fan-outs, sub-DAGs,
 * conditions, a Spark step or two) for webview work, layout tests and the layout library
 * comparison. Deterministic (seeded), so benchmark runs compare like with like.
 */
import type { NodeKind, PipelineEdge, PipelineGraph, PipelineNode } from '../../src/core/model/pipelineGraph';

export interface SampleOptions {
  seed?: number;
  /** Largest fan-out width. */
  maxFanOut?: number;
}

export function generateSampleGraph(nodeCount: number, opts: SampleOptions = {}): PipelineGraph {
  let seed = opts.seed ?? 7;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const maxFanOut = opts.maxFanOut ?? 40;
  const nodes: PipelineNode[] = [];
  const edges: PipelineEdge[] = [];
  const kinds: NodeKind[] = ['container', 'container', 'container', 'script', 'spark', 'resource'];
  let line = 10;
  const add = (label: string, kind: NodeKind, parent?: string): PipelineNode => {
    const node: PipelineNode = {
      id: parent ? `${parent}/${label}` : label,
      label,
      kind,
      ...(parent ? { parent } : {}),
      range: { startLine: line, startCol: 4, endLine: line + 6, endCol: 0 },
      subtitle: kind === 'group' ? 'dag' : `${label.replace(/-\d+$/, '')}-template`,
      details: [
        { key: 'image', value: kind === 'spark' ? 'ghcr.io/example/spark-py:3.5.1' : 'ghcr.io/example/trainer:1.4.2' },
        { key: 'command', value: `python -m pipeline.${label.replace(/-/g, '_')}` },
        { key: 'resources', value: 'cpu 2, memory 4Gi' },
      ],
    };
    line += 8;
    nodes.push(node);
    return node;
  };
  let frontier: string[] = [add('fetch-data', 'container').id];
  let stage = 0;
  while (nodes.length < nodeCount) {
    stage++;
    const left = nodeCount - nodes.length;
    const roll = rnd();
    if (roll < 0.35 && left > 3) {
      // Fan-out: a group of parallel tasks, joined by the next stage.
      const width = Math.min(left - 1, 2 + Math.floor(rnd() * maxFanOut));
      const group = add(`shard-${stage}`, 'group');
      group.groupKind = 'fan-out';
      for (const f of frontier) edges.push({ from: f, to: group.id, kind: 'depends' });
      const members: string[] = [];
      for (let i = 0; i < width; i++) {
        const t = add(`train-${stage}-${i}`, kinds[Math.floor(rnd() * kinds.length)], group.id);
        members.push(t.id);
      }
      frontier = [group.id];
    } else if (roll < 0.5 && left > 6) {
      // Sub-DAG: a small diamond inside a group.
      const group = add(`features-${stage}`, 'group');
      group.groupKind = 'dag';
      for (const f of frontier) edges.push({ from: f, to: group.id, kind: 'depends' });
      const a = add(`extract-${stage}`, 'container', group.id);
      const b = add(`clean-${stage}`, 'script', group.id);
      const c = add(`embed-${stage}`, 'spark', group.id);
      const d = add(`merge-${stage}`, 'container', group.id);
      edges.push({ from: a.id, to: b.id, kind: 'depends' }, { from: a.id, to: c.id, kind: 'depends' });
      edges.push({ from: b.id, to: d.id, kind: 'depends' }, { from: c.id, to: d.id, kind: 'depends' });
      frontier = [group.id];
    } else if (roll < 0.6 && left > 3) {
      const cond = add(`check-${stage}`, 'condition');
      for (const f of frontier) edges.push({ from: f, to: cond.id, kind: 'depends' });
      const yes = add(`deploy-${stage}`, 'container');
      const no = add(`alert-${stage}`, rnd() < 0.1 ? 'unresolved' : 'script');
      edges.push({ from: cond.id, to: yes.id, kind: 'condition-true', label: 'true' });
      edges.push({ from: cond.id, to: no.id, kind: 'condition-false', label: 'false' });
      frontier = [yes.id, no.id];
    } else {
      // A few parallel branches of a chain, like independent preprocessing steps.
      const branches = 1 + Math.floor(rnd() * 3);
      const next: string[] = [];
      for (let b = 0; b < branches && nodes.length < nodeCount; b++) {
        const t = add(`step-${stage}-${b}`, kinds[Math.floor(rnd() * kinds.length)]);
        for (const f of frontier) edges.push({ from: f, to: t.id, kind: 'depends' });
        next.push(t.id);
      }
      frontier = next;
    }
  }
  return { format: 'argo-workflow', name: `sample-${nodeCount}`, nodes: nodes.slice(0, nodeCount), edges };
}
