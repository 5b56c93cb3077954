import assert from 'node:assert/strict';
import { LOCAL_PEOPLE } from '../../src/core';
import { PlaygroundClient } from '../../src/cli/playgroundClient';
import { PLAYGROUND_CONVERSATIONS } from '../../src/cli/playgroundConfig';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { startPlayground, type PlaygroundProcess } from '../helpers/playgroundProcess';
import { assertValidCard } from '../helpers/cardRules';

describe('end to end through the real Agents Playground', function () {
  this.timeout(90_000);
  let harness: Harness;
  let playground: PlaygroundProcess;
  let client: PlaygroundClient;

  before(async () => {
    harness = await startHarness();
    playground = await startPlayground(`${harness.url}/api/messages`);
    client = await new PlaygroundClient(playground.url).connect();
  });
  after(async () => {
    client?.close();
    await playground?.stop();
    await harness?.close();
  });

  it('when the operator types "help" in the personal chat, then the welcome card comes back through the playground', async () => {
    const seen = client.snapshot();
    await client.say(PLAYGROUND_CONVERSATIONS.personalChat, LOCAL_PEOPLE.operator.teamsId, 'help', true);
    const message = await client.waitForNew(seen, (m) => m.conversationId === PLAYGROUND_CONVERSATIONS.personalChat && m.cards.length > 0, 20_000, 'the welcome card');
    assert.match(JSON.stringify(message.cards[0]), /Microsoft 365 Customer Key/);
    assert.match(JSON.stringify(message.cards[0]), /Olivia Operator/);
    assertValidCard(message.cards[0], 'welcome card as delivered');
  });

  it("when someone @mentions Keyward in the approvers' group chat, then it answers there (the playground sends chat messages as its current user)", async () => {
    const seen = client.snapshot();
    await client.say(PLAYGROUND_CONVERSATIONS.groupChat.id, LOCAL_PEOPLE.operator.teamsId, 'help', false);
    const message = await client.waitForNew(seen, (m) => m.conversationId === PLAYGROUND_CONVERSATIONS.groupChat.id && m.cards.length > 0, 20_000, 'a card in the group chat');
    assert.match(JSON.stringify(message.cards[0]), /Customer Key/);
  });
});
