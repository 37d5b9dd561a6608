import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffObjects, orderTargets, summarizeReview } from '../../../src/core/promote';

const contexts = [{ name: 'kind-kindling' }, { name: 'staging', namespace: 'ml' }, { name: 'prod' }, { name: 'other' }];

test('the local context comes last and is never first; remembered, then kindling.yaml remotes lead', () => {
  const first = orderTargets({ contexts, localContext: 'kind-kindling' });
  assert.deepEqual(first.map((c) => c.context), ['staging', 'prod', 'other', 'kind-kindling']);
  assert.equal(first[0]?.namespace, 'ml', "the context's own namespace is proposed");
  const later = orderTargets({
    contexts,
    localContext: 'kind-kindling',
    remotes: { production: { context: 'prod', namespace: 'pipelines' } },
    remembered: { context: 'other', namespace: 'team' },
  });
  assert.deepEqual(later.map((c) => [c.context, c.namespace, c.remote, c.remembered, c.isLocal]), [
    ['other', 'team', undefined, true, false],
    ['prod', 'pipelines', 'production', false, false],
    ['staging', 'ml', undefined, false, false],
    ['kind-kindling', undefined, undefined, false, true],
  ]);
});

test('the review summary lists real changes per object and sets provenance-only updates apart', () => {
  const live = { metadata: { name: 't', annotations: { 'kindling.dev/promoted-at': '1' } }, spec: { a: 1, b: 1 } };
  const text = summarizeReview(
    {
      context: 'prod',
      server: 'https://prod:6443',
      namespace: 'team',
      documents: [
        { label: 'WorkflowTemplate t', isNew: false, changes: diffObjects(live, { ...live, spec: { a: 2, b: 1 } }) },
        { label: 'CronWorkflow c', isNew: false, changes: diffObjects(live, { ...live, metadata: { name: 't', annotations: { 'kindling.dev/promoted-at': '2' } } }) },
        { label: 'SparkApplication s', isNew: true, changes: diffObjects(undefined, live) },
      ],
      warnings: ['dirty'],
      notes: ['ns moved'],
    },
    5,
  );
  assert.equal(
    text,
    [
      'Promote to context "prod" (https://prod:6443), namespace "team": 3 object(s).',
      '  WorkflowTemplate t: 1 change(s)',
      '    ~ spec.a: 1 → 2',
      '  CronWorkflow c: no change (provenance only)',
      '  SparkApplication s: new',
      'Note: ns moved',
      'Warning: dirty',
    ].join('\n'),
  );
});
