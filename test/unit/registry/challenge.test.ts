import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenges, repositoryScope, tokenUrl } from '../../../src/core/registry';

test('a bearer challenge with quoted parameters (commas inside quotes kept)', () => {
  const [c] = parseChallenges('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:ml/train:pull,push"');
  assert.equal(c?.scheme, 'bearer');
  assert.deepEqual(c?.params, { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:ml/train:pull,push' });
});

test('a basic challenge, and two challenges in one header', () => {
  assert.deepEqual(parseChallenges('Basic realm="basic-realm"'), [{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
  const both = parseChallenges('Basic realm="r", Bearer realm="https://a/t", service=reg');
  assert.deepEqual(both.map((c) => c.scheme), ['basic', 'bearer']);
  assert.equal(both[1]?.params.service, 'reg');
  assert.equal(parseChallenges('Basic realm="a \\"quoted\\" realm"')[0]?.params.realm, 'a "quoted" realm');
});

test('the token URL carries the service and every scope', () => {
  const [c] = parseChallenges('Bearer realm="https://auth.example/token?x=1",service="reg"');
  assert.ok(c);
  const url = new URL(tokenUrl(c, [repositoryScope('src/a', ['pull']), repositoryScope('dst/a', ['pull', 'push'])]) ?? '');
  assert.equal(url.searchParams.get('x'), '1');
  assert.equal(url.searchParams.get('service'), 'reg');
  assert.deepEqual(url.searchParams.getAll('scope'), ['repository:src/a:pull', 'repository:dst/a:pull,push']);
  assert.equal(tokenUrl({ scheme: 'bearer', params: {} }, []), undefined);
});
