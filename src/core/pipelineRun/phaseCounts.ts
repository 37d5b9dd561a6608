/**
 * Per-phase counts for a group of run nodes, and their one-line summary for a collapsed fan-out:
 * "score ×5000: 4,990 ✓ 7 ✗ 3 ⟳". Kept apart from runGraph.ts (which reads compressed nodes with
 * node:zlib) so browser code can use it too.
 */
import type { NodeStatus } from '../model/pipelineGraph';

/**
 * One symbol per phase, in the order the summary lists them (outcomes first, then what is still to
 * come, then what never ran):
 *   ✓ succeeded   ✗ failed (the step's own failure)   ⚠ error (Argo or Kubernetes could not run it)
 *   ⟳ running     ○ pending (not started yet)         ↷ skipped (its `when` was false)
 *   ⊘ omitted (its dependencies ended so that it never ran)   ? unknown (a phase Kindling does not know)
 */
export const PHASE_SYMBOLS: ReadonlyArray<readonly [NodeStatus, string]> = [
  ['succeeded', '✓'],
  ['failed', '✗'],
  ['error', '⚠'],
  ['running', '⟳'],
  ['pending', '○'],
  ['skipped', '↷'],
  ['omitted', '⊘'],
  ['unknown', '?'],
];

/** How many of `memberIds` are in each phase; ids without a status count as pending (not started). */
export function phaseCounts(memberIds: string[], statuses: Record<string, NodeStatus>): Partial<Record<NodeStatus, number>> {
  const counts: Partial<Record<NodeStatus, number>> = {};
  for (const id of memberIds) {
    const s = statuses[id] ?? 'pending';
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}

/** 4990 → "4,990"; fixed separator so the text does not change with the machine's locale. */
export function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "score ×5000: 4,990 ✓ 7 ✗ 3 ⟳" — only phases with members, in PHASE_SYMBOLS order. */
export function formatPhaseCounts(label: string, total: number, counts: Partial<Record<NodeStatus, number>>): string {
  const parts: string[] = [];
  for (const [status, symbol] of PHASE_SYMBOLS) {
    const n = counts[status] ?? 0;
    if (n > 0) parts.push(`${withThousands(n)} ${symbol}`);
  }
  return parts.length ? `${label} ×${total}: ${parts.join(' ')}` : `${label} ×${total}`;
}
