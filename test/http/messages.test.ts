import assert from 'node:assert/strict';
import { LOCAL_PEOPLE } from '../../src/core';
import type { BotFeature } from '../../src/bot/botTypes';
import { membersAddedActivity, messageActivity, postActivity } from '../helpers/activities';
import { startHarness, type Harness } from '../helpers/keywardHarness';

const slowFeature: BotFeature = {
  name: 'slow',
  commands: [
    {
      name: 'slow',
      summary: 'test-only: answers after 400 ms',
      async run(_args, io) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        await io.sendText('slow done');
      },
    },
  ],
};

describe('HTTP /api/messages (real server, real botbuilder, replies over HTTP)', function () {
  let harness: Harness;
  const send = (text: string, conversationId = 'conv-http-1') => postActivity(harness.url, messageActivity(text, { serviceUrl: harness.connector.url, conversationId }));

  beforeEach(async () => {
    harness = await startHarness({}, { extraFeatures: [slowFeature] });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('when someone writes "help", then the welcome card arrives at the connector', async () => {
    const response = await send('help');
    assert.equal(response.status, 200);
    const call = await harness.connector.waitFor((c) => c.method === 'POST' && c.conversationId === 'conv-http-1');
    const attachments = call.body.attachments as Array<{ contentType: string; content: { version: string; body: Array<{ text?: string }> } }>;
    assert.equal(attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(attachments[0]?.content.version, '1.5');
    assert.match(JSON.stringify(attachments[0]?.content), /Customer Key/);
    // Every journey is built now: each has its start button, none is marked "coming soon".
    assert.doesNotMatch(JSON.stringify(attachments[0]?.content), /coming soon/);
    for (const command of ['setup', 'status', 'approvals', 'dep', 'roll', 'teardown']) assert.match(JSON.stringify(attachments[0]?.content), new RegExp(`"command":"${command}"`));
  });

  it('when the bot is added to a conversation, then it posts the welcome card once', async () => {
    await postActivity(harness.url, membersAddedActivity({ serviceUrl: harness.connector.url, conversationId: 'conv-install' }));
    await postActivity(harness.url, membersAddedActivity({ serviceUrl: harness.connector.url, conversationId: 'conv-install' }));
    await harness.connector.waitFor((c) => c.conversationId === 'conv-install');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(harness.connector.calls.filter((c) => c.conversationId === 'conv-install').length, 1);
  });

  it('when the first message is unknown text, then the welcome card answers; later unknown text gets the command list', async () => {
    await send('what is this?', 'conv-first');
    const first = await harness.connector.waitFor((c) => c.conversationId === 'conv-first');
    assert.ok(first.body.attachments, 'first contact gets the card');
    harness.connector.reset();
    await send('frobnicate the vault', 'conv-first');
    const second = await harness.connector.waitFor((c) => c.conversationId === 'conv-first');
    assert.equal(second.body.attachments, undefined);
    assert.match(String(second.body.text), /I don't know "frobnicate the vault"/);
    assert.match(String(second.body.text), /help/);
  });

  it('when the bot restarts, then conversation state survives (no second welcome)', async () => {
    await send('help', 'conv-restart');
    await harness.connector.waitFor((c) => c.conversationId === 'conv-restart');
    await harness.restart();
    harness.connector.reset();
    await send('gibberish', 'conv-restart');
    const reply = await harness.connector.waitFor((c) => c.conversationId === 'conv-restart');
    assert.match(String(reply.body.text), /I don't know/);
  });

  const badInputs: Array<{ title: string; body: string; contentType?: string; status: number; code: string }> = [
    { title: 'malformed JSON', body: '{"type": "message",', status: 400, code: 'BadRequest' },
    { title: 'a wrong content type', body: '{}', contentType: 'text/plain', status: 415, code: 'UnsupportedMediaType' },
    { title: 'a JSON array', body: '[]', status: 400, code: 'BadRequest' },
    { title: 'missing fields', body: JSON.stringify({ type: 'message', text: 'hi' }), status: 400, code: 'BadRequest' },
    {
      title: 'an unknown activity type',
      body: JSON.stringify({ type: 'teleport', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', from: { id: 'a' }, recipient: { id: 'b' }, conversation: { id: 'c' } }),
      status: 400,
      code: 'BadRequest',
    },
    { title: 'a body over 256 KB', body: JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) }), status: 413, code: 'PayloadTooLarge' },
  ];
  for (const bad of badInputs) {
    it(`when the body is ${bad.title}, then a ${bad.status} with a clear message, one log line, and the next request is served`, async () => {
      const before = harness.logs.filter((line) => line.message === 'refused /api/messages request').length;
      const response = await fetch(`${harness.url}/api/messages`, { method: 'POST', headers: { 'content-type': bad.contentType ?? 'application/json' }, body: bad.body });
      assert.equal(response.status, bad.status);
      const json = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(json.error.code, bad.code);
      assert.ok(json.error.message.length > 10);
      assert.equal(harness.logs.filter((line) => line.message === 'refused /api/messages request').length, before + 1);
      const next = await send('help', 'conv-after-bad');
      assert.equal(next.status, 200);
    });
  }

  it('when an activity comes from another tenant, then it is refused with 403 and nothing is sent', async () => {
    const activity = messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-foreign', tenantId: '99999999-9999-4999-8999-999999999999' });
    const response = await postActivity(harness.url, activity);
    assert.equal(response.status, 403);
    assert.equal((response.body as { error: { code: string } }).error.code, 'TenantNotAllowed');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(harness.connector.calls.filter((c) => c.conversationId === 'conv-foreign').length, 0);
  });

  it('when /healthz is called, then it answers 200 with version, mode and store state', async () => {
    const response = await fetch(`${harness.url}/healthz`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.mode, 'local');
    assert.equal(body.store, 'ok');
    assert.match(String(body.version), /^\d+\.\d+\.\d+/);
    assert.ok(body.emulator === 'reachable' || body.emulator === 'unreachable');
  });

  it('when the server stops during a turn, then the turn finishes before the store closes', async () => {
    const pending = send('slow', 'conv-slow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(harness.keyward.server.inFlight(), 1);
    const stopping = harness.keyward.stop();
    const response = await pending;
    await stopping;
    assert.equal(response.status, 200);
    assert.ok(harness.connector.calls.some((c) => c.body.text === 'slow done'));
    assert.equal(await harness.keyward.store.db.ping(), false, 'the store is closed');
  });

  it("when the operator's identity is in the activity, then it is used for the greeting", async () => {
    await send('help', 'conv-name');
    const call = await harness.connector.waitFor((c) => c.conversationId === 'conv-name');
    assert.match(JSON.stringify(call.body), new RegExp(LOCAL_PEOPLE.operator.displayName));
  });
});
