// Types for scripts/harness.mjs, so the TypeScript E2E harness (test/e2e/harness) can import it.
import type { ChildProcess } from 'node:child_process';

export const repoRoot: string;

export interface HarnessPaths {
  dir: string;
  nodeDir: string;
  /** Node 24 that code-server runs on. */
  node: string;
  codeServerDir: string;
  /** code-server's entry point: run as `<node> <entry> …`. */
  entry: string;
  stamp: string;
  log: string;
}

export interface Harness extends HarnessPaths {
  codeServerVersion: string;
  vscodeVersion: string;
  nodeVersion: string;
  installedAt: string;
  installSeconds: number;
  /** The npm that built the native modules (missing in installs made before it was recorded). */
  npmVersion?: string;
}

export function harnessVersions(): { codeServer: string; node: string };
export function cacheRoot(): string;
export function harnessPaths(): HarnessPaths;
export function readHarness(): Harness | undefined;
export function ensureHarness(options?: { force?: boolean }): Promise<Harness>;

export const defaultUserSettings: Record<string, unknown>;
export function writeUserSettings(userDataDir: string, extra?: Record<string, unknown>): string;
export function vsixPath(): string;
/** Packages when the .vsix is missing or older than its sources: why it packaged, or undefined. */
export function ensureFreshVsix(vsix?: string): string | undefined;
export function installExtension(
  harness: Pick<Harness, 'node' | 'entry'>,
  options: { vsix: string; userDataDir: string; extensionsDir: string },
): { ms: number; output: string };
export function isPortFree(port: number, host?: string): Promise<boolean>;
export function findFreePort(options?: { preferred?: number; host?: string; tries?: number }): Promise<number>;
export function startCodeServer(
  harness: Pick<Harness, 'node' | 'entry'>,
  options: {
    port: number;
    host?: string;
    userDataDir: string;
    extensionsDir: string;
    workspace?: string;
    logFile?: string;
    env?: Record<string, string>;
    timeoutMs?: number;
  },
): Promise<{ child: ChildProcess; url: string; port: number }>;
export function stopCodeServer(child: ChildProcess, graceMs?: number): Promise<void>;
