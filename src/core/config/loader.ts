/**
 * Loads kindling.yaml from text: never throws, returns the config or a list of errors, each with a
 * 0-based line/column range. Validation is done by interpreting schemas/kindling.schema.json
 * against the YAML syntax tree (not the plain JS value) so every error points at the key or value
 * that caused it — the same schema VS Code's YAML extension uses, so the editor squiggles and our
 * error messages agree. Only the JSON Schema keywords that schema uses are implemented; a unit test
 * fails if the schema starts using another one.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import schemaJson from '../../../schemas/kindling.schema.json';
import type { ConfigError, ConfigLoadResult, KindlingConfig } from './types';

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  oneOf?: JsonSchema[];
  /** Our own annotation: the message to show when oneOf fails (ajv ignores unknown x- keywords). */
  'x-kindling-oneOf'?: string;
  description?: string;
  title?: string;
  $schema?: string;
  $id?: string;
  definitions?: Record<string, JsonSchema>;
}

/** Keywords the interpreter understands; test/unit/config checks the schema uses no others. */
export const supportedSchemaKeywords: readonly string[] = [
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'enum', 'pattern',
  'minLength', 'minimum', 'maximum', 'oneOf', 'x-kindling-oneOf', 'description', 'title', '$schema', '$id', 'definitions',
];

export const kindlingSchema = schemaJson as JsonSchema;

type Range = readonly [number, number];

interface Ctx {
  doc: Document;
  root: JsonSchema;
  issues: Issue[];
}

interface Issue {
  message: string;
  path: string[];
  range: Range;
}

export function loadConfig(text: string): ConfigLoadResult {
  const lineCounter = new LineCounter();
  const errors: ConfigError[] = [];
  const toError = (message: string, path: string[], range: Range): ConfigError => {
    const start = lineCounter.linePos(range[0]);
    const end = lineCounter.linePos(Math.max(range[0], range[1]));
    return {
      message: path.length ? `${path.join('.')}: ${message}` : message,
      path: path.length ? '/' + path.join('/') : '',
      line: start.line - 1,
      column: start.col - 1,
      endLine: end.line - 1,
      endColumn: end.col - 1,
    };
  };
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  } catch (error) {
    // yaml does not throw on bad input, but "never an exception" is the contract, so guard anyway.
    return { errors: [toError(`cannot parse YAML: ${error instanceof Error ? error.message : String(error)}`, [], [0, 0])] };
  }
  for (const e of doc.errors) {
    errors.push(toError(`YAML syntax: ${firstLine(e.message)}`, [], [e.pos[0], e.pos[1]]));
  }
  if (errors.length) return { errors };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { errors: [toError('kindling.yaml is empty; it needs at least "version: 1" and "images.default"', [], [0, text.length])] };
  }
  const ctx: Ctx = { doc, root: kindlingSchema, issues: [] };
  validate(ctx, doc.contents, kindlingSchema, [], undefined);
  for (const issue of ctx.issues) errors.push(toError(issue.message, issue.path, issue.range));
  if (errors.length) return { errors: sortErrors(errors) };
  return { config: doc.toJS({ maxAliasCount: 100 }) as KindlingConfig, errors: [] };
}

/** "kindling.yaml:12:5: spark.executor.cores: expected integer" (1-based, as people count lines). */
export function formatConfigError(fileName: string, error: ConfigError): string {
  return `${fileName}:${error.line + 1}:${error.column + 1}: ${error.message}`;
}

/** The image for an environment; falls back to images.default. */
export function resolveImage(config: KindlingConfig, environment?: string): string {
  return (environment && config.images.environments?.[environment]) || config.images.default;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

function sortErrors(errors: ConfigError[]): ConfigError[] {
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}

function resolveRef(ctx: Ctx, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 20; depth++) {
    const name = current.$ref.replace(/^#\/definitions\//, '');
    const target = ctx.root.definitions?.[name];
    if (!target) throw new Error(`kindling.schema.json: unresolved $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

function rangeOf(node: Node | null | undefined, fallback: Range): Range {
  const r = node?.range;
  return r ? [r[0], r[1]] : fallback;
}

function typeOf(node: Node): { type: JsonType; value: unknown } {
  if (isMap(node)) return { type: 'object', value: node };
  if (isSeq(node)) return { type: 'array', value: node };
  const value = isScalar(node) ? node.value : undefined;
  if (value === null || value === undefined) return { type: 'null', value: null };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'number' || typeof value === 'bigint') {
    return { type: Number.isInteger(Number(value)) ? 'integer' : 'number', value: Number(value) };
  }
  if (typeof value === 'boolean') return { type: 'boolean', value };
  // Dates, binary and other tagged scalars are not valid in kindling.yaml: call them strings-ish objects.
  return { type: 'object', value };
}

function describe(type: JsonType, value: unknown): string {
  if (type === 'string') return `string ${JSON.stringify(value)}`;
  if (type === 'number' || type === 'integer' || type === 'boolean') return `${type} ${String(value)}`;
  if (type === 'null') return 'nothing (null)';
  return type === 'array' ? 'a list' : 'a mapping';
}

function typeMatches(allowed: string[], actual: JsonType): boolean {
  return allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
}

function validate(ctx: Ctx, rawNode: Node | null, rawSchema: JsonSchema, path: string[], anchor: Range | undefined): void {
  const schema = resolveRef(ctx, rawSchema);
  const node = rawNode && isAlias(rawNode) ? (rawNode.resolve(ctx.doc) ?? null) : rawNode;
  // A value without text of its own (`key:` with nothing after it) is reported at its key.
  const own = node?.range && node.range[1] > node.range[0] ? ([node.range[0], node.range[1]] as Range) : undefined;
  const range: Range = own ?? anchor ?? [0, 0];
  const report = (message: string, at: Range = range): void => {
    ctx.issues.push({ message, path, range: at });
  };
  const { type, value } = node ? typeOf(node) : { type: 'null' as JsonType, value: null };

  if (schema.type) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!typeMatches(allowed, type)) {
      report(`expected ${allowed.join(' or ')}, got ${describe(type, value)}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    report(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')} (got ${describe(type, value)})`);
    return;
  }
  if (type === 'string' && typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) report('must not be empty');
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) {
      report(`${JSON.stringify(value)} is not a valid ${patternName(schema)}`);
    }
  }
  if ((type === 'number' || type === 'integer') && typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) report(`must be ≥ ${schema.minimum} (got ${value})`);
    if (schema.maximum !== undefined && value > schema.maximum) report(`must be ≤ ${schema.maximum} (got ${value})`);
  }
  if (node && isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const keyRange = rangeOf(keyNode, range);
      seen.add(key);
      const valueNode = (pair.value as Node | null) ?? null;
      if (schema.propertyNames) {
        const before = ctx.issues.length;
        validate(ctx, keyNode, schema.propertyNames, [...path, key], keyRange);
        for (const issue of ctx.issues.slice(before)) issue.message = `key ${issue.message}`;
      }
      const propSchema = schema.properties?.[key];
      if (propSchema) {
        validate(ctx, valueNode, propSchema, [...path, key], keyRange);
      } else if (schema.additionalProperties === false) {
        const allowed = Object.keys(schema.properties ?? {});
        ctx.issues.push({ message: `unknown key "${key}"${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`, path, range: keyRange });
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        validate(ctx, valueNode, schema.additionalProperties, [...path, key], keyRange);
      }
    }
    for (const req of schema.required ?? []) {
      if (!seen.has(req)) report(`missing required key "${req}"`, anchor ?? [range[0], range[0]]);
    }
  }
  if (node && isSeq(node) && schema.items) {
    node.items.forEach((item, index) => validate(ctx, (item as Node | null) ?? null, schema.items as JsonSchema, [...path, String(index)], range));
  }
  if (schema.oneOf) {
    let matches = 0;
    for (const branch of schema.oneOf) {
      const probe: Ctx = { ...ctx, issues: [] };
      validate(probe, node, branch, path, anchor);
      if (probe.issues.length === 0) matches++;
    }
    if (matches !== 1) report(schema['x-kindling-oneOf'] ?? 'does not match exactly one allowed shape', anchor ?? range);
  }
}

function patternName(schema: JsonSchema): string {
  const description = schema.description ?? '';
  if (description.startsWith('An image reference')) return 'image reference: pin it with a tag (repo:tag) or a digest (repo@sha256:…)';
  if (description.startsWith('A Kubernetes DNS-1123')) return 'Kubernetes name (lower-case letters, digits and "-", at most 63)';
  if (description.startsWith('A Kubernetes quantity')) return 'quantity (e.g. 500m, 2, 512Mi, 4Gi)';
  if (description.startsWith('Image registry')) return 'registry: host[:port] with an optional path, no scheme (e.g. registry.example:5443/ml)';
  return `value (must match ${schema.pattern ?? ''})`;
}
