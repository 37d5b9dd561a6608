// Types for testenv/kind/env.mjs, so TypeScript tests (test/kind/**) can import it.

export const repoRoot: string;

export interface KindTestEnv {
  /** Our own dockerd's socket, `unix://…/docker.sock` (never /var/run/docker.sock). */
  dockerHost: string;
  /** For child processes: DOCKER_HOST, and PATH with the kind binary's folder first (then kubectl's). */
  env: Record<string, string>;
  /** The pinned kind binary (scripts/kind-build.sh). */
  kindBinary: string;
  /** kubectl of the pinned Kubernetes version (host build). */
  kubectlBinary: string;
  /** The kind node image built here, e.g. `kindling-testenv/node:v1.34.4`. */
  nodeImage: string;
  /** Every image the product's add-ons reference, tagged with the product's exact names. */
  addonImages: string[];
  /** The example project's runtime image (`localhost:5001/ml-pipelines:0.4.2`). */
  runtimeImage: string;
}

/** Starts our dockerd if it is not running, builds whatever is missing (progress on stderr). */
export function ensureKindTestEnv(options?: { log?: (line: string) => void }): Promise<KindTestEnv>;
/** Stops the engine only if ensureKindTestEnv started it in this process and no other registered test process still uses it (deleting the kind clusters first). */
export function stopKindTestEnv(): Promise<void>;
/** The same answer as ensureKindTestEnv without starting or building anything. */
export function kindTestEnvInfo(): KindTestEnv;
/** Deletes every kind cluster in our engine; resolves with their names. */
export function deleteKindClusters(options?: { log?: (line: string) => void }): Promise<string[]>;
export function withKindLock<T>(fn: () => Promise<T>, log?: (line: string) => void): Promise<T>;
