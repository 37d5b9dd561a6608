import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPromotedReport, promotedRecord, stampProvenance, type KubeObject } from '../../../src/core/promote';

const DIGEST = `sha256:${'cd'.repeat(32)}`;

function promoted(name: string, promotedAt: string, extra: Partial<Parameters<typeof stampProvenance>[1]> = {}): KubeObject {
  const object: KubeObject = { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name, namespace: 'ml', annotations: { team: 'ranking' } }, spec: {} };
  // The annotations a promote writes, made by the promote's own stamping.
  return stampProvenance(object, {
    gitCommit: 'f'.repeat(40),
    gitDirty: false,
    sourceSha256: 'e'.repeat(64),
    sourcePath: 'examples/prepare_features.py',
    images: [{ image: `registry.remote:5000/ml-pipelines@${DIGEST}`, digest: DIGEST }],
    user: 'Ada',
    kindlingVersion: '0.1.0',
    promotedFrom: 'kind-kindling',
    promotedFromRun: 'kindling/prepare-features-x7k2p',
    promotedAt,
    ...extra,
  });
}

test('a promoted object gives back its provenance; an object Kindling did not promote gives nothing', () => {
  const r = promotedRecord(promoted('prepare-features', '2026-12-04T23:00:00.000Z'));
  assert.ok(r);
  assert.equal(r.kind, 'WorkflowTemplate');
  assert.equal(r.namespace, 'ml');
  assert.equal(r.gitCommit, 'f'.repeat(40));
  assert.equal(r.gitDirty, false);
  assert.equal(r.promotedFromRun, 'kindling/prepare-features-x7k2p');
  assert.equal(r.promotedFrom, 'kind-kindling');
  assert.equal(r.user, 'Ada');
  assert.equal(r.imageDigest, DIGEST);
  assert.deepEqual(r.imageDigests, { [`registry.remote:5000/ml-pipelines@${DIGEST}`]: DIGEST });
  assert.equal(promotedRecord({ kind: 'WorkflowTemplate', metadata: { name: 'by-hand', annotations: { 'kindling.dev/source-path': 'x.py' } } }), undefined);
  assert.equal(promotedRecord('not an object'), undefined);
});

test('the report lists the newest promote first with commit, source, image, run, who and when', () => {
  const records = [promoted('older', '2026-12-01T10:00:00.000Z', { promotedFromRun: undefined, gitDirty: true }), promoted('newer', '2026-12-04T23:00:00.000Z')].map((o) => promotedRecord(o)!);
  const text = formatPromotedReport('kind-remote', 'https://127.0.0.1:6443', records, ['Listing all namespaces is not allowed: namespace "ml" only.']);
  assert.ok(text.indexOf('WorkflowTemplate ml/newer') < text.indexOf('WorkflowTemplate ml/older'));
  assert.match(text, /^# Promoted by Kindling to "kind-remote"\n\nServer: https:\/\/127\.0\.0\.1:6443\n/);
  assert.match(text, /> Listing all namespaces is not allowed/);
  assert.match(text, /\*\*promoted:\*\* 2026-12-04T23:00:00\.000Z by Ada/);
  assert.match(text, /\*\*from run:\*\* kindling\/prepare-features-x7k2p/);
  assert.match(text, /\*\*git commit:\*\* f{40} \(uncommitted changes\)/);
  assert.match(text, new RegExp(`\\*\\*image:\\*\\* \`registry\\.remote:5000/ml-pipelines@${DIGEST}\` → \`${DIGEST}\``));
  assert.match(text, /\*\*source:\*\* `examples\/prepare_features\.py` \(SHA-256 eeeeeeeeeeee…\)/);
  assert.match(formatPromotedReport('x', undefined, []), /Nothing here carries Kindling's promote provenance/);
});
