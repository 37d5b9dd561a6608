/** Which kind of component a file is: by extension, and for Python by content (PySpark or not). */
import type { ComponentKind } from './types';

// A script that builds a SparkSession (or imports pyspark) needs a Spark driver and executors; run
// as a plain container it would start a local-mode Spark inside one pod, which is not what a
// pipeline step on the production image does.
const sparkMarkers = [/SparkSession\s*\.\s*builder/, /^\s*from\s+pyspark[\s.]/m, /^\s*import\s+pyspark\b/m];

export function isPySpark(source: string): boolean {
  return sparkMarkers.some((re) => re.test(source));
}

export const runnableExtensions = ['.py', '.ipynb', '.sh'] as const;

/** undefined → not a runnable file (the caller says which extensions are). */
/** A file Kindling can run (and promote) as a component: .py, .ipynb, .sh. */
export function isComponentFile(path: string): boolean {
  return /\.(py|ipynb|sh)$/i.test(path);
}

export function detectComponentKind(fileName: string, source: string): ComponentKind | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.ipynb')) return 'notebook';
  if (lower.endsWith('.sh')) return 'shell';
  if (lower.endsWith('.py')) return isPySpark(source) ? 'pyspark' : 'script';
  return undefined;
}
