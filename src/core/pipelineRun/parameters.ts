/**
 * Submit with parameters: the workflow's `spec.arguments.parameters` (a CronWorkflow's
 * `spec.workflowSpec.arguments.parameters`), asked for at submit time, prefilled with the file's
 * defaults or with what the user gave last time for the same file, and written into the run
 * (buildPipelineRun) and its provenance (`kindling.dev/parameters`).
 */
import { isRecord } from '../values';

type Obj = Record<string, unknown>;

export interface SubmitParameter {
  name: string;
  /** The file's value (`value`, else `default`); undefined if the file gives none. */
  value?: string;
  /** Allowed values (`enum`): offered as a pick instead of a text box. */
  options?: string[];
  description?: string;
}

const text = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The parameters a user can set at submit for a pipeline document. Those the file takes from
 * elsewhere (`valueFrom`: a ConfigMap, a supplied suspend value) are not asked for.
 */
export function submitParameters(doc: Obj | undefined): SubmitParameter[] {
  if (!doc || doc.kind === 'SparkApplication') return [];
  const spec = isRecord(doc.spec) ? doc.spec : {};
  const wfSpec = doc.kind === 'CronWorkflow' ? (isRecord(spec.workflowSpec) ? spec.workflowSpec : {}) : spec;
  const args = isRecord(wfSpec.arguments) ? wfSpec.arguments : {};
  if (!Array.isArray(args.parameters)) return [];
  const out: SubmitParameter[] = [];
  for (const p of args.parameters) {
    if (!isRecord(p) || typeof p.name !== 'string' || !p.name || p.valueFrom !== undefined) continue;
    const options = Array.isArray(p.enum) ? p.enum.map(text).filter((v): v is string => v !== undefined) : undefined;
    out.push({ name: p.name, value: text(p.value) ?? text(p.default), ...(options?.length ? { options } : {}), ...(typeof p.description === 'string' ? { description: p.description } : {}) });
  }
  return out;
}

/** What to prefill: the value remembered for this file, while the file still has that parameter; else the file's. */
export function prefillParameters(params: SubmitParameter[], remembered: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params) {
    const last = remembered?.[p.name];
    const value = last !== undefined && (!p.options || p.options.includes(last)) ? last : p.value;
    if (value !== undefined) out[p.name] = value;
  }
  return out;
}

/** Names of parameters that still have no value (Argo refuses such a run: "spec.arguments.x.value is required"). */
export function missingParameters(params: SubmitParameter[], values: Record<string, string>): string[] {
  return params.filter((p) => values[p.name] === undefined).map((p) => p.name);
}

/**
 * `arguments.parameters` with `values` applied, as `argo submit -p name=value` does: a parameter of
 * the list gets the value (its `default`/`enum`/`description` stay), a name not in the list is added.
 */
export function withParameterValues(args: unknown, values: Record<string, string>): Obj {
  const a = isRecord(args) ? { ...args } : {};
  const list = Array.isArray(a.parameters) ? a.parameters.map((p) => (isRecord(p) ? { ...p } : p)) : [];
  const seen = new Set<string>();
  for (const p of list) {
    if (!isRecord(p) || typeof p.name !== 'string') continue;
    if (values[p.name] === undefined) continue;
    seen.add(p.name);
    p.value = values[p.name];
    delete p.valueFrom;
  }
  for (const [name, value] of Object.entries(values)) if (!seen.has(name)) list.push({ name, value });
  a.parameters = list;
  return a;
}
