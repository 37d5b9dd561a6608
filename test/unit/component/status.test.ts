import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeTimings, isTerminal, sparkStatus, withFailureDetail, workflowStatus } from '../../../src/core/component';

test('Argo workflow phases map to run phases, with the failing pod node message', () => {
  assert.equal(workflowStatus({}).phase, 'Pending');
  assert.equal(workflowStatus({ status: { phase: 'Running' } }).phase, 'Running');
  assert.equal(workflowStatus({ status: { phase: 'Succeeded' } }).phase, 'Succeeded');
  const failed = workflowStatus({
    status: {
      phase: 'Failed',
      message: 'child failed',
      nodes: {
        a: { type: 'Steps', phase: 'Failed', message: 'child failed' },
        b: { type: 'Pod', phase: 'Failed', message: 'Error (exit code 1)' },
      },
    },
  });
  assert.deepEqual(failed, { phase: 'Failed', raw: 'Failed', message: 'child failed: Error (exit code 1)' });
  assert.equal(workflowStatus({ status: { phase: 'Error', message: 'x' } }).phase, 'Failed');
  assert.ok(isTerminal('Failed') && isTerminal('Succeeded') && !isTerminal('Running'));
});

test('Spark application states map to run phases', () => {
  assert.equal(sparkStatus({}).phase, 'Pending');
  assert.equal(sparkStatus({ status: { applicationState: { state: 'SUBMITTED' } } }).phase, 'Pending');
  assert.equal(sparkStatus({ status: { applicationState: { state: 'RUNNING' } } }).phase, 'Running');
  assert.equal(sparkStatus({ status: { applicationState: { state: 'COMPLETED' } } }).phase, 'Succeeded');
  assert.deepEqual(sparkStatus({ status: { applicationState: { state: 'FAILED', errorMessage: 'driver pod failed' } } }), {
    phase: 'Failed',
    raw: 'FAILED',
    message: 'driver pod failed',
  });
  assert.equal(sparkStatus({ status: { applicationState: { state: 'SUBMISSION_FAILED' } } }).message, 'SUBMISSION_FAILED');
});

test('timings are described relative to the invocation', () => {
  assert.equal(describeTimings({ invokedAt: 1000, submittedAt: 1040, startedAt: 1300, finishedAt: 4000 }), 'submitted +40 ms · started +300 ms · finished +3.0 s');
  assert.equal(describeTimings({}), '');
});

test('a failed pod\'s reason is added to the run message once, without what the controller already said', () => {
  // Argo's words for the pod reason "Error: exit code 1" (seen in the Run as Component E2E test).
  assert.equal(withFailureDetail('Error (exit code 1)', 'Error: exit code 1'), 'Error (exit code 1)');
  assert.equal(withFailureDetail("child 'main' failed", 'Error: exit code 1'), "child 'main' failed (Error: exit code 1)");
  assert.equal(withFailureDetail('Error (exit code 137)', 'OOMKilled: exit code 137'), 'Error (exit code 137) (OOMKilled)');
  assert.equal(withFailureDetail(undefined, 'Error: exit code 2'), 'Error: exit code 2');
  assert.equal(withFailureDetail('Stopped with strategy Terminate', undefined), 'Stopped with strategy Terminate');
});

test('a suspended Workflow is still Running to Argo; spec.suspend marks it suspended until it ends', () => {
  assert.equal(workflowStatus({ spec: { suspend: true }, status: { phase: 'Running' } }).suspended, true);
  assert.equal(workflowStatus({ spec: { suspend: true }, status: { phase: 'Running' } }).phase, 'Running');
  assert.equal(workflowStatus({ status: { phase: 'Running' } }).suspended, undefined);
  // Stopped while suspended: the run is over, nothing to resume.
  assert.equal(workflowStatus({ spec: { suspend: true }, status: { phase: 'Failed' } }).suspended, undefined);
});
