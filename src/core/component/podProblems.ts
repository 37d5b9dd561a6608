/**
 * Why a run's pod is stuck or failed, read from the pod's own status, in words a user can act on.
 * The controllers' messages say little here: Argo leaves a workflow "Running" while its pod waits in
 * ImagePullBackOff forever, and writes "OOMKilled (exit code 137)" without the limit that was hit.
 * Pure, so each case is unit-tested against status objects shaped like the kubelet's.
 */

export type PodProblemKind = 'image-pull' | 'oom' | 'config' | 'evicted' | 'deleted';

export interface PodProblem {
  kind: PodProblemKind;
  /** The container the problem is about, if one. */
  container?: string;
  /** The kubelet's reason, e.g. ImagePullBackOff, OOMKilled, CreateContainerConfigError. */
  reason: string;
  /** User-facing explanation with what to do. */
  message: string;
  /** The pod cannot get better by waiting: the run should be reported failed (and stopped). */
  fatal: boolean;
}

interface ContainerStateShape {
  waiting?: { reason?: string; message?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number };
}

export interface PodShape {
  metadata?: { name?: string; deletionTimestamp?: unknown };
  spec?: { containers?: { name: string; image?: string; resources?: { limits?: Record<string, unknown> } }[] };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    containerStatuses?: { name?: string; image?: string; state?: ContainerStateShape; lastState?: ContainerStateShape }[];
    initContainerStatuses?: { name?: string; image?: string; state?: ContainerStateShape }[];
  };
}

export interface ProblemContext {
  /**
   * The Kindling cluster's local registry as pushed to from this machine (`localhost:5001`): an image
   * there that cannot be pulled was never built or pushed, and Build Image fixes that.
   */
  localRegistry?: string;
}

/** Pull failures: ErrImagePull first, ImagePullBackOff once the kubelet has started to wait between tries. */
const PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName']);
/** The container cannot be created until someone changes the cluster (a Secret, a ConfigMap). */
const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export function podProblem(pod: PodShape, ctx: ProblemContext = {}): PodProblem | undefined {
  const statuses: { name?: string; image?: string; state?: ContainerStateShape; lastState?: ContainerStateShape }[] = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const cs of statuses) {
    const waiting = cs.state?.waiting;
    if (!waiting?.reason) continue;
    const spec = pod.spec?.containers?.find((c) => c.name === cs.name);
    const image = spec?.image ?? cs.image ?? '(unknown image)';
    if (PULL_REASONS.has(waiting.reason)) {
      return {
        kind: 'image-pull',
        container: cs.name,
        reason: waiting.reason,
        message: imagePullMessage(image, waiting.reason, waiting.message, ctx),
        // ErrImagePull is the first failed try; the kubelet's back-off means it failed again.
        fatal: waiting.reason !== 'ErrImagePull',
      };
    }
    if (CONFIG_REASONS.has(waiting.reason)) {
      return {
        kind: 'config',
        container: cs.name,
        reason: waiting.reason,
        message: `Container ${cs.name} cannot start (${waiting.reason}): ${waiting.message ?? 'no message'}. ${configHint(waiting.message)}`.trim(),
        fatal: true,
      };
    }
  }
  for (const cs of statuses) {
    const t = cs.state?.terminated ?? cs.lastState?.terminated;
    if (t?.reason !== 'OOMKilled') continue;
    const limit = pod.spec?.containers?.find((c) => c.name === cs.name)?.resources?.limits?.memory;
    return {
      kind: 'oom',
      container: cs.name,
      reason: 'OOMKilled',
      message:
        `OOMKilled: container ${cs.name} used more memory than its limit${limit !== undefined ? ` (${String(limit)})` : ''} and the kernel killed it (exit code ${t.exitCode ?? 137}). ` +
        `Raise resources.limits.memory in kindling.yaml (for PySpark: spark.driver/executor.memory), or make the job use less memory.`,
      fatal: true,
    };
  }
  if (pod.status?.reason === 'Evicted') {
    return { kind: 'evicted', reason: 'Evicted', message: `The pod was evicted by its node: ${pod.status.message ?? 'no message'}`, fatal: true };
  }
  return undefined;
}

function imagePullMessage(image: string, reason: string, detail: string | undefined, ctx: ProblemContext): string {
  const registry = imageRegistry(image);
  const local = ctx.localRegistry && registry === ctx.localRegistry;
  const notFound = /not found|manifest unknown|404/i.test(detail ?? '');
  const head = `Image ${image} could not be pulled (${reason}${detail ? `: ${shorten(detail)}` : ''}).`;
  if (local || /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(registry)) {
    return (
      `${head} ${notFound ? 'It is not in the local registry' : 'The local registry did not deliver it'} (${registry}): ` +
      `build and push it with "Kindling: Build Image" (docker build -t ${image} . && docker push ${image}), ` +
      `or point images.default in kindling.yaml at an image that is there.`
    );
  }
  return (
    `${head} ${notFound ? 'The registry does not have it' : `Registry ${registry} could not be reached or refused the pull`}: ` +
    `check the name and tag in kindling.yaml, push the image to ${registry}, or use one in the local registry${ctx.localRegistry ? ` (${ctx.localRegistry})` : ''} built with "Kindling: Build Image".`
  );
}

function configHint(message: string | undefined): string {
  if (/secret/i.test(message ?? '')) return 'Create the Secret in the run namespace, or mark the env entry optional in kindling.yaml.';
  if (/configmap/i.test(message ?? '')) return 'Create the ConfigMap in the run namespace.';
  return '';
}

/** Registry host of an image reference, by the same rule as Docker: the first part if it looks like a host. */
export function imageRegistry(image: string): string {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 297)}…` : oneLine;
}

/**
 * What the user sees when a run's watch lost the cluster for good: the API server stopped
 * answering (the kind node container stopped, Docker went away) or refused the run's objects.
 */
export function lostContactMessage(server: string, lastError: string, forMs: number): string {
  return (
    `Lost contact with the cluster: the API server at ${server} has not answered for ${Math.round(forMs / 1000)} s (${shorten(lastError)}). ` +
    `The Kindling node container may have stopped (docker ps -a; "Kindling: Create Local Cluster" starts it again). The run's state on the cluster is unknown.`
  );
}

/** A run pod that vanished before it finished (deleted, or its node removed). */
export function podGoneMessage(pod: string): string {
  return `Pod ${pod} was deleted before it finished (cancelled, evicted, or its node went away).`;
}

/**
 * The tail of a failed run's output worth showing in the error: a Python traceback from its first
 * line, else the last lines. `maxLines` keeps a notification readable.
 *
 * The pod log merges stdout and stderr line by line in the order the runtime read its two pipes, so
 * a line the script printed just before it raised can land inside the traceback or after it (seen on
 * kind). Inside the frames, only indented lines belong to the traceback; after it, only what ends at
 * the last exception line (papermill's report of the failing cell has unindented lines of its own,
 * between its exception line and the cell's).
 */
// eslint-disable-next-line no-control-regex -- the escape character is what is being removed
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;
/** `ZeroDivisionError: division by zero`, `KeyboardInterrupt`, `papermill.exceptions.PapermillExecutionError:`. */
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(:.*)?$/;

export function failureTail(log: string, maxLines = 12): string {
  // Notebook tracebacks carry terminal colours (IPython's); a notification shows them as garbage.
  const lines = log.replace(/\r/g, '').replace(ANSI_COLOUR, '').split('\n');
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    // papermill's own traceback starts at column 0 and ends with the failing cell's (indented header).
    if (/^Traceback \(most recent call last\):/.test(lines[i])) {
      start = i;
      break;
    }
  }
  const picked = start >= 0 ? tracebackBlock(lines, start) : lines.slice(-maxLines);
  // Keep the end: it names the exception.
  return (picked.length > maxLines ? ['…', ...picked.slice(-maxLines)] : picked).join('\n');
}

/** The traceback that starts at `lines[start]`, without the other stream's lines mixed into it. */
function tracebackBlock(lines: string[], start: number): string[] {
  const rest = lines.slice(start + 1);
  const first = rest.findIndex((l) => EXCEPTION_LINE.test(l));
  if (first < 0) return lines.slice(start);
  let last = first;
  for (let i = rest.length - 1; i > first; i--) {
    if (EXCEPTION_LINE.test(rest[i])) {
      last = i;
      break;
    }
  }
  const frames = rest.slice(0, first).filter((l) => /^\s/.test(l) || l === '');
  return [lines[start], ...frames, ...rest.slice(first, last + 1)];
}

/** Keeps the last `maxChars` characters of a stream of text (a run's log), for failureTail. */
export class TextTail {
  private text = '';
  constructor(private readonly maxChars = 16_384) {}
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }
  get value(): string {
    return this.text.slice(-this.maxChars);
  }
}
