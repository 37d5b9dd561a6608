import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ARGO_CONTROLLER_IMAGE, ARGO_VERSION, KIND_VERSION, REGISTRY_IMAGE, SPARK_OPERATOR_IMAGE } from '../../../src/core/cluster/versions';
import { kindTestEnvInfo } from '../../../testenv/kind/env.mjs';

// The kind test room (testenv/kind) builds the add-on images under the product's exact names, so
// they can be preloaded into a cluster the product creates; a renamed pin must rename the build.
test('the kind test room builds every add-on image under the name the product pins', () => {
  const info = kindTestEnvInfo();
  assert.deepEqual(
    [...info.addonImages].sort(),
    [ARGO_CONTROLLER_IMAGE, `quay.io/argoproj/argoexec:${ARGO_VERSION}`, SPARK_OPERATOR_IMAGE, REGISTRY_IMAGE].sort(),
  );
  assert.ok(info.kindBinary.endsWith(`/kind/${KIND_VERSION}/kind`), info.kindBinary);
  const testenv = JSON.parse(readFileSync('testenv/versions.json', 'utf8')) as { kubernetes: string };
  assert.equal(info.nodeImage.split(':').pop(), testenv.kubernetes);
});

test("the kind test room's runtime image is the example project's image", () => {
  const example = parse(readFileSync('examples/kindling.yaml', 'utf8')) as { images: { default: string } };
  assert.equal(kindTestEnvInfo().runtimeImage, example.images.default);
});
