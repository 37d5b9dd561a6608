import { OUTPUT_BEGIN, OUTPUT_END } from './build';

/**
 * The executed notebook a ConfigMap-delivered run printed to its log (base64 between markers), or
 * undefined when the log has none (e.g. the runner failed before writing it, or the log was cut).
 * Returns the raw bytes as a base64 string for the caller to decode and write.
 */
export function extractNotebookOutput(log: string): string | undefined {
  const begin = log.lastIndexOf(OUTPUT_BEGIN);
  if (begin < 0) return undefined;
  const end = log.indexOf(OUTPUT_END, begin);
  if (end < 0) return undefined;
  const body = log.slice(begin + OUTPUT_BEGIN.length, end).replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(body) && body.length > 0 ? body : undefined;
}
