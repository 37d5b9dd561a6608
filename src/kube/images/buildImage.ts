/**
 * Build Image: `docker build` of the project's Dockerfile and `docker push` to the registry its tag
 * names (the Kindling cluster's local registry, localhost:<port>), then the digest the registry now
 * serves for that tag — what the next run's provenance records. Dependency changes need this; code
 * changes never do (the file is mounted or carried in a ConfigMap).
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { run } from '../cluster/exec';
import { resolveImageDigest } from './digest';

export interface BuildImageInput {
  /** The image to build and push, e.g. localhost:5001/ml-pipelines:0.4.2 (images.default). */
  image: string;
  /** The folder sent to docker as the build context (the folder of kindling.yaml). */
  contextDir: string;
  /** Default: <contextDir>/Dockerfile. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  /** docker's environment (DOCKER_HOST, DOCKER_BUILDKIT, …); default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Every output line of build and push, as it comes. */
  onLine?: (line: string) => void;
  /** Stage changes: "build", "push", "digest". */
  onStage?: (stage: 'build' | 'push' | 'digest', message: string) => void;
  signal?: AbortSignal;
  docker?: string;
}

export interface BuiltImage {
  image: string;
  /** sha256:… of the manifest the registry serves for the tag after the push. */
  digest: string;
  /** repo@digest: the exact image a run on it pulls. */
  pinned: string;
  buildMs: number;
  pushMs: number;
}

export class ImageBuildError extends Error {
  constructor(
    message: string,
    readonly stage: 'setup' | 'build' | 'push' | 'digest',
    /** The last lines docker printed, for the error notification. */
    readonly tail = '',
  ) {
    super(message);
    this.name = 'ImageBuildError';
  }
}

export async function buildImage(input: BuildImageInput): Promise<BuiltImage> {
  const docker = input.docker ?? 'docker';
  const dockerfile = input.dockerfile ?? path.join(input.contextDir, 'Dockerfile');
  try {
    await stat(dockerfile);
  } catch {
    throw new ImageBuildError(`There is no Dockerfile to build ${input.image} from (${dockerfile}). Put one next to kindling.yaml.`, 'setup');
  }
  const lines: string[] = [];
  const onLine = (line: string): void => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
    input.onLine?.(line);
  };
  const fail = (stage: 'build' | 'push', result: Awaited<ReturnType<typeof run>>): ImageBuildError => {
    if (result.spawnError) return new ImageBuildError(`Docker is not available here (${result.spawnError.code ?? result.spawnError.message}): install Docker, or build the image elsewhere.`, stage);
    if (result.aborted) return new ImageBuildError(`docker ${stage} was cancelled.`, stage);
    const tail = lines.slice(-12).join('\n');
    const hint =
      stage === 'push' && /connection refused|no such host|dial tcp/i.test(tail)
        ? ` Is the registry running? The Kindling cluster's registry listens on ${input.image.split('/')[0]} (Create Local Cluster starts it).`
        : '';
    return new ImageBuildError(`docker ${stage} of ${input.image} failed (exit code ${result.code}).${hint}`, stage, tail);
  };

  input.onStage?.('build', `docker build -t ${input.image} ${path.basename(input.contextDir)}`);
  const t0 = Date.now();
  const buildArgs = Object.entries(input.buildArgs ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  const built = await run(docker, ['build', '-t', input.image, '-f', dockerfile, ...buildArgs, input.contextDir], { env: input.env, onLine, signal: input.signal });
  if (built.code !== 0) throw fail('build', built);
  const t1 = Date.now();
  input.onStage?.('push', `docker push ${input.image}`);
  const pushed = await run(docker, ['push', input.image], { env: input.env, onLine, signal: input.signal });
  if (pushed.code !== 0) throw fail('push', pushed);
  const t2 = Date.now();
  input.onStage?.('digest', `resolving the digest of ${input.image} from the registry`);
  let digest: string;
  try {
    // From the registry, not from docker's output: it is what a pull of the tag gets now.
    digest = await resolveImageDigest(input.image);
  } catch (err) {
    throw new ImageBuildError(`${input.image} was pushed, but its digest could not be read from the registry: ${err instanceof Error ? err.message : String(err)}`, 'digest');
  }
  const pushedDigest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed.stdout + pushed.stderr)?.[1];
  if (pushedDigest && pushedDigest !== digest) {
    throw new ImageBuildError(`The registry serves ${digest} for ${input.image}, but docker pushed ${pushedDigest}: another push of the same tag came in between.`, 'digest');
  }
  return { image: input.image, digest, pinned: `${input.image.replace(/[:@][^/]*$/, '')}@${digest}`, buildMs: t1 - t0, pushMs: t2 - t1 };
}
