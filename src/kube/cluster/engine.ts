/**
 * The container engine kind uses (Docker, or Podman when KIND_EXPERIMENTAL_PROVIDER=podman), for
 * what kind itself does not do: the registry container, warm restarts, writing hosts.toml into nodes.
 */
import type { ContainerEngine, EngineProbe, ExistingState } from '../../core/cluster/doctor';
import { KIND_NETWORK, registryContainerName, registryRunArgs } from '../../core/cluster/registry';
import { describeFailure, run, type RunOptions, type RunResult } from './exec';

export function providerFromEnv(env: NodeJS.ProcessEnv = process.env): ContainerEngine {
  return env.KIND_EXPERIMENTAL_PROVIDER === 'podman' ? 'podman' : 'docker';
}

export class ContainerEngineCli {
  constructor(
    readonly engine: ContainerEngine,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private exec(args: string[], opts: RunOptions = {}) {
    return run(this.engine, args, { timeoutMs: 60_000, env: this.env, ...opts });
  }

  private async ok(args: string[], opts: RunOptions = {}): Promise<string> {
    const result = await this.exec(args, opts);
    if (result.code !== 0) throw new Error(`${this.engine} ${args[0]}: ${describeFailure(this.engine, result)}`);
    return result.stdout;
  }

  async probe(): Promise<EngineProbe> {
    // `info` talks to the daemon; with it down the CLI still prints client info and exits 1.
    const result = await this.exec(['info', '--format', '{{json .}}'], { timeoutMs: 20_000 });
    if (result.spawnError) return { engine: this.engine, cli: false, reachable: false, error: describeFailure(this.engine, result) };
    if (result.code !== 0) return { engine: this.engine, cli: true, reachable: false, error: result.stderr.trim() || result.stdout.trim() };
    try {
      const info = JSON.parse(result.stdout) as { ServerVersion?: string; MemTotal?: number; host?: { memTotal?: number }; version?: { Version?: string } };
      return {
        engine: this.engine,
        cli: true,
        reachable: true,
        serverVersion: info.ServerVersion ?? info.version?.Version,
        memTotalBytes: info.MemTotal ?? info.host?.memTotal,
      };
    } catch {
      return { engine: this.engine, cli: true, reachable: true };
    }
  }

  /** Names and running state of containers matching a label filter or names. */
  async containers(filter: string[]): Promise<Array<{ name: string; running: boolean }>> {
    const out = await this.ok(['ps', '-a', ...filter.flatMap((f) => ['--filter', f]), '--format', '{{.Names}}\t{{.State}}']);
    return out
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const [name, state] = l.split('\t');
        return { name: name.trim(), running: (state ?? '').trim().toLowerCase() === 'running' };
      });
  }

  /** State of the kind node containers of a cluster (kind labels them io.x-k8s.kind.cluster=<name>). */
  async clusterState(clusterName: string): Promise<{ state: ExistingState; nodes: Array<{ name: string; running: boolean }> }> {
    const nodes = await this.containers([`label=io.x-k8s.kind.cluster=${clusterName}`]);
    return { state: summarize(nodes), nodes };
  }

  async registryState(clusterName: string): Promise<ExistingState> {
    const name = registryContainerName(clusterName);
    const found = (await this.containers([`name=^/?${name}$`])).filter((c) => c.name === name);
    return summarize(found);
  }

  /** Whether the engine holds an image by this name (what `kind load docker-image` reads from). */
  async imageExists(image: string): Promise<boolean> {
    const result = await this.exec(['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 20_000 });
    return result.code === 0;
  }

  /** Saves images into one docker-archive tar (layers they share written once). */
  saveImages(images: readonly string[], file: string, opts: RunOptions = {}): Promise<RunResult> {
    const multi = this.engine === 'podman' && images.length > 1 ? ['--multi-image-archive', '--format', 'docker-archive'] : [];
    return this.exec(['save', ...multi, '-o', file, ...images], { timeoutMs: 15 * 60_000, ...opts });
  }

  async start(names: string[], opts: RunOptions = {}): Promise<void> {
    if (names.length) await this.ok(['start', ...names], opts);
  }

  async removeContainer(name: string): Promise<void> {
    await this.ok(['rm', '-f', name]);
  }

  /** Starts (or creates) the registry container and joins it to the kind network. */
  async ensureRegistry(clusterName: string, port: number, opts: RunOptions = {}): Promise<'created' | 'started' | 'running'> {
    const state = await this.registryState(clusterName);
    let outcome: 'created' | 'started' | 'running' = 'running';
    if (state === 'none') {
      await this.ok(registryRunArgs(clusterName, port), { timeoutMs: 300_000, ...opts });
      outcome = 'created';
    } else if (state !== 'running') {
      await this.start([registryContainerName(clusterName)], opts);
      outcome = 'started';
    }
    return outcome;
  }

  /** kind creates the `kind` network; the registry joins it afterwards so nodes can reach it by name. */
  async connectRegistryToKindNetwork(clusterName: string): Promise<void> {
    const name = registryContainerName(clusterName);
    const networks = await this.ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', name]);
    if (networks.includes(`"${KIND_NETWORK}"`)) return;
    await this.ok(['network', 'connect', KIND_NETWORK, name]);
  }

  /** Runs a program in a container (`exec`), without a shell of ours in between. */
  execIn(container: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.exec(['exec', container, ...args], opts);
  }

  /** Writes a file into a node container (`docker exec -i node cp /dev/stdin path`, as kind's guide does). */
  async writeFileInContainer(container: string, dir: string, file: string, content: string): Promise<void> {
    await this.ok(['exec', container, 'mkdir', '-p', dir]);
    await this.ok(['exec', '-i', container, 'cp', '/dev/stdin', `${dir}/${file}`], { input: content });
  }
}

function summarize(containers: Array<{ running: boolean }>): ExistingState {
  if (containers.length === 0) return 'none';
  const running = containers.filter((c) => c.running).length;
  if (running === containers.length) return 'running';
  return running === 0 ? 'stopped' : 'partial';
}
