// The continueOn → depends quick fix: edits computed from the text, applied here the way an editor
// applies them, and the result checked by the parser (no error left) and by its exact text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { continueOnToDepends, rewriteDepends, type TextEdit } from '../../../src/core/pipeline/argoQuickFix';
import { parsePipeline } from '../../../src/core/pipeline/index';

function offsetOf(text: string, line: number, col: number): number {
  let off = 0;
  for (let l = 0; l < line; l++) off = text.indexOf('\n', off) + 1;
  return off + col;
}

/** Applies edits from last to first so earlier offsets stay valid. */
function apply(text: string, edits: TextEdit[]): string {
  const withOffsets = edits.map((e) => ({ from: offsetOf(text, e.range.startLine, e.range.startCol), to: offsetOf(text, e.range.endLine, e.range.endCol), text: e.newText }));
  withOffsets.sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

const doc = (taskB: string) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: fix-
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - name: train
        template: c
${taskB}
      - name: report
        template: c
        depends: train && !train.Succeeded || evaluate
      - {name: evaluate, template: c, depends: train}
  - name: c
    container: {image: alpine}
`;

test('rewriteDepends replaces only plain references to the task', () => {
  assert.equal(rewriteDepends('train', 'train', ['Failed']), '(train || train.Failed)');
  assert.equal(rewriteDepends('train && train2 && !train.Errored', 'train', ['Failed', 'Errored']), '(train || train.Failed || train.Errored) && train2 && !train.Errored');
  assert.equal(rewriteDepends('other.Failed', 'train', ['Failed']), undefined);
  assert.equal(rewriteDepends('train &&', 'train', ['Failed']), undefined, 'a broken expression is left to its own diagnostic');
});

test('continueOn {failed: true} in a block task becomes train.Failed in every dependant', () => {
  const text = doc('        continueOn:\n          failed: true');
  const diag = parsePipeline(text, { fileName: 'w.yaml' }).diagnostics.find((d) => d.code === 'continue-on-with-depends');
  assert.ok(diag?.range, 'the parser reports continueOn with depends');
  const fix = continueOnToDepends(text, diag.range.startLine, diag.range.startCol);
  assert.ok(fix);
  assert.match(fix.title, /train\.Failed/);
  const fixed = apply(text, fix.edits);
  assert.equal(fixed, doc('').replace('template: c\n\n', 'template: c\n')
    .replace('depends: train && !train.Succeeded || evaluate', 'depends: "(train || train.Failed) && !train.Succeeded || evaluate"')
    .replace('depends: train}', 'depends: "(train || train.Failed)"}'));
  assert.deepEqual(parsePipeline(fixed, { fileName: 'w.yaml' }).diagnostics.filter((d) => d.severity === 'error'), []);
});

test('a flow-mapping continueOn with failed and error is removed with its comma', () => {
  const text = doc('        continueOn: {failed: true, error: true}').replace('      - name: train\n        template: c\n        continueOn: {failed: true, error: true}', '      - {name: train, template: c, continueOn: {failed: true, error: true}}');
  const diag = parsePipeline(text, { fileName: 'w.yaml' }).diagnostics.find((d) => d.code === 'continue-on-with-depends')!;
  const fix = continueOnToDepends(text, diag.range!.startLine, diag.range!.startCol)!;
  const fixed = apply(text, fix.edits);
  assert.match(fixed, /- \{name: train, template: c\}\n/);
  assert.match(fixed, /depends: "\(train \|\| train\.Failed \|\| train\.Errored\)"\}/);
  assert.deepEqual(parsePipeline(fixed, { fileName: 'w.yaml' }).diagnostics.filter((d) => d.severity === 'error'), []);
});

test('no fix when the position no longer holds a continueOn', () => {
  const text = doc('        continueOn: {failed: true}');
  assert.equal(continueOnToDepends(text, 0, 0), undefined);
});
