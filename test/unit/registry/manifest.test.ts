import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToUpload, formatBytes, MANIFEST_ACCEPT, MediaTypes, parseManifest, planBlobs } from '../../../src/core/registry';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const d = (c: string, size = 10, mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip') => ({ mediaType, digest: `sha256:${c.repeat(64)}`, size });

test('the Accept header names all four manifest formats', () => {
  for (const type of Object.values(MediaTypes)) assert.ok(MANIFEST_ACCEPT.includes(type), type);
});

test('image manifests (OCI and Docker v2) and indexes (OCI and Docker manifest list)', () => {
  const oci = parseManifest(enc({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: d('c'), layers: [d('1'), d('2')] }));
  assert.equal(oci.kind, 'image');
  assert.equal(oci.kind === 'image' && oci.layers.length, 2);
  const docker = parseManifest(enc({ schemaVersion: 2, config: d('c'), layers: [] }), `${MediaTypes.dockerManifest}; charset=utf-8`);
  assert.equal(docker.mediaType, MediaTypes.dockerManifest, 'Content-Type used when the body has no mediaType');
  const list = parseManifest(enc({ schemaVersion: 2, mediaType: MediaTypes.dockerManifestList, manifests: [{ ...d('a'), platform: { os: 'linux', architecture: 'arm64' } }] }));
  assert.equal(list.kind, 'index');
  assert.equal(list.kind === 'index' && list.manifests[0]?.platform?.architecture, 'arm64');
  assert.throws(() => parseManifest(enc({ schemaVersion: 1, fsLayers: [] })), /schema 1 is not supported/);
  assert.throws(() => parseManifest(new TextEncoder().encode('<html>')), /not JSON/);
  assert.throws(() => parseManifest(enc({ schemaVersion: 2, layers: [{ size: 1 }], config: d('c') })), /layers\[0\]: a descriptor needs digest and size/);
});

test('blob plan: present blobs skipped, same registry mounts, duplicates once, only uploads count as bytes', () => {
  const plan = planBlobs({ blobs: [d('c', 5), d('1', 100), d('2', 50), d('1', 100)], present: new Set([d('c').digest]), sameRegistry: false });
  assert.deepEqual(plan.map((b) => b.action), ['skip', 'upload', 'upload']);
  assert.equal(bytesToUpload(plan), 150);
  const same = planBlobs({ blobs: [d('1'), d('2')], present: new Set([d('2').digest]), sameRegistry: true });
  assert.deepEqual(same.map((b) => b.action), ['mount', 'skip']);
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(50 * 1024 * 1024), '50 MB');
});
