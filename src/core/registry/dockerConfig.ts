/**
 * Which credentials the user's Docker config (`~/.docker/config.json`) gives for a registry, the way
 * the docker CLI reads it: `credHelpers[host]` first, then an inline `auths[host].auth` (base64
 * `user:password`) or `username`/`password`, then `credsStore` (the default helper). Docker Hub is
 * stored under `https://index.docker.io/v1/`; other hosts may be stored with a scheme or a path.
 */
import { DOCKER_HUB } from './reference';

export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export type RegistryCredentials =
  | { kind: 'basic'; username: string; password: string; from: string }
  /** An OAuth refresh token (`identitytoken`): exchanged at the token endpoint. */
  | { kind: 'identity-token'; token: string; from: string }
  /** Run `docker-credential-<helper> get` with the server URL on stdin. */
  | { kind: 'helper'; helper: string; serverUrl: string; from: string };

const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/** `https://host:5000/v2/` → `host:5000`. */
export function normalizeAuthKey(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

function keysFor(registry: string): string[] {
  return registry === DOCKER_HUB ? HUB_KEYS : [registry.toLowerCase()];
}

function decodeBasic(auth: string): { username: string; password: string } | undefined {
  let text: string;
  try {
    text = new TextDecoder().decode(Uint8Array.from(atob(auth.trim()), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function resolveDockerCredentials(config: DockerConfigFile | undefined, registry: string, configPath = '~/.docker/config.json'): RegistryCredentials | undefined {
  if (!config) return undefined;
  const wanted = new Set(keysFor(registry).map(normalizeAuthKey));
  const serverUrl = registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (wanted.has(normalizeAuthKey(key)) && helper) return { kind: 'helper', helper, serverUrl: key, from: `${configPath} credHelpers["${key}"]` };
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (!wanted.has(normalizeAuthKey(key)) || !entry) continue;
    const from = `${configPath} auths["${key}"]`;
    if (entry.identitytoken) return { kind: 'identity-token', token: entry.identitytoken, from };
    if (entry.auth) {
      const basic = decodeBasic(entry.auth);
      if (basic) return { kind: 'basic', ...basic, from };
    }
    if (entry.username && entry.password) return { kind: 'basic', username: entry.username, password: entry.password, from };
  }
  if (config.credsStore) return { kind: 'helper', helper: config.credsStore, serverUrl, from: `${configPath} credsStore` };
  return undefined;
}

/** A credential helper's `get` answer: `{ ServerURL, Username, Secret }`; `<token>` as user means an identity token. */
export function credentialsFromHelper(answer: unknown, from: string): RegistryCredentials | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { Username, Secret } = answer as { Username?: unknown; Secret?: unknown };
  if (typeof Secret !== 'string' || !Secret) return undefined;
  if (Username === '<token>') return { kind: 'identity-token', token: Secret, from };
  if (typeof Username !== 'string' || !Username) return undefined;
  return { kind: 'basic', username: Username, password: Secret, from };
}
