import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dependsLabel, parseDepends } from '../../../src/core/pipeline/argoDepends';

test('parseDepends: references, results and negation', () => {
  const r = parseDepends('(A && B.Succeeded) || !(C.Failed || D)');
  assert.equal(r.error, undefined);
  assert.deepEqual(r.refs.map((x) => [x.task, x.result ?? '', x.negated]), [
    ['A', '', false], ['B', 'Succeeded', false], ['C', 'Failed', true], ['D', '', true],
  ]);
  assert.deepEqual(r.unknownResults, []);
});

test('parseDepends: syntax errors carry an offset; unknown results are flagged; deep nesting is bounded', () => {
  assert.deepEqual(parseDepends('A &&').error, { message: 'expression ends too early', offset: 4 });
  assert.deepEqual(parseDepends('(A || B').error, { message: 'missing ")"', offset: 7 });
  assert.deepEqual(parseDepends('A $ B').error, { message: 'unexpected character "$"', offset: 2 });
  assert.deepEqual(parseDepends('A.').error, { message: 'expected a result name after "A."', offset: 1 });
  assert.deepEqual(parseDepends('A.Finished').unknownResults.map((x) => x.result), ['Finished']);
  const deep = parseDepends('('.repeat(5000) + 'A' + ')'.repeat(5000));
  assert.equal(deep.error?.message, 'expression is nested too deeply');
});

test('dependsLabel: default outcomes have no label; others are listed once', () => {
  assert.equal(dependsLabel([{ task: 'A', negated: false, offset: 0 }]), undefined);
  assert.equal(dependsLabel([{ task: 'A', result: 'Succeeded', negated: false, offset: 0 }]), undefined);
  assert.equal(dependsLabel([{ task: 'A', result: 'Failed', negated: false, offset: 0 }, { task: 'A', result: 'Errored', negated: false, offset: 5 }]), 'Failed | Errored');
  assert.equal(dependsLabel([{ task: 'A', result: 'Failed', negated: true, offset: 0 }]), '!Failed');
});

test('parseDepends: task names take letters, digits, "_" and "-"; anything else is an error', () => {
  const r = parseDepends('step_1-a.Failed && Z9');
  assert.equal(r.error, undefined);
  assert.deepEqual(r.refs.map((x) => [x.task, x.result ?? '', x.offset]), [['step_1-a', 'Failed', 0], ['Z9', '', 19]]);
  assert.deepEqual(parseDepends('a && b$').error, { message: 'unexpected character "$"', offset: 6 });
  assert.deepEqual(parseDepends('ä').error, { message: 'unexpected character "ä"', offset: 0 });
  assert.deepEqual(parseDepends('a.1').error, { message: 'expected a result name after "a."', offset: 1 });
});
