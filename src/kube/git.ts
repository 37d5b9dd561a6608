/**
 * Git facts for run provenance: HEAD commit, dirty flag, user name. Small and forgiving: outside a
 * repository, or without git installed, fields are simply absent (a run must not fail for this).
 */
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

export interface GitInfo {
  commit?: string;
  /** The working tree has changes (or the file itself is untracked/modified). */
  dirty?: boolean;
  user?: string;
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => resolve(err ? undefined : stdout.trim()));
  });
}

export async function gitInfo(filePath: string): Promise<GitInfo> {
  const cwd = path.dirname(filePath);
  const [commit, status, user] = await Promise.all([
    git(cwd, ['rev-parse', 'HEAD']),
    git(cwd, ['status', '--porcelain', '--untracked-files=normal']),
    git(cwd, ['config', 'user.name']),
  ]);
  return {
    commit: commit && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined,
    dirty: status === undefined ? undefined : status.length > 0,
    user: user || safeOsUser(),
  };
}

function safeOsUser(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}
