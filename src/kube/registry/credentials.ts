/**
 * The user's registry credentials, as `docker login` left them: `$DOCKER_CONFIG/config.json` (else
 * `~/.docker/config.json`), resolved by src/core/registry/dockerConfig.ts, and credential helpers run
 * as `docker-credential-<name> get` (the protocol every helper implements: server URL on stdin, JSON
 * `{ Username, Secret }` on stdout).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { credentialsFromHelper, resolveDockerCredentials, type DockerConfigFile, type RegistryCredentials } from '../../core/registry';

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
}

async function readDockerConfig(file: string): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined; // no docker login yet: anonymous
  }
  try {
    return JSON.parse(text) as DockerConfigFile;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}): fix or remove it, then run "docker login" again.`);
  }
}

function runHelper(helper: string, serverUrl: string): Promise<unknown> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = execFile(program, ['get'], { timeout: 30_000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        // "credentials not found" is the helper's way of saying "no login for this server".
        if (/credentials not found/i.test(`${stdout}${stderr}`)) return resolve(undefined);
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${program} is not on PATH` : (stderr.trim() || err.message);
        return reject(new Error(`The Docker credential helper ${program} failed for ${serverUrl}: ${why}.`));
      }
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`The Docker credential helper ${program} answered something that is not JSON for ${serverUrl}.`));
      }
    });
    child.stdin?.end(serverUrl);
  });
}

/** Credentials for `registry` (host[:port]), or undefined for anonymous access. */
export async function loadRegistryCredentials(registry: string, configFile = dockerConfigPath()): Promise<RegistryCredentials | undefined> {
  const config = await readDockerConfig(configFile);
  const found = resolveDockerCredentials(config, registry, configFile);
  if (found?.kind !== 'helper') return found;
  return credentialsFromHelper(await runHelper(found.helper, found.serverUrl), found.from);
}
