/**
 * Image copy by digest between two real registries on loopback (Debian's docker-registry): a plain
 * http one standing in for Kindling's local registry, and one behind basic auth with TLS (a CA made
 * by the test) standing in for the target environment's. The image is built by the test (layers as
 * tar.gz, an OCI manifest) and pushed with plain fetch; the copy goes through copyImage, the function
 * Promote calls. Uploads are counted from the target registry's own access log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { copyImage, manifestExists, RegistryError, type CopyProgress } from '../../../src/kube/registry';
import { getManifestBytes, hasDockerRegistry, image, index, layer, pushPlain, startRegistry, type TestRegistry } from './registries';

const skip = hasDockerRegistry() ? false : 'docker-registry is not installed (scripts/setup-machine.sh installs it)';
let local: TestRegistry;
let target: TestRegistry;
let dockerConfigFile: string;
const USER = { name: 'promoter', password: 'pr0mote-me' };

function writeDockerConfig(dir: string, auths: Record<string, { auth: string }>): string {
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ auths }));
  return file;
}

before(async () => {
  if (skip) return;
  local = await startRegistry();
  target = await startRegistry({ tls: true, user: USER });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-docker-config-'));
  dockerConfigFile = writeDockerConfig(dir, { [target.host]: { auth: Buffer.from(`${USER.name}:${USER.password}`).toString('base64') } });
});

after(async () => {
  await local?.stop();
  await target?.stop();
});

const blobUploads = (reg: TestRegistry, repo: string) => reg.requests().filter((r) => r.method === 'PUT' && r.path.startsWith(`/v2/${repo}/blobs/uploads/`));

test('a three-layer image is copied by digest to the TLS + basic-auth registry; a second copy uploads nothing', { skip }, async () => {
  const built = image([layer('app/a.bin', 300_000, 'a'), layer('app/b.bin', 200_000, 'b'), layer('app/c.txt', 2_000, 'c')]);
  await pushPlain(local, 'ml/train', built, '0.4.2');
  const options = { [target.host]: { ca: target.caPem } };
  const events: CopyProgress[] = [];

  const first = await copyImage({ source: `${local.host}/ml/train:0.4.2`, targetRegistry: target.host, registryOptions: options, dockerConfigFile, onProgress: (e) => events.push(e) });
  assert.equal(first.digest, built.manifest.digest, 'the digest is kept');
  assert.equal(first.target, `${target.host}/ml/train@${built.manifest.digest}`);
  const copied = await getManifestBytes(target, 'ml/train', built.manifest.digest);
  assert.equal(copied.status, 200);
  assert.ok(copied.bytes.equals(built.manifest.bytes), 'the manifest bytes on the target are the pushed bytes');
  assert.equal(copied.digest, built.manifest.digest);
  assert.equal((await getManifestBytes(target, 'ml/train', '0.4.2')).digest, built.manifest.digest, 'the tag is set on the target too');
  assert.equal(blobUploads(target, 'ml/train').filter((r) => r.status === 201).length, 4, 'config + 3 layers uploaded (target access log)');
  assert.equal(first.bytesUploaded, built.blobs.reduce((s, b) => s + b.size, 0));
  const biggest = built.blobs.reduce((a, b) => (a.size > b.size ? a : b));
  const ofBiggest = events.filter((e) => e.digest === biggest.digest);
  assert.ok(ofBiggest.length >= 2 && ofBiggest.at(-1)?.done && ofBiggest.at(-1)?.transferred === biggest.size, 'progress events per layer, ending at its size');

  const uploadsBefore = blobUploads(target, 'ml/train').length;
  const second = await copyImage({ source: `${local.host}/ml/train:0.4.2`, targetRegistry: target.host, registryOptions: options, dockerConfigFile });
  assert.equal(second.digest, first.digest);
  assert.equal(blobUploads(target, 'ml/train').length, uploadsBefore, 'the second copy made no blob upload (target access log)');
  assert.deepEqual({ uploaded: second.blobs.uploaded, bytes: second.bytesUploaded }, { uploaded: 0, bytes: 0 });
  assert.equal(await manifestExists(`${target.host}/ml/train@${first.digest}`, { ca: target.caPem, dockerConfigFile }), true);
  assert.equal(await manifestExists(`${target.host}/ml/other@${first.digest}`, { ca: target.caPem, dockerConfigFile }), false);
});

test('a multi-platform image index is copied with every child manifest; shared layers are uploaded once', { skip }, async () => {
  const shared = layer('shared.bin', 50_000, 'shared');
  const amd64 = image([shared, layer('amd64.bin', 20_000, 'amd64')], 'amd64');
  const arm64 = image([shared, layer('arm64.bin', 20_000, 'arm64')], 'arm64');
  for (const img of [amd64, arm64]) await pushPlain(local, 'ml/multi', img, img.manifest.digest);
  const idx = index([{ image: amd64, architecture: 'amd64' }, { image: arm64, architecture: 'arm64' }]);
  await pushPlain(local, 'ml/multi', { blobs: [], manifest: idx }, 'v1');

  const result = await copyImage({ source: `${local.host}/ml/multi:v1`, targetRegistry: target.host, registryOptions: { [target.host]: { ca: target.caPem } }, dockerConfigFile });
  assert.equal(result.digest, idx.digest);
  assert.equal(result.manifests, 3, 'the index and its two children');
  for (const child of [amd64, arm64]) {
    const got = await getManifestBytes(target, 'ml/multi', child.manifest.digest);
    assert.ok(got.status === 200 && got.bytes.equals(child.manifest.bytes), `child ${child.manifest.digest} copied byte for byte`);
  }
  assert.ok((await getManifestBytes(target, 'ml/multi', idx.digest)).bytes.equals(idx.bytes));
  // 2 configs + shared + 2 own layers: the shared layer is not sent twice.
  assert.equal(blobUploads(target, 'ml/multi').filter((r) => r.status === 201).length, 5);
});

test('within one registry blobs are mounted from the source repository, not uploaded', { skip }, async () => {
  const built = image([layer('m.bin', 40_000, 'mount')]);
  await pushPlain(local, 'team/a', built, 'v1');
  const result = await copyImage({ source: `${local.host}/team/a:v1`, targetRegistry: `${local.host}/mirror` });
  assert.equal(result.target, `${local.host}/mirror/team/a@${built.manifest.digest}`, 'the target path prefix comes before the repository');
  assert.deepEqual(result.blobs, { uploaded: 0, mounted: 2, skipped: 0 });
  assert.equal(blobUploads(local, 'mirror/team/a').length, 0, 'no PUT of blob bytes');
  assert.ok(local.requests().some((r) => r.method === 'POST' && r.path.includes('mount=') && r.status === 201), 'mount requests answered 201 (access log)');
});

test('auth and TLS failures say which registry and what to do', { skip }, async () => {
  const built = image([layer('x.bin', 1_000, 'auth')]);
  await pushPlain(local, 'ml/auth', built, 'v1');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-docker-config-'));
  const source = `${local.host}/ml/auth:v1`;
  const ca = { [target.host]: { ca: target.caPem } };

  const wrong = writeDockerConfig(dir, { [target.host]: { auth: Buffer.from(`${USER.name}:wrong`).toString('base64') } });
  await assert.rejects(copyImage({ source, targetRegistry: target.host, registryOptions: ca, dockerConfigFile: wrong }), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.match(err.message, new RegExp(`Registry ${target.host.replace('.', '\\.')} refused the credentials for user "promoter" from .*config\\.json auths\\["${target.host.replace('.', '\\.')}"\\] \\(HTTP 401\\): run "docker login ${target.host.replace('.', '\\.')}" again`));
    return true;
  });

  const none = path.join(dir, 'missing.json');
  await assert.rejects(copyImage({ source, targetRegistry: target.host, registryOptions: ca, dockerConfigFile: none }), /needs a login and there are no credentials for it in the Docker config .*: run "docker login 127\.0\.0\.1:\d+"/);

  await assert.rejects(copyImage({ source, targetRegistry: target.host, registryOptions: { [target.host]: { plainHttp: false } }, dockerConfigFile }), /The TLS certificate of registry 127\.0\.0\.1:\d+ is not trusted \(.*\): give the CA/);

  await assert.rejects(copyImage({ source: `${local.host}/ml/absent:v1`, targetRegistry: target.host, registryOptions: ca, dockerConfigFile }), /is not in registry 127\.0\.0\.1:\d+ \(HTTP 404\): push it there first/);
});

test('bearer token auth: the token service is asked for pull,push on the target repository and the real registry accepts its token', { skip }, async () => {
  const bearer = await startRegistry({ user: USER, bearer: true });
  try {
    const built = image([layer('t.bin', 5_000, 'token')]);
    await pushPlain(local, 'ml/token', built, 'v1');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-docker-config-'));
    const config = writeDockerConfig(dir, { [bearer.host]: { auth: Buffer.from(`${USER.name}:${USER.password}`).toString('base64') } });
    const result = await copyImage({ source: `${local.host}/ml/token:v1`, targetRegistry: bearer.host, dockerConfigFile: config });
    assert.equal(result.digest, built.manifest.digest);
    assert.ok(bearer.tokenRequests?.some((q) => new URLSearchParams(q).getAll('scope').includes('repository:ml/token:pull,push')), bearer.tokenRequests?.join('\n'));
    assert.ok(bearer.requests().some((r) => r.method === 'PUT' && r.path === `/v2/ml/token/manifests/${built.manifest.digest}` && r.status === 201), 'manifest accepted with the token');

    const wrong = writeDockerConfig(dir, { [bearer.host]: { auth: Buffer.from(`${USER.name}:nope`).toString('base64') } });
    await assert.rejects(copyImage({ source: `${local.host}/ml/token:v1`, targetRegistry: `${bearer.host}/other`, dockerConfigFile: wrong }), /Registry 127\.0\.0\.1:\d+ refused the credentials for user "promoter" .*\(HTTP 401\): run "docker login/);
  } finally {
    await bearer.stop();
  }
});

test('chunked upload: a blob larger than the chunk size goes up in PATCH chunks with Content-Range, then PUT ?digest=', { skip }, async () => {
  const big = layer('big.bin', 300_000, 'chunked');
  const built = image([big]);
  await pushPlain(local, 'ml/chunked', built, 'v1');
  const result = await copyImage({ source: `${local.host}/ml/chunked:v1`, targetRegistry: target.host, registryOptions: { [target.host]: { ca: target.caPem } }, dockerConfigFile, chunkSize: 64 * 1024 });
  assert.equal(result.digest, built.manifest.digest);
  const patches = target.requests().filter((r) => r.method === 'PATCH' && r.path.startsWith('/v2/ml/chunked/blobs/uploads/') && r.status === 202);
  assert.equal(patches.length, Math.ceil(big.blob.size / (64 * 1024)), `one PATCH per 64 KiB of the ${big.blob.size}-byte layer (the small config goes in one PUT)`);
  const got = await getManifestBytes(target, 'ml/chunked', built.manifest.digest);
  assert.ok(got.bytes.equals(built.manifest.bytes));
});
