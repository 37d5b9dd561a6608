// The checksum gate on downloads, against a real HTTP server on 127.0.0.1 (the machines that
// build Kindling cannot reach GitHub, and the logic is the same for any URL).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ALL_MANIFEST_SOURCES } from '../../../src/core/cluster/manifestSources';
import { ChecksumMismatchError, downloadVerified } from '../../../src/kube/cluster/download';
import { loadManifests } from '../../../src/kube/cluster/manifestStore';
import { realManifestDir } from './kindTools';

const genuine = Buffer.from('#!/bin/sh\necho "kind v0.33.0 (stand-in binary)"\n');
const tampered = Buffer.from('#!/bin/sh\necho "owned"\n');
const genuineSha = createHash('sha256').update(genuine).digest('hex');
let server: http.Server;
let base = '';
const hits: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/kind-linux-amd64' });
      res.end();
    } else if (req.url === '/kind-linux-amd64') {
      res.end(genuine);
    } else if (req.url === '/tampered/kind-linux-amd64') {
      res.end(tampered);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function tmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'kindling-dl-'));
}

test('a download with the pinned SHA-256 is kept, made executable, and served from cache next time', async () => {
  const dir = tmpDir();
  const dest = path.join(dir, 'v0.33.0', 'kind');
  const first = await downloadVerified({ url: `${base}/redirect`, sha256: genuineSha, dest, executable: true });
  assert.deepEqual(first, { path: dest, cached: false });
  assert.equal(statSync(dest).mode & 0o777, 0o755);
  const before = hits.length;
  const second = await downloadVerified({ url: `${base}/kind-linux-amd64`, sha256: genuineSha, dest, executable: true });
  assert.equal(second.cached, true);
  assert.equal(hits.length, before, 'no request for a cached, verified file');
});

test('a tampered download is rejected, deleted, and neither cached nor executable', async () => {
  const dir = tmpDir();
  const dest = path.join(dir, 'kind');
  await assert.rejects(
    downloadVerified({ url: `${base}/tampered/kind-linux-amd64`, sha256: genuineSha, dest, executable: true }),
    (e: unknown) => e instanceof ChecksumMismatchError && e.expected === genuineSha && e.actual === createHash('sha256').update(tampered).digest('hex'),
  );
  assert.equal(existsSync(dest), false);
  assert.deepEqual(readdirSync(dir), [], 'no partial file left behind');
});

test('a cached file that was changed on disk is fetched again, not trusted', async () => {
  const dir = tmpDir();
  const dest = path.join(dir, 'kind');
  writeFileSync(dest, tampered, { mode: 0o755 });
  const result = await downloadVerified({ url: `${base}/kind-linux-amd64`, sha256: genuineSha, dest, executable: true });
  assert.equal(result.cached, false);
  assert.deepEqual(readFileSync(dest), genuine);
});

test('without a recorded SHA-256 nothing is downloaded at all', async () => {
  const before = hits.length;
  await assert.rejects(downloadVerified({ url: `${base}/kind-linux-amd64`, sha256: undefined, dest: path.join(tmpDir(), 'kind') }), /cannot verify it and will not download it/);
  assert.equal(hits.length, before);
});

test('HTTP errors are reported with the URL', async () => {
  await assert.rejects(downloadVerified({ url: `${base}/missing`, sha256: genuineSha, dest: path.join(tmpDir(), 'kind') }), /missing failed: HTTP 404/);
});

test('the offline manifest folder: real upstream files pass their pinned SHA-256, an edited one is refused', async () => {
  const dir = realManifestDir();
  const texts = await loadManifests(ALL_MANIFEST_SOURCES, { localDir: dir, cacheDir: tmpDir() });
  assert.equal(texts.size, ALL_MANIFEST_SOURCES.length);
  assert.match(texts.get('argo/argoproj.io_workflows.yaml') ?? '', /kind: CustomResourceDefinition/);

  const edited = tmpDir();
  cpSync(dir, edited, { recursive: true });
  const victim = ALL_MANIFEST_SOURCES.find((s) => s.id === 'argo/workflow-controller-deployment.yaml');
  assert.ok(victim);
  appendFileSync(path.join(edited, victim.localPath), '# harmless-looking edit\n');
  await assert.rejects(loadManifests(ALL_MANIFEST_SOURCES, { localDir: edited, cacheDir: tmpDir() }), (e: unknown) => e instanceof ChecksumMismatchError && e.url.endsWith('workflow-controller-deployment.yaml'));
});
