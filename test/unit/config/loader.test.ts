import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { formatConfigError, kindlingSchema, loadConfig, resolveImage, supportedSchemaKeywords } from '../../../src/core/config';

const example = readFileSync('examples/kindling.yaml', 'utf8');
// Ajv is the reference implementation: VS Code's YAML extension validates with the same schema,
// so the loader (which interprets the schema itself, for positions) must agree with it.
const ajv = new Ajv({ allErrors: true, strict: false });
const validateWithAjv = ajv.compile(kindlingSchema);

test('the schema is valid draft-07 and accepts the example', () => {
  assert.equal(validateWithAjv(parse(example)), true, JSON.stringify(validateWithAjv.errors));
});

test('the loader accepts the example and returns typed values', () => {
  const { config, errors } = loadConfig(example);
  assert.deepEqual(errors, []);
  assert.ok(config);
  assert.equal(config.version, 1);
  assert.equal(config.images.default, 'localhost:5001/ml-pipelines:0.4.2');
  assert.match(config.images.environments?.prod ?? '', /@sha256:[a-f0-9]{64}$/);
  assert.equal(config.resources?.limits?.memory, '4Gi');
  assert.deepEqual(config.env?.[1], { name: 'FEATURE_STORE_TOKEN', secretKeyRef: { name: 'feature-store', key: 'token' } });
  assert.equal(config.volumes?.[1].pvc, 'model-artifacts');
  assert.equal(config.spark?.executor?.instances, 2);
  assert.equal(config.spark?.restartPolicy?.type, 'OnFailure');
  assert.equal(config.notebook?.runner, 'auto');
  assert.equal(config.podAnnotations?.['cluster-autoscaler.kubernetes.io/safe-to-evict'], 'false');
  assert.equal(config.remotes?.prod.context, 'gke_ml-prod_europe-west4_ml');
});

test('resolveImage picks the environment image, else the default', () => {
  const { config } = loadConfig(example);
  assert.ok(config);
  assert.match(resolveImage(config, 'prod'), /^registry\.example\.com/);
  assert.equal(resolveImage(config, 'qa'), 'localhost:5001/ml-pipelines:0.4.2');
  assert.equal(resolveImage(config), 'localhost:5001/ml-pipelines:0.4.2');
});

test('the interpreter knows every keyword the schema uses', () => {
  const used = new Set<string>();
  const walk = (value: unknown, inMap: boolean): void => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, false));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (!inMap) used.add(k);
        // properties/definitions hold maps of name → schema: their keys are names, not keywords.
        walk(v, !inMap && (k === 'properties' || k === 'definitions'));
      }
    }
  };
  walk(kindlingSchema, false);
  for (const keyword of used) assert.ok(supportedSchemaKeywords.includes(keyword), `unsupported keyword ${keyword}`);
});

const minimal = 'version: 1\nimages:\n  default: ghcr.io/acme/ml:1.0\n';

// Each case: a document, whether it is valid, and for invalid ones the 0-based line and a message fragment.
const cases: { name: string; text: string; valid: boolean; line?: number; column?: number; message?: RegExp }[] = [
  { name: 'minimal', text: minimal, valid: true },
  { name: 'digest only', text: 'version: 1\nimages:\n  default: ghcr.io/acme/ml@sha256:' + 'a'.repeat(64) + '\n', valid: true },
  { name: 'tag and digest', text: 'version: 1\nimages:\n  default: localhost:5001/ml:1.0@sha256:' + 'b'.repeat(64) + '\n', valid: true },
  { name: 'numeric cpu', text: minimal + 'resources:\n  requests:\n    cpu: 1.5\n', valid: true },
  { name: 'unpinned image', text: 'version: 1\nimages:\n  default: localhost:5001/ml\n', valid: false, line: 2, column: 11, message: /images\.default: .*tag .* or a digest/ },
  { name: 'short digest', text: 'version: 1\nimages:\n  default: ml@sha256:abc\n', valid: false, line: 2, message: /image reference/ },
  { name: 'unknown top-level key', text: minimal + 'namepsace: x\n', valid: false, line: 3, column: 0, message: /unknown key "namepsace"/ },
  { name: 'unknown nested key', text: minimal + 'spark:\n  driver:\n    cpus: 2\n', valid: false, line: 5, column: 4, message: /spark\.driver: unknown key "cpus"/ },
  { name: 'wrong type', text: minimal + 'spark:\n  executor:\n    instances: two\n', valid: false, line: 5, column: 15, message: /spark\.executor\.instances: expected integer, got string "two"/ },
  { name: 'below minimum', text: minimal + 'spark:\n  executor:\n    instances: 0\n', valid: false, line: 5, message: /≥ 1/ },
  { name: 'bad enum', text: minimal + 'notebook:\n  runner: voila\n', valid: false, line: 4, column: 10, message: /notebook\.runner: must be one of "papermill", "nbconvert", "auto"/ },
  { name: 'bad restart type', text: minimal + 'spark:\n  restartPolicy: { type: Sometimes }\n', valid: false, line: 4, message: /must be one of "Never"/ },
  { name: 'wrong version', text: 'version: 2\nimages:\n  default: a/b:1\n', valid: false, line: 0, message: /version: must be one of 1/ },
  { name: 'missing images', text: 'version: 1\n', valid: false, line: 0, message: /missing required key "images"/ },
  { name: 'missing default image', text: 'version: 1\nimages:\n  environments: { dev: a/b:1 }\n', valid: false, line: 1, message: /images: missing required key "default"/ },
  { name: 'env with both value and secret', text: minimal + 'env:\n  - name: A\n    value: x\n    secretKeyRef: { name: s, key: k }\n', valid: false, line: 4, message: /exactly one of "value" or "secretKeyRef"/ },
  { name: 'env with neither', text: minimal + 'env:\n  - name: A\n', valid: false, line: 4, message: /exactly one of/ },
  { name: 'secret without key', text: minimal + 'env:\n  - name: A\n    secretKeyRef: { name: s }\n', valid: false, line: 5, message: /missing required key "key"/ },
  { name: 'env value number', text: minimal + 'env:\n  - name: A\n    value: 3\n', valid: false, line: 5, message: /env\.0\.value: expected string, got integer 3/ },
  { name: 'volume relative mount', text: minimal + 'volumes:\n  - name: d\n    pvc: c\n    mountPath: data\n', valid: false, line: 6, message: /mountPath/ },
  { name: 'volume both kinds', text: minimal + 'volumes:\n  - name: d\n    pvc: c\n    hostPath: /x\n    mountPath: /d\n', valid: false, message: /exactly one of "hostPath" or "pvc"/ },
  { name: 'bad namespace', text: minimal + 'namespace: ML_Team\n', valid: false, line: 3, message: /Kubernetes name/ },
  { name: 'bad memory quantity', text: minimal + 'resources:\n  limits:\n    memory: 4 GB\n', valid: false, line: 5, message: /quantity/ },
  { name: 'bad environment name', text: 'version: 1\nimages:\n  default: a/b:1\n  environments:\n    Prod: a/b:2\n', valid: false, line: 4, message: /key .*Kubernetes name/ },
  { name: 'remote without context', text: minimal + 'remotes:\n  prod: { namespace: ml }\n', valid: false, line: 4, message: /remotes\.prod: missing required key "context"/ },
  { name: 'remote with registry and CA', text: minimal + 'remotes:\n  prod:\n    context: p\n    registry: registry.example:5443/ml\n    registryCA: certs/ca.pem\n', valid: true },
  { name: 'remote registry with scheme', text: minimal + 'remotes:\n  prod:\n    context: p\n    registry: https://registry.example\n', valid: false, line: 6, message: /remotes\.prod\.registry: "https:\/\/registry\.example" is not a valid registry: host\[:port\]/ },
  { name: 'null value', text: minimal + 'namespace:\n', valid: false, line: 3, message: /namespace: expected string, got nothing/ },
  { name: 'list instead of mapping', text: 'version: 1\nimages:\n  - a/b:1\n', valid: false, line: 2, message: /images: expected object, got a list/ },
  { name: 'pod annotations', text: minimal + 'podAnnotations:\n  sidecar.istio.io/inject: "false"\n  note: hello\n', valid: true },
  { name: 'pod annotation not a string', text: minimal + 'podAnnotations:\n  sidecar.istio.io/inject: false\n', valid: false, line: 4, message: /podAnnotations\.sidecar\.istio\.io\/inject: expected string, got boolean/ },
  { name: 'pod annotation bad key', text: minimal + 'podAnnotations:\n  "not a key": x\n', valid: false, line: 4, message: /podAnnotations/ },
  { name: 'top level is a list', text: '- a\n- b\n', valid: false, line: 0, message: /expected object/ },
];

for (const c of cases) {
  test(`loader and schema agree: ${c.name}`, () => {
    const { config, errors } = loadConfig(c.text);
    const ajvValid = validateWithAjv(parse(c.text)) as boolean;
    assert.equal(ajvValid, c.valid, `ajv: ${JSON.stringify(validateWithAjv.errors)}`);
    assert.equal(errors.length === 0, c.valid, JSON.stringify(errors));
    assert.equal(config !== undefined, c.valid);
    if (!c.valid) {
      const hit = errors.find((e) => c.message?.test(e.message));
      assert.ok(hit, `no error matching ${c.message}: ${JSON.stringify(errors)}`);
      if (c.line !== undefined) assert.equal(hit.line, c.line, `line of ${hit.message}`);
      if (c.column !== undefined) assert.equal(hit.column, c.column, `column of ${hit.message}`);
    }
  });
}

test('malformed YAML gives a positioned syntax error, never an exception', () => {
  const { config, errors } = loadConfig('version: 1\nimages:\n  default: [a, b\nnamespace: x\n');
  assert.equal(config, undefined);
  assert.ok(errors.length > 0);
  assert.match(errors[0].message, /^YAML syntax:/);
  assert.ok(errors[0].line >= 2, `line ${errors[0].line}`);
});

test('duplicate keys are reported at the duplicate', () => {
  const { errors } = loadConfig(minimal + 'namespace: a\nnamespace: b\n');
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /YAML syntax:.*[Uu]nique|YAML syntax:.*duplicate/);
  assert.equal(errors[0].line, 4);
});

test('empty and comment-only files say what is needed', () => {
  for (const text of ['', '# nothing yet\n']) {
    const { errors } = loadConfig(text);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /empty.*version: 1/);
  }
});

test('several errors are all reported, in line order', () => {
  const { errors } = loadConfig('version: 1\nimages:\n  default: x\nfoo: 1\nnotebook:\n  runner: 3\n');
  assert.deepEqual(errors.map((e) => e.line), [2, 3, 5]);
});

test('aliases are followed', () => {
  const { config, errors } = loadConfig('version: 1\nimages:\n  default: &img a/b:1\n  environments:\n    dev: *img\n');
  assert.deepEqual(errors, []);
  assert.equal(config?.images.environments?.dev, 'a/b:1');
});

test('formatConfigError counts from 1 for people', () => {
  const { errors } = loadConfig(minimal + 'namepsace: x\n');
  assert.equal(formatConfigError('kindling.yaml', errors[0]), 'kindling.yaml:4:1: unknown key "namepsace" (allowed: version, images, namespace, serviceAccount, resources, env, volumes, podAnnotations, spark, notebook, remotes)');
});
