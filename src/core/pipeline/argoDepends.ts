/**
 * Argo's `depends` expression language, e.g. `A.Succeeded || B.Failed`, `(A && B) || !C.Errored`.
 *
 * We only need the task references (for edges) and whether each one waits on a non-default
 * outcome (for edge labels), plus a syntax check so a typo becomes a diagnostic rather than a
 * silently missing edge. Bare `A` means "A succeeded, was skipped or daemoned" in Argo, so bare
 * and `.Succeeded` references are the default and get no label.
 */

export const DEPENDS_RESULTS = ['Succeeded', 'Failed', 'Errored', 'Skipped', 'Omitted', 'Daemoned', 'AnySucceeded', 'AllFailed'];

export interface DependsRef {
  task: string;
  /** e.g. "Failed"; undefined for a bare reference. */
  result?: string;
  negated: boolean;
  /** Offset of the reference inside the expression. */
  offset: number;
}

export interface DependsParse {
  refs: DependsRef[];
  /** First syntax problem, if any. */
  error?: { message: string; offset: number };
  /** Result names Argo does not know. */
  unknownResults: DependsRef[];
}

// Character classes by code unit: a regex test per character was a visible share of a 10k-task parse.
function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** [A-Za-z0-9_-] */
function isNameChar(code: number): boolean {
  return isLetter(code) || (code >= 48 && code <= 57) || code === 95 || code === 45;
}

type Token = { t: '(' | ')' | '&&' | '||' | '!' | 'ref' | 'end'; offset: number; ref?: DependsRef };

function tokenize(expr: string): { tokens: Token[]; error?: { message: string; offset: number } } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '!') {
      tokens.push({ t: c, offset: i });
      i++;
    } else if ((c === '&' || c === '|') && expr[i + 1] === c) {
      tokens.push({ t: c === '&' ? '&&' : '||', offset: i });
      i += 2;
    } else if (isNameChar(expr.charCodeAt(i))) {
      const start = i;
      while (i < expr.length && isNameChar(expr.charCodeAt(i))) i++;
      const task = expr.slice(start, i);
      let result: string | undefined;
      if (expr[i] === '.') {
        const rs = i + 1;
        let j = rs;
        while (j < expr.length && isLetter(expr.charCodeAt(j))) j++;
        if (j === rs) return { tokens, error: { message: `expected a result name after "${task}."`, offset: i } };
        result = expr.slice(rs, j);
        i = j;
      }
      tokens.push({ t: 'ref', offset: start, ref: { task, result, negated: false, offset: start } });
    } else {
      return { tokens, error: { message: `unexpected character "${c}"`, offset: i } };
    }
  }
  tokens.push({ t: 'end', offset: expr.length });
  return { tokens };
}

export function parseDepends(expr: string): DependsParse {
  const { tokens, error } = tokenize(expr);
  const refs: DependsRef[] = [];
  if (error) {
    for (const t of tokens) if (t.ref) refs.push(t.ref);
    return { refs, error, unknownResults: refs.filter((r) => r.result && !DEPENDS_RESULTS.includes(r.result)) };
  }
  let pos = 0;
  let firstError: { message: string; offset: number } | undefined;
  const fail = (message: string, offset: number) => {
    firstError ??= { message, offset };
  };
  // Recursive descent with an explicit depth guard: hostile input like 10,000 "(" must not
  // overflow the stack.
  const MAX_DEPTH = 200;
  const parseExpr = (negated: boolean, depth: number): void => {
    parseUnary(negated, depth);
    while (tokens[pos].t === '&&' || tokens[pos].t === '||') {
      pos++;
      parseUnary(negated, depth);
    }
  };
  const parseUnary = (negated: boolean, depth: number): void => {
    if (depth > MAX_DEPTH) {
      fail('expression is nested too deeply', tokens[pos].offset);
      pos = tokens.length - 1;
      return;
    }
    const tok = tokens[pos];
    if (tok.t === '!') {
      pos++;
      parseUnary(!negated, depth + 1);
    } else if (tok.t === '(') {
      pos++;
      parseExpr(negated, depth + 1);
      if (tokens[pos].t === ')') pos++;
      else fail('missing ")"', tokens[pos].offset);
    } else if (tok.t === 'ref') {
      pos++;
      tok.ref!.negated = negated;
      refs.push(tok.ref!);
    } else {
      fail(tok.t === 'end' ? 'expression ends too early' : `unexpected "${tok.t}"`, tok.offset);
      if (tok.t !== 'end') pos++;
    }
  };
  parseExpr(false, 0);
  if (tokens[pos].t !== 'end') fail(`unexpected "${tokens[pos].t}"`, tokens[pos].offset);
  // Collect refs a syntax error may have skipped, so edges still show what the user meant.
  if (firstError) for (const t of tokens) if (t.ref && !refs.includes(t.ref)) refs.push(t.ref);
  const out: DependsParse = { refs, unknownResults: refs.filter((r) => r.result && !DEPENDS_RESULTS.includes(r.result)) };
  if (firstError) out.error = firstError;
  return out;
}

/**
 * parseDepends for the `depends` scalar of a parsed document, once: the graph builder and the
 * admission checks (argoValidate.ts) both need it, and at 10k tasks a second parse was visible.
 * The result must not be modified.
 */
const parsedByNode = new WeakMap<object, DependsParse>();

export function parseDependsOf(node: object, expr: string): DependsParse {
  const hit = parsedByNode.get(node);
  if (hit) return hit;
  const parsed = parseDepends(expr);
  parsedByNode.set(node, parsed);
  return parsed;
}

/** Edge label for all references to one task: undefined when every reference is the default. */
export function dependsLabel(refs: DependsRef[]): string | undefined {
  // The common case (one plain dependency) without building the parts list.
  if (refs.length === 1 && !refs[0].negated && (refs[0].result === undefined || refs[0].result === 'Succeeded')) return undefined;
  const parts: string[] = [];
  for (const r of refs) {
    const isDefault = !r.negated && (r.result === undefined || r.result === 'Succeeded');
    const text = isDefault ? 'Succeeded' : `${r.negated ? '!' : ''}${r.result ?? 'Succeeded'}`;
    if (!parts.includes(text)) parts.push(text);
  }
  if (parts.length === 1 && parts[0] === 'Succeeded') return undefined;
  return parts.join(' | ');
}
