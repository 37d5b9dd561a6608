/**
 * The argument and parameter strings users type in the Run as Component input box: shell-like
 * words (quotes group, backslash escapes) and `key=value` notebook parameters.
 */

/** `--lr 0.1 --name "my run"` → ['--lr', '0.1', '--name', 'my run']. Unclosed quotes run to the end. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(current);
  return out;
}

export interface ParsedParameters {
  parameters: Record<string, string>;
  /** Words that are not key=value, for the error message. */
  invalid: string[];
}

/** `alpha=0.5 name="a b"` → { alpha: '0.5', name: 'a b' } (papermill -p infers types itself). */
export function parseParameters(text: string): ParsedParameters {
  const parameters: Record<string, string> = {};
  const invalid: string[] = [];
  for (const word of splitArgs(text)) {
    const m = word.match(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s);
    if (m) parameters[m[1]] = m[2];
    else invalid.push(word);
  }
  return { parameters, invalid };
}

/** Names assigned in a notebook's `parameters`-tagged cell (papermill's convention), for hints. */
export function notebookParameterNames(notebookJson: string): string[] {
  try {
    const nb = JSON.parse(notebookJson) as { cells?: { cell_type?: string; metadata?: { tags?: string[] }; source?: string | string[] }[] };
    const cell = nb.cells?.find((c) => c.cell_type === 'code' && c.metadata?.tags?.includes('parameters'));
    if (!cell) return [];
    const source = Array.isArray(cell.source) ? cell.source.join('') : (cell.source ?? '');
    return [...source.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]+)?=/gm)].map((m) => m[1]);
  } catch {
    return [];
  }
}
