/**
 * Container logs on KWOK's fake nodes. The test environment runs kwok with --enable-crds=Logs,ClusterLogs
 * and points each node's kubelet endpoint at kwok's server, so `pods/<pod>/log` through the real API
 * server reads whatever file a ClusterLogs object names (docs/testenv.md, "Container logs").
 *
 * `useContainerLogs` makes one such file for a test namespace and returns a writer that appends lines in
 * the container runtime's (CRI) log format, which kwok parses like a kubelet does: the test decides
 * when each line "is printed", so it can check that lines arrive while the pod runs.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestCluster } from './testCluster';

export interface ContainerLogWriter {
  /** The file kwok serves. */
  file: string;
  /** Appends one stdout line (a newline is added), stamped now. Returns the stamp. */
  line(text: string): string;
}

interface AfterHook {
  after(fn: () => Promise<void> | void): void;
}

const KWOK = { group: 'kwok.x-k8s.io', version: 'v1alpha1', plural: 'clusterlogs' };

/**
 * Nanosecond RFC 3339 stamps that always increase, even for two lines in the same millisecond (a
 * follower that resumes after a reconnect drops lines by timestamp).
 */
function stamper(): () => string {
  let last = 0n;
  return () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    last = now > last ? now : last + 1n;
    const ms = Number(last / 1_000_000n);
    const iso = new Date(ms).toISOString(); // …T21:45:54.106Z
    const nanos = (last % 1_000_000_000n).toString().padStart(9, '0');
    return `${iso.slice(0, 19)}.${nanos}Z`;
  };
}

/**
 * Serves the log of `containers` (default: Argo's main, the Spark driver) of every pod in `namespace`
 * from a fresh file; the file and the ClusterLogs object go away after the test.
 */
export async function useContainerLogs(
  t: AfterHook,
  cluster: TestCluster,
  namespace: string,
  containers: string[] = ['main', 'spark-kubernetes-driver'],
): Promise<ContainerLogWriter> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `kindling-logs-${namespace}-`));
  const file = path.join(dir, 'container.log');
  writeFileSync(file, '');
  const api = cluster.kc.makeApiClient(CustomObjectsApi);
  await api.createClusterCustomObject({
    ...KWOK,
    body: {
      apiVersion: `${KWOK.group}/${KWOK.version}`,
      kind: 'ClusterLogs',
      metadata: { name: namespace },
      spec: { selector: { matchNamespaces: [namespace] }, logs: [{ containers, logsFile: file, follow: true }] },
    },
  });
  t.after(async () => {
    await api.deleteClusterCustomObject({ ...KWOK, name: namespace }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const stamp = stamper();
  return {
    file,
    line(text: string): string {
      const ts = stamp();
      appendFileSync(file, `${ts} stdout F ${text}\n`);
      return ts;
    },
  };
}
