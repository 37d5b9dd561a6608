/**
 * Git facts for run provenance: HEAD commit, dirty flag, user name. Small and forgiving: outside a
 * repository, or without git installed, fields are simply absent (a run must not fail for this).
 *
 * This sits on the Run-as-Component path, so it costs one git process per run: `status --porcelain=v2
 * --branch` reports HEAD's commit and the changes together (it used to be three processes), and the
 * user name, which a run almost never sees change, is read once per folder and kept for a few minutes.
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

/** How long a folder's `user.name` is reused before git is asked again. */
export const USER_NAME_TTL_MS = 5 * 60_000;

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    // --no-optional-locks: status would otherwise refresh and rewrite the index under index.lock, and a
    // git command the user runs at the same moment would fail on that lock.
    execFile('git', ['--no-optional-locks', ...args], { cwd, timeout: 5000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) =>
      resolve(err ? undefined : stdout.trim()),
    );
  });
}

/**
 * Reads `git status --porcelain=v2 --branch`: the `# branch.oid` header carries HEAD's commit
 * ("(initial)" before the first commit); any line that is not a `#` header is a change.
 */
export function parseStatusV2(output: string): { commit?: string; dirty: boolean } {
  let commit: string | undefined;
  let dirty = false;
  for (const line of output.split('\n')) {
    if (line.startsWith('# branch.oid ')) {
      const oid = line.slice('# branch.oid '.length).trim();
      if (/^[0-9a-f]{40,64}$/.test(oid)) commit = oid;
    } else if (line.length > 0 && !line.startsWith('#')) {
      dirty = true;
    }
  }
  return { commit, dirty };
}

const userNames = new Map<string, { at: number; name: Promise<string | undefined> }>();

function userName(cwd: string, now: number): Promise<string | undefined> {
  const cached = userNames.get(cwd);
  if (cached && now - cached.at < USER_NAME_TTL_MS) return cached.name;
  const name = git(cwd, ['config', 'user.name']);
  userNames.set(cwd, { at: now, name });
  return name;
}

export async function gitInfo(filePath: string): Promise<GitInfo> {
  const cwd = path.dirname(filePath);
  const [status, user] = await Promise.all([
    git(cwd, ['status', '--porcelain=v2', '--branch', '--untracked-files=normal']),
    userName(cwd, Date.now()),
  ]);
  const parsed = status === undefined ? undefined : parseStatusV2(status);
  return {
    commit: parsed?.commit,
    dirty: parsed?.dirty,
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
