/** The text a user reads before confirming a promote (output channel and the modal's detail). */
import { describeChange, isProvenanceChange, type FieldChange } from './diff';

export interface ReviewedDocument {
  label: string;
  isNew: boolean;
  changes: readonly FieldChange[];
}

export interface ReviewSummaryInput {
  context: string;
  server: string;
  namespace: string;
  documents: readonly ReviewedDocument[];
  warnings: readonly string[];
  notes: readonly string[];
}

/** Real changes listed per object (at most `maxLines` each); provenance-only updates counted apart. */
export function summarizeReview(input: ReviewSummaryInput, maxLines = 20): string {
  const lines = [`Promote to context "${input.context}" (${input.server}), namespace "${input.namespace}": ${input.documents.length} object(s).`];
  for (const doc of input.documents) {
    const real = doc.changes.filter((c) => !isProvenanceChange(c));
    if (doc.isNew) {
      lines.push(`  ${doc.label}: new`);
      continue;
    }
    if (!real.length) {
      lines.push(`  ${doc.label}: no change${doc.changes.length ? ' (provenance only)' : ''}`);
      continue;
    }
    lines.push(`  ${doc.label}: ${real.length} change(s)`);
    for (const change of real.slice(0, maxLines)) lines.push(`    ${describeChange(change)}`);
    if (real.length > maxLines) lines.push(`    … ${real.length - maxLines} more (see the diff editor)`);
  }
  for (const note of input.notes) lines.push(`Note: ${note}`);
  for (const warning of input.warnings) lines.push(`Warning: ${warning}`);
  return lines.join('\n');
}
