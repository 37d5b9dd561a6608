// Reads the YAML fixtures out of Argo's own validator tests (workflow/validate/*_test.go of the
// pinned module, in the Go module cache) at test time: every Go raw-string literal (`...`) that is
// an Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow. Nothing is copied
// into this repository.

export interface GoRawString {
  /** 1-based line of the opening backtick. */
  line: number;
  /** The Go identifier the literal is assigned to, when it is `var x = ` / `x := ` / `x = `. */
  name?: string;
  text: string;
}

/**
 * Every raw-string literal of a Go source file. A small scanner, not a regex: backticks inside
 * comments, interpreted strings and rune literals must not open a raw string.
 */
export function goRawStrings(src: string): GoRawString[] {
  const out: GoRawString[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) if (src[k] === '\n') line++;
      i = stop;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      const stop = end < 0 ? n : end;
      const text = src.slice(i + 1, stop);
      const before = src.slice(Math.max(0, src.lastIndexOf('\n', i - 1) + 1), i);
      const m = /([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|=)\s*$/.exec(before);
      out.push({ line, name: m?.[1], text });
      for (let k = i; k < stop; k++) if (src[k] === '\n') line++;
      i = stop + 1;
    } else {
      i++;
    }
  }
  return out;
}

const ARGO_KIND = /^kind:\s*["']?(Workflow|WorkflowTemplate|ClusterWorkflowTemplate|CronWorkflow)["']?\s*$/m;
const ARGO_API = /^apiVersion:\s*["']?argoproj\.io\//m;

/** True when a literal looks like an Argo resource document (top-level apiVersion and kind). */
export function isArgoYaml(text: string): boolean {
  return ARGO_API.test(text) && ARGO_KIND.test(text);
}
