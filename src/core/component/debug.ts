/**
 * Debug as Component: the same manifests and provenance as a run, except that the container starts
 * the user's file under debugpy, listening inside the pod and waiting for the client. Pure: the
 * controller builds the run with buildComponent, then passes it through debugManifests.
 *
 * The pod first checks that the image has debugpy and, if not, exits with DEBUGPY_MISSING_EXIT and
 * a marker line, so Kindling can tell "no debugpy" from the script failing and offer a fix instead
 * of changing the image silently.
 */
import { POD_WORKSPACE_PATH } from './build';
import { shQuote } from './naming';
import { ComponentError, type ComponentManifests, type ContainerSpec, type VolumeMountSpec, type VolumeSpec, type Workflow } from './types';

/** debugpy's usual port; only reachable through the port-forward (no Service is created). */
export const DEBUGPY_PORT = 5678;
/** The pod's exit code when `import debugpy` fails (an unusual code, so a script's own failures are not mistaken for it). */
export const DEBUGPY_MISSING_EXIT = 86;
/** Printed by the pod before that exit; the controller looks for it in the log as well. */
export const DEBUGPY_MISSING_MARKER = 'kindling: debugpy is not installed in this image';
/** The launcher's last line before debugpy starts: the image has debugpy, the port opens next. */
export const DEBUGPY_WAITING_PATTERN = /kindling: debugpy (\S+) waiting for the debugger/;
/** Where a debugpy staged by Kindling (no image rebuild) is mounted in the pod, and put on PYTHONPATH. */
export const POD_DEBUGPY_PATH = '/opt/kindling/debugpy';
export const DEBUGPY_VOLUME = 'kindling-debugpy';
/** Label on the run and its pods: the Runs view marks debug runs, and listings can select them. */
export const DEBUG_LABEL = 'kindling.dev/debug';

export interface DebugOptions {
  /**
   * A debugpy folder (an unpacked wheel) on the node, mounted read-only at POD_DEBUGPY_PATH: for
   * images without debugpy, on the Kindling kind cluster (the workspace is on the node). Absent: the
   * image's own debugpy.
   */
  debugpyNodePath?: string;
}

/**
 * The run's manifests with the container started under debugpy. Only one-step script runs: a PySpark
 * file is debugged by running its driver code as a script (Spark in local mode inside the pod), so the
 * caller prepares it with kind "script".
 */
export function debugManifests(m: ComponentManifests, opts: DebugOptions = {}): ComponentManifests {
  if (m.kind !== 'script' || m.resource.kind !== 'Workflow') {
    throw new ComponentError(`Debug as Component runs Python files (a PySpark file's driver code included); this is a ${m.kind} component.`, 'unsupported-file');
  }
  const wf: Workflow = structuredClone(m.resource);
  const template = wf.spec.templates.find((t) => t.name === wf.spec.entrypoint);
  const container = template?.container;
  const filePath = container?.command?.[container.command.length - 1];
  if (!template || !container || !filePath) throw new ComponentError('The run has no container to debug.', 'bad-input');
  const mounts: VolumeMountSpec[] = [...(container.volumeMounts ?? [])];
  if (opts.debugpyNodePath) {
    const volume: VolumeSpec = { name: DEBUGPY_VOLUME, hostPath: { path: opts.debugpyNodePath, type: 'Directory' } };
    wf.spec.volumes = [...wf.spec.volumes, volume];
    mounts.push({ name: DEBUGPY_VOLUME, mountPath: POD_DEBUGPY_PATH, readOnly: true });
  }
  const debugContainer: ContainerSpec = {
    ...container,
    command: ['sh', '-c', debugLauncher(Boolean(opts.debugpyNodePath)), filePath],
    args: container.args ?? [],
    volumeMounts: mounts,
  };
  template.container = debugContainer;
  wf.metadata.labels = { ...wf.metadata.labels, [DEBUG_LABEL]: 'true' };
  wf.spec.podMetadata = { ...wf.spec.podMetadata, labels: { ...wf.spec.podMetadata.labels, [DEBUG_LABEL]: 'true' } };
  return { ...m, resource: wf };
}

/**
 * `sh -c <this> <file> <args…>`: check for debugpy, then replace the shell with
 * `python -m debugpy --listen 0.0.0.0:5678 --wait-for-client <file> <args…>` (so signals and the exit
 * code are the script's own).
 */
export function debugLauncher(staged: boolean): string {
  const lines = ['set -u'];
  if (staged) lines.push(`export PYTHONPATH=${shQuote(POD_DEBUGPY_PATH)}\${PYTHONPATH:+:$PYTHONPATH}`);
  lines.push(
    // One interpreter start for the check and the version (each costs ~0.1 s of the time to attach).
    `v=$(python -c 'import debugpy; print(debugpy.__version__)' 2>/dev/null) || { echo ${shQuote(DEBUGPY_MISSING_MARKER)} >&2; exit ${DEBUGPY_MISSING_EXIT}; }`,
    `echo "kindling: debugpy $v waiting for the debugger on port ${DEBUGPY_PORT}"`,
    // -Xfrozen_modules=off: Python ≥ 3.11 otherwise warns that breakpoints may be missed (older ones ignore it).
    `exec python -u -Xfrozen_modules=off -m debugpy --listen 0.0.0.0:${DEBUGPY_PORT} --wait-for-client "$0" "$@"`,
  );
  return lines.join('\n');
}

/** True when a debug pod ended because its image has no debugpy (exit code, or the marker in its log). */
export function isDebugpyMissing(ended: { exitCode?: number; log?: string }): boolean {
  return ended.exitCode === DEBUGPY_MISSING_EXIT || (ended.log ?? '').includes(DEBUGPY_MISSING_MARKER);
}

export type DebugpyFix = 'stage' | 'requirements';

/**
 * What to offer when the image has no debugpy. Staging a debugpy folder needs the workspace on the
 * node (hostPath delivery: the Kindling kind cluster); adding it to requirements.txt always works but
 * needs an image rebuild. Kindling never does either without the user's pick.
 */
export function debugpyFixes(input: { delivery: 'hostPath' | 'configMap'; hasRequirements: boolean }): DebugpyFix[] {
  const out: DebugpyFix[] = [];
  if (input.delivery === 'hostPath') out.push('stage');
  if (input.hasRequirements) out.push('requirements');
  return out;
}

/** requirements.txt with a debugpy line added, or undefined when it already names debugpy. */
export function addDebugpyRequirement(text: string): string | undefined {
  const names = text.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim().toLowerCase().split(/[\s<>=!~;[]/)[0]);
  if (names.includes('debugpy')) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const base = text === '' || text.endsWith('\n') ? text : text + eol;
  return `${base}debugpy  # Debug as Component (Kindling)${eol}`;
}

/** Where the staged debugpy goes inside the workspace (the only host folder the kind node sees). */
export function stagedDebugpyRelativePath(version: string): string {
  return `.kindling/debugpy/${version}`;
}

export interface PathMapping {
  localRoot: string;
  remoteRoot: string;
}

/**
 * The pod sees the file's folder at /workspace (the hostPath mount is that folder; a ConfigMap carries
 * the file alone under the same name), so the file's local folder maps to /workspace. With it,
 * breakpoints set locally bind in the pod and stack frames open the local file.
 */
export function debugPathMappings(localFileDir: string): PathMapping[] {
  return [{ localRoot: localFileDir, remoteRoot: POD_WORKSPACE_PATH }];
}

/** The DAP `attach` arguments debugpy needs (justMyCode: stepping stays in the user's code). */
export function debugAttachArguments(localFileDir: string): { pathMappings: PathMapping[]; justMyCode: boolean; redirectOutput: boolean } {
  // redirectOutput off: the output already streams into the run's channel from the pod log; with it on it would show twice.
  return { pathMappings: debugPathMappings(localFileDir), justMyCode: true, redirectOutput: false };
}
