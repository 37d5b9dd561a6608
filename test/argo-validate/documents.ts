// The documents the argo-validate tier feeds to both Argo's validator and Kindling's parser, each
// with where it came from (source + index) so a disagreement can be found again.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fuzzDocuments } from '../unit/pipeline/fuzzCorpus';
import { goRawStrings, isArgoYaml } from './goFixtures';

export type Corpus = 'examples' | 'validate-fixtures' | 'e2e' | 'fuzz';

export interface Doc {
  /** Unique id, e.g. "examples/dag-diamond.yaml#0". */
  id: string;
  corpus: Corpus;
  /** File (relative to the module) or generator the document comes from. */
  source: string;
  /** Index of the document within its source (YAML stream position, or fuzz case number). */
  index: number;
  /** 1-based line in `source` where the document starts (0 for generated documents). */
  line: number;
  /** Which templates resolve templateRef / workflowTemplateRef: documents of one group. */
  group: string;
  text: string;
}

/**
 * Splits a YAML stream the way Kubernetes' YAML reader does: at lines that start with "---"
 * followed by nothing, spaces or a comment. Empty documents (blank or comments only) are dropped.
 */
export function splitYamlStream(text: string): Array<{ index: number; line: number; text: string }> {
  const lines = text.split('\n');
  const out: Array<{ index: number; line: number; text: string }> = [];
  let start = 0;
  let index = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end).join('\n');
    if (body.split('\n').some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))) out.push({ index, line: start + 1, text: body });
    index++;
  };
  for (let k = 0; k < lines.length; k++) {
    if (/^---(\s|#|$)/.test(lines[k])) {
      flush(k);
      start = k + 1;
    }
  }
  flush(lines.length);
  return out;
}

function listFiles(d: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(d)) {
    const full = join(d, e);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, pattern));
    else if (pattern.test(e)) out.push(full);
  }
  return out.sort();
}

/** Every document of every example file: one group, as the corpus tier indexes them together. */
export function exampleDocuments(moduleDir: string): Doc[] {
  const docs: Doc[] = [];
  for (const f of listFiles(join(moduleDir, 'examples'), /\.(ya?ml|json)$/)) {
    const source = relative(moduleDir, f);
    for (const d of splitYamlStream(readFileSync(f, 'utf8'))) {
      docs.push({ id: `${source}#${d.index}`, corpus: 'examples', source, index: d.index, line: d.line, group: 'examples', text: d.text });
    }
  }
  return docs;
}

/**
 * Argo's own end-to-end and controller test workflows (test/e2e, workflow/controller/testdata,
 * test/stress): another ~250 documents, mostly valid, some failing on purpose. One group.
 */
export function moduleTestDocuments(moduleDir: string): Doc[] {
  const docs: Doc[] = [];
  for (const sub of ['test/e2e', 'workflow/controller/testdata', 'test/stress']) {
    const dir = join(moduleDir, sub);
    if (!existsSync(dir)) continue;
    for (const f of listFiles(dir, /\.ya?ml$/)) {
      const source = relative(moduleDir, f);
      for (const d of splitYamlStream(readFileSync(f, 'utf8'))) {
        docs.push({ id: `${source}#${d.index}`, corpus: 'e2e', source, index: d.index, line: d.line, group: 'e2e', text: d.text });
      }
    }
  }
  return docs;
}

/**
 * The Argo documents among the raw-string literals of workflow/validate/*_test.go, plus the YAML
 * files of workflow/validate/testdata. One group: Argo's tests share one fake clientset of
 * WorkflowTemplates too.
 */
export function validateFixtureDocuments(moduleDir: string): Doc[] {
  const docs: Doc[] = [];
  const dir = join(moduleDir, 'workflow', 'validate');
  for (const f of listFiles(dir, /_test\.go$/)) {
    const source = relative(moduleDir, f);
    goRawStrings(readFileSync(f, 'utf8')).forEach((lit, k) => {
      for (const d of splitYamlStream(lit.text)) {
        if (!isArgoYaml(d.text)) continue;
        const label = lit.name ? `${lit.name}` : `literal ${k}`;
        docs.push({
          id: `${source}:${lit.line}#${d.index}`, corpus: 'validate-fixtures', source: `${source}:${lit.line} (${label})`,
          index: d.index, line: lit.line + d.line - 1, group: 'validate', text: d.text,
        });
      }
    });
  }
  for (const f of listFiles(join(dir, 'testdata'), /\.ya?ml$/)) {
    const source = relative(moduleDir, f);
    for (const d of splitYamlStream(readFileSync(f, 'utf8'))) {
      if (!isArgoYaml(d.text)) continue;
      docs.push({ id: `${source}#${d.index}`, corpus: 'validate-fixtures', source, index: d.index, line: d.line, group: 'validate', text: d.text });
    }
  }
  return docs;
}

/**
 * The unit fuzz test's documents that claim to be Argo resources, split into YAML documents like
 * the rest (a mutation may insert "---"); each fuzz case is its own group.
 */
export function fuzzArgoDocuments(): Doc[] {
  const docs: Doc[] = [];
  fuzzDocuments().forEach((f, k) => {
    if (!f.text.includes('argoproj.io')) return;
    for (const d of splitYamlStream(f.text)) {
      if (!d.text.includes('argoproj.io')) continue;
      docs.push({ id: `fuzz#${k}#${d.index}`, corpus: 'fuzz', source: `fuzz case ${k} (${f.source})`, index: d.index, line: d.line, group: `fuzz#${k}`, text: d.text });
    }
  });
  return docs;
}
