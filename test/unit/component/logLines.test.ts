import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecutorNoiseFilter, LogLineSplitter, ResumeFilter, parseLogLine, resumeSinceTime, timestampKey } from '../../../src/core/component';

test('a timestamped log line splits into its timestamp and text', () => {
  assert.deepEqual(parseLogLine('2026-11-22T21:45:54.106862797Z hello world\n'), { timestamp: '2026-11-22T21:45:54.106862797Z', text: 'hello world\n' });
  assert.deepEqual(parseLogLine('2026-11-22T21:45:54Z x\n'), { timestamp: '2026-11-22T21:45:54Z', text: 'x\n' });
  assert.deepEqual(parseLogLine('no stamp here\n'), { text: 'no stamp here\n' });
});

test('chunks become whole lines; a partial line waits for its end or for end()', () => {
  const s = new LogLineSplitter();
  assert.deepEqual(s.push('2026-11-22T21:45:54.1Z one\n2026-11-22T21:45:54.2Z tw'), [{ timestamp: '2026-11-22T21:45:54.1Z', text: 'one\n' }]);
  assert.deepEqual(s.push('o\n\n'), [{ timestamp: '2026-11-22T21:45:54.2Z', text: 'two\n' }, { text: '\n' }]);
  assert.deepEqual(s.push('2026-11-22T21:45:55Z last'), []);
  assert.deepEqual(s.end(), [{ timestamp: '2026-11-22T21:45:55Z', text: 'last' }]);
  assert.deepEqual(s.end(), []);
});

test('timestamps compare by value although RFC 3339 trims trailing zeros', () => {
  assert.ok(timestampKey('2026-11-22T21:45:54.1Z') < timestampKey('2026-11-22T21:45:54.100000001Z'));
  assert.ok(timestampKey('2026-11-22T21:45:54Z') < timestampKey('2026-11-22T21:45:54.000000001Z'));
  assert.ok(timestampKey('2026-11-22T21:45:54.9Z') < timestampKey('2026-11-22T21:45:55Z'));
  assert.equal(resumeSinceTime('2026-11-22T21:45:54.987654321Z'), '2026-11-22T21:45:54Z');
});

test('after a reconnect the lines already shown are dropped, new ones pass', () => {
  const f = new ResumeFilter();
  const line = (ts: string) => ({ timestamp: ts, text: `${ts}\n` });
  assert.ok(f.accept(line('2026-11-22T21:45:54.1Z')));
  assert.ok(f.accept(line('2026-11-22T21:45:54.5Z')));
  assert.equal(f.lastTimestamp, '2026-11-22T21:45:54.5Z');
  // The resumed stream starts at the whole second again.
  assert.equal(f.accept(line('2026-11-22T21:45:54.1Z')), false);
  assert.equal(f.accept(line('2026-11-22T21:45:54.50Z')), false);
  assert.ok(f.accept(line('2026-11-22T21:45:54.6Z')));
  assert.ok(f.accept({ text: 'no timestamp\n' }));
});

test("Argo's emissary lines in the main container's log are dropped, the user's lines kept", () => {
  const f = new ExecutorNoiseFilter();
  const lines = [
    'Traceback (most recent call last):\n',
    'ZeroDivisionError: division by zero\n',
    'time="2026-12-04T23:46:58.312Z" level=info msg="sub-process exited" argo=true error="<nil>"\n',
    'Error: exit status 1\n',
  ];
  assert.deepEqual(
    lines.filter((l) => f.accept(l)),
    lines.slice(0, 2),
  );
  // A user's own "Error: exit status" line (not right after an executor line) stays.
  const g = new ExecutorNoiseFilter();
  assert.equal(g.accept('Error: exit status 3\n'), true);
  assert.equal(g.accept('time="x" level=info msg="hello" user=true\n'), true);
});
