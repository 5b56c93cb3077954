import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { LOCAL_TENANT_ID } from '../../src/core';
import { messageActivity, postActivity } from '../helpers/activities';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { startBotFrameworkIssuer, type BotFrameworkIssuer } from '../helpers/botFrameworkIssuer';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { emulatorKeys } from '../helpers/emulatorKeys';

const PRODUCTION = {
  MicrosoftAppId: '5f1c0a2e-7d41-4b6a-9c3e-0000000000a1',
  MicrosoftAppType: 'UserAssignedMSI',
  MicrosoftAppTenantId: LOCAL_TENANT_ID,
  KEYWARD_HOST: '127.0.0.1',
  KEYWARD_POLICY_FILE: path.resolve(__dirname, '../../config/policy.local.json'),
  KEYWARD_APPROVALS_TICK_SECONDS: '0',
};

describe('production mode: Bot Framework authentication on /api/messages', () => {
  let harness: Harness;
  let issuer: BotFrameworkIssuer;
  // botbuilder's real JWT validation, with the channel's signing keys served locally instead of
  // by login.botframework.com (no network here): only where the keys come from is replaced.
  // Outbound replies use the bot's managed identity (UserAssignedMSI): the emulator's identity
  // endpoint stands in for App Service's.
  let emulator: TestEmulator;
  before(async () => {
    issuer = await startBotFrameworkIssuer();
    emulator = await startTestEmulator();
    // Production signs with a Key Vault key through the managed identity (no key file on the host).
    const keys = await emulatorKeys(emulator.emulator);
    harness = await startHarness({ ...emulator.keywardEnv, ...keys.env, ...PRODUCTION }, { channelOpenIdMetadataUrl: issuer.metadataUrl });
  });
  after(async () => {
    await harness?.close();
    await emulator?.close();
    await issuer?.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const activity = () => messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-prod' });

  const refused: Array<{ title: string; token: () => string }> = [
    {
      title: 'signed with another key under the published key id (forged)',
      token: () =>
        issuer.token({ aud: PRODUCTION.MicrosoftAppId, serviceurl: harness.connector.url }, { signWith: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
    },
    { title: 'issued for another bot (audience)', token: () => issuer.token({ aud: '00000000-1111-4222-8333-444444444444', serviceurl: harness.connector.url }) },
    { title: 'bound to another serviceUrl (a reply hijack)', token: () => issuer.token({ aud: PRODUCTION.MicrosoftAppId, serviceurl: 'https://attacker.example.com/' }) },
    { title: 'expired', token: () => issuer.token({ aud: PRODUCTION.MicrosoftAppId, serviceurl: harness.connector.url, expiresInSeconds: -3600 }) },
    { title: 'from another issuer', token: () => issuer.token({ aud: PRODUCTION.MicrosoftAppId, serviceurl: harness.connector.url, iss: 'https://evil.example.com' }) },
    { title: 'not a JWT at all', token: () => 'not.a.jwt' },
  ];
  for (const r of refused) {
    it(`when the token is ${r.title}, then it is refused with 401 and nothing is sent`, async () => {
      const before = harness.connector.calls.length;
      const response = await postActivity(harness.url, activity(), bearer(r.token()));
      assert.equal(response.status, 401);
      assert.equal((response.body as { error?: { code?: string } }).error?.code, 'Unauthenticated');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(harness.connector.calls.length, before);
    });
  }

  it("when the channel sends a properly signed token, then the activity is accepted and the welcome card goes back with the bot's own token", async () => {
    const before = harness.connector.calls.length;
    const response = await postActivity(harness.url, activity(), bearer(issuer.token({ aud: PRODUCTION.MicrosoftAppId, serviceurl: harness.connector.url })));
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const replies = harness.connector.calls.slice(before);
    assert.ok(
      replies.some((call) => /Microsoft 365 Customer Key/.test(JSON.stringify(call.body))),
      'the welcome card was sent',
    );
    assert.ok(
      replies.every((call) => /^Bearer \S+/.test(call.authorization ?? '')),
      "replies carry the bot's token",
    );
  });

  it('when an activity arrives without a token, then it is refused with 401 and nothing is sent', async () => {
    const before = harness.connector.calls.length;
    const response = await postActivity(harness.url, messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-prod' }));
    assert.equal(response.status, 401);
    assert.deepEqual(
      response.body,
      { error: { code: 'Unauthenticated', message: 'The Bot Framework token on this request was not accepted.' } },
      'a code and a sentence, no internals',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(harness.connector.calls.length, before);
  });

  const tenantless = () => {
    const activity = messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-prod' }) as Record<string, unknown>;
    delete activity.channelData;
    (activity.conversation as Record<string, unknown>).tenantId = undefined;
    return activity;
  };
  const FOREIGN_TENANT = '99999999-9999-4999-8999-999999999999';

  it('when a signed activity names no tenant or another tenant, then production refuses it with 403 and nothing is sent', async () => {
    const before = harness.connector.calls.length;
    const token = () => bearer(issuer.token({ aud: PRODUCTION.MicrosoftAppId, serviceurl: harness.connector.url }));
    assert.equal((await postActivity(harness.url, tenantless(), token())).status, 403);
    const foreign = messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-prod', tenantId: FOREIGN_TENANT });
    const response = await postActivity(harness.url, foreign, token());
    assert.equal(response.status, 403);
    assert.equal((response.body as { error?: { code?: string } }).error?.code, 'TenantNotAllowed');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(harness.connector.calls.length, before);
  });

  // Issue 12, item 7: the tenant check used to run before authentication, so anyone could tell
  // the served tenant (401) from the others (403) without a token.
  it('when unsigned activities name the served tenant, another tenant or none, then all get the same 401: the tenant is not revealed', async () => {
    const served = await postActivity(harness.url, activity());
    const foreign = await postActivity(harness.url, messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-prod', tenantId: FOREIGN_TENANT }));
    const none = await postActivity(harness.url, tenantless());
    assert.deepEqual([served.status, foreign.status, none.status], [401, 401, 401]);
    assert.deepEqual(foreign.body, served.body);
    assert.deepEqual(none.body, served.body);
  });

  it('when /healthz is asked, then it reports production mode and no emulator', async () => {
    const body = (await (await fetch(`${harness.url}/healthz`)).json()) as Record<string, unknown>;
    assert.equal(body.mode, 'production');
    assert.equal(body.emulator, undefined);
  });
});
