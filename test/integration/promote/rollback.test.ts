/**
 * Nothing half-applied, on the real remote control plane: an apply that fails after the dry-run
 * passed is reported object by object, and the objects already applied are put back (updated ones to
 * their state before the promote, created ones deleted). The failure is a real server-side apply
 * conflict: between the review and the apply (inside the confirmation, the one moment a person looks at
 * the diff) another field manager takes a field of the third object. A second promote of the same
 * file is a no-op: no question, no write, every resourceVersion unchanged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { diffObjects } from '../../../src/core/promote';
import { PromoteError, runPromote, type ApplyFailure } from '../../../src/kube/promote';
import { connect } from '../../../src/kube/runs';
import { getCluster, useNamespace } from '../helpers/testCluster';

const remote = getCluster('remote');
const base = { sourcePath: 'pipelines/train.yaml', kindlingVersion: '0.0.0-test', git: { commit: 'c'.repeat(40), dirty: false, user: 'tester' }, promotedFrom: 'kindling-local' };
const kc = () => connect({ kubeconfigPath: remote.kubeconfigPath, context: remote.context });

function template(name: string, image: string, entrypoint = 'main'): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: ${name}
spec:
  entrypoint: ${entrypoint}
  templates:
    - name: main
      container:
        image: ${image}
        command: [python, train.py]
`;
}

async function read(namespace: string, name: string): Promise<KubernetesObject | undefined> {
  const api = KubernetesObjectApi.makeApiClient(remote.kc);
  try {
    return await api.read({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name, namespace } });
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

test('an apply that fails after the dry-run: what was applied is named, and restored to its state before', async (t) => {
  const namespace = await useNamespace(t, remote, 'promote-undo');
  // "a" exists from an earlier promote; "b" and "c" are new.
  const first = await runPromote({ ...base, kc: kc(), text: template('a', 'registry.example/ml:1.0'), namespace }, { confirm: async () => true });
  assert.equal(first.status, 'applied');
  const beforeA = await read(namespace, 'a');
  assert.ok(beforeA);

  const text = [template('a', 'registry.example/ml:2.0'), template('b', 'registry.example/ml:2.0'), template('c', 'registry.example/ml:2.0')].join('---\n');
  let failure: ApplyFailure | undefined;
  const err = await runPromote(
    { ...base, kc: kc(), text, namespace },
    {
      confirm: async (review) => {
        assert.equal(review.documents.length, 3, 'all three passed the dry-run');
        // Someone else creates "c" with another entrypoint while the diff is on screen.
        const api = KubernetesObjectApi.makeApiClient(remote.kc);
        const theirs = { ...(parse(template('c', 'registry.example/ml:2.0', 'other')) as KubernetesObject), metadata: { name: 'c', namespace } };
        await api.patch(theirs, undefined, undefined, 'hand-edit', true, PatchStrategy.ServerSideApply);
        return true;
      },
      offerRestore: async (f) => ((failure = f), true),
    },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PromoteError, `expected a PromoteError, got ${String(err)}`);
  assert.equal(err.stage, 'apply');
  assert.deepEqual(err.applied, ['WorkflowTemplate a (document 1)', 'WorkflowTemplate b (document 2)']);
  assert.deepEqual(failure?.applied, [
    { what: 'WorkflowTemplate a (document 1)', created: false },
    { what: 'WorkflowTemplate b (document 2)', created: true },
  ]);
  assert.equal(failure?.failed, 'WorkflowTemplate c (document 3)');
  const problems = err.problems.join('\n');
  assert.match(problems, /conflict/i, problems);
  assert.match(problems, /Applied before the failure: WorkflowTemplate a \(document 1\) \(updated\), WorkflowTemplate b \(document 2\) \(created\)\./);
  assert.deepEqual(
    err.restored.map((r) => [r.what, r.outcome]),
    [
      ['WorkflowTemplate b (document 2)', 'deleted'],
      ['WorkflowTemplate a (document 1)', 'restored'],
    ],
  );

  const afterA = await read(namespace, 'a');
  assert.deepEqual(diffObjects(beforeA, afterA), [], 'a is as it was before the promote (spec, labels, annotations)');
  assert.equal((afterA as { spec?: { templates?: { container?: { image?: string } }[] } }).spec?.templates?.[0]?.container?.image, 'registry.example/ml:1.0');
  assert.equal(await read(namespace, 'b'), undefined, 'b, which the promote created, is gone');
  const c = (await read(namespace, 'c')) as { spec?: { entrypoint?: string } } | undefined;
  assert.equal(c?.spec?.entrypoint, 'other', "c keeps the other manager's value: the promote never wrote it");
});

test('a second promote of the same file is a no-op: nothing asked, nothing written, every resourceVersion unchanged', async (t) => {
  const namespace = await useNamespace(t, remote, 'promote-noop');
  const text = [template('x', 'registry.example/ml:1.0'), template('y', 'registry.example/ml:1.0')].join('---\n');
  const first = await runPromote({ ...base, kc: kc(), text, namespace, now: () => new Date('2026-12-01T00:00:00Z') }, { confirm: async () => true });
  assert.equal(first.status, 'applied');
  const versions = async () => Promise.all(['x', 'y'].map(async (n) => (await read(namespace, n))?.metadata?.resourceVersion));
  const before = await versions();
  assert.ok(before.every(Boolean));

  let asked = false;
  const second = await runPromote(
    { ...base, kc: kc(), text, namespace, git: { ...base.git, user: 'someone-else' }, now: () => new Date('2026-12-02T00:00:00Z') },
    { confirm: async () => (asked = true) },
  );
  assert.equal(second.status, 'unchanged');
  assert.equal(asked, false, 'no confirmation for a promote that writes nothing');
  assert.deepEqual(await versions(), before, 'no object was written');

  // A real change is still a change.
  const changed = await runPromote({ ...base, kc: kc(), text: text.replace('ml:1.0', 'ml:1.1'), namespace }, { confirm: async () => false });
  assert.equal(changed.status, 'cancelled');
});
