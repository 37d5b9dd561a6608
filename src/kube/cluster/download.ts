/**
 * Downloads a file and keeps it only if its SHA-256 matches the pinned value. The bytes go to a
 * private temporary file first; only a verified file is renamed into place (and only then made
 * executable), so a tampered or truncated download never sits in the cache looking valid.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SHA256_HEX } from '../../core/cluster/kindRelease';

export interface VerifiedDownload {
  url: string;
  /** Expected lower-case hex SHA-256; undefined refuses to download at all. */
  sha256: string | undefined;
  dest: string;
  executable?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export class ChecksumMismatchError extends Error {
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`The file downloaded from ${url} is not the one Kindling pinned (SHA-256 ${actual}, expected ${expected}). It was deleted and not used.`);
    this.name = 'ChecksumMismatchError';
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Returns `dest` once it holds a file with the pinned digest; `cached` says no network was used. */
export async function downloadVerified(opts: VerifiedDownload): Promise<{ path: string; cached: boolean }> {
  const expected = opts.sha256?.toLowerCase();
  if (!expected || !SHA256_HEX.test(expected)) {
    throw new Error(`No SHA-256 is recorded for ${opts.url}, so Kindling cannot verify it and will not download it.`);
  }
  if ((await exists(opts.dest)) && (await sha256File(opts.dest)) === expected) {
    return { path: opts.dest, cached: true };
  }
  await mkdir(path.dirname(opts.dest), { recursive: true });
  const temp = `${opts.dest}.part-${randomBytes(4).toString('hex')}`;
  try {
    const actual = await fetchTo(opts.url, temp, opts.signal, opts.timeoutMs ?? 5 * 60_000);
    if (actual !== expected) throw new ChecksumMismatchError(opts.url, expected, actual);
    if (opts.executable) await chmod(temp, 0o755);
    await rename(temp, opts.dest);
    return { path: opts.dest, cached: false };
  } finally {
    await rm(temp, { force: true });
  }
}

/** Streams `url` (following redirects, as GitHub release links do) into `file`; returns its SHA-256. */
function fetchTo(url: string, file: string, signal: AbortSignal | undefined, timeoutMs: number, redirects = 5): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : url.startsWith('http:') ? http : undefined;
    if (!client) {
      reject(new Error(`Unsupported URL ${url}`));
      return;
    }
    const req = client.get(url, { signal, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects <= 0) {
          reject(new Error(`Too many redirects from ${url}`));
          return;
        }
        fetchTo(new URL(res.headers.location, url).toString(), file, signal, timeoutMs, redirects - 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new Error(`Downloading ${url} failed: HTTP ${status}`));
        return;
      }
      const hash = createHash('sha256');
      res.on('data', (chunk: Buffer) => hash.update(chunk));
      // 0o600: nobody else can swap the bytes between the check and the rename.
      pipeline(res, createWriteStream(file, { mode: 0o600 })).then(() => resolve(hash.digest('hex')), reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Downloading ${url} timed out`)));
    req.on('error', reject);
  });
}
