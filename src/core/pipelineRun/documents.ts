/**
 * Which pipeline of a multi-document file Submit Pipeline sends.
 *
 * A YAML file often holds several pipelines (a WorkflowTemplate and the Workflow that uses it, two
 * workflows, a Workflow next to its ConfigMap). The user means the one the cursor is in, or picks one;
 * this module lists the documents with their kind, name and lines, and chooses by cursor offset.
 * Each document owns the text from its `---` (or the start of the file) up to the next `---`, so a
 * cursor on a document's `---` line or on a comment between it and the content chooses that document;
 * a comment written above a `---` still belongs to the document before it.
 */
import { parseAllDocuments } from 'yaml';
import { ComponentError } from '../component/types';
import { LineIndex } from '../pipeline/source';
import { isRecord as isObj, nonEmptyString as str } from '../values';

type Obj = Record<string, unknown>;

export type SubmitKind = 'Workflow' | 'WorkflowTemplate' | 'CronWorkflow' | 'SparkApplication';

export const SUBMITTABLE_KINDS = 'Argo Workflow, WorkflowTemplate and CronWorkflow, and SparkApplication';

export interface FileDocument {
  /** Position among all documents of the file (empty documents included), 0-based. */
  index: number;
  /** The parsed object; undefined for a document that is not a mapping (a list, a scalar, empty). */
  object?: Obj;
  kind?: string;
  apiVersion?: string;
  /** metadata.name, else metadata.generateName. */
  name?: string;
  /** Set when Submit Pipeline can send this document. */
  submitKind?: SubmitKind;
  /** 0-based lines of the document's content (what the user would call "line N" is startLine + 1). */
  startLine: number;
  endLine: number;
  /** Offsets of the text the document owns: [spanStart, spanEnd), covering the whole file between them. */
  spanStart: number;
  spanEnd: number;
}

export function submitKindOf(o: Obj): SubmitKind | undefined {
  const api = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  if (api.startsWith('argoproj.io/') && (o.kind === 'Workflow' || o.kind === 'WorkflowTemplate' || o.kind === 'CronWorkflow')) return o.kind;
  if (api.startsWith('sparkoperator.k8s.io/') && o.kind === 'SparkApplication') return 'SparkApplication';
  return undefined;
}

/** Every document of the file, in order. Throws ComponentError ('bad-input') on a YAML syntax error. */
export function listDocuments(text: string, relativePath: string): FileDocument[] {
  const parsed = parseAllDocuments(text);
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  const lines = new LineIndex(text);
  const lineOf = (offset: number): number => lines.pos(offset).line;
  const out: FileDocument[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length) {
      const e = doc.errors[0];
      const at = e?.pos?.[0] !== undefined ? `:${lineOf(e.pos[0]) + 1}` : '';
      throw new ComponentError(`${relativePath}${at} is not valid YAML: ${e?.message.split('\n')[0] ?? 'syntax error'}`, 'bad-input');
    }
    const contentRange = doc.contents?.range ?? doc.range;
    const contentEnd = Math.max(contentRange[0], contentRange[1] - 1);
    const entry: FileDocument = {
      index,
      startLine: lineOf(contentRange[0]),
      endLine: lineOf(contentEnd),
      spanStart: index === 0 ? 0 : doc.range[0],
      spanEnd: text.length,
    };
    if (out.length) out[out.length - 1].spanEnd = entry.spanStart;
    const value: unknown = doc.toJS();
    if (isObj(value)) {
      entry.object = value;
      if (typeof value.kind === 'string') entry.kind = value.kind;
      if (typeof value.apiVersion === 'string') entry.apiVersion = value.apiVersion;
      const meta = isObj(value.metadata) ? value.metadata : {};
      const name = str(meta.name) ?? str(meta.generateName);
      if (name) entry.name = name;
      entry.submitKind = submitKindOf(value);
    }
    out.push(entry);
  });
  return out;
}

export function submittableDocuments(docs: FileDocument[]): FileDocument[] {
  return docs.filter((d) => d.submitKind !== undefined);
}

/** The document that owns a cursor offset (the last one for an offset at or past the end). */
export function documentAtOffset(docs: FileDocument[], offset: number): FileDocument | undefined {
  return docs.find((d) => offset >= d.spanStart && offset < d.spanEnd) ?? (offset >= 0 ? docs.at(-1) : undefined);
}

/** "Workflow train-", "WorkflowTemplate features (line 12)" — for picks and messages. */
export function describeDocument(d: FileDocument, withLine = false): string {
  const what = `${d.submitKind ?? d.kind ?? 'document'} ${d.name ?? '(unnamed)'}`;
  return withLine ? `${what} (line ${d.startLine + 1})` : what;
}

export type DocumentChoice =
  | { kind: 'chosen'; document: FileDocument }
  /** Several submittable documents and no cursor to choose by: ask. */
  | { kind: 'ask'; candidates: FileDocument[] }
  /** The cursor is in a document that cannot be submitted: say so, and offer the others. */
  | { kind: 'not-submittable'; at: FileDocument; candidates: FileDocument[]; message: string }
  | { kind: 'none'; message: string };

/**
 * One submittable document → it, whatever the cursor; several → the one under the cursor, or ask when
 * there is no cursor (the explorer) or the cursor is in a document that is not a pipeline.
 */
export function chooseDocument(docs: FileDocument[], relativePath: string, cursorOffset?: number): DocumentChoice {
  const candidates = submittableDocuments(docs);
  if (!candidates.length) {
    const other = docs.find((d) => d.kind && d.apiVersion);
    const what = other ? `a ${other.kind} (${other.apiVersion})` : 'not a pipeline Kindling can submit';
    return {
      kind: 'none',
      message: `${relativePath} is ${what}. Submit Pipeline supports ${SUBMITTABLE_KINDS} documents; Kubeflow and SageMaker pipelines are drawn in the DAG panel but not submitted yet.`,
    };
  }
  if (candidates.length === 1) return { kind: 'chosen', document: candidates[0] };
  if (cursorOffset === undefined) return { kind: 'ask', candidates };
  const at = documentAtOffset(docs, cursorOffset);
  if (at?.submitKind) return { kind: 'chosen', document: at };
  if (!at) return { kind: 'ask', candidates };
  return {
    kind: 'not-submittable',
    at,
    candidates,
    message: `the cursor is in ${relativePath}:${at.startLine + 1}, ${at.kind ? `a ${at.kind}` : 'a document'} Submit Pipeline cannot send (it sends ${SUBMITTABLE_KINDS}). Pick one of the ${candidates.length} pipelines in the file.`,
  };
}

/** The graph the DAG parser drew for a document: the one whose range starts inside the document's lines. */
export function graphIndexForDocument(graphs: { range?: { startLine: number } }[], doc: FileDocument): number {
  return graphs.findIndex((g) => g.range !== undefined && g.range.startLine >= doc.startLine && g.range.startLine <= doc.endLine);
}
