import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig, type KindlingConfig } from '../../../src/core/config';
import { buildPipelineRun, listDocuments } from '../../../src/core/pipelineRun';
import { missingParameters, prefillParameters, submitParameters, withParameterValues } from '../../../src/core/pipelineRun/parameters';

const config = ((): KindlingConfig => {
  const { config: c, errors } = loadConfig('version: 1\nimages:\n  default: localhost:5001/p:1.0\n');
  assert.deepEqual(errors, []);
  return c!;
})();
const provenance = { sourceSha256: 'ab'.repeat(32), kindlingVersion: '0.1.0' };
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const workflow = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: train-
spec:
  entrypoint: main
  arguments:
    parameters:
    - name: epochs
      value: "3"
    - name: mode
      value: fast
      enum: [fast, full]
      description: how much data
    - name: region
    - name: from-config
      valueFrom: {configMapKeyRef: {name: c, key: k}}
    - name: lr
      default: 0.01
  templates:
  - name: main
    container: {image: alpine:3.20}
`;
const doc = (text: string): Any => listDocuments(text, 'p.yaml')[0].object as Any;

describe('submit with parameters', () => {
  test("the file's parameters with their defaults, enums and descriptions; valueFrom ones are not asked", () => {
    assert.deepEqual(submitParameters(doc(workflow)), [
      { name: 'epochs', value: '3' },
      { name: 'mode', value: 'fast', options: ['fast', 'full'], description: 'how much data' },
      { name: 'region', value: undefined },
      { name: 'lr', value: '0.01' },
    ]);
  });

  test('a CronWorkflow asks for its workflowSpec parameters; a SparkApplication and a workflow without any ask nothing', () => {
    const cron = `apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: nightly}\nspec:\n  schedule: "0 1 * * *"\n  workflowSpec:\n    arguments:\n      parameters: [{name: day, value: today}]\n`;
    assert.deepEqual(submitParameters(doc(cron)), [{ name: 'day', value: 'today' }]);
    assert.deepEqual(submitParameters(doc('apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata: {name: s}\nspec: {arguments: {parameters: [{name: x}]}}\n')), []);
    assert.deepEqual(submitParameters(doc('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec: {entrypoint: m}\n')), []);
  });

  test("prefill: what was given last time for the file while the parameter still exists and is allowed, else the file's", () => {
    const params = submitParameters(doc(workflow));
    const values = prefillParameters(params, { epochs: '10', mode: 'turbo', gone: 'x', region: 'eu' });
    assert.deepEqual(values, { epochs: '10', mode: 'fast', region: 'eu', lr: '0.01' });
    assert.deepEqual(missingParameters(params, prefillParameters(params, undefined)), ['region']);
  });

  test('values override the list by name, keep its other fields, and add new names', () => {
    const args = withParameterValues({ parameters: [{ name: 'a', value: '1', enum: ['1', '2'] }, { name: 'b', valueFrom: { configMapKeyRef: {} } }] }, { a: '2', b: 'x', c: 'y' });
    assert.deepEqual(args, { parameters: [{ name: 'a', value: '2', enum: ['1', '2'] }, { name: 'b', value: 'x' }, { name: 'c', value: 'y' }] });
  });

  test('the submitted Workflow carries the values and its provenance records them', () => {
    const m = buildPipelineRun({ text: workflow, relativePath: 'p.yaml', config, suffix: 'x1y2z', provenance, parameters: { epochs: '7', mode: 'full', region: 'eu', lr: '0.01' } });
    const wf = m.resource as Any;
    const byName = Object.fromEntries((wf.spec.arguments.parameters as Any[]).map((p) => [p.name, p.value]));
    assert.equal(byName.epochs, '7');
    assert.equal(byName.mode, 'full');
    assert.equal(byName.region, 'eu');
    assert.deepEqual(JSON.parse(wf.metadata.annotations['kindling.dev/parameters']), { epochs: '7', mode: 'full', region: 'eu', lr: '0.01' });
    assert.deepEqual(JSON.parse(wf.spec.podMetadata.annotations['kindling.dev/parameters']), { epochs: '7', mode: 'full', region: 'eu', lr: '0.01' });
    const plain = buildPipelineRun({ text: workflow, relativePath: 'p.yaml', config, suffix: 'x1y2z', provenance });
    assert.equal((plain.resource as Any).metadata.annotations['kindling.dev/parameters'], undefined, 'nothing recorded when nothing was asked');
    assert.equal((plain.resource as Any).spec.arguments.parameters[0].value, '3', "the file's arguments stay as they are");
  });

  test('a WorkflowTemplate run passes only the chosen values; the template keeps its own list', () => {
    const tmpl = workflow.replace('kind: Workflow', 'kind: WorkflowTemplate').replace('generateName: train-', 'name: train');
    const m = buildPipelineRun({ text: tmpl, relativePath: 'p.yaml', config, suffix: 'x1y2z', provenance, parameters: { epochs: '9' } });
    assert.deepEqual((m.resource as Any).spec.arguments, { parameters: [{ name: 'epochs', value: '9' }] });
    assert.equal((m.template as Any).spec.arguments.parameters[0].value, '3');
  });
});
