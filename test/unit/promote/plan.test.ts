import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectImages, pinImages, planPromote } from '../../../src/core/promote';

const TEMPLATE = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: train
  namespace: argo
  resourceVersion: "42"
  uid: abc
spec:
  entrypoint: main
  templates:
    - name: main
      container: { image: "reg/ml:1" }
status: { phase: whatever }
`;

test('a WorkflowTemplate is planned into the target namespace, without server-owned fields', () => {
  const plan = planPromote(TEMPLATE, { namespace: 'team' });
  assert.deepEqual(plan.errors, []);
  assert.equal(plan.documents.length, 1);
  const doc = plan.documents[0]!;
  assert.equal(doc.type.plural, 'workflowtemplates');
  assert.equal(doc.namespace, 'team');
  assert.equal(doc.sourceNamespace, 'argo');
  assert.deepEqual(plan.notes, ['WorkflowTemplate train: namespace "argo" in the file becomes "team".']);
  assert.deepEqual(doc.object.metadata, { name: 'train', namespace: 'team' });
  assert.equal('status' in doc.object, false);
});

test('multi-document files: every promotable kind, empty documents skipped', () => {
  const text = `${TEMPLATE}---
---
apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata: { name: nightly }
spec: {}
---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: { name: etl, namespace: team }
spec: { image: "reg/spark:4" }
`;
  const plan = planPromote(text, { namespace: 'team' });
  assert.deepEqual(plan.errors, []);
  assert.deepEqual(
    plan.documents.map((d) => [d.index, d.type.kind, d.name, d.sourceNamespace]),
    [
      [0, 'WorkflowTemplate', 'train', 'argo'],
      [2, 'CronWorkflow', 'nightly', undefined],
      [3, 'SparkApplication', 'etl', undefined],
    ],
  );
});

test('a bare Workflow is refused with the hint to make it a WorkflowTemplate', () => {
  const plan = planPromote('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { generateName: x- }\nspec: {}\n', { namespace: 'n' });
  assert.equal(plan.documents.length, 0);
  assert.equal(plan.errors.length, 1);
  assert.match(plan.errors[0]!, /^document 1 \(Workflow\): a Workflow is one run.*kind: WorkflowTemplate/);
});

test('unsupported kinds, missing names, duplicates and bad YAML are errors', () => {
  assert.match(planPromote('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n', { namespace: 'n' }).errors[0]!, /v1 ConfigMap cannot be promoted/);
  assert.match(
    planPromote('apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: { generateName: t- }\n', { namespace: 'n' }).errors[0]!,
    /has no metadata.name \(generateName is not enough/,
  );
  const twice = 'apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: { name: c }\n';
  assert.deepEqual(planPromote(`${twice}---\n${twice}`, { namespace: 'n' }).errors, ['CronWorkflow c appears twice in the file.']);
  assert.match(planPromote('a: [', { namespace: 'n' }).errors[0]!, /^The file is not valid YAML/);
  assert.deepEqual(planPromote('', { namespace: 'n' }).errors, ['The file has no documents to promote.']);
  assert.match(planPromote('- 1\n', { namespace: 'n' }).errors[0]!, /not a Kubernetes object/);
});

test('images: collected once each; pinned inline, through kindling.yaml, or not at all', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  const images = collectImages({ a: [{ image: 'x:1' }, { image: 'x:1' }], b: { driver: { image: `y@${digest}` } }, c: { image: 'z:2' } });
  assert.deepEqual(images, ['x:1', `y@${digest}`, 'z:2']);
  assert.deepEqual(pinImages(images, [`z:2@${digest}`, 'x:2']), [
    { image: 'x:1' },
    { image: `y@${digest}`, digest, source: 'reference' },
    { image: 'z:2', digest, source: 'kindling.yaml' },
  ]);
});
