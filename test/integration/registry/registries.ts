/**
 * Real OCI registries for the image-copy tests: Debian's `docker-registry` (the CNCF distribution
 * registry, scripts/setup-machine.sh installs it), started on a free loopback port with its own config
 * and storage in a temp folder, optionally behind basic auth (htpasswd, bcrypt) and TLS (a CA and a
 * server certificate made here with openssl). Its access log is kept, so a test can count the requests
 * a copy made (blob uploads) without trusting the client's own counters.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createSign, X509Certificate } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TestRegistry {
  /** 127.0.0.1:<port> */
  host: string;
  url: string;
  /** CA that signed its certificate (TLS registries). */
  caPem?: string;
  user?: { name: string; password: string };
  /** Query strings the token service (bearer registries) was asked with. */
  tokenRequests?: string[];
  /** Access-log lines ("METHOD /path" → status) written since the start. */
  requests(): { method: string; path: string; status: number }[];
  stop(): Promise<void>;
}

export function hasDockerRegistry(): boolean {
  try {
    execFileSync('docker-registry', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function makeTls(dir: string): { caPem: string; cert: string; key: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-subj', '/CN=kindling-test-registry-ca', '-days', '2', '-sha256', '-out', 'ca.crt']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-subj', '/CN=127.0.0.1', '-out', 'server.csr']);
  writeFileSync(path.join(dir, 'server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-extfile', 'server.ext', '-out', 'server.crt']);
  return { caPem: readFileSync(path.join(dir, 'ca.crt'), 'utf8'), cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key') };
}

async function waitReady(url: string, ca: string | undefined, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}):\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    const status = await new Promise<number>((resolve) => {
      const onAnswer = (res: http.IncomingMessage) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      };
      const req = url.startsWith('https') ? https.get(`${url}/v2/`, { ca }, onAnswer) : http.get(`${url}/v2/`, onAnswer);
      req.on('error', () => resolve(0));
    });
    if (status === 200 || status === 401) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry at ${url} did not answer in 20 s:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

/**
 * A token service for the registry's bearer auth (the distribution "token" auth spec): checks the
 * user's basic credentials, grants the scopes asked for, and signs a JWT (RS256, the signing
 * certificate in the x5c header) that the real registry verifies against its rootcertbundle. The
 * registry, not this service, decides whether a request is allowed.
 */
async function startTokenService(dir: string, user: { name: string; password: string }, service: string, issuer: string): Promise<{ realm: string; bundle: string; requests: string[]; close(): Promise<void> }> {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'signer.key', '-subj', '/CN=kindling-test-token-signer', '-days', '2', '-sha256', '-out', 'signer.crt'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = readFileSync(path.join(dir, 'signer.key'), 'utf8');
  const certDer = new X509Certificate(readFileSync(path.join(dir, 'signer.crt'))).raw.toString('base64');
  const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    requests.push(url.search);
    const expected = `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'bad credentials' }));
      return;
    }
    const access = url.searchParams.getAll('scope').map((scope) => {
      const [type, name, actions] = scope.split(':');
      return { type, name, actions: (actions ?? '').split(',') };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer] }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: user.name, aud: url.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now, jti: `${now}-${Math.random()}`, access }));
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key).toString('base64url');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${header}.${claims}.${signature}`, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    bundle: path.join(dir, 'signer.crt'),
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function startRegistry(opts: { tls?: boolean; user?: { name: string; password: string }; bearer?: boolean } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-registry-'));
  const port = await freePort();
  const tls = opts.tls ? makeTls(dir) : undefined;
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
  ];
  if (tls) lines.push('  tls:', `    certificate: ${tls.cert}`, `    key: ${tls.key}`);
  const token = opts.user && opts.bearer ? await startTokenService(dir, opts.user, 'kindling-test-registry', 'kindling-test-issuer') : undefined;
  if (token) {
    lines.push('auth:', '  token:', `    realm: ${token.realm}`, '    service: kindling-test-registry', '    issuer: kindling-test-issuer', `    rootcertbundle: ${token.bundle}`);
  } else if (opts.user) {
    const htpasswd = execFileSync('htpasswd', ['-Bbn', opts.user.name, opts.user.password], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'htpasswd'), htpasswd);
    lines.push('auth:', '  htpasswd:', '    realm: kindling-test', `    path: ${path.join(dir, 'htpasswd')}`);
  }
  writeFileSync(path.join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const logFile = path.join(dir, 'registry.log');
  const out = openSync(logFile, 'a');
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', out, out] });
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  await waitReady(url, tls?.caPem, child, logFile);
  return {
    host: `127.0.0.1:${port}`,
    url,
    caPem: tls?.caPem,
    user: opts.user,
    tokenRequests: token?.requests,
    requests() {
      return readFileSync(logFile, 'utf8')
        .split('\n')
        .flatMap((line) => {
          const m = line.match(/"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/);
          return m ? [{ method: m[1] as string, path: m[2] as string, status: Number(m[3]) }] : [];
        });
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await token?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- a small image, built here: layers as tar.gz, an OCI config and manifest, pushed with plain fetch ----

/** One regular file in a POSIX ustar archive (enough for an image layer). */
function tarFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad]);
}

export interface Blob {
  digest: string;
  size: number;
  bytes: Buffer;
  mediaType: string;
}

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export function blob(bytes: Buffer, mediaType: string): Blob {
  return { digest: digestOf(bytes), size: bytes.length, bytes, mediaType };
}

/** A layer with one file of `size` pseudo-random (incompressible) bytes, so sizes mean something. */
export function layer(fileName: string, size: number, seed: string): { blob: Blob; diffId: string } {
  const chunks: Buffer[] = [];
  let block = createHash('sha256').update(seed).digest();
  for (let n = 0; n < size; n += block.length) {
    chunks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  const tar = Buffer.concat([tarFile(fileName, Buffer.concat(chunks).subarray(0, size)), Buffer.alloc(1024)]);
  return { blob: blob(gzipSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip'), diffId: digestOf(tar) };
}

export interface BuiltImage {
  manifest: Blob;
  blobs: Blob[];
}

export function image(layers: { blob: Blob; diffId: string }[], architecture = 'amd64'): BuiltImage {
  const config = blob(
    Buffer.from(JSON.stringify({ architecture, os: 'linux', config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } })),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.blob.mediaType, digest: l.blob.digest, size: l.blob.size })),
  };
  return { manifest: blob(Buffer.from(JSON.stringify(manifest)), manifest.mediaType), blobs: [config, ...layers.map((l) => l.blob)] };
}

export function index(images: { image: BuiltImage; architecture: string }[]): Blob {
  const body = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: images.map((i) => ({ mediaType: i.image.manifest.mediaType, digest: i.image.manifest.digest, size: i.image.manifest.size, platform: { os: 'linux', architecture: i.architecture } })),
  };
  return blob(Buffer.from(JSON.stringify(body)), body.mediaType);
}

/** Pushes blobs and a manifest to a plain-http registry with fetch (POST then monolithic PUT ?digest=). */
export async function pushPlain(registry: TestRegistry, repo: string, built: { blobs: Blob[]; manifest: Blob }, reference: string): Promise<void> {
  for (const b of built.blobs) {
    const head = await fetch(`${registry.url}/v2/${repo}/blobs/${b.digest}`, { method: 'HEAD' });
    if (head.status === 200) continue;
    const start = await fetch(`${registry.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
    const location = new URL(start.headers.get('location') ?? '', registry.url);
    location.searchParams.set('digest', b.digest);
    const put = await fetch(location, { method: 'PUT', body: b.bytes, headers: { 'content-type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`blob put ${b.digest}: ${put.status} ${await put.text()}`);
  }
  const put = await fetch(`${registry.url}/v2/${repo}/manifests/${reference}`, { method: 'PUT', body: built.manifest.bytes, headers: { 'content-type': built.manifest.mediaType } });
  if (put.status !== 201) throw new Error(`manifest put: ${put.status} ${await put.text()}`);
}

/** GET of a manifest's bytes from a registry (TLS with its CA, basic auth when it has a user). */
export function getManifestBytes(registry: TestRegistry, repo: string, reference: string): Promise<{ status: number; bytes: Buffer; digest?: string }> {
  const headers: Record<string, string> = {
    accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json',
  };
  if (registry.user) headers.authorization = `Basic ${Buffer.from(`${registry.user.name}:${registry.user.password}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const onAnswer = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks), digest: res.headers['docker-content-digest'] as string | undefined }));
    };
    const url = `${registry.url}/v2/${repo}/manifests/${reference}`;
    const req = registry.caPem ? https.get(url, { headers, ca: registry.caPem }, onAnswer) : http.get(url, { headers }, onAnswer);
    req.on('error', reject);
  });
}
