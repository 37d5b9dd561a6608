/**
 * Turns what kind, docker and the API server said into a step, a cause and a fix. Pure, so the
 * wording is unit-tested against the tools' real messages.
 */
import { NODE_IMAGE_SETTING, imageInPullError } from './imagePull';

export type CreateStep =
  | 'doctor'
  | 'registry'
  | 'kind'
  | 'registry-config'
  | 'preload'
  | 'manifests'
  | 'addons'
  | 'ready';

export const STEP_TITLES: Record<CreateStep, string> = {
  doctor: 'Checking Docker, kind and ports',
  registry: 'Starting the local registry',
  kind: 'Creating the kind cluster',
  'registry-config': 'Connecting the registry and mirrors to the cluster',
  preload: 'Loading local images into the node',
  manifests: 'Fetching the add-on manifests',
  addons: 'Installing Argo Workflows and the Spark operator',
  ready: 'Waiting for the controllers',
};

export interface ClassifiedFailure {
  step: CreateStep;
  cause: string;
  fix: string;
}

const PATTERNS: Array<{ test: RegExp; cause: string; fix: string; imagePull?: true }> = [
  {
    test: /Cannot connect to the Docker daemon|failed to get docker info|Is the docker daemon running|error during connect|docker_engine.*The system cannot find/i,
    cause: 'Docker is not running (kind could not talk to the Docker engine).',
    fix: 'Start Docker Desktop or the Docker service, wait until it is running, then try again.',
  },
  {
    test: /podman.*(executable file not found|not found)|failed to check podman version/i,
    cause: 'KIND_EXPERIMENTAL_PROVIDER=podman is set but Podman was not found.',
    fix: 'Install Podman, or unset KIND_EXPERIMENTAL_PROVIDER to use Docker.',
  },
  {
    test: /port is already allocated|address already in use|bind: address already in use|ports are not available/i,
    cause: 'A host port Kindling needs is already taken by another program.',
    fix: 'Free the port (the doctor shows which), or change kindling.cluster.registryPort / kindling.cluster.apiServerPort.',
  },
  {
    test: /failed to pull image|Unable to find image '[^']+' locally|pull access denied|manifest unknown|error pulling image|ErrImagePull|ImagePullBackOff|toomanyrequests|net\/http: TLS handshake timeout|i\/o timeout/i,
    cause: 'An image could not be pulled (no network, a proxy, or a registry rate limit).',
    fix: 'Check the network and proxy settings of Docker, then try again. Pulled images are cached, so a retry continues where it stopped.',
    imagePull: true,
  },
  {
    test: /node\(s\) already exist for a cluster with the name/i,
    cause: 'A kind cluster with this name already exists.',
    fix: 'Use it (Kindling starts it if it is stopped), or delete it first.',
  },
  {
    test: /no space left on device/i,
    cause: 'The container engine ran out of disk space.',
    fix: 'Free space with `docker system prune` (removes unused images and containers), then try again.',
  },
];

export function classifyFailure(step: CreateStep, message: string): ClassifiedFailure {
  for (const pattern of PATTERNS) {
    if (!pattern.test.test(message)) continue;
    if (pattern.imagePull) return { step, ...explainPullFailure(step, message, pattern) };
    return { step, cause: pattern.cause, fix: pattern.fix };
  }
  const line = message.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? message;
  return { step, cause: line, fix: 'See the Kindling output for the full log; run the doctor to check the basics.' };
}

/**
 * Docker pulls two images itself, before any Kubernetes is there: the kind node image (kind step)
 * and the registry image (registry step). Name the image, and for the node image the setting that
 * points at a mirrored copy.
 */
function explainPullFailure(step: CreateStep, message: string, generic: { cause: string; fix: string }): { cause: string; fix: string } {
  const image = imageInPullError(message);
  if (!image) return { cause: generic.cause, fix: generic.fix };
  if (step === 'kind') {
    return {
      cause: `Docker could not pull the kind node image ${image}.`,
      fix: `Check Docker's network and proxy settings, or put the image into Docker yourself (docker pull / docker load), or set ${NODE_IMAGE_SETTING} to a copy in a registry Docker can reach. Then run Create again.`,
    };
  }
  return {
    cause: `Docker could not pull the image ${image}.`,
    fix: `Check Docker's network and proxy settings, or put ${image} into Docker yourself (docker pull / docker load), then run Create again.`,
  };
}

/** An error that already carries step, cause and fix for the user. */
export class ClusterStepError extends Error {
  constructor(
    readonly step: CreateStep,
    readonly reason: string,
    readonly fix: string,
    readonly details?: string,
    /** The cluster exists but is not finished: the UI must say so and offer to delete it. */
    readonly clusterLeftBehind = false,
  ) {
    super(`${STEP_TITLES[step]} failed: ${reason} ${fix}`);
    this.name = 'ClusterStepError';
  }
}
