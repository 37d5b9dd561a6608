// A SparkApplication through the real Kubeflow Spark operator: the operator runs the real spark-submit
// (PyPI pyspark), which creates the driver pod through the API; KWOK runs that pod to completion.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getCluster, readTestenvState, useNamespace, waitFor } from '../helpers/testCluster';

const local = getCluster('local');
const custom = local.kc.makeApiClient(CustomObjectsApi);
const core = local.kc.makeApiClient(CoreV1Api);
const sparkApi = { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications' } as const;

interface SparkApplication {
  status?: { applicationState?: { state?: string; errorMessage?: string }; driverInfo?: { podName?: string }; sparkApplicationId?: string };
}

describe('Spark operator on the local test cluster', () => {
  test('a PySpark SparkApplication reaches COMPLETED; spark-submit created the driver pod', async (t) => {
    const namespace = await useNamespace(t, local, 'spark');
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'spark' } } });
    const versions = (readTestenvState()?.versions ?? {}) as { pyspark?: string };
    const sparkVersion = versions.pyspark ?? '4.0.0';
    const body = {
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'SparkApplication',
      metadata: { name: 'pi' },
      spec: {
        type: 'Python',
        pythonVersion: '3',
        mode: 'cluster',
        image: `spark:${sparkVersion}`,
        mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
        arguments: ['10'],
        sparkVersion,
        driver: { cores: 1, memory: '512m', serviceAccount: 'spark', labels: { 'kindling.dev/test': 'spark-pi' } },
        executor: { instances: 1, cores: 1, memory: '512m' },
      },
    };
    const started = Date.now();
    await custom.createNamespacedCustomObject({ ...sparkApi, namespace, body });
    const states: string[] = [];
    const app = await waitFor(
      async () => {
        const obj = (await custom.getNamespacedCustomObject({ ...sparkApi, namespace, name: 'pi' })) as SparkApplication;
        const state = obj.status?.applicationState?.state;
        if (state && states[states.length - 1] !== state) states.push(state);
        return state === 'COMPLETED' || state === 'FAILED' || state === 'SUBMISSION_FAILED' ? obj : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 500, what: `SparkApplication ${namespace}/pi to finish` },
    );
    assert.equal(app.status?.applicationState?.state, 'COMPLETED', `states ${states.join(' → ')}: ${app.status?.applicationState?.errorMessage ?? ''}`);
    t.diagnostic(`SparkApplication states: ${states.join(' → ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // The driver pod was made by spark-submit (its labels and container come from Spark's Kubernetes client).
    const driverName = app.status?.driverInfo?.podName;
    assert.ok(driverName, 'the operator recorded the driver pod');
    const driver = await core.readNamespacedPod({ namespace, name: driverName });
    assert.equal(driver.metadata?.labels?.['spark-role'], 'driver');
    assert.equal(driver.metadata?.labels?.['sparkoperator.k8s.io/app-name'], 'pi');
    assert.equal(driver.metadata?.labels?.['kindling.dev/test'], 'spark-pi');
    assert.ok(driver.spec?.containers.some((c) => c.name === 'spark-kubernetes-driver'), 'Spark-made driver container');
    assert.equal(driver.spec?.containers[0]?.image, `spark:${sparkVersion}`);
    assert.equal(driver.status?.phase, 'Succeeded');
    assert.ok(app.status?.sparkApplicationId?.startsWith('spark-'), `spark-submit assigned an application id (${app.status?.sparkApplicationId})`);
  });
});
