/**
 * The facts a run-graph node carries for the panel's hover card and failure list (`details`): phase,
 * start, finish, duration, message, exit code, pod name, retry attempt, template, parameters and
 * artifacts. Built for 10,000 nodes at a time, so texts many nodes share are made once per graph.
 */
import type { NodeDetail } from '../model/pipelineGraph';
import { argoPodName, type ArgoNodeStatus } from './workflowNodes';

/** Longest detail value kept: parameter values can be whole JSON lists, and 10k nodes cross to the webview. */
const MAX_DETAIL = 2000;

/**
 * Texts many nodes share (a fan-out's items start in the same second, take the same time and have the
 * same parameter names), made once per run graph instead of once per node.
 */
export class SharedTexts {
  private readonly times = new Map<string, string>();
  private readonly instants = new Map<string, number>();
  private readonly durations = new Map<number, string>();
  private readonly keys = new Map<string, string>();

  time(t: string): string {
    let text = this.times.get(t);
    if (text === undefined) this.times.set(t, (text = readableTime(t)));
    return text;
  }

  /** Date.parse, once per distinct timestamp. */
  instant(t: string): number {
    let ms = this.instants.get(t);
    if (ms === undefined) this.instants.set(t, (ms = Date.parse(t)));
    return ms;
  }

  duration(ms: number, soFar: boolean): string {
    const key = soFar ? -1 - Math.round(ms / 1000) : Math.round(ms / 1000);
    let text = this.durations.get(key);
    if (text === undefined) this.durations.set(key, (text = soFar ? `${humanDuration(ms)} so far` : humanDuration(ms)));
    return text;
  }

  ioKey(side: 'input' | 'output', kind: '' | 'artifact ', name: string): string {
    const id = `${side}\u0000${kind}${name}`;
    let text = this.keys.get(id);
    if (text === undefined) this.keys.set(id, (text = `${side} ${kind}${name}`));
    return text;
  }
}

function put(details: NodeDetail[], key: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  details.push({ key, value: text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text });
}

export function detailsOf(n: ArgoNodeStatus, nodes: Map<string, ArgoNodeStatus>, parent: string | undefined, now: number, wf: Parameters<typeof argoPodName>[0], texts: SharedTexts): NodeDetail[] {
  const details: NodeDetail[] = [{ key: 'phase', value: n.phase || 'Pending' }];
  if (n.startedAt) {
    details.push({ key: 'started', value: texts.time(n.startedAt) });
    if (n.finishedAt) details.push({ key: 'finished', value: texts.time(n.finishedAt) });
    const started = texts.instant(n.startedAt);
    if (!Number.isNaN(started)) {
      const finished = n.finishedAt ? texts.instant(n.finishedAt) : NaN;
      if (!Number.isNaN(finished)) details.push({ key: 'duration', value: texts.duration(finished - started, false) });
      else if (n.phase === 'Running' || n.phase === 'Pending' || !n.phase) details.push({ key: 'duration', value: texts.duration(now - started, true) });
    }
  }
  put(details, 'message', n.message);
  const outputs = asRecord(n.outputs);
  if (outputs) put(details, 'exit code', outputs.exitCode);
  if (n.type === 'Pod' || n.type === 'Container') put(details, 'pod name', argoPodName(wf, n));
  const parentNode = parent === undefined ? undefined : nodes.get(parent);
  if (parentNode?.type === 'Retry') {
    const attempts = parentNode.children ?? [];
    details.push({ key: 'attempt', value: `${attempts.indexOf(n.id) + 1} of ${attempts.length}` });
  }
  if (n.type === 'Retry') details.push({ key: 'attempts', value: String(n.children?.length ?? 0) });
  put(details, 'template', templateOf(n));
  put(details, 'type', n.type);
  put(details, 'host', n.hostNodeName);
  const inputs = asRecord(n.inputs);
  if (inputs) addIo(details, texts, 'input', inputs);
  if (outputs) {
    addIo(details, texts, 'output', outputs);
    put(details, 'result', outputs.result);
  }
  return details;
}

function addIo(details: NodeDetail[], texts: SharedTexts, side: 'input' | 'output', io: Record<string, unknown>): void {
  if (Array.isArray(io.parameters)) {
    for (const p of io.parameters) {
      const param = asRecord(p);
      if (typeof param?.name === 'string') put(details, texts.ioKey(side, '', param.name), param.value ?? '(no value)');
    }
  }
  if (Array.isArray(io.artifacts)) {
    for (const a of io.artifacts) {
      const art = asRecord(a);
      if (typeof art?.name === 'string') put(details, texts.ioKey(side, 'artifact ', art.name), artifactLocation(art));
    }
  }
}

/** Where an artifact is: the repository location when Argo recorded one, else its path in the container. */
export function artifactLocation(art: Record<string, unknown>): string {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  for (const scheme of ['s3', 'gcs', 'oss'] as const) {
    const loc = asRecord(art[scheme]);
    const key = str(loc?.key);
    if (key !== undefined) return str(loc?.bucket) ? `${scheme}://${str(loc?.bucket)}/${key}` : `${scheme} key ${key}`;
  }
  const http = str(asRecord(art.http)?.url) ?? str(asRecord(art.artifactory)?.url);
  if (http) return http;
  const git = asRecord(art.git);
  if (str(git?.repo)) return str(git?.revision) ? `${str(git?.repo)}@${str(git?.revision)}` : (str(git?.repo) as string);
  const hdfs = str(asRecord(art.hdfs)?.path);
  if (hdfs) return `hdfs ${hdfs}`;
  const azure = asRecord(art.azure);
  if (str(azure?.blob)) return `azure ${str(azure?.container) ?? ''}/${str(azure?.blob)}`;
  if (asRecord(art.raw)) return 'raw (inline)';
  if (str(art.from)) return `from ${str(art.from)}`;
  if (str(art.path)) return `path ${str(art.path)}`;
  return '(no location)';
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** "2026-12-05T02:10:07Z" → "2026-12-05 02:10:07 UTC" (Argo writes RFC 3339 in UTC). */
function readableTime(t: string): string {
  return t.length === 20 && t[10] === 'T' && t[19] === 'Z' ? `${t.slice(0, 10)} ${t.slice(11, 19)} UTC` : t;
}

/** 72,000 ms → "1 m 12 s"; 2 h 3 m; 1 d 4 h (Argo records whole seconds). */
export function humanDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d) return h ? `${d} d ${h} h` : `${d} d`;
  if (h) return m ? `${h} h ${m} m` : `${h} h`;
  if (m) return s ? `${m} m ${s} s` : `${m} m`;
  return `${s} s`;
}

export function templateOf(n: ArgoNodeStatus): string | undefined {
  if (n.templateRef?.template) return n.templateRef.name ? `${n.templateRef.name}/${n.templateRef.template}` : n.templateRef.template;
  return n.templateName || undefined;
}
