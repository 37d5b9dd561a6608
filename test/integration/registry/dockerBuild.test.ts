/**
 * An image made by a real `docker build` and pushed by `docker push` (Docker's own manifest and
 * compression, not the test's), copied by digest to the TLS + basic-auth registry. Needs the kind test
 * tier's own dockerd (testenv/kind/engine.mjs); this test uses it when it is already running and does
 * not start it (starting and building the kind environment belongs to the kind tier).
 */

/** Docker's /_ping on the engine's socket: 200 when it is up. */
function engineAnswers(dockerHost: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath: dockerHost.replace(/^unix:\/\//, ''), path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => (req.destroy(), resolve(false)));
    req.end();
  });
}
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as http from 'node:http';
import { kindTestEnvInfo } from '../../../testenv/kind/env.mjs';
import { copyImage } from '../../../src/kube/registry';
import { getManifestBytes, hasDockerRegistry, startRegistry, type TestRegistry } from './registries';

let engine: { healthy: boolean; dockerHost: string };
let skip: string | false = false;
const USER = { name: 'builder', password: 'b-secret' };
let local: TestRegistry;
let target: TestRegistry;

before(async () => {
  const { dockerHost } = kindTestEnvInfo();
  engine = { dockerHost, healthy: await engineAnswers(dockerHost) };
  skip = !hasDockerRegistry() ? 'docker-registry is not installed (scripts/setup-machine.sh installs it)' : !engine.healthy ? "the kind tier's dockerd is not running (node scripts/testenv.mjs kind up starts it)" : false;
  if (skip) return;
  local = await startRegistry();
  target = await startRegistry({ tls: true, user: USER });
});

after(async () => {
  await local?.stop();
  await target?.stop();
});

function docker(args: string[], cwd?: string): string {
  return execFileSync('docker', ['--host', engine.dockerHost, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

test('an image built with docker build and pushed with docker push is copied with its digest', async (t) => {
  if (skip) return t.skip(skip);
  const context = mkdtempSync(path.join(os.tmpdir(), 'kindling-docker-build-'));
  // FROM scratch: no base image to pull (no registry is reachable); two COPY steps make two layers.
  writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY model.bin /model.bin\nCOPY train.py /app/train.py\n');
  writeFileSync(path.join(context, 'model.bin'), Buffer.alloc(200_000, 7));
  writeFileSync(path.join(context, 'train.py'), `print("built ${Date.now()}")\n`);
  const ref = `${local.host}/ml/built:v1`;
  docker(['build', '-t', ref, '.'], context);
  try {
    const pushed = docker(['push', ref]);
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed)?.[1];
    assert.ok(digest, pushed);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-docker-config-'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [target.host]: { auth: Buffer.from(`${USER.name}:${USER.password}`).toString('base64') } } }));
    const options = { [target.host]: { ca: target.caPem } };
    const dockerConfigFile = path.join(dir, 'config.json');
    const first = await copyImage({ source: ref, targetRegistry: target.host, registryOptions: options, dockerConfigFile });
    assert.equal(first.digest, digest, 'the digest docker push reported');
    const source = await getManifestBytes(local, 'ml/built', digest);
    const copied = await getManifestBytes(target, 'ml/built', digest);
    assert.ok(copied.status === 200 && copied.bytes.equals(source.bytes), 'manifest bytes identical');
    assert.ok(first.blobs.uploaded >= 3, `config + 2 layers uploaded (${JSON.stringify(first.blobs)})`);

    const puts = target.requests().filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/')).length;
    const second = await copyImage({ source: ref, targetRegistry: target.host, registryOptions: options, dockerConfigFile });
    assert.equal(second.blobs.uploaded, 0);
    assert.equal(target.requests().filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/')).length, puts, 'no blob upload the second time (access log)');
  } finally {
    docker(['rmi', '-f', ref]);
  }
});
