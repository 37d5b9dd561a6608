// The tier's report: counts per corpus and every disagreement with both messages, as JSON (for
// tools) and as a markdown list (for people), in test-results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countOutcomes, type Compared, type Counts } from './compare';
import type { Corpus } from './documents';

export interface Report {
  argoVersion: string;
  corpora: Record<Corpus | 'all' | 'examples+fixtures', Counts>;
  disagreements: Array<{
    outcome: 'miss' | 'false-alarm' | 'runtime-failure';
    corpus: Corpus;
    id: string;
    source: string;
    index: number;
    line: number;
    kind?: string;
    name?: string;
    argo: string;
    kindling: string[];
    text?: string;
  }>;
}

export function buildReport(rows: Compared[], argoVersion: string): Report {
  const disagreements: Report['disagreements'] = [];
  for (const r of rows) {
    if (r.outcome !== 'miss' && r.outcome !== 'false-alarm' && r.outcome !== 'runtime-failure') continue;
    disagreements.push({
      outcome: r.outcome,
      corpus: r.doc.corpus,
      id: r.doc.id,
      source: r.doc.source,
      index: r.doc.index,
      line: r.doc.line,
      kind: r.argo.kind,
      name: r.argo.name,
      argo: r.argo.verdict === 'reject' ? (r.argo.message ?? '') : 'accepted',
      kindling: r.kindling.length ? r.kindling.map((k) => `${k.line ?? '?'}:${k.col ?? '?'} ${k.code}: ${k.message}`) : ['no error'],
      // Generated documents exist nowhere else; module files can be opened at source + line.
      text: r.doc.corpus === 'fuzz' ? r.doc.text.slice(0, 4000) : undefined,
    });
  }
  return {
    argoVersion,
    corpora: {
      all: countOutcomes(rows),
      'examples+fixtures': countOutcomes(rows, ['examples', 'validate-fixtures']),
      examples: countOutcomes(rows, ['examples']),
      'validate-fixtures': countOutcomes(rows, ['validate-fixtures']),
      e2e: countOutcomes(rows, ['e2e']),
      fuzz: countOutcomes(rows, ['fuzz']),
    },
    disagreements,
  };
}

export function countsLine(c: Counts): string {
  return `both reject ${c['both-reject']}, both accept ${c['both-accept']}, only Argo rejects ${c.miss} (misses), only Kindling rejects ${c['false-alarm']} (false alarms); Argo admits but the run will fail, Kindling says so ${c['runtime-failure']}`;
}

function markdown(report: Report): string {
  const lines = [`# argo-validate: Kindling's diagnostics vs Argo ${report.argoVersion}'s validator`, ''];
  for (const [name, c] of Object.entries(report.corpora)) {
    lines.push(`- **${name}** (${c.documents} documents, ${c.skipped} not Argo resources): ${countsLine(c)}`);
  }
  const titles = {
    miss: 'Only Argo rejects (misses)',
    'false-alarm': 'Only Kindling rejects (false alarms)',
    'runtime-failure': 'Argo admits, the controller fails it at run time, Kindling says so beforehand',
  };
  for (const outcome of ['miss', 'false-alarm', 'runtime-failure'] as const) {
    const list = report.disagreements.filter((d) => d.outcome === outcome);
    lines.push('', `## ${titles[outcome]}: ${list.length}`, '');
    for (const d of list) {
      lines.push(`- \`${d.source}\` document ${d.index}${d.line ? ` (line ${d.line})` : ''}, ${d.kind ?? '?'} ${d.name ?? ''}`);
      lines.push(`  - Argo: ${d.argo.replace(/\n/g, ' ')}`);
      for (const k of d.kindling) lines.push(`  - Kindling: ${k.replace(/\n/g, ' ')}`);
      if (d.text) lines.push('  ```yaml', ...d.text.split('\n').slice(0, 40).map((l) => `  ${l}`), '  ```');
    }
  }
  return lines.join('\n') + '\n';
}

export function writeReport(report: Report, dir: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'argo-validate.json');
  const md = join(dir, 'argo-validate.md');
  writeFileSync(json, JSON.stringify(report, null, 2));
  writeFileSync(md, markdown(report));
  return { json, md };
}
