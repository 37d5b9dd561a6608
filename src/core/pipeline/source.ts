/**
 * Shared plumbing for the pipeline parsers: offset → line/column, a read-only view over the
 * document tree (FNode, see fastYaml.ts) so every value we look at still knows where it came
 * from, diagnostics, and a graph builder that keeps ids unique and caps runaway expansion.
 */
import jsYaml from 'js-yaml';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import { fastParseAll, fastParseJson, type FMap, type FNode, type FPair, type FScalar, type FSeq } from './fastYaml';
import type {
  DiagnosticSeverity,
  EdgeKind,
  NodeDetail,
  PipelineDiagnostic,
  PipelineEdge,
  PipelineNode,
  SourceRange,
} from '../model/pipelineGraph';

/** Maps UTF-16 offsets (what JS strings and the yaml package use) to 0-based line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  pos(offset: number): { line: number; col: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, col: o - this.starts[lo] };
  }

  range(start: number, end: number): SourceRange {
    // yaml ranges of block collections include the trailing newline; a range that ends at the
    // start of the next line would make the node look one line taller than it is.
    let e = Math.max(start, end);
    while (e > start && /\s/.test(this.text[e - 1] ?? '')) e--;
    const a = this.pos(start);
    const b = this.pos(e);
    return { startLine: a.line, startCol: a.col, endLine: b.line, endCol: b.col };
  }
}

/** Anything that may sit in the tree: an FNode, or undefined for "missing". */
export type YValue = unknown;

function isF(n: unknown): n is FNode {
  return typeof n === 'object' && n !== null && typeof (n as { t?: unknown }).t === 'string';
}

/**
 * Read-only accessors over one document's FNode tree. `fixedRange` makes every range collapse to
 * one place — used when the graph comes from JSON embedded in a string (ACK Pipeline), where
 * inner positions are not positions in the user's file.
 */
export class YamlView {
  constructor(
    readonly lines: LineIndex,
    readonly fileName: string,
    readonly fixedRange?: SourceRange,
  ) {}

  /**
   * Follows a path of map keys (up to three); undefined as soon as one is missing or not a map.
   * Fixed parameters rather than `...keys`: this runs several times per task, and before the JIT
   * has optimised it (the first parses of a file) every call allocated the rest array.
   */
  get(n: YValue, k1: string, k2?: string, k3?: string): YValue {
    let cur = this.child(n, k1);
    if (k2 === undefined || cur === undefined) return cur;
    cur = this.child(cur, k2);
    if (k3 === undefined || cur === undefined) return cur;
    return this.child(cur, k3);
  }

  private child(cur: YValue, k: string): YValue {
    if (!isF(cur) || cur.t !== 'map') return undefined;
    const items = cur.items;
    for (let i = 0; i < items.length; i++) {
      const kv = items[i].key.value;
      if (kv === k || (kv !== null && typeof kv !== 'string' && String(kv) === k)) return items[i].value;
    }
    return undefined;
  }

  /** The pair holding `key`, for ranges that should cover the key too. */
  pair(n: YValue, key: string): FPair | undefined {
    if (!isF(n) || n.t !== 'map') return undefined;
    for (const item of n.items) if (item.key.value === key) return item;
    return undefined;
  }

  has(n: YValue, key: string): boolean {
    return this.pair(n, key) !== undefined;
  }

  /** Scalar as text (numbers and booleans too); undefined for collections, null and missing. */
  str(n: YValue): string | undefined {
    if (!isF(n) || n.t !== 'scalar') return undefined;
    const value = n.value;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  num(n: YValue): number | undefined {
    if (!isF(n) || n.t !== 'scalar') return undefined;
    if (typeof n.value === 'number') return n.value;
    if (typeof n.value === 'string' && /^\s*-?\d+\s*$/.test(n.value)) return Number(n.value);
    return undefined;
  }

  isMap(n: YValue): boolean {
    return isF(n) && n.t === 'map';
  }

  isSeq(n: YValue): boolean {
    return isF(n) && n.t === 'seq';
  }

  isNull(n: YValue): boolean {
    return isF(n) && n.t === 'scalar' && n.value === null;
  }

  seq(n: YValue): FNode[] {
    return isF(n) && n.t === 'seq' ? n.items : [];
  }

  /** Map entries as [key text, value, pair]. */
  entries(n: YValue): Array<[string, FNode, FPair]> {
    if (!isF(n) || n.t !== 'map') return [];
    return n.items.map((p) => [p.key.value === null ? '' : String(p.key.value), p.value, p]);
  }

  typeName(n: YValue): string {
    if (n === undefined) return 'nothing';
    if (!isF(n)) return 'an unknown value';
    if (n.t === 'map') return 'a mapping';
    if (n.t === 'seq') return 'a list';
    return n.value === null ? 'null' : `a ${typeof n.value}`;
  }

  /** 0-based range of a node, or of a pair (key through value). */
  range(n: YValue): SourceRange | undefined {
    if (this.fixedRange) return this.fixedRange;
    if (isF(n)) return this.lines.range(n.start, n.end);
    const p = n as FPair | undefined;
    if (p && typeof p === 'object' && isF(p.key) && isF(p.value)) return this.lines.range(p.key.start, Math.max(p.key.end, p.value.end));
    return undefined;
  }

  /** Plain JS for small values (resources, manifests). Shared subtrees (YAML aliases) are copied
   * up to a budget, so an alias bomb comes back truncated instead of eating the heap. */
  toJS(n: YValue): unknown {
    let budget = 100_000;
    const conv = (v: FNode, depth: number): unknown => {
      if (--budget < 0 || depth > 100) return undefined;
      if (v.t === 'scalar') return v.value;
      if (v.t === 'seq') return v.items.map((i) => conv(i, depth + 1));
      const o: Record<string, unknown> = {};
      for (const p of v.items) o[p.key.value === null ? '' : String(p.key.value)] = conv(p.value, depth + 1);
      return o;
    };
    return isF(n) ? conv(n, 0) : undefined;
  }
}

export interface LoadedDocument {
  contents: FNode | null;
  errors: Array<{ message: string; start: number; end: number }>;
  warnings: Array<{ message: string; start: number; end: number }>;
}

/**
 * Every document of a YAML (or JSON) text as FNode trees. The fast reader handles the usual
 * block subset; anything else goes through the `yaml` package, whose AST is converted (aliases
 * become shared subtrees, with a budget against alias bombs).
 */
export function loadDocuments(text: string): { docs: LoadedDocument[]; fast: boolean } {
  if (/^\s*[[{]/.test(text)) {
    const json = fastParseJson(text);
    if (json) return { docs: [{ contents: json, errors: [], warnings: [] }], fast: true };
  }
  const fast = fastParseAll(text);
  if (fast) return { docs: fast.map((d) => ({ contents: d.contents, errors: [], warnings: [] })), fast: true };
  const docs: LoadedDocument[] = [];
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    // The yaml package recurses per nesting level; hostile input can exhaust the stack.
    if (err instanceof RangeError) {
      return { docs: [{ contents: null, errors: [{ message: 'The document nests too deeply to read.', start: 0, end: 0 }], warnings: [] }], fast: false };
    }
    throw err;
  }
  const list = Array.isArray(parsed) ? parsed : [];
  if (list.some((d) => d.errors.length)) {
    const lenient = lenientLoad(text);
    if (lenient) return { docs: lenient, fast: false };
  }
  for (const doc of list) {
    docs.push({
      contents: convertYamlNode(doc, doc.contents),
      errors: doc.errors.map((e) => ({ message: e.message.split('\n')[0], start: e.pos[0], end: e.pos[1] })),
      warnings: doc.warnings.map((e) => ({ message: e.message.split('\n')[0], start: e.pos[0], end: e.pos[1] })),
    });
  }
  return { docs, fast: false };
}

/**
 * Files that strict YAML 1.2 rejects but Kubernetes and Argo accept (go-yaml is lenient, e.g. a
 * multi-line quoted string whose closing line is under-indented — several upstream Argo examples
 * do this). js-yaml is lenient in the same places. It gives no positions for scalars, so values
 * take the range of their enclosing mapping or list (recorded through js-yaml's listener), and a
 * warning says the file is not strict YAML. Returns undefined when js-yaml rejects it too.
 */
function lenientLoad(text: string): LoadedDocument[] | undefined {
  const spans = new WeakMap<object, [number, number]>();
  const open: number[] = [];
  let values: unknown[];
  try {
    values = jsYaml.loadAll(text, undefined, {
      json: true,
      listener(event: 'open' | 'close', state: { position: number; result: unknown }) {
        if (event === 'open') open.push(state.position);
        else {
          const start = open.pop() ?? 0;
          const r = state.result;
          if (r && typeof r === 'object' && !spans.has(r)) spans.set(r, [start, state.position]);
        }
      },
    });
  } catch {
    return undefined;
  }
  let budget = 1_000_000;
  const conv = (v: unknown, at: [number, number], depth: number): FNode => {
    if (--budget < 0 || depth > 500) return { t: 'scalar', value: null, start: at[0], end: at[1] };
    if (Array.isArray(v)) {
      const span = spans.get(v) ?? at;
      return { t: 'seq', items: v.map((i) => conv(i, span, depth + 1)), start: span[0], end: span[1] };
    }
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const span = spans.get(v) ?? at;
      const items: FPair[] = Object.entries(v as Record<string, unknown>).map(([k, val]) => ({
        key: { t: 'scalar', value: k, start: span[0], end: span[0] },
        value: conv(val, span, depth + 1),
      }));
      return { t: 'map', items, start: span[0], end: span[1] };
    }
    const value = v === null || v === undefined ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v instanceof Date ? v.toISOString() : v);
    return { t: 'scalar', value, start: at[0], end: at[1] };
  };
  const warning = {
    message: 'This file is not strict YAML 1.2 (Kubernetes accepts it, the yaml package does not); jump-to-source points at the enclosing block.',
    start: 0,
    end: 0,
  };
  return values.map((v, i) => ({
    contents: v === null || v === undefined ? null : conv(v, [0, text.length], 0),
    errors: [],
    warnings: i === 0 ? [warning] : [],
  }));
}

function convertYamlNode(doc: Document, root: unknown): FNode | null {
  const seen = new Map<unknown, FNode>();
  let budget = 1_000_000;
  const conv = (n: unknown, depth: number): FNode => {
    let cur = n;
    for (let hops = 0; isAlias(cur) && hops < 32; hops++) {
      try {
        cur = cur.resolve(doc);
      } catch {
        cur = undefined;
      }
    }
    const range = (cur as { range?: [number, number, number] | null } | null | undefined)?.range;
    const start = range ? range[0] : 0;
    const end = range ? range[1] : 0;
    if (seen.has(cur)) return seen.get(cur)!;
    if (--budget < 0 || depth > 500) return { t: 'scalar', value: null, start, end };
    if (isMap(cur)) {
      const m: FMap = { t: 'map', items: [], start, end };
      seen.set(cur, m);
      for (const item of cur.items) {
        const k = conv(item.key, depth + 1);
        const key: FScalar = k.t === 'scalar' ? k : { t: 'scalar', value: brief(String(item.key), 80), start: k.start, end: k.end };
        m.items.push({ key, value: item.value === null || item.value === undefined ? { t: 'scalar', value: null, start: key.end, end: key.end } : conv(item.value, depth + 1) });
      }
      return m;
    }
    if (isSeq(cur)) {
      const sq: FSeq = { t: 'seq', items: [], start, end };
      seen.set(cur, sq);
      for (const item of cur.items) sq.items.push(conv(item, depth + 1));
      return sq;
    }
    if (isScalar(cur)) {
      const v = cur.value;
      const value = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : typeof v === 'bigint' ? Number(v) : String(v);
      const s: FScalar = { t: 'scalar', value, start, end };
      seen.set(cur, s);
      return s;
    }
    return { t: 'scalar', value: null, start, end };
  };
  try {
    return root === null || root === undefined ? null : conv(root, 0);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/** Compact single-line text for hover details; long values are cut so a hover stays readable. */
export function brief(value: unknown, max = 300): string {
  let s: string;
  if (value === undefined || value === null) s = '';
  else if (typeof value === 'string') s = value;
  else if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) s = value.map((v) => String(v)).join(' ');
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export class Diagnostics {
  readonly list: PipelineDiagnostic[] = [];
  /** Same problem repeated thousands of times (e.g. in a generated file) helps nobody. */
  private readonly perCode = new Map<string, number>();
  static readonly MAX_PER_CODE = 200;

  add(severity: DiagnosticSeverity, code: string, message: string, range?: SourceRange): void {
    const n = (this.perCode.get(code) ?? 0) + 1;
    this.perCode.set(code, n);
    if (n > Diagnostics.MAX_PER_CODE) {
      if (n === Diagnostics.MAX_PER_CODE + 1) {
        this.list.push({ severity: 'info', code, message: `More "${code}" problems were found; only the first ${Diagnostics.MAX_PER_CODE} are listed.` });
      }
      return;
    }
    const d: PipelineDiagnostic = { severity, code, message };
    if (range) d.range = range;
    this.list.push(d);
  }
}

/** A PipelineNode whose `details` may be left out (the builder fills in an empty list). */
export type NodeInit = Omit<PipelineNode, 'details'> & { details?: NodeDetail[] };

/** Hard ceiling on nodes per graph: past it nested loops would only produce an unreadable wall. */
export const MAX_NODES = 50_000;

/** Small distinct codes (< 8) per edge kind, for GraphBuilder's numeric edge keys. */
const EDGE_KIND_CODE: Record<EdgeKind, number> = {
  depends: 0,
  data: 1,
  'condition-true': 2,
  'condition-false': 3,
  exit: 4,
  sequence: 5,
};

export class GraphBuilder {
  readonly nodes: PipelineNode[] = [];
  readonly edges: PipelineEdge[] = [];
  /** Node id → position in `nodes`; edges are de-duplicated on these numbers. */
  private readonly ids = new Map<string, number>();
  /**
   * (from, to, kind) packed into one number: at 10k nodes a string key per edge cost more than
   * the rest of addEdge (building and hashing a fresh concatenation each time).
   */
  private readonly edgeKeys = new Set<number>();
  truncated = false;

  constructor(private readonly maxNodes = MAX_NODES) {}

  get full(): boolean {
    return this.nodes.length >= this.maxNodes;
  }

  hasNode(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds a node; returns its final id (suffixed if the wanted one is taken) or undefined when full. */
  addNode(init: NodeInit): string | undefined {
    if (this.full) {
      this.truncated = true;
      return undefined;
    }
    let id = init.id;
    if (this.ids.has(id)) {
      let i = 2;
      while (this.ids.has(`${init.id}#${i}`)) i++;
      id = `${init.id}#${i}`;
    }
    this.ids.set(id, this.nodes.length);
    const node: PipelineNode = { id, label: init.label, kind: init.kind, details: init.details ?? [] };
    if (init.groupKind) node.groupKind = init.groupKind;
    if (init.parent) node.parent = init.parent;
    if (init.range) node.range = init.range;
    if (init.subtitle) node.subtitle = init.subtitle;
    if (init.statusKey && init.statusKey !== id) node.statusKey = init.statusKey;
    if (init.fileName) node.fileName = init.fileName;
    this.nodes.push(node);
    return id;
  }

  addEdge(edge: PipelineEdge): void {
    const from = this.ids.get(edge.from);
    const to = this.ids.get(edge.to);
    if (from === undefined || to === undefined || from === to) return;
    // from < 2^21 and to < 2^26 keep the key below 2^53 (exact); MAX_NODES is far below both.
    const key = (from * 67_108_864 + to) * 8 + EDGE_KIND_CODE[edge.kind];
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    const e: PipelineEdge = { from: edge.from, to: edge.to, kind: edge.kind };
    if (edge.label) e.label = edge.label;
    this.edges.push(e);
  }
}

/**
 * Finds cycles among `names` given `deps(name)`; returns one representative cycle per strongly
 * connected component (iterative Tarjan, so a 10k-long chain does not blow the stack).
 */
export function findCycles(names: string[], deps: (name: string) => string[]): string[][] {
  // Fast path: when every dependency comes earlier in `names` (files are usually written in
  // dependency order) there is no cycle and no self loop, so Tarjan's string-keyed maps are skipped.
  const position = new Map<string, number>();
  for (let i = 0; i < names.length; i++) position.set(names[i], i);
  let ordered = true;
  for (let i = 0; i < names.length && ordered; i++) {
    for (const d of deps(names[i])) {
      const p = position.get(d);
      if (p !== undefined && p >= i) {
        ordered = false;
        break;
      }
    }
  }
  if (ordered) return [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  const known = new Set(names);
  for (const start of names) {
    if (index.has(start)) continue;
    const work: Array<{ v: string; next: string[]; i: number }> = [];
    const push = (v: string) => {
      index.set(v, counter);
      low.set(v, counter);
      counter++;
      stack.push(v);
      onStack.add(v);
      work.push({ v, next: deps(v).filter((d) => known.has(d)), i: 0 });
    };
    push(start);
    while (work.length) {
      const frame = work[work.length - 1];
      if (frame.i < frame.next.length) {
        const w = frame.next[frame.i++];
        if (!index.has(w)) push(w);
        else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.v)!));
      }
      if (low.get(frame.v) === index.get(frame.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== frame.v);
        const selfLoop = comp.length === 1 && deps(comp[0]).includes(comp[0]);
        if (comp.length > 1 || selfLoop) cycles.push(comp.reverse());
      }
    }
  }
  return cycles;
}
