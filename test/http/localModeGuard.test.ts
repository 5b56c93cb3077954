import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PEOPLE } from '../../src/core';
import { SETUP_VERBS } from '../../src/bot/setup/setupVerbs';
import { invokeActivity, messageActivity, postActivity } from '../helpers/activities';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { TWO_SITES } from '../helpers/setupWalk';

/** A request with any Host header (fetch does not let a page, or a test, choose it; DNS rebinding does). */
function requestWithHost(url: string, host: string, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method,
        headers: { host, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('local mode accepts only this machine (issue 12, item 3)', function () {
  this.timeout(60_000);
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  const port = () => new URL(harness.url).port;

  for (const host of ['evil.example', '127.evil.example', 'localhost.evil.example', '192.168.1.20']) {
    it(`when a request names the Host ${host} (DNS rebinding), then every route answers 421 and nothing runs`, async () => {
      const before = harness.connector.calls.length;
      const activity = JSON.stringify(messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-rebind' }));
      for (const [route, method, body] of [
        ['/api/messages', 'POST', activity],
        ['/healthz', 'GET', undefined],
        ['/downloads/abc', 'GET', undefined],
      ] as const) {
        const response = await requestWithHost(`${harness.url}${route}`, `${host}:${port()}`, method, body);
        assert.equal(response.status, 421, `${route}: ${response.body}`);
        assert.equal((JSON.parse(response.body) as { error: { code: string } }).error.code, 'MisdirectedRequest');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(harness.connector.calls.length, before);
    });
  }

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`when a request names the Host ${host}, then it is served`, async () => {
      const response = await requestWithHost(`${harness.url}/healthz`, `${host}:${port()}`);
      assert.equal(response.status, 200, response.body);
    });
  }

  for (const serviceUrl of ['https://attacker.example.com/', 'http://127.evil.example:1/', 'http://10.0.0.1:3978/']) {
    it(`when an activity asks for replies at ${serviceUrl}, then it is refused and nothing is sent anywhere`, async () => {
      const before = harness.connector.calls.length;
      const response = await postActivity(harness.url, messageActivity('help', { serviceUrl, conversationId: 'conv-forged-service-url' }));
      assert.equal(response.status, 400);
      assert.match(JSON.stringify(response.body), /replies only to a serviceUrl on this machine/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(harness.connector.calls.length, before);
    });
  }
});

describe("local mode never uses a developer's own Azure login (issue 12, item 3)", function () {
  this.timeout(120_000);
  let harness: Harness | undefined;
  let bin: string;
  const saved: Record<string, string | undefined> = {};
  const marker = () => path.join(bin, 'az-was-called');

  before(() => {
    // A logged-in Azure CLI: DefaultAzureCredential would run `az account get-access-token`.
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-fake-az-'));
    fs.writeFileSync(
      path.join(bin, 'az'),
      `#!/bin/sh\necho "$@" >> '${path.join(bin, 'az-was-called')}'\necho '{"accessToken":"developer-token","expiresOn":"2099-01-01 00:00:00.000000","expires_on":4070908800,"tokenType":"Bearer"}'\n`,
      { mode: 0o755 },
    );
    for (const name of ['PATH', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT']) saved[name] = process.env[name];
    process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
    // No emulator running: nothing local can issue a token.
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
  });
  after(async () => {
    await harness?.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    fs.rmSync(bin, { recursive: true, force: true });
  });

  it('when local mode starts with an empty environment and someone walks a setup to its preflight, then the Azure CLI login is never asked for a token', async () => {
    harness = await startHarness();
    const h = harness;
    const conversationId = 'conv-az-login';
    const click = async (verb: string, data: Record<string, unknown>) => {
      const response = await postActivity(h.url, invokeActivity(verb, data, { serviceUrl: h.connector.url, conversationId }));
      return (response.body as { value?: unknown }).value as { actions?: Array<{ data?: Record<string, unknown> }> } | string;
    };
    const addressOf = (card: unknown) => {
      const action = ((card as { actions?: Array<{ data?: Record<string, unknown> }> }).actions ?? []).find((a) => typeof a.data?.journeyId === 'string');
      return { journeyId: String(action!.data!.journeyId), v: Number(action!.data!.v) };
    };
    await postActivity(h.url, messageActivity('setup', { serviceUrl: h.connector.url, conversationId }));
    const first = await h.connector.waitFor((c) => c.conversationId === conversationId && JSON.stringify(c.body).includes('Where should the keys live'));
    let card: unknown = (first.body.attachments as Array<{ content: unknown }>)[0]!.content;
    card = await click(SETUP_VERBS.submitStep, { ...addressOf(card), step: 'choice', protection: 'keyVaultPremium', workloads: 'exchange' });
    card = await click(SETUP_VERBS.submitStep, {
      ...addressOf(card),
      step: 'sites',
      ...TWO_SITES,
    });
    card = await click(SETUP_VERBS.submitStep, {
      ...addressOf(card),
      step: 'names',
      'sites.A.vaultName.exchange': 'kv-ex-a-azlogin',
      'sites.B.vaultName.exchange': 'kv-ex-b-azlogin',
      'sites.A.keyName.exchange': 'ck-ex-key-a',
      'sites.B.keyName.exchange': 'ck-ex-key-b',
      keySize: '3072',
      accessModel: 'rbac',
    });
    card = await click(SETUP_VERBS.submitStep, {
      ...addressOf(card),
      step: 'approvers',
      'approvers.A': LOCAL_PEOPLE.approverChen.objectId,
      'approvers.B': LOCAL_PEOPLE.approverDana.objectId,
    });
    const text = JSON.stringify(card);
    assert.match(text, /Preflight/, text.slice(0, 2000));
    assert.equal(fs.existsSync(marker()), false, `az was run: ${fs.existsSync(marker()) ? fs.readFileSync(marker(), 'utf8') : ''}`);
    assert.ok(JSON.stringify(h.logs).includes('Local mode takes Azure tokens only from the local emulator') || /local emulator/.test(text), 'the refusal says why');
  });

  it('when KEYWARD_LOCAL_UNSAFE_REAL_AZURE is set, then Keyward starts but logs a loud warning saying what it allows', async () => {
    await harness?.close();
    harness = await startHarness({ KEYWARD_LOCAL_UNSAFE_REAL_AZURE: 'true', KEYWARD_AZURE_ARM_ENDPOINT: 'https://management.azure.com' });
    const warning = harness.logs.find((line) => /^UNSAFE: local mode/.test(line.message));
    assert.ok(warning, 'the warning is logged');
    assert.equal(warning.level, 'warn');
    assert.equal(warning.fields.credential, 'DefaultAzureCredential (your own login)');
  });
});
