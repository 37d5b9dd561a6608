/**
 * Debug as Component on the shared Kindling cluster through the same src/kube calls the extension
 * makes (prepareComponent → debugManifests → startDebugRun → port-forward), and a DAP client that
 * does what VS Code does on attach: initialize → attach with pathMappings → setBreakpoints →
 * configurationDone → wait for `stopped`. Used by test/kind/debug and the debug benchmark.
 */
import * as path from 'node:path';
import { debugAttachArguments, debugManifests, type ComponentManifests } from '../../../src/core/component';
import type { KindlingConfig } from '../../../src/core/config';
import { DapClient, startDebugRun, type DapMessage, type DebugRun } from '../../../src/kube/debug';
import { RunLogFollower } from '../../../src/kube/runs';
import { prepareOnCluster } from './runFile';
import type { KindlingCluster } from './kindlingCluster';

export interface DebugStart {
  manifests: ComponentManifests;
  run: DebugRun;
  invokedAt: number;
  /** The pod's log as it arrives. */
  output: () => string;
  follower: RunLogFollower;
}

export async function startDebugFile(
  cluster: KindlingCluster,
  filePath: string,
  config: KindlingConfig,
  opts: { args?: string[]; debugpyNodePath?: string; pendingTimeoutMs?: number; connectTimeoutMs?: number; resolveLocalDigest?: boolean } = {},
): Promise<DebugStart> {
  const kc = cluster.kc;
  const { namespace, manifests: prepared, invokedAt } = await prepareOnCluster(cluster, filePath, config, {
    args: opts.args,
    kind: 'script',
    resolveLocalDigest: opts.resolveLocalDigest ?? true,
  });
  const manifests = debugManifests(prepared, { debugpyNodePath: opts.debugpyNodePath });
  let output = '';
  const follower = new RunLogFollower(kc, namespace, { data: (_pod, text) => (output += text), note: () => undefined });
  const run = await startDebugRun(kc, manifests, {
    invokedAt,
    onPod: (p) => follower.onPod(p),
    pendingTimeoutMs: opts.pendingTimeoutMs,
    connectTimeoutMs: opts.connectTimeoutMs,
    // The forward's own account (retries while debugpy opens its port, errors) in the test's log.
    log: (m) => process.stderr.write(`[port-forward] ${m}\n`),
    onForwardError: (e) => process.stderr.write(`[port-forward] error: ${e.message}\n`),
  });
  return { manifests, run, invokedAt, output: () => output, follower };
}

export interface Paused {
  dap: DapClient;
  stopped: DapMessage;
  threadId: number;
  /** The top frame: its line and the path the debugger reports (mapped back to this machine). */
  frame: { id: number; line: number; path?: string; name: string };
  /** Breakpoints as debugpy answered setBreakpoints. */
  breakpoints: { verified?: boolean; line?: number }[];
  stoppedAt: number;
}

/** What VS Code does for a `kindling` attach session, up to the first stop at `line` of `filePath`. */
export async function attachAndPause(
  port: number,
  filePath: string,
  line: number,
  timeoutMs = 60_000,
  attachArguments: Record<string, unknown> = { ...debugAttachArguments(path.dirname(filePath)) },
): Promise<Paused> {
  const dap = await DapClient.open(port);
  await dap.request('initialize', {
    clientID: 'kindling-kind-test',
    adapterID: 'kindling',
    pathFormat: 'path',
    linesStartAt1: true,
    columnsStartAt1: true,
    supportsVariableType: true,
  });
  const attach = dap.send('attach', attachArguments);
  await dap.waitForEvent('initialized', timeoutMs);
  const set = await dap.request('setBreakpoints', { source: { path: filePath }, breakpoints: [{ line }] });
  await dap.request('configurationDone');
  await attach.response;
  const stopped = await dap.waitForEvent('stopped', timeoutMs);
  const stoppedAt = Date.now();
  const threadId = Number(stopped.body?.threadId);
  const trace = await dap.request('stackTrace', { threadId, startFrame: 0, levels: 1 });
  const top = (trace.body?.stackFrames as { id: number; line: number; name: string; source?: { path?: string } }[])[0];
  return {
    dap,
    stopped,
    threadId,
    frame: { id: top.id, line: top.line, path: top.source?.path, name: top.name },
    breakpoints: (set.body?.breakpoints as { verified?: boolean; line?: number }[]) ?? [],
    stoppedAt,
  };
}

/** The frame's local variables by name (values as debugpy renders them, e.g. "98"). */
export async function locals(dap: DapClient, frameId: number): Promise<Map<string, string>> {
  const scopes = await dap.request('scopes', { frameId });
  const local = (scopes.body?.scopes as { name: string; variablesReference: number }[]).find((s) => /^locals$/i.test(s.name));
  if (!local) throw new Error(`no Locals scope: ${JSON.stringify(scopes.body)}`);
  const vars = await dap.request('variables', { variablesReference: local.variablesReference });
  return new Map((vars.body?.variables as { name: string; value: string }[]).map((v) => [v.name, v.value]));
}
