import assert from 'node:assert/strict';
import { hostOfHostHeader, isAppError, isLoopbackHost, LOCAL_IDENTITIES } from '../../../src/core';
import { loadConfig, type ConfigProblem } from '../../../src/config';

function problemsOf(env: Record<string, string>): ConfigProblem[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    assert.ok(isAppError(error, 'ConfigInvalid'), String(error));
    return error.details.problems as ConfigProblem[];
  }
}

describe('local mode can only reach the local emulator (issue 12, item 3)', () => {
  const loopback = ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', 'localhost.', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::ffff:7f00:1]'];
  const notLoopback = [
    '127.evil.example',
    '127.0.0.1.evil.example',
    'localhost.evil.example',
    'evil-localhost',
    'x.localhost',
    '0.0.0.0',
    '::',
    '10.0.0.1',
    '128.0.0.1',
    '[::2]',
    '::ffff:10.0.0.1',
    '1.127.0.0',
    '',
  ];
  for (const host of loopback) {
    it(`when the host is ${JSON.stringify(host)}, then it counts as loopback`, () => assert.equal(isLoopbackHost(host), true));
  }
  for (const host of notLoopback) {
    it(`when the host is ${JSON.stringify(host)}, then it does not count as loopback (addresses are parsed, not prefix-matched)`, () => assert.equal(isLoopbackHost(host), false));
  }
  it('when *.localhost names are allowed (hosts Keyward resolves itself), then graph.localhost counts and localhost.evil.example still does not', () => {
    assert.equal(isLoopbackHost('graph.localhost', { localhostSubdomains: true }), true);
    assert.equal(isLoopbackHost('kv-a.vault.localhost', { localhostSubdomains: true }), true);
    assert.equal(isLoopbackHost('localhost.evil.example', { localhostSubdomains: true }), false);
  });
  it('when a Host header is read, then its host is parsed (ports, brackets) and junk is rejected', () => {
    assert.equal(hostOfHostHeader('127.0.0.1:3978'), '127.0.0.1');
    assert.equal(hostOfHostHeader('[::1]:3978'), '[::1]');
    assert.equal(hostOfHostHeader('evil.example:3978'), 'evil.example');
    assert.equal(hostOfHostHeader('evil.example@127.0.0.1'), undefined);
    assert.equal(hostOfHostHeader(undefined), undefined);
  });

  it('when local mode binds to 127.evil.example, then start is refused', () => {
    assert.deepEqual(
      problemsOf({ KEYWARD_HOST: '127.evil.example' }).map((p) => p.variable),
      ['KEYWARD_HOST'],
    );
  });

  it('when the environment is empty, then local mode points at the local emulator and its managed identities (never a developer login)', () => {
    const config = loadConfig({});
    assert.equal(config.mode, 'local');
    assert.equal(config.azure.armEndpoint, 'https://localhost:8443');
    assert.equal(config.azure.graphEndpoint, 'https://graph.localhost:8443');
    assert.equal(config.azure.writerClientId, LOCAL_IDENTITIES.writer.clientId);
    assert.equal(config.azure.readerClientId, LOCAL_IDENTITIES.reader.clientId);
    assert.equal(config.local.unsafeRealAzure, false);
    assert.equal(loadConfig({ KEYWARD_EMULATOR_PORT: '9443' }).azure.armEndpoint, 'https://localhost:9443');
  });

  for (const [variable, url] of [
    ['KEYWARD_AZURE_ARM_ENDPOINT', 'https://management.azure.com'],
    ['KEYWARD_AZURE_GRAPH_ENDPOINT', 'https://graph.microsoft.com'],
    ['KEYWARD_AZURE_ARM_ENDPOINT', 'https://127.evil.example:8443'],
  ] as const) {
    it(`when local mode is pointed at ${url} (${variable}), then it refuses to start and names the override`, () => {
      const problems = problemsOf({ [variable]: url });
      assert.deepEqual(
        problems.map((p) => p.variable),
        [variable],
      );
      assert.match(problems[0]!.message, /KEYWARD_LOCAL_UNSAFE_REAL_AZURE/);
    });
  }

  it('when the unsafe override is set, then local mode may use real Azure and the developer login, and says so in its config', () => {
    const config = loadConfig({
      KEYWARD_AZURE_ARM_ENDPOINT: 'https://management.azure.com',
      KEYWARD_LOCAL_UNSAFE_REAL_AZURE: 'true',
      KEYWARD_SIGNING_KEY_ID: 'https://kv-keyward.vault.azure.net/keys/keyward-signing',
    });
    assert.equal(config.local.unsafeRealAzure, true);
    assert.equal(config.azure.writerClientId, undefined);
    assert.equal(loadConfig({ KEYWARD_LOCAL_UNSAFE_REAL_AZURE: 'true' }).azure.armEndpoint, 'https://localhost:8443', 'the emulator stays the default');
  });

  it('when the override is set in production, then it is refused as meaningless there', () => {
    const problems = problemsOf({
      MicrosoftAppId: LOCAL_IDENTITIES.writer.clientId,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: '00000000-0000-4000-8000-000000000000',
      KEYWARD_LOCAL_UNSAFE_REAL_AZURE: 'true',
      KEYWARD_SIGNING_KEY_ID: 'https://kv-keyward.vault.azure.net/keys/keyward-signing',
    });
    assert.deepEqual(
      problems.map((p) => p.variable),
      ['KEYWARD_LOCAL_UNSAFE_REAL_AZURE'],
    );
  });
});
