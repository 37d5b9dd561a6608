import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { notebookParameterNames, parseParameters, splitArgs } from '../../../src/core/component';

test('splitArgs splits like a shell: quotes group, backslashes escape', () => {
  assert.deepEqual(splitArgs(''), []);
  assert.deepEqual(splitArgs('  --lr 0.1   --name "my run" '), ['--lr', '0.1', '--name', 'my run']);
  assert.deepEqual(splitArgs(`'it''s' a\\ b "q\\"x" ""`), ['its', 'a b', 'q"x', '']);
});

test('parseParameters reads key=value words and reports the rest', () => {
  assert.deepEqual(parseParameters('alpha=0.5 name="a b" bad 1x=2'), { parameters: { alpha: '0.5', name: 'a b' }, invalid: ['bad', '1x=2'] });
});

test('notebookParameterNames reads the parameters-tagged cell of the example notebook', () => {
  assert.deepEqual(notebookParameterNames(readFileSync('examples/features.ipynb', 'utf8')), ['input_path', 'sample_rows']);
  assert.deepEqual(notebookParameterNames('not json'), []);
});
