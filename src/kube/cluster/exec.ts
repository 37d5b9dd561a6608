/**
 * Runs a CLI (kind, docker, podman, helm) with a timeout and an AbortSignal, capturing output.
 * No shell: arguments go straight to the program, so paths with spaces are safe.
 */
import { spawn } from 'node:child_process';

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Streams stderr/stdout lines as they come (kind prints its progress on stderr). */
  onLine?: (line: string) => void;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The program could not be started (ENOENT and friends). */
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
  aborted: boolean;
}

export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const child = spawn(command, [...args], { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const finish = (result: Omit<RunResult, 'stdout' | 'stderr' | 'timedOut' | 'aborted'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ ...result, stdout, stderr, timedOut, aborted });
    };
    const kill = () => {
      child.kill('SIGTERM');
      // kind traps SIGTERM to clean up; give it a moment, then make sure.
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, opts.timeoutMs)
      : undefined;
    const onAbort = () => {
      aborted = true;
      kill();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const lines = (chunk: string) => {
      if (!opts.onLine) return;
      for (const line of chunk.split(/\r?\n/)) if (line.trim()) opts.onLine(line);
    };
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      lines(c);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      lines(c);
    });
    child.on('error', (error: NodeJS.ErrnoException) => finish({ code: null, spawnError: error }));
    child.on('close', (code) => finish({ code }));
    child.stdin.on('error', () => undefined); // the program may exit before reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** One-line description of a failed run for error messages. */
export function describeFailure(command: string, result: RunResult): string {
  if (result.spawnError) return `${command} could not be started: ${result.spawnError.code === 'ENOENT' ? 'not found' : result.spawnError.message}`;
  if (result.timedOut) return `${command} did not finish in time`;
  if (result.aborted) return `${command} was cancelled`;
  return (result.stderr.trim() || result.stdout.trim() || `${command} exited with code ${result.code}`);
}
