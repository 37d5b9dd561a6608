// Types for scripts/lib/npmEnv.mjs (used by its unit test).
export function innerNpmEnv(baseEnv: NodeJS.ProcessEnv, nodeBinDir: string, extra?: Record<string, string>): Record<string, string>;
export function findNpmCli(env?: NodeJS.ProcessEnv): string | undefined;
