// Process bookkeeping for the test environment: every process `up` starts is detached, logs to
// <run>/logs/<name>.log and is recorded in <run>/pids/<name>.pid together with its binary path, so
// `down` stops exactly the processes it started (checked against /proc/<pid>/cmdline), by PID.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function pidFile(runDir, name) {
  return join(runDir, 'pids', `${name}.pid`);
}

export function logFile(runDir, name) {
  return join(runDir, 'logs', `${name}.log`);
}

/** The recorded process of a component if it is still alive and is still the binary we started. */
export function trackedProcess(runDir, name) {
  const file = pidFile(runDir, name);
  if (!existsSync(file)) return undefined;
  let rec;
  try {
    rec = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  try {
    const cmdline = readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8');
    if (!cmdline.startsWith(rec.binary)) return undefined; // pid reused by something else
    const stat = readFileSync(`/proc/${rec.pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z /.test(stat)) return undefined; // zombie
  } catch {
    return undefined;
  }
  return rec;
}

export function startProcess(runDir, name, binary, args, { env = {}, cwd, inputs = {} } = {}) {
  mkdirSync(join(runDir, 'pids'), { recursive: true });
  mkdirSync(join(runDir, 'logs'), { recursive: true });
  const log = logFile(runDir, name);
  const fd = openSync(log, 'a');
  writeFileSync(fd, `\n==== ${new Date().toISOString()} starting ${binary} ${args.join(' ')}\n`);
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...env }, cwd });
  closeSync(fd);
  child.unref();
  // env: only the component's own variables (not process.env), and inputs: digests of the files it read
  // at start, so `up` can tell when either changed.
  const rec = { pid: child.pid, binary, args, env, inputs, startedAt: new Date().toISOString(), log };
  writeFileSync(pidFile(runDir, name), JSON.stringify(rec, null, 2) + '\n');
  return rec;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function alive(pid) {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** Stops a tracked component (SIGTERM, then SIGKILL after `graceMs`; `signal: 'SIGKILL'` kills at once). */
export async function stopProcess(runDir, name, { signal = 'SIGTERM', graceMs = 10_000 } = {}) {
  const rec = trackedProcess(runDir, name);
  if (rec) {
    try {
      process.kill(rec.pid, signal);
    } catch {
      /* already gone */
    }
    const deadline = Date.now() + graceMs;
    while (alive(rec.pid) && Date.now() < deadline) await sleep(100);
    if (alive(rec.pid)) {
      try {
        process.kill(rec.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      while (alive(rec.pid)) await sleep(50);
    }
  }
  rmSync(pidFile(runDir, name), { force: true });
  return Boolean(rec);
}

/** True when nothing listens on 127.0.0.1:port. */
export function portFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export function tailOf(file, lines = 25) {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}
