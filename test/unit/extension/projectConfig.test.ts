import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findProjectConfig } from '../../../src/extension/projectConfig';

const root = mkdtempSync(join(tmpdir(), 'kindling-projectconfig-'));
after(() => rmSync(root, { recursive: true, force: true }));

function file(relative: string, text = ''): string {
  const full = join(root, relative);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

test('the nearest kindling.yaml from the file up to the workspace root wins (one per project in a monorepo)', async () => {
  const workspace = join(root, 'mono');
  const top = file('mono/kindling.yaml');
  const project = file('mono/projects/churn/kindling.yml');
  assert.equal(await findProjectConfig(file('mono/projects/churn/src/train.py'), workspace), project);
  assert.equal(await findProjectConfig(file('mono/projects/other/prep.sh'), workspace), top);
  assert.equal(await findProjectConfig(file('mono/run.py'), workspace), top);
});

test('the search stops at the workspace root and ignores a folder named kindling.yaml', async () => {
  file('outer/kindling.yaml');
  const workspace = join(root, 'outer', 'ws');
  mkdirSync(join(workspace, 'kindling.yaml'), { recursive: true });
  assert.equal(await findProjectConfig(file('outer/ws/a/b.py'), workspace), undefined);
  // A file outside any workspace folder: only its own folder is looked at.
  assert.equal(await findProjectConfig(file('outer/c.py'), undefined), join(root, 'outer', 'kindling.yaml'));
  assert.equal(await findProjectConfig(file('outer/ws/a/d.py'), undefined), undefined);
});
