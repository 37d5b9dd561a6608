// Build-time checks over esbuild metafiles (scripts/build.mjs fails the build on any problem).
// Pure functions so the unit tier can feed them metafiles that should fail.

/** Matches an input path of @kubernetes/client-node, wherever node_modules sits. */
const CLIENT_NODE = /(^|\/)node_modules\/@kubernetes\/client-node\//;

/**
 * @param {{ outputs: Record<string, { inputs: Record<string, unknown>, imports?: { path: string, external?: boolean }[] }> }[]} metafiles
 * @param {{ kubeRuntimeImport: string, mustNotLoadKube: string[] }} rules
 *   kubeRuntimeImport: how feature bundles require the shared bundle; mustNotLoadKube: output files
 *   (e.g. dist/extension.js) that must neither contain client-node nor require the shared bundle.
 * @returns {string[]} problems, empty when the bundles are fine
 */
export function checkBundles(metafiles, rules) {
  const problems = [];
  const outputs = metafiles.flatMap((m) => Object.entries(m.outputs)).filter(([file]) => !file.endsWith('.map'));
  const withClientNode = outputs.filter(([, out]) => Object.keys(out.inputs).some((input) => CLIENT_NODE.test(input.replace(/\\/g, '/'))));
  if (withClientNode.length > 1) {
    problems.push(
      `@kubernetes/client-node is bundled into ${withClientNode.length} outputs (${withClientNode.map(([f]) => f).join(', ')}); ` +
        'it must live only in the shared kube bundle — import src/kube from features, not client-node directly, and build them with kubeStubPlugin',
    );
  }
  for (const [file, out] of outputs) {
    if (!rules.mustNotLoadKube.includes(file)) continue;
    if (withClientNode.some(([f]) => f === file)) problems.push(`${file} contains @kubernetes/client-node but must stay free of it`);
    if ((out.imports ?? []).some((i) => i.path === rules.kubeRuntimeImport)) problems.push(`${file} requires the shared kube bundle but must stay free of it`);
  }
  return problems;
}
