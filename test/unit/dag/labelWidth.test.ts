import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asciiWidthBound, boxWidth, estimatedBoxWidth, maxNodeWidth, nodeWidth } from '../../../webview/layout/labelWidth';

// A made-up proportional font: 'W' and 'M' wide, 'i' and 'l' narrow, the rest 7 px.
const advances = new Float32Array(95).map((_, k) => {
  const ch = String.fromCharCode(k + 32);
  return 'WM'.includes(ch) ? 12 : 'il'.includes(ch) ? 3 : 7;
});
const measureBySum = (text: string): number => [...text].reduce((sum, ch) => sum + (advances[ch.charCodeAt(0) - 32] ?? 14), 0);

test('the advance bound is the sum of the glyph advances, and -1 outside printable ASCII', () => {
  assert.equal(asciiWidthBound('iWx', advances), 3 + 12 + 7);
  assert.equal(asciiWidthBound('', advances), 0);
  assert.equal(asciiWidthBound('tab\there', advances), -1);
  assert.equal(asciiWidthBound('naïve', advances), -1);
  assert.equal(asciiWidthBound('训练', advances), -1);
});

test('short ASCII labels get the minimum width without being measured', () => {
  const measured: string[] = [];
  const measure = (text: string): number => (measured.push(text), measureBySum(text));
  assert.equal(boxWidth('ingest-19', advances, measure), nodeWidth);
  assert.equal(boxWidth('', advances, measure), nodeWidth);
  assert.deepEqual(measured, []);
});

test('labels the bound cannot settle are measured, and widths match measuring every label', () => {
  const labels = ['train', 'WWWWWWWWW', 'WWWWWWWWWWW', 'a'.repeat(16), 'a'.repeat(17), 'M'.repeat(40), 'données-préparées', '训练模型', 'x\ty'];
  for (const label of labels) {
    let calls = 0;
    const measure = (text: string): number => (calls++, measureBySum(text));
    const expected = Math.min(maxNodeWidth, Math.max(nodeWidth, Math.ceil(measureBySum(label)) + 40));
    assert.equal(boxWidth(label, advances, measure), expected, label);
    const bound = asciiWidthBound(label, advances);
    // Measured exactly when the bound, with its kerning margin, does not prove the minimum.
    assert.equal(calls, bound >= 0 && bound * 1.1 + 2 <= nodeWidth - 40 ? 0 : 1, label);
  }
  // A label just over the margin is measured even though its plain sum would fit.
  let calls = 0;
  boxWidth('a'.repeat(17), advances, (t) => (calls++, measureBySum(t)));
  assert.equal(calls, 1);
});

test('huge graphs estimate from the length, within the limits', () => {
  assert.equal(estimatedBoxWidth('x'), nodeWidth);
  assert.equal(estimatedBoxWidth('x'.repeat(30)), 30 * 7 + 40);
  assert.equal(estimatedBoxWidth('x'.repeat(500)), maxNodeWidth);
});
