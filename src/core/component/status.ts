/**
 * Run status from the custom resources' own status fields, mapped to one small vocabulary for the
 * Runs view. Pure, so the mapping is unit-tested against real-shaped status objects.
 */
export type RunPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface RunStatus {
  phase: RunPhase;
  /** The controller's words: Argo status.message / failing node message, Spark errorMessage. */
  message?: string;
  /** Raw phase/state as the controller wrote it (e.g. SUBMISSION_FAILED). */
  raw?: string;
  /** A Workflow with spec.suspend set: still Running to Argo, but no new steps start until Resume. */
  suspended?: boolean;
}

export function isTerminal(phase: RunPhase): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

interface WorkflowStatusShape {
  spec?: { suspend?: boolean };
  status?: {
    phase?: string;
    message?: string;
    nodes?: Record<string, { phase?: string; message?: string; type?: string; displayName?: string }>;
  };
}

export function workflowStatus(obj: WorkflowStatusShape): RunStatus {
  const raw = obj.status?.phase ?? '';
  const phase: RunPhase =
    raw === '' || raw === 'Pending' ? 'Pending' : raw === 'Running' ? 'Running' : raw === 'Succeeded' ? 'Succeeded' : raw === 'Failed' || raw === 'Error' ? 'Failed' : 'Unknown';
  let message = obj.status?.message;
  if (phase === 'Failed') {
    // The workflow-level message is often generic ("child 'x' failed"); the pod node says why.
    const failedPod = Object.values(obj.status?.nodes ?? {}).find((n) => n.type === 'Pod' && (n.phase === 'Failed' || n.phase === 'Error') && n.message);
    if (failedPod?.message && failedPod.message !== message) message = message ? `${message}: ${failedPod.message}` : failedPod.message;
  }
  return { phase, raw: raw || undefined, message: message || undefined, ...(obj.spec?.suspend === true && !isTerminal(phase) ? { suspended: true } : {}) };
}

/**
 * Adds a failed pod's reason (`<reason>: <message>: exit code N`) to the controller's message, leaving
 * out the parts the controller already said: Argo writes "Error (exit code 1)" for the pod reason
 * "Error: exit code 1", and the user should read that once, not twice.
 */
export function withFailureDetail(message: string | undefined, detail: string | undefined): string | undefined {
  if (!detail) return message;
  if (!message) return detail;
  const said = message.toLowerCase();
  const missing = detail
    .split(': ')
    .map((part) => part.trim())
    .filter((part) => part && !said.includes(part.toLowerCase()));
  return missing.length ? `${message} (${missing.join(': ')})` : message;
}

interface PodStatusShape {
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    containerStatuses?: { name?: string; state?: { terminated?: { reason?: string; message?: string; exitCode?: number } } }[];
  };
}

/** A bare-Pod run: the pod's own phase; a failure says how its container ended. */
export function podStatus(obj: PodStatusShape): RunStatus {
  const raw = obj.status?.phase ?? '';
  const phase: RunPhase = raw === '' || raw === 'Pending' ? 'Pending' : raw === 'Running' ? 'Running' : raw === 'Succeeded' ? 'Succeeded' : raw === 'Failed' ? 'Failed' : 'Unknown';
  if (phase !== 'Failed') return { phase, raw: raw || undefined };
  const t = obj.status?.containerStatuses?.map((c) => c.state?.terminated).find((x) => x && (x.exitCode ?? 0) !== 0);
  const message = t ? [t.reason, t.message, `exit code ${t.exitCode}`].filter(Boolean).join(': ') : [obj.status?.reason, obj.status?.message].filter(Boolean).join(': ');
  return { phase, raw, message: message || undefined };
}

interface SparkStatusShape {
  status?: { applicationState?: { state?: string; errorMessage?: string } };
}

export function sparkStatus(obj: SparkStatusShape): RunStatus {
  const raw = obj.status?.applicationState?.state ?? '';
  const message = obj.status?.applicationState?.errorMessage || undefined;
  switch (raw) {
    case '':
    case 'NEW':
    case 'SUBMITTED':
    case 'PENDING_RERUN':
      return { phase: 'Pending', raw: raw || undefined, message };
    case 'RUNNING':
    case 'SUCCEEDING':
    case 'FAILING':
    case 'INVALIDATING':
      return { phase: 'Running', raw, message };
    case 'COMPLETED':
      return { phase: 'Succeeded', raw, message };
    case 'FAILED':
    case 'SUBMISSION_FAILED':
      return { phase: 'Failed', raw, message: message ?? raw };
    default:
      return { phase: 'Unknown', raw, message };
  }
}

/** Run-loop timings (ms since the epoch) as the watcher observed them. */
export interface RunTimings {
  /** The command was invoked (before building manifests). */
  invokedAt?: number;
  /** The API server accepted the object. */
  submittedAt?: number;
  /** A pod of the run got a node. */
  scheduledAt?: number;
  /** A pod of the run was Running (or already finished, if it was faster than the watch). */
  startedAt?: number;
  finishedAt?: number;
}

export function describeTimings(t: RunTimings): string {
  const base = t.invokedAt ?? t.submittedAt;
  if (base === undefined) return '';
  const parts: string[] = [];
  const add = (label: string, at?: number): void => {
    if (at !== undefined) parts.push(`${label} +${formatMs(at - base)}`);
  };
  add('submitted', t.submittedAt);
  add('scheduled', t.scheduledAt);
  add('started', t.startedAt);
  add('finished', t.finishedAt);
  return parts.join(' · ');
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}
