// Runs Kindling's parser and Argo's validator (tools/argovalidate) on the same documents and sorts
// each document into one of four outcomes. Kindling "rejects" a document when the parser gives an
// error-severity diagnostic for it; warnings and infos are advice, not a refusal.
import { spawnSync } from 'node:child_process';
import { buildTemplateIndex, parsePipeline, type TemplateIndex } from '../../src/core/pipeline/index';
import type { PipelineDiagnostic } from '../../src/core/model/pipelineGraph';
import type { Corpus, Doc } from './documents';

export type Outcome = 'both-reject' | 'both-accept' | 'miss' | 'false-alarm' | 'runtime-failure';

/**
 * Diagnostics for mistakes Argo's admission check lets through but the controller then fails on,
 * with where it does. A document Argo admits and Kindling rejects only for these is counted as
 * "runtime-failure", not as a false alarm; every other error on an admitted document is one.
 */
export const RUNTIME_FAILURES: Record<string, string> = {
  'depends-syntax': "a depends expression that does not parse: admitted, then the task errors with \"unable to evaluate expression\" when it is due (workflow/controller/dag.go, evaluateDependsLogic)",
};

export interface ArgoVerdict {
  id: string;
  kind?: string;
  name?: string;
  verdict: 'accept' | 'reject' | 'skip';
  message?: string;
}

export interface Compared {
  doc: Doc;
  argo: ArgoVerdict;
  /** Kindling's error diagnostics, with lines made 1-based and relative to the source file. */
  kindling: Array<{ code: string; message: string; line?: number; col?: number }>;
  outcome?: Outcome;
}

/** Argo's verdicts for `docs`, in one helper process (batch mode). */
export function argoVerdicts(bin: string, docs: Doc[]): Map<string, ArgoVerdict> {
  const input = JSON.stringify(docs.map((d) => ({ id: d.id, group: d.group, text: d.text })));
  const r = spawnSync(bin, [], { input, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw new Error(`argovalidate failed (${r.status}): ${String(r.error ?? '')} ${r.stderr.slice(-2000)}`);
  const out = new Map<string, ArgoVerdict>();
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    const v = JSON.parse(line) as ArgoVerdict;
    out.set(v.id, v);
  }
  return out;
}

function fileNameFor(doc: Doc): string {
  return /\.json$/.test(doc.source) ? 'document.json' : 'document.yaml';
}

/** Kindling's error diagnostics for each document, the templates of its group indexed. */
export function kindlingErrors(docs: Doc[]): Map<string, Compared['kindling']> {
  const byGroup = new Map<string, Doc[]>();
  for (const d of docs) {
    const list = byGroup.get(d.group) ?? [];
    list.push(d);
    byGroup.set(d.group, list);
  }
  const out = new Map<string, Compared['kindling']>();
  for (const group of byGroup.values()) {
    const index: TemplateIndex = buildTemplateIndex(group.map((d) => ({ fileName: d.id, text: d.text })));
    for (const d of group) {
      const r = parsePipeline(d.text, { fileName: fileNameFor(d), templates: index });
      out.set(d.id, r.diagnostics.filter((x: PipelineDiagnostic) => x.severity === 'error').map((x) => ({
        code: x.code,
        message: x.message,
        line: x.range ? x.range.startLine + Math.max(d.line, 1) : undefined,
        col: x.range ? x.range.startCol + 1 : undefined,
      })));
    }
  }
  return out;
}

export function outcomeOf(argo: ArgoVerdict, kindlingCodes: string[]): Outcome | undefined {
  if (argo.verdict === 'skip') return undefined;
  const kindlingRejects = kindlingCodes.length > 0;
  if (argo.verdict === 'reject') return kindlingRejects ? 'both-reject' : 'miss';
  if (!kindlingRejects) return 'both-accept';
  return kindlingCodes.every((c) => c in RUNTIME_FAILURES) ? 'runtime-failure' : 'false-alarm';
}

export type Counts = Record<Outcome, number> & { skipped: number; documents: number };

export function emptyCounts(): Counts {
  return { 'both-reject': 0, 'both-accept': 0, miss: 0, 'false-alarm': 0, 'runtime-failure': 0, skipped: 0, documents: 0 };
}

export function countOutcomes(rows: Compared[], corpora?: Corpus[]): Counts {
  const c = emptyCounts();
  for (const r of rows) {
    if (corpora && !corpora.includes(r.doc.corpus)) continue;
    c.documents++;
    if (r.outcome) c[r.outcome]++;
    else c.skipped++;
  }
  return c;
}

export function compareAll(bin: string, docs: Doc[]): Compared[] {
  const verdicts = argoVerdicts(bin, docs);
  const errors = kindlingErrors(docs);
  return docs.map((doc) => {
    const argo = verdicts.get(doc.id);
    if (!argo) throw new Error(`argovalidate gave no verdict for ${doc.id}`);
    const kindling = errors.get(doc.id) ?? [];
    return { doc, argo, kindling, outcome: outcomeOf(argo, kindling.map((k) => k.code)) };
  });
}
