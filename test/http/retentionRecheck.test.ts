import assert from 'node:assert/strict';
import { LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID } from '../../src/core';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { walkPremiumSetup } from '../helpers/setupWalk';

const B = LOCAL_SUBSCRIPTIONS.secondary.id;
const FEATURE = 'Microsoft.Resources/mandatoryRetentionPeriodEnabled';
const operator = { aadObjectId: LOCAL_PEOPLE.operator.objectId, name: LOCAL_PEOPLE.operator.displayName, tenantId: LOCAL_TENANT_ID };

/**
 * Issue 11 item 8: a setup waiting for Microsoft to confirm the mandatory retention period does not
 * wait for the operator to press "Run the checks again". Keyward's own re-check (the timer's pass,
 * called here at once: KEYWARD_RETENTION_RECHECK_MINUTES=0 makes every waiting setup due) reads the
 * registration through the real reader against the emulator, and the operator hears it in the
 * setup's chat through the proactive queue and a Bot Connector.
 */
describe('mandatory retention confirmed while a setup waits (real Keyward, emulator, Bot Connector)', function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let harness: Harness;

  before(async () => {
    emulator = await startTestEmulator();
    harness = await startHarness({ ...emulator.keywardEnv, KEYWARD_APPROVALS_TICK_SECONDS: '0', KEYWARD_RETENTION_RECHECK_MINUTES: '0' });
  });
  after(async () => {
    await harness?.close();
    await emulator?.close();
  });

  it("when Microsoft confirms the registration after the checks found it pending, then Keyward's re-check turns the setup green and tells the operator in the setup's chat, once", async () => {
    await emulator.emulator.control.setFeatureState(B, FEATURE, 'Pending');
    const setup = harness.keyward.setup;
    const origin = {
      serviceUrl: harness.connector.url,
      channelId: 'msteams',
      conversation: { id: 'a:retention-operator', conversationType: 'personal', tenantId: LOCAL_TENANT_ID },
      bot: { id: 'bot-keyward', name: 'Keyward' },
      user: { id: LOCAL_PEOPLE.operator.teamsId, aadObjectId: LOCAL_PEOPLE.operator.objectId },
      locale: 'en-US',
    };
    const j = await walkPremiumSetup(setup, await setup.start(operator, 'a:retention-operator', origin), operator, '4711');
    assert.equal(j.stage, 'preflight', JSON.stringify(j.errors));
    assert.ok(j.preflight?.mandatoryRetentionPendingSince?.[B], 'the checks found the registration pending');

    const confirmedText = (call: { body: Record<string, unknown> }) => /Microsoft has confirmed the mandatory retention period/.test(String(call.body.text ?? ''));
    await harness.keyward.recheckRetention();
    assert.equal(harness.connector.delivered().filter(confirmedText).length, 0, 'still pending: nothing said');

    await emulator.emulator.control.setFeatureState(B, FEATURE, 'Registered');
    await harness.keyward.recheckRetention();
    const told = await harness.connector.waitFor(confirmedText);
    assert.equal(told.conversationId, 'a:retention-operator');
    assert.match(String(told.body.text), /all green, the plan can be previewed/);
    const after = await setup.get(j.id);
    assert.equal(after.preflight?.ready, true);
    assert.equal(after.preflight?.mandatoryRetentionPendingSince, undefined);

    await harness.keyward.recheckRetention();
    await harness.keyward.proactive.idle();
    assert.equal(harness.connector.delivered().filter(confirmedText).length, 1, 'told once');
  });
});
