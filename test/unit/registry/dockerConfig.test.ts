import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentialsFromHelper, normalizeAuthKey, resolveDockerCredentials } from '../../../src/core/registry';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('auths: base64 user:password under the host, with or without scheme and path', () => {
  const config = { auths: { 'https://registry.example:5443/v2/': { auth: b64('alice:s3:cret') } } };
  assert.deepEqual(resolveDockerCredentials(config, 'registry.example:5443'), {
    kind: 'basic',
    username: 'alice',
    password: 's3:cret',
    from: '~/.docker/config.json auths["https://registry.example:5443/v2/"]',
  });
  assert.equal(resolveDockerCredentials(config, 'registry.example'), undefined, 'another port is another registry');
  assert.equal(normalizeAuthKey('HTTP://Reg.Example:80/path'), 'reg.example:80');
});

test('credHelpers win over auths; credsStore is the fallback; Docker Hub is stored under index.docker.io', () => {
  const config = {
    auths: { 'reg.example': { auth: b64('bob:pw') }, 'https://index.docker.io/v1/': { auth: b64('hub:pw') } },
    credHelpers: { 'reg.example': 'ecr-login' },
    credsStore: 'desktop',
  };
  assert.deepEqual(resolveDockerCredentials(config, 'reg.example'), { kind: 'helper', helper: 'ecr-login', serverUrl: 'reg.example', from: '~/.docker/config.json credHelpers["reg.example"]' });
  assert.equal(resolveDockerCredentials(config, 'docker.io')?.kind, 'basic');
  assert.deepEqual(resolveDockerCredentials(config, 'other.example'), { kind: 'helper', helper: 'desktop', serverUrl: 'other.example', from: '~/.docker/config.json credsStore' });
  assert.equal(resolveDockerCredentials({}, 'other.example'), undefined);
  assert.equal(resolveDockerCredentials({ auths: { x: { auth: b64('nocolon') } } }, 'x'), undefined, 'an auth without user:password gives nothing');
});

test("a helper's answer: user + secret, or an identity token", () => {
  assert.deepEqual(credentialsFromHelper({ ServerURL: 'r', Username: 'u', Secret: 's' }, 'h'), { kind: 'basic', username: 'u', password: 's', from: 'h' });
  assert.deepEqual(credentialsFromHelper({ Username: '<token>', Secret: 't' }, 'h'), { kind: 'identity-token', token: 't', from: 'h' });
  assert.equal(credentialsFromHelper({ Username: 'u' }, 'h'), undefined);
});
