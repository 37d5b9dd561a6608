/**
 * The local image registry next to the kind cluster, as kind's local-registry guide sets it up:
 * a `registry:2` container published on 127.0.0.1:<port>, joined to the `kind` Docker network,
 * a hosts.toml per node so containerd pulls `localhost:<port>/…` from it, and the KEP-1755
 * `local-registry-hosting` ConfigMap so tools (Tilt, Skaffold, ours) discover it.
 */
import { CONTAINERD_CERTS_DIR } from './kindConfig';
import type { KubeObject } from './objects';
import { REGISTRY_IMAGE } from './versions';

/** The Docker network kind puts its nodes on. */
export const KIND_NETWORK = 'kind';
/** The port the registry listens on inside its container. */
export const REGISTRY_CONTAINER_PORT = 5000;

export function registryContainerName(clusterName: string): string {
  return `${clusterName}-registry`;
}

/** The name images are pushed to from the host, e.g. `localhost:5001/my-image:dev`. */
export function registryHostAlias(port: number): string {
  return `localhost:${port}`;
}

/** Directory inside each node that holds the hosts.toml for the registry alias. */
export function registryHostsDir(port: number): string {
  return `${CONTAINERD_CERTS_DIR}/${registryHostAlias(port)}`;
}

/**
 * hosts.toml: inside the node, `localhost:<port>` is the node itself, so containerd must be told
 * to reach the registry container by its name on the kind network instead.
 */
export function buildRegistryHostsToml(clusterName: string): string {
  return `[host."http://${registryContainerName(clusterName)}:${REGISTRY_CONTAINER_PORT}"]\n`;
}

/** `docker run` arguments for the registry container. */
export function registryRunArgs(clusterName: string, port: number): string[] {
  return [
    'run', '-d', '--restart=always',
    '-p', `127.0.0.1:${port}:${REGISTRY_CONTAINER_PORT}`,
    '--network', 'bridge',
    '--name', registryContainerName(clusterName),
    '--label', `dev.kindling.cluster=${clusterName}`,
    REGISTRY_IMAGE,
  ];
}

export interface ConfigMapObject extends KubeObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string };
  data: Record<string, string>;
}

/** KEP-1755 "Standard for communicating a local registry". */
export function buildLocalRegistryHostingConfigMap(port: number): ConfigMapObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'local-registry-hosting', namespace: 'kube-public' },
    data: {
      'localRegistryHosting.v1': `host: "${registryHostAlias(port)}"\nhelp: "https://kind.sigs.k8s.io/docs/user/local-registry/"\n`,
    },
  };
}
