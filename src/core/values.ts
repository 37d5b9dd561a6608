/** Narrowing helpers for parsed YAML/JSON, whose values are `unknown` until looked at. */

/** A mapping (not an array, not null): what a Kubernetes object or one of its sections is. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value if it is a non-empty string, else undefined. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
