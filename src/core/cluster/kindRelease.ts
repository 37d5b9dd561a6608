/**
 * Where Kindling downloads kind from when the user has none, and the SHA-256 each download must
 * have. Nothing is made executable unless its hash matches an entry here.
 *
 * THE SHA-256 VALUES ARE NOT FILLED IN. This project is built on machines that cannot reach
 * github.com / kind.sigs.k8s.io, so the real digests of the v0.33.0 release binaries could not be
 * read, and we will not write down numbers we have not checked. Until someone fills this table from
 * the release's own `kind-<os>-<arch>.sha256sum` files (one command per platform:
 * `curl -sL <url>.sha256sum`), `sha256` is `undefined` and the download offer explains that it
 * cannot verify the file and points to kind's install page instead. This table is the only place
 * to change.
 */
import { KIND_VERSION } from './versions';

export type KindPlatform = 'linux-amd64' | 'linux-arm64' | 'darwin-amd64' | 'darwin-arm64' | 'windows-amd64';

export interface KindDownload {
  platform: KindPlatform;
  url: string;
  /** Lower-case hex SHA-256 of the file at `url`; undefined = not yet recorded (see above). */
  sha256: string | undefined;
  /** File name to store it as. */
  fileName: string;
}

const RELEASE_BASE = `https://github.com/kubernetes-sigs/kind/releases/download/${KIND_VERSION}`;

/** One entry per platform kind publishes binaries for. Fill `sha256` from `<url>.sha256sum`. */
export const KIND_DOWNLOADS: Readonly<Record<KindPlatform, KindDownload>> = {
  'linux-amd64': { platform: 'linux-amd64', url: `${RELEASE_BASE}/kind-linux-amd64`, sha256: undefined, fileName: 'kind' },
  'linux-arm64': { platform: 'linux-arm64', url: `${RELEASE_BASE}/kind-linux-arm64`, sha256: undefined, fileName: 'kind' },
  'darwin-amd64': { platform: 'darwin-amd64', url: `${RELEASE_BASE}/kind-darwin-amd64`, sha256: undefined, fileName: 'kind' },
  'darwin-arm64': { platform: 'darwin-arm64', url: `${RELEASE_BASE}/kind-darwin-arm64`, sha256: undefined, fileName: 'kind' },
  'windows-amd64': { platform: 'windows-amd64', url: `${RELEASE_BASE}/kind-windows-amd64`, sha256: undefined, fileName: 'kind.exe' },
};

/** Maps Node's `process.platform` / `process.arch` to kind's release names. */
export function kindPlatform(platform: string, arch: string): KindPlatform | undefined {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = arch === 'x64' ? 'amd64' : arch;
  const key = `${os}-${cpu}`;
  return key in KIND_DOWNLOADS ? (key as KindPlatform) : undefined;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
