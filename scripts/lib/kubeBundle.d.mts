// Types for scripts/lib/kubeBundle.mjs, so the unit tier can import it.
import type { BuildOptions, Plugin } from 'esbuild';

export const KUBE_RUNTIME_IMPORT: string;
export interface KubeBundleState {
  root: string;
  /** Project-relative keys of every file the kube layer reaches. */
  shared: Set<string>;
  /** Keys the feature bundles asked the shared bundle for. */
  requested: Set<string>;
}
export function createKubeBundleState(root: string): KubeBundleState;
export function scanBuildOptions(state: KubeBundleState, base: BuildOptions): BuildOptions;
export function kubeStubPlugin(state: KubeBundleState): Plugin;
export function kubeBuildOptions(state: KubeBundleState, base: BuildOptions): BuildOptions;
