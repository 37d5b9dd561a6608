import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffObjects, isUnchanged, rewriteImages } from '../../../src/core/promote';

const obj = (annotations: Record<string, string>, image = 'a:1') => ({
  apiVersion: 'v1',
  kind: 'X',
  metadata: { name: 'n', annotations, resourceVersion: '5' },
  spec: { containers: [{ image }] },
});

test('a promote whose only differences are its time, user and origin changes nothing', () => {
  const live = obj({ 'kindling.dev/promoted-at': '2026-01-01T00:00:00Z', 'kindling.dev/user': 'a', 'kindling.dev/source-sha256': 'x' });
  const again = obj({ 'kindling.dev/promoted-at': '2026-02-02T00:00:00Z', 'kindling.dev/user': 'b', 'kindling.dev/source-sha256': 'x' });
  assert.equal(isUnchanged(live, diffObjects(live, again)), true);
  const newSource = obj({ 'kindling.dev/promoted-at': '2026-02-02T00:00:00Z', 'kindling.dev/source-sha256': 'y' });
  assert.equal(isUnchanged(live, diffObjects(live, newSource)), false, 'another source hash is a change');
  assert.equal(isUnchanged(live, diffObjects(live, obj(live.metadata.annotations, 'a:2'))), false, 'a spec change is a change');
  assert.equal(isUnchanged(undefined, []), false, 'a new object is never unchanged');
});

test('image rewrite replaces image fields only, everywhere in the object', () => {
  const doc = { spec: { templates: [{ container: { image: 'localhost:5001/ml:1', args: ['localhost:5001/ml:1'] } }, { script: { image: 'python:3' } }] } };
  const out = rewriteImages(doc, new Map([['localhost:5001/ml:1', 'reg.example/ml@sha256:' + 'a'.repeat(64)]]));
  assert.equal(out.spec.templates[0]?.container?.image, 'reg.example/ml@sha256:' + 'a'.repeat(64));
  assert.deepEqual(out.spec.templates[0]?.container?.args, ['localhost:5001/ml:1'], 'not in arguments');
  assert.equal(out.spec.templates[1]?.script?.image, 'python:3');
  assert.equal(doc.spec.templates[0]?.container?.image, 'localhost:5001/ml:1', 'the input is not mutated');
});
