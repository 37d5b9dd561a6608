// Run provenance from git (src/kube/git.ts), on real repositories made with the real git in a temp folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { gitInfo, parseStatusV2 } from '../../../src/kube/git';

function tempRepo(t: { after(fn: () => void): void }): { dir: string; git: (...args: string[]) => string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-git-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('config', 'user.name', 'Ada Example');
  git('config', 'user.email', 'ada@example.invalid');
  git('config', 'commit.gpgsign', 'false');
  return { dir, git };
}

test('a clean checkout: HEAD commit, not dirty, the repository user', async (t) => {
  const { dir, git } = tempRepo(t);
  writeFileSync(path.join(dir, 'train.py'), 'print(1)\n');
  git('add', 'train.py');
  git('commit', '-q', '-m', 'one');
  const info = await gitInfo(path.join(dir, 'train.py'));
  assert.deepEqual(info, { commit: git('rev-parse', 'HEAD'), dirty: false, user: 'Ada Example' });
});

test('a modified file and an untracked file each make the tree dirty', async (t) => {
  const { dir, git } = tempRepo(t);
  writeFileSync(path.join(dir, 'train.py'), 'print(1)\n');
  git('add', 'train.py');
  git('commit', '-q', '-m', 'one');
  writeFileSync(path.join(dir, 'train.py'), 'print(2)\n');
  assert.equal((await gitInfo(path.join(dir, 'train.py'))).dirty, true);
  git('checkout', '-q', '--', 'train.py');
  writeFileSync(path.join(dir, 'notes.txt'), 'new\n');
  const info = await gitInfo(path.join(dir, 'train.py'));
  assert.equal(info.dirty, true);
  assert.equal(info.commit, git('rev-parse', 'HEAD'));
});

test('status does not rewrite the index (no index.lock taken under a user running git)', async (t) => {
  const { dir, git } = tempRepo(t);
  writeFileSync(path.join(dir, 'train.py'), 'print(1)\n');
  git('add', 'train.py');
  git('commit', '-q', '-m', 'one');
  // Touching the file makes a plain `git status` refresh the index's stat data and write it back.
  const later = new Date(Date.now() + 60_000);
  utimesSync(path.join(dir, 'train.py'), later, later);
  const indexBefore = statSync(path.join(dir, '.git', 'index')).mtimeMs;
  await new Promise((r) => setTimeout(r, 20));
  await gitInfo(path.join(dir, 'train.py'));
  assert.equal(statSync(path.join(dir, '.git', 'index')).mtimeMs, indexBefore);
});

test('outside a repository the git fields are absent and the run still has a user', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-nogit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'x.py'), '');
  const info = await gitInfo(path.join(dir, 'x.py'));
  assert.equal(info.commit, undefined);
  assert.equal(info.dirty, undefined);
  assert.ok(info.user);
});

test('parseStatusV2: commit from branch.oid, none before the first commit, changes are non-header lines', () => {
  const oid = 'a'.repeat(40);
  assert.deepEqual(parseStatusV2(`# branch.oid ${oid}\n# branch.head main`), { commit: oid, dirty: false });
  assert.deepEqual(parseStatusV2('# branch.oid (initial)\n# branch.head main\n? new.py'), { commit: undefined, dirty: true });
  assert.deepEqual(parseStatusV2(`# branch.oid ${oid}\n1 .M N... 100644 100644 100644 ${oid} ${oid} train.py`), { commit: oid, dirty: true });
});
