import assert from 'node:assert/strict';
import path from 'node:path';
import { LOCAL_TENANT_ID } from '../../src/core';
import { messageActivity, postActivity } from '../helpers/activities';
import { startHarness, type Harness } from '../helpers/keywardHarness';

const PRODUCTION = {
  MicrosoftAppId: '5f1c0a2e-7d41-4b6a-9c3e-0000000000a1',
  MicrosoftAppType: 'UserAssignedMSI',
  MicrosoftAppTenantId: LOCAL_TENANT_ID,
  KEYWARD_HOST: '127.0.0.1',
  KEYWARD_POLICY_FILE: path.resolve(__dirname, '../../config/policy.local.json'),
  KEYWARD_APPROVALS_TICK_SECONDS: '0',
};

// A forged token cannot be tested here: botbuilder fetches the Bot Framework OpenID metadata from
// login.botframework.com to check signatures, and this machine has no network. Token-less
// requests are refused before any fetch, which is what the first test shows.
describe('production mode: Bot Framework authentication on /api/messages', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness(PRODUCTION);
  });
  after(async () => {
    await harness?.close();
  });

  it('when an activity arrives without a token, then botbuilder refuses it with 401 and nothing is sent', async () => {
    const response = await postActivity(harness.url, messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-prod' }));
    assert.equal(response.status, 401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(harness.connector.calls.length, 0);
  });

  it('when an activity names no tenant, then production refuses it with 403 before anything else', async () => {
    const activity = messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-prod' }) as Record<string, unknown>;
    delete activity.channelData;
    (activity.conversation as Record<string, unknown>).tenantId = undefined;
    const response = await postActivity(harness.url, activity);
    assert.equal(response.status, 403);
  });

  it('when /healthz is asked, then it reports production mode and no emulator', async () => {
    const body = (await (await fetch(`${harness.url}/healthz`)).json()) as Record<string, unknown>;
    assert.equal(body.mode, 'production');
    assert.equal(body.emulator, undefined);
  });
});
