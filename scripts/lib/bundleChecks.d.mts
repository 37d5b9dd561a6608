// Types for scripts/lib/bundleChecks.mjs, so the unit tier can import it.
export interface MetafileLike {
  outputs: Record<string, { inputs: Record<string, unknown>; imports?: { path: string; external?: boolean }[] }>;
}
export function checkBundles(metafiles: MetafileLike[], rules: { kubeRuntimeImport: string; mustNotLoadKube: string[] }): string[];
