/**
 * Mechanical fixes for Argo diagnostics, as text edits the editor applies (pure: text in, edits
 * out). Today one: Argo refuses `continueOn` in a DAG that uses `depends`
 * ("Instead use 'dep-task.Failed'/'dep-task.Errored'"), so the task's continueOn is removed and
 * every plain reference to it in the other tasks' `depends` says the same thing as an expression:
 * `A` becomes `(A || A.Failed)` for `continueOn: {failed: true}` (`A.Errored` for `error: true`).
 * Explicit results (`A.Succeeded`, `A.Failed`) already say what they wait for and stay as written.
 */
import type { SourceRange } from '../model/pipelineGraph';
import { parseDepends } from './argoDepends';
import { LineIndex, loadDocuments, YamlView, type YValue } from './source';
import type { FNode, FPair } from './fastYaml';

export interface TextEdit {
  range: SourceRange;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
}

interface Found {
  task: FNode;
  pair: FPair;
  tasks: FNode[];
}

function findContinueOn(view: YamlView, roots: Array<FNode | null>, line: number, col: number): Found | undefined {
  for (const root of roots) {
    const spec = view.str(view.get(root, 'kind')) === 'CronWorkflow' ? view.get(root, 'spec', 'workflowSpec') : view.get(root, 'spec');
    for (const tmpl of view.seq(view.get(spec, 'templates'))) {
      const tasks = view.seq(view.get(tmpl, 'dag', 'tasks'));
      for (const task of tasks) {
        const pair = view.pair(task, 'continueOn');
        if (!pair) continue;
        const at = view.lines.pos(pair.key.start);
        if (at.line === line && at.col === col) return { task, pair, tasks };
      }
    }
  }
  return undefined;
}

/** `A` → `(A || A.Failed)` for every plain reference to `task` in `expr`; undefined if none. */
export function rewriteDepends(expr: string, task: string, outcomes: string[]): string | undefined {
  const parsed = parseDepends(expr);
  if (parsed.error) return undefined;
  const plain = parsed.refs.filter((r) => r.task === task && r.result === undefined).sort((a, b) => b.offset - a.offset);
  if (!plain.length) return undefined;
  let out = expr;
  const replacement = `(${[task, ...outcomes.map((o) => `${task}.${o}`)].join(' || ')})`;
  for (const r of plain) out = out.slice(0, r.offset) + replacement + out.slice(r.offset + task.length);
  return out;
}

/** The edit that removes one `key: value` entry of a block or flow mapping. */
function removePair(text: string, lines: LineIndex, map: FNode, pair: FPair): TextEdit | undefined {
  const lineStart = text.lastIndexOf('\n', pair.key.start - 1) + 1;
  const before = text.slice(lineStart, pair.key.start);
  if (/^\s*$/.test(before)) {
    // Block mapping: the key starts its line; remove through the end of the value's last line.
    let end = text.indexOf('\n', Math.max(pair.value.end - 1, pair.key.end));
    end = end < 0 ? text.length : end + 1;
    return { range: span(lines, lineStart, end), newText: '' };
  }
  if (map.t !== 'map') return undefined;
  // Flow mapping `{a: 1, continueOn: {...}}`: remove the entry and the comma before it.
  const comma = text.lastIndexOf(',', pair.key.start);
  if (comma < map.start) return undefined;
  return { range: span(lines, comma, pair.value.end), newText: '' };
}

/** A range that keeps a trailing newline (LineIndex.range trims trailing whitespace). */
function span(lines: LineIndex, start: number, end: number): SourceRange {
  const a = lines.pos(start);
  const b = lines.pos(end);
  return { startLine: a.line, startCol: a.col, endLine: b.line, endCol: b.col };
}

/**
 * The fix for a `continue-on-with-depends` diagnostic whose range starts at (line, col), 0-based:
 * undefined when the text changed under it or the file is not one we can edit exactly.
 */
export function continueOnToDepends(text: string, line: number, col: number): QuickFix | undefined {
  const { docs } = loadDocuments(text);
  if (docs.some((d) => d.errors.length || d.warnings.length)) return undefined; // lenient reads have no exact positions
  const lines = new LineIndex(text);
  const view = new YamlView(lines, '');
  const found = findContinueOn(view, docs.map((d) => d.contents), line, col);
  if (!found) return undefined;
  const name = view.str(view.get(found.task, 'name'));
  if (!name) return undefined;
  const value: YValue = found.pair.value;
  const outcomes: string[] = [];
  if (view.str(view.get(value, 'failed')) === 'true') outcomes.push('Failed');
  if (view.str(view.get(value, 'error')) === 'true') outcomes.push('Errored');
  const remove = removePair(text, lines, found.task, found.pair);
  if (!remove) return undefined;
  const edits: TextEdit[] = [remove];
  if (outcomes.length) {
    for (const other of found.tasks) {
      if (other === found.task) continue;
      const dep = view.get(other, 'depends') as FNode | undefined;
      const expr = view.str(dep);
      if (!dep || expr === undefined) continue;
      const next = rewriteDepends(expr, name, outcomes);
      if (next === undefined) continue;
      // JSON text is a valid YAML double-quoted scalar, whatever the original quoting was.
      edits.push({ range: span(lines, dep.start, dep.end), newText: JSON.stringify(next) });
    }
  }
  const what = outcomes.length ? outcomes.map((o) => `${name}.${o}`).join(' / ') : 'nothing (continueOn set no outcome)';
  return { title: `Replace continueOn of "${name}" with ${what} in the depends of the tasks after it`, edits };
}
