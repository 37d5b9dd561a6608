/**
 * A small, fast YAML reader for the block-style subset that pipeline files are written in, with
 * source offsets on every node.
 *
 * Why: the `yaml` package takes seconds on a 10,000-task workflow (≈2 MB) on our 2-core machines,
 * and the DAG panel's budget for parse + layout is 400 ms. Pipeline YAML is almost always plain
 * block maps and lists, quoted or plain one-line scalars, `|` blocks and one-line flow
 * collections, which a line-oriented reader handles in tens of milliseconds.
 *
 * It is deliberately conservative: anything outside that subset (anchors, aliases, tags, complex
 * keys, multi-line plain or quoted scalars, multi-line flow collections, tabs in indentation,
 * directives, duplicate keys, odd indentation) makes it give up with `Bail`, and the caller falls
 * back to the `yaml` package, which also produces the proper error messages for broken files.
 * A differential test checks both readers agree on every corpus file.
 */

export interface FScalar {
  t: 'scalar';
  value: string | number | boolean | null;
  start: number;
  end: number;
}

export interface FPair {
  key: FScalar;
  value: FNode;
}

export interface FMap {
  t: 'map';
  items: FPair[];
  start: number;
  end: number;
}

export interface FSeq {
  t: 'seq';
  items: FNode[];
  start: number;
  end: number;
}

export type FNode = FScalar | FMap | FSeq;

/** Thrown when the text leaves the subset; never escapes `fastParseAll`. */
class Bail extends Error {}

const bail = (why: string): never => {
  throw new Bail(why);
};

/** Core-schema resolution of a plain scalar (what YAML 1.2 parsers give for unquoted text). */
export function resolvePlain(s: string): string | number | boolean | null {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  const c = s.charCodeAt(0);
  // Only strings that can be numbers pay for the regexes.
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    if (/^[-+]?[0-9]+$/.test(s)) return Number(s);
    if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
    if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
    if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s[0] === '-' ? -Infinity : Infinity;
    if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  }
  return s;
}

/**
 * Per-line facts in typed arrays (one slot per line) rather than one object per line: a 10k-node
 * workflow has ~60k lines, and those objects lived through the whole read, so every young-generation
 * GC copied them.
 */
/**
 * Offset just past the closing quote of a quoted scalar starting at `pos` (a `"` or `'`), looking
 * no further than `end`; -1 when it does not close there. `\` escapes inside double quotes and `''`
 * inside single quotes do not close it. Shared by the block and the flow reader.
 */
function quotedEnd(t: string, pos: number, end: number): number {
  const q = t.charCodeAt(pos);
  for (let k = pos + 1; k < end; k++) {
    const c = t.charCodeAt(k);
    if (q === 34 && c === 92) {
      k++;
      continue;
    }
    if (c === q) {
      if (q === 39 && t.charCodeAt(k + 1) === 39) {
        k++;
        continue;
      }
      return k + 1;
    }
  }
  return -1;
}

class Reader {
  /** Offset of the first character. */
  private ls: Int32Array;
  /** Offset just past the last character (before \r\n or \n). */
  private le: Int32Array;
  /** Leading spaces. */
  private lind: Int32Array;
  /** 1 when blank or comment-only. */
  private lblank: Uint8Array;
  /** Number of lines. */
  private n = 0;
  li = 0;

  constructor(
    private readonly text: string,
    from: number,
    to: number,
  ) {
    // Capacity guess (pipeline YAML averages well over 16 characters a line); grown if short.
    const cap = Math.max(16, ((to - from) >> 4) + 16);
    this.ls = new Int32Array(cap);
    this.le = new Int32Array(cap);
    this.lind = new Int32Array(cap);
    this.lblank = new Uint8Array(cap);
    let s = from;
    while (s < to) {
      let nl = text.indexOf('\n', s);
      if (nl === -1 || nl > to) nl = to;
      let e = nl;
      if (e > s && text.charCodeAt(e - 1) === 13) e--;
      let i = s;
      while (i < e && text.charCodeAt(i) === 32) i++;
      let blank = i >= e || text.charCodeAt(i) === 35;
      if (!blank && text.charCodeAt(i) === 9) {
        // Tabs after the indentation of a content line make indentation ambiguous for us.
        let j = i;
        while (j < e && (text.charCodeAt(j) === 9 || text.charCodeAt(j) === 32)) j++;
        if (j < e && text.charCodeAt(j) !== 35) bail('tab in indentation');
        blank = true;
      }
      if (this.n === this.ls.length) this.grow();
      this.ls[this.n] = s;
      this.le[this.n] = e;
      this.lind[this.n] = i - s;
      this.lblank[this.n] = blank ? 1 : 0;
      this.n++;
      s = nl + 1;
    }
  }

  private grow(): void {
    const cap = this.ls.length * 2;
    const ls = new Int32Array(cap);
    const le = new Int32Array(cap);
    const lind = new Int32Array(cap);
    const lblank = new Uint8Array(cap);
    ls.set(this.ls);
    le.set(this.le);
    lind.set(this.lind);
    lblank.set(this.lblank);
    this.ls = ls;
    this.le = le;
    this.lind = lind;
    this.lblank = lblank;
  }

  /** Index of the next non-blank line at or after `li`, or the line count. */
  nextContent(li: number): number {
    while (li < this.n && this.lblank[li] === 1) li++;
    return li;
  }

  parseDocument(): FNode | null {
    const li = this.nextContent(0);
    if (li >= this.n) return null;
    const { node, next } = this.parseBlockAt(li, this.ls[li] + this.lind[li], -1, false);
    const rest = this.nextContent(next);
    if (rest < this.n) bail('content after the document root');
    return node;
  }

  private startsSeqItem(pos: number, e: number): boolean {
    return this.text.charCodeAt(pos) === 45 && (pos + 1 >= e || this.text.charCodeAt(pos + 1) === 32);
  }

  /**
   * Parses the node that starts at `pos` on line `li`. `parentIndent` is the indentation of the
   * owning collection (-1 at the root); `inMapValue` allows a sequence at the parent's indent.
   */
  private parseBlockAt(li: number, pos: number, parentIndent: number, _inMapValue: boolean): { node: FNode; next: number } {
    const col = pos - this.ls[li];
    const e = this.le[li];
    if (this.startsSeqItem(pos, e)) return this.parseSeq(li, col);
    if (this.isMapLine(pos, e)) return this.parseMap(li, col);
    return this.parseScalarLine(li, pos, parentIndent);
  }

  /** Whether content at pos is `key: …` (plain or quoted key). */
  private isMapLine(pos: number, e: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(pos);
    if (c === 34 || c === 39) {
      const close = quotedEnd(this.text, pos, e);
      if (close < 0) return false;
      let k = close;
      while (k < e && t.charCodeAt(k) === 32) k++;
      return t.charCodeAt(k) === 58 && (k + 1 >= e || t.charCodeAt(k + 1) === 32);
    }
    if (c === 91 || c === 123 || c === 35 || c === 124 || c === 62) return false;
    if (c === 63 && (pos + 1 >= e || t.charCodeAt(pos + 1) === 32)) bail('complex key');
    return this.plainKeyEnd(pos, e) >= 0;
  }

  /** Offset of the ':' ending a plain key on this line, or -1. */
  private plainKeyEnd(pos: number, e: number): number {
    const t = this.text;
    for (let k = pos; k < e; k++) {
      const c = t.charCodeAt(k);
      if (c === 58 && (k + 1 >= e || t.charCodeAt(k + 1) === 32)) return k;
      if (c === 35 && k > pos && t.charCodeAt(k - 1) === 32) return -1;
    }
    return -1;
  }

  private unquote(pos: number, end: number): string {
    const t = this.text;
    const inner = t.slice(pos + 1, end - 1);
    if (t.charCodeAt(pos) === 39) return inner.includes("''") ? inner.replace(/''/g, "'") : inner;
    if (!inner.includes('\\')) return inner;
    let out = '';
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c !== '\\') {
        out += c;
        continue;
      }
      const n = inner[++i];
      switch (n) {
        case 'n': out += '\n'; break;
        case 't': case '\t': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case '0': out += '\0'; break;
        case ' ': out += ' '; break;
        case 'a': out += '\x07'; break;
        case 'b': out += '\b'; break;
        case 'e': out += '\x1b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case 'N': out += '\u0085'; break;
        case '_': out += '\u00a0'; break;
        case 'L': out += '\u2028'; break;
        case 'P': out += '\u2029'; break;
        case 'x': case 'u': case 'U': {
          const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
          const hex = inner.slice(i + 1, i + 1 + len);
          if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) bail('bad escape');
          const cp = parseInt(hex, 16);
          if (cp > 0x10ffff) bail('bad escape');
          out += String.fromCodePoint(cp);
          i += len;
          break;
        }
        default:
          bail('unknown escape');
      }
    }
    return out;
  }

  /** After a value on a line: only spaces and an optional comment may follow. */
  private expectLineEnd(k: number, e: number): void {
    const t = this.text;
    while (k < e && t.charCodeAt(k) === 32) k++;
    if (k < e && t.charCodeAt(k) !== 35) bail('unexpected text after value');
    if (k < e && k > 0 && t.charCodeAt(k - 1) !== 32) bail('comment without space');
  }

  private parseMap(li: number, col: number): { node: FNode; next: number } {
    const t = this.text;
    const items: FPair[] = [];
    let keys: Set<unknown> | undefined;
    let start = -1;
    let end = 0;
    while (true) {
      const lineEnd = this.le[li];
      const pos = this.ls[li] + col;
      let keyEnd: number;
      let key: FScalar;
      const c = t.charCodeAt(pos);
      if (c === 34 || c === 39) {
        const close = quotedEnd(this.text, pos, lineEnd);
        if (close < 0) bail('unterminated quoted key');
        key = { t: 'scalar', value: this.unquote(pos, close), start: pos, end: close };
        keyEnd = close;
        while (t.charCodeAt(keyEnd) === 32) keyEnd++;
        if (t.charCodeAt(keyEnd) !== 58) bail('expected ":"');
      } else {
        if (c === 45 && this.startsSeqItem(pos, lineEnd)) bail('sequence item in a mapping');
        if (c === 63 || c === 38 || c === 42 || c === 33 || c === 91 || c === 123 || c === 124 || c === 62 || c === 37 || c === 64 || c === 96) bail('indicator in key');
        keyEnd = this.plainKeyEnd(pos, lineEnd);
        if (keyEnd < 0) bail('expected a key');
        let ke = keyEnd;
        while (ke > pos && t.charCodeAt(ke - 1) === 32) ke--;
        const raw = t.slice(pos, ke);
        if (raw.includes(': ') || raw.includes(' #')) bail('odd key');
        const v = resolvePlain(raw);
        // Keys are compared as text by everything downstream; yaml would keep typed keys.
        key = { t: 'scalar', value: v === null || typeof v === 'string' ? v : raw, start: pos, end: ke };
        if (typeof v !== 'string') bail('non-string key');
      }
      // Duplicate keys: a linear scan is cheaper than a Set for the usual handful of keys.
      const keyText = key.value;
      if (items.length < 16) {
        for (let q = 0; q < items.length; q++) if (items[q].key.value === keyText) bail('duplicate key');
      } else {
        if (!keys) {
          keys = new Set<unknown>();
          for (const it of items) keys.add(it.key.value);
        }
        if (keys.has(keyText)) bail('duplicate key');
        keys.add(keyText);
      }
      if (start < 0) start = pos;
      // Value: rest of the line, or the following more-indented lines.
      let vpos = keyEnd + 1;
      while (vpos < lineEnd && t.charCodeAt(vpos) === 32) vpos++;
      let value: FNode;
      let next: number;
      if (vpos >= lineEnd || t.charCodeAt(vpos) === 35) {
        if (vpos < lineEnd && t.charCodeAt(vpos - 1) !== 32) bail('comment without space');
        const nl = this.nextContent(li + 1);
        if (nl < this.n && (this.lind[nl] > col || (this.lind[nl] === col && this.startsSeqItem(this.ls[nl] + col, this.le[nl])))) {
          const r = this.parseBlockAt(nl, this.ls[nl] + this.lind[nl], col, true);
          value = r.node;
          next = r.next;
        } else {
          value = { t: 'scalar', value: null, start: keyEnd + 1, end: keyEnd + 1 };
          next = li + 1;
        }
      } else {
        const r = this.parseInlineValue(li, vpos, col);
        value = r.node;
        next = r.next;
      }
      items.push({ key, value });
      end = Math.max(value.end, key.end + 1);
      const nl = this.nextContent(next);
      if (nl >= this.n) return { node: { t: 'map', items, start, end }, next: nl };
      const nind = this.lind[nl];
      if (nind === col) {
        if (this.startsSeqItem(this.ls[nl] + col, this.le[nl])) return { node: { t: 'map', items, start, end }, next: nl };
        li = nl;
        continue;
      }
      if (nind < col) return { node: { t: 'map', items, start, end }, next: nl };
      bail('unexpected indentation');
    }
  }

  private parseSeq(li: number, col: number): { node: FNode; next: number } {
    const t = this.text;
    const items: FNode[] = [];
    let start = -1;
    let end = 0;
    while (true) {
      const lineEnd = this.le[li];
      const pos = this.ls[li] + col;
      if (start < 0) start = pos;
      let vpos = pos + 1;
      while (vpos < lineEnd && t.charCodeAt(vpos) === 32) vpos++;
      let value: FNode;
      let next: number;
      if (vpos >= lineEnd || t.charCodeAt(vpos) === 35) {
        const nl = this.nextContent(li + 1);
        if (nl < this.n && this.lind[nl] > col) {
          const r = this.parseBlockAt(nl, this.ls[nl] + this.lind[nl], col, false);
          value = r.node;
          next = r.next;
        } else {
          value = { t: 'scalar', value: null, start: pos + 1, end: pos + 1 };
          next = li + 1;
        }
      } else {
        const r = this.parseBlockAt(li, vpos, col, false);
        value = r.node;
        next = r.next;
      }
      items.push(value);
      end = Math.max(value.end, pos + 1);
      const nl = this.nextContent(next);
      if (nl >= this.n) return { node: { t: 'seq', items, start, end }, next: nl };
      const nind = this.lind[nl];
      if (nind === col && this.startsSeqItem(this.ls[nl] + col, this.le[nl])) {
        li = nl;
        continue;
      }
      if (nind <= col) return { node: { t: 'seq', items, start, end }, next: nl };
      bail('unexpected indentation');
    }
  }

  /** A value that starts on the line of its key: scalar, flow collection or block scalar. */
  private parseInlineValue(li: number, pos: number, parentIndent: number): { node: FNode; next: number } {
    const c = this.text.charCodeAt(pos);
    if (c === 45 && this.startsSeqItem(pos, this.le[li])) bail('sequence on the line of its key');
    return this.parseScalarLine(li, pos, parentIndent);
  }

  private parseScalarLine(li: number, pos: number, parentIndent: number): { node: FNode; next: number } {
    const t = this.text;
    const lineEnd = this.le[li];
    const c = t.charCodeAt(pos);
    let node: FNode;
    if (c === 124 || c === 62) return this.parseBlockScalar(li, pos, parentIndent);
    if (c === 34 || c === 39) {
      const close = quotedEnd(this.text, pos, lineEnd);
      if (close < 0) bail('multi-line quoted scalar');
      this.expectLineEnd(close, lineEnd);
      node = { t: 'scalar', value: this.unquote(pos, close), start: pos, end: close };
    } else if (c === 91 || c === 123) {
      const r = new FlowReader(t, pos, lineEnd, this).parse();
      this.expectLineEnd(r.end, lineEnd);
      node = r;
    } else if (c === 38 || c === 42 || c === 33 || c === 37 || c === 64 || c === 96 || c === 44 || c === 93 || c === 125 || c === 63 || c === 58) {
      return bail('indicator');
    } else {
      let k = pos;
      for (; k < lineEnd; k++) {
        const ch = t.charCodeAt(k);
        if (ch === 35 && t.charCodeAt(k - 1) === 32) break;
        if (ch === 58 && (k + 1 >= lineEnd || t.charCodeAt(k + 1) === 32)) bail('":" in a plain scalar');
      }
      let e = k;
      while (e > pos && (t.charCodeAt(e - 1) === 32 || t.charCodeAt(e - 1) === 9)) e--;
      node = { t: 'scalar', value: resolvePlain(t.slice(pos, e)), start: pos, end: e };
    }
    // A more-indented line after a one-line scalar would continue it (multi-line plain scalar).
    const nl = this.nextContent(li + 1);
    if (nl < this.n && this.lind[nl] > parentIndent) bail('multi-line scalar');
    return { node, next: li + 1 };
  }

  private parseBlockScalar(li: number, pos: number, parentIndent: number): { node: FNode; next: number } {
    const t = this.text;
    const lineEnd = this.le[li];
    const literal = t.charCodeAt(pos) === 124;
    let k = pos + 1;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    if (t[k] === '-') {
      chomp = 'strip';
      k++;
    } else if (t[k] === '+') {
      chomp = 'keep';
      k++;
    }
    if (k < lineEnd && /[0-9]/.test(t[k])) bail('explicit indentation indicator');
    this.expectLineEnd(k, lineEnd);
    // Content: following lines more indented than the parent, blank lines included.
    let contentIndent = -1;
    let last = li;
    // Indices of the block's lines.
    const body: number[] = [];
    for (let j = li + 1; j < this.n; j++) {
      const l = { s: this.ls[j], e: this.le[j], ind: this.lind[j] };
      const empty = l.s + l.ind >= l.e;
      if (!empty && contentIndent < 0) {
        if (l.ind <= parentIndent) break;
        contentIndent = l.ind;
      }
      if (!empty && l.ind < contentIndent) break;
      if (empty && contentIndent >= 0 && l.ind > contentIndent) {
        // whitespace-only line longer than the indent: part of the content, keep going
      }
      if (empty && contentIndent < 0 && l.ind > 0 && parentIndent >= 0 && l.ind > parentIndent + 1) {
        bail('leading whitespace-only line in block scalar');
      }
      body.push(j);
      if (!empty) last = j;
    }
    // Trailing empty lines belong to chomping, not to the content range.
    const contentLines = body.slice(0, Math.max(0, last - li));
    const trailing = body.length - contentLines.length;
    let value: string;
    if (contentIndent < 0) {
      value = chomp === 'keep' ? '\n'.repeat(body.length) : '';
      return { node: { t: 'scalar', value, start: pos, end: lineEnd }, next: li + 1 + body.length };
    }
    const texts = contentLines.map((j) => (this.le[j] - this.ls[j] > contentIndent ? t.slice(this.ls[j] + contentIndent, this.le[j]) : ''));
    if (literal) {
      value = texts.join('\n');
    } else {
      // Folded: only the simple case (no more-indented or blank lines inside) is ours.
      if (texts.some((x) => x === '' || x.startsWith(' ') || x.startsWith('\t'))) bail('complex folded scalar');
      value = texts.join(' ');
    }
    if (chomp === 'clip') value += '\n';
    else if (chomp === 'keep') value += '\n' + '\n'.repeat(trailing);
    return { node: { t: 'scalar', value, start: pos, end: this.le[last] }, next: last + 1 };
  }
}

/** One-line flow collections: `[a, "b", {c: d}]`, `{cpu: 1, memory: 2Gi}`. */
class FlowReader {
  private k: number;

  constructor(
    private readonly t: string,
    start: number,
    private readonly e: number,
    _owner: Reader,
  ) {
    this.k = start;
  }

  private ws(): void {
    while (this.k < this.e && this.t.charCodeAt(this.k) === 32) this.k++;
  }

  parse(depth = 0): FMap | FSeq {
    if (depth > 64) bail('flow nesting');
    const t = this.t;
    const start = this.k;
    const open = t.charCodeAt(this.k++);
    const isMap = open === 123;
    const close = isMap ? 125 : 93;
    const items: FNode[] = [];
    const pairs: FPair[] = [];
    const keys = new Set<string>();
    this.ws();
    while (true) {
      if (this.k >= this.e) bail('multi-line flow collection');
      if (t.charCodeAt(this.k) === close) {
        this.k++;
        break;
      }
      if (isMap) {
        const key = this.scalar(true);
        if (key.t !== 'scalar' || (key.value !== null && typeof key.value !== 'string')) bail('flow key');
        const ks = String(key.value);
        if (keys.has(ks)) bail('duplicate key');
        keys.add(ks);
        this.ws();
        let value: FNode;
        if (t.charCodeAt(this.k) === 58) {
          this.k++;
          this.ws();
          const c = t.charCodeAt(this.k);
          value = c === 44 || c === close ? { t: 'scalar', value: null, start: this.k, end: this.k } : this.item(depth);
        } else {
          value = { t: 'scalar', value: null, start: this.k, end: this.k };
        }
        pairs.push({ key: key as FScalar, value });
      } else {
        items.push(this.item(depth));
      }
      this.ws();
      const c = t.charCodeAt(this.k);
      if (c === 44) {
        this.k++;
        this.ws();
        continue;
      }
      if (c === close) continue;
      bail('flow syntax');
    }
    return isMap ? { t: 'map', items: pairs, start, end: this.k } : { t: 'seq', items, start, end: this.k };
  }

  private item(depth: number): FNode {
    const c = this.t.charCodeAt(this.k);
    if (c === 91 || c === 123) return this.parse(depth + 1);
    const s = this.scalar(false);
    this.ws();
    // `[a: b]` is an implicit single-pair map in YAML; not ours.
    if (this.t.charCodeAt(this.k) === 58) bail('implicit flow pair');
    return s;
  }

  private scalar(_isKey: boolean): FScalar {
    const t = this.t;
    const start = this.k;
    const c = t.charCodeAt(start);
    if (c === 34 || c === 39) {
      const close = quotedEnd(t, start, this.e);
      if (close < 0) bail('multi-line quoted scalar');
      this.k = close;
      const inner = t.slice(start + 1, close - 1);
      let value: string;
      if (c === 39) value = inner.replace(/''/g, "'");
      else if (!inner.includes('\\')) value = inner;
      else {
        try {
          value = JSON.parse(`"${inner}"`) as string;
        } catch {
          return bail('escape in flow scalar');
        }
      }
      return { t: 'scalar', value, start, end: close };
    }
    if (c === 38 || c === 42 || c === 33 || c === 63 || c === 37 || c === 64 || c === 96 || c === 124 || c === 62 || c === 35 || c === 91 || c === 123) bail('indicator in flow');
    let k = start;
    for (; k < this.e; k++) {
      const ch = t.charCodeAt(k);
      if (ch === 44 || ch === 93 || ch === 125 || ch === 91 || ch === 123) break;
      if (ch === 58 && (k + 1 >= this.e || t.charCodeAt(k + 1) === 32 || t.charCodeAt(k + 1) === 44 || t.charCodeAt(k + 1) === 93 || t.charCodeAt(k + 1) === 125)) break;
      if (ch === 35 && t.charCodeAt(k - 1) === 32) bail('comment in flow');
    }
    let e = k;
    while (e > start && t.charCodeAt(e - 1) === 32) e--;
    this.k = k;
    return { t: 'scalar', value: resolvePlain(t.slice(start, e)), start, end: e };
  }
}

/**
 * Splits on `---` / `...` lines and reads every document. Returns undefined when any document
 * leaves the subset (the caller then uses the `yaml` package for the whole file).
 */
export function fastParseAll(text: string): Array<{ contents: FNode | null; start: number; end: number }> | undefined {
  try {
    if (text.charCodeAt(0) === 0xfeff) return undefined;
    const docs: Array<{ contents: FNode | null; start: number; end: number }> = [];
    let docStart = 0;
    let pos = 0;
    let sawMarker = false;
    const flush = (end: number) => {
      const r = new Reader(text, docStart, end);
      docs.push({ contents: r.parseDocument(), start: docStart, end });
    };
    while (pos <= text.length) {
      let nl = text.indexOf('\n', pos);
      if (nl === -1) nl = text.length;
      const c0 = text.charCodeAt(pos);
      if (c0 === 37) return undefined; // %YAML / %TAG directives
      if ((c0 === 45 || c0 === 46) && text.startsWith(c0 === 45 ? '---' : '...', pos)) {
        const after = text.charCodeAt(pos + 3);
        const rest = text.slice(pos + 3, nl).trim();
        if (pos + 3 >= nl || after === 32 || after === 13 || after === 9) {
          if (rest && !rest.startsWith('#')) return undefined; // content on the marker line
          if (c0 === 46) {
            flush(pos);
            docStart = nl + 1;
            sawMarker = false;
          } else {
            if (pos > docStart || sawMarker) flush(pos);
            docStart = nl + 1;
            sawMarker = true;
          }
        }
      }
      pos = nl + 1;
    }
    if (docStart < text.length || sawMarker || docs.length === 0) flush(text.length);
    // yaml yields no document for a trailing empty stream part after "..."; keep only docs with
    // content or an explicit marker.
    return docs;
  } catch (err) {
    if (err instanceof Bail) {
      if (process.env.KINDLING_FASTYAML_DEBUG) console.error('fastYaml bail:', err.message);
      return undefined;
    }
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/**
 * Strict JSON with offsets (SageMaker definitions are JSON). Returns undefined for anything that
 * is not valid JSON, so the caller's YAML path reports the problem with a position.
 */
export function fastParseJson(text: string): FNode | undefined {
  let k = 0;
  const n = text.length;
  const ws = () => {
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === 32 || c === 10 || c === 13 || c === 9) k++;
      else break;
    }
  };
  const str = (): FScalar => {
    const start = k;
    k++;
    let simple = true;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === 92) {
        simple = false;
        k += 2;
        continue;
      }
      if (c === 34) break;
      if (c < 32) bail('control character in string');
      k++;
    }
    if (k >= n) bail('unterminated string');
    k++;
    const raw = text.slice(start, k);
    let value: string;
    if (simple) value = raw.slice(1, -1);
    else {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        return bail('bad escape');
      }
    }
    return { t: 'scalar', value, start, end: k };
  };
  const value = (depth: number): FNode => {
    if (depth > 500) bail('nesting');
    ws();
    const start = k;
    const c = text.charCodeAt(k);
    if (c === 123) {
      k++;
      const items: FPair[] = [];
      const keys = new Set<string>();
      ws();
      if (text.charCodeAt(k) === 125) {
        k++;
        return { t: 'map', items, start, end: k };
      }
      while (true) {
        ws();
        if (text.charCodeAt(k) !== 34) bail('expected key');
        const key = str();
        if (keys.has(key.value as string)) bail('duplicate key');
        keys.add(key.value as string);
        ws();
        if (text.charCodeAt(k) !== 58) bail('expected ":"');
        k++;
        items.push({ key, value: value(depth + 1) });
        ws();
        const d = text.charCodeAt(k);
        k++;
        if (d === 44) continue;
        if (d === 125) return { t: 'map', items, start, end: k };
        bail('expected "," or "}"');
      }
    }
    if (c === 91) {
      k++;
      const items: FNode[] = [];
      ws();
      if (text.charCodeAt(k) === 93) {
        k++;
        return { t: 'seq', items, start, end: k };
      }
      while (true) {
        items.push(value(depth + 1));
        ws();
        const d = text.charCodeAt(k);
        k++;
        if (d === 44) continue;
        if (d === 93) return { t: 'seq', items, start, end: k };
        bail('expected "," or "]"');
      }
    }
    if (c === 34) return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)/.exec(text.slice(k, k + 400));
    if (!m) return bail('unexpected token');
    k += m[0].length;
    const lit = m[0];
    return { t: 'scalar', value: lit === 'true' ? true : lit === 'false' ? false : lit === 'null' ? null : Number(lit), start, end: k };
  };
  try {
    const root = value(0);
    ws();
    if (k < n) return undefined;
    return root;
  } catch (err) {
    if (err instanceof Bail || err instanceof RangeError) return undefined;
    throw err;
  }
}
