import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizePods } from '../../../src/core/component';

test('Spark runs: the driver and the executors by phase; one-pod runs: nothing', () => {
  const driver = { name: 'app-driver', phase: 'Running', containers: ['spark-kubernetes-driver'] };
  const exec = (n: number, phase: string) => ({ name: `app-exec-${n}`, phase, containers: ['spark-kubernetes-executor'] });
  assert.equal(summarizePods([driver]), 'driver Running');
  assert.equal(summarizePods([driver, exec(1, 'Running'), exec(2, 'Pending')]), 'driver Running · executors 1 Running, 1 Pending');
  assert.equal(summarizePods([driver, exec(1, 'Running'), exec(2, 'Running')]), 'driver Running · executors 2 Running');
  assert.equal(summarizePods([{ name: 'p', phase: 'Running', containers: ['wait', 'main'] }]), undefined);
  assert.equal(summarizePods([]), undefined);
});
