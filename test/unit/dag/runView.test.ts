import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeStatus, PipelineGraph, PipelineNode } from '../../../src/core/model/pipelineGraph';
import { workflowRunGraph } from '../../../src/core/pipelineRun/runGraph';
import { projectGraph } from '../../../webview/layout/project';
import {
  collapsedGroupLabel,
  enclosingGroups,
  failedNodes,
  groupMembers,
  largeGroups,
  passesPhase,
  phaseMask,
  runActionsFor,
  runCollapsed,
  stepCursor,
} from '../../../webview/run/runView';
import { syntheticFanOutRun } from '../../fixtures/runs/syntheticRun';

const leaf = (id: string, parent?: string, started?: string, message?: string): PipelineNode => ({
  id,
  label: id,
  kind: 'container',
  parent,
  details: [...(started ? [{ key: 'started', value: started }] : []), ...(message ? [{ key: 'message', value: message }] : [])],
});
const group = (id: string, groupKind: PipelineNode['groupKind'], parent?: string): PipelineNode => ({ id, label: id, kind: 'group', groupKind, parent, details: [] });

function fanOut(width: number): PipelineGraph {
  const nodes: PipelineNode[] = [group('main', 'dag'), leaf('prep', 'main'), group('score', 'fan-out', 'main'), group('small', 'fan-out', 'main')];
  for (let i = 0; i < width; i++) nodes.push(leaf(`score(${i})`, 'score'));
  for (let i = 0; i < 3; i++) nodes.push(leaf(`small(${i})`, 'small'));
  return { format: 'argo-workflow', name: 'r', nodes, edges: [] };
}

test('large fan-outs start collapsed, small ones and the run root stay open, and an expanded one stays expanded as the run grows', () => {
  const g = fanOut(25);
  const large = largeGroups(g, groupMembers(g));
  assert.deepEqual(large, ['score']);
  assert.deepEqual([...runCollapsed([], large, new Set())], ['score']);
  assert.deepEqual([...runCollapsed(['small'], large, new Set(['score']))], ['small']);
  assert.deepEqual(largeGroups(fanOut(20), groupMembers(fanOut(20))), [], '20 members is not more than 20');
});

test("a collapsed group's box counts its members by phase, members without a status as pending", () => {
  const g = fanOut(6);
  const members = groupMembers(g).get('score') ?? [];
  const statuses: Record<string, NodeStatus> = { 'score(0)': 'succeeded', 'score(1)': 'succeeded', 'score(2)': 'failed', 'score(3)': 'running', 'score(4)': 'error' };
  assert.equal(collapsedGroupLabel(g.nodes[2], members, statuses), 'score ×6: 2 ✓ 1 ✗ 1 ⚠ 1 ⟳ 1 ○');
  assert.equal(collapsedGroupLabel(g.nodes[2], members, undefined), 'score ×6: 6 ○');
});

test('the phase filter keeps a collapsed group when any hidden member passes, and dims the rest', () => {
  const g = fanOut(4);
  const p = projectGraph(g, new Set(['score']));
  const statuses: Record<string, NodeStatus> = { prep: 'succeeded', 'score(2)': 'failed', 'small(0)': 'running' };
  const mask = phaseMask(g.nodes, p.repOf, p.visible.length, statuses, 'failed');
  assert.ok(mask);
  const kept = [...p.visible].filter((_, v) => mask[v]).map((gi) => g.nodes[gi].id);
  assert.deepEqual(kept, ['score']);
  assert.equal(phaseMask(g.nodes, p.repOf, p.visible.length, statuses, 'all'), undefined);
  assert.ok(passesPhase('failed', 'error'));
  assert.ok(passesPhase('pending', undefined));
  assert.ok(!passesPhase('succeeded', 'running'));
});

test('Next failed walks failed leaves in the order they started, wrapping; groups are not failures of their own', () => {
  const g: PipelineGraph = {
    format: 'argo-workflow',
    name: 'r',
    nodes: [group('main', 'dag'), leaf('b', 'main', '2026-12-05 02:00:09 UTC', 'Error (exit code 1)'), leaf('a', 'main', '2026-12-05 02:00:03 UTC'), leaf('c', 'main'), leaf('ok', 'main', '2026-12-05 02:00:01 UTC')],
    edges: [],
  };
  const statuses: Record<string, NodeStatus> = { main: 'failed', a: 'error', b: 'failed', c: 'failed', ok: 'succeeded' };
  assert.deepEqual(failedNodes(g, statuses).map((n) => n.id), ['a', 'b', 'c']);
  assert.equal(stepCursor(3, -1, 1), 0);
  assert.equal(stepCursor(3, -1, -1), 2);
  assert.equal(stepCursor(3, 2, 1), 0);
  assert.equal(stepCursor(3, 0, -1), 2);
  assert.equal(stepCursor(0, -1, 1), -1);
  assert.deepEqual(enclosingGroups(fanOut(3), 'score(1)'), ['score', 'main']);
});

test('run actions follow the phase: stop/suspend while active, retry only after a failure', () => {
  assert.deepEqual(runActionsFor('running'), ['stop', 'terminate', 'suspend', 'resubmit', 'delete', 'copyName']);
  assert.deepEqual(runActionsFor('running', true), ['stop', 'terminate', 'resume', 'resubmit', 'delete', 'copyName'], 'a suspended run offers Resume, not Suspend');
  assert.deepEqual(runActionsFor('failed'), ['retry', 'resubmit', 'delete', 'copyName']);
  assert.deepEqual(runActionsFor('succeeded'), ['resubmit', 'delete', 'copyName']);
});

test('on a 10,000-item synthetic Argo run: one collapsed fan-out that names its failures and counts them', () => {
  const rg = workflowRunGraph(syntheticFanOutRun({ width: 10_000, failing: [3, 4_000, 9_999] }));
  assert.ok(!('unavailable' in rg));
  const members = groupMembers(rg.graph);
  const large = largeGroups(rg.graph, members);
  assert.equal(large.length, 1);
  const p = projectGraph(rg.graph, runCollapsed([], large, new Set()));
  assert.ok(p.visible.length < 10, `${p.visible.length} boxes drawn`);
  const score = rg.graph.nodes.find((n) => n.id === large[0]);
  assert.ok(score);
  assert.equal(collapsedGroupLabel(score, members.get(score.id) ?? [], rg.statuses), 'score ×10000: 9,997 ✓ 3 ✗');
  assert.deepEqual(failedNodes(rg.graph, rg.statuses).map((n) => n.label), ['score(3:3)', 'score(4000:4000)', 'score(9999:9999)']);
});
