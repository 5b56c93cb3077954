import assert from 'node:assert/strict';
import { SETUP_VERBS } from '../../src/bot/setup/setupVerbs';
import { invokeActivity, messageActivity, postActivity } from '../helpers/activities';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { assertValidCard } from '../helpers/cardRules';

type Card = { body: unknown[]; actions?: Array<{ type: string; data?: Record<string, unknown> }> };

describe("cards in the activity's locale, through HTTP", function () {
  this.timeout(60_000);
  let emulator: TestEmulator;
  let harness: Harness;

  before(async () => {
    emulator = await startTestEmulator();
    harness = await startHarness(emulator.keywardEnv);
  });
  after(async () => {
    await harness?.close();
    await emulator?.close();
  });

  const cardAfter = async (text: string, conversationId: string, locale: string | undefined, contains: RegExp): Promise<Card> => {
    harness.connector.reset();
    await postActivity(harness.url, messageActivity(text, { serviceUrl: harness.connector.url, conversationId, ...(locale ? { locale } : {}) }));
    const call = await harness.connector.waitFor((c) => c.conversationId === conversationId && contains.test(JSON.stringify(c.body)));
    return (call.body.attachments as Array<{ content: Card }>)[0]!.content;
  };

  it('when a German client says help, then the welcome card is in German; a Spanish client gets English', async () => {
    const german = await cardAfter('help', 'conv-locale-de', 'de-DE', /Was möchten Sie tun/);
    assertValidCard(german, 'German welcome');
    assert.match(JSON.stringify(german), /Customer Key einrichten/);
    const spanish = await cardAfter('help', 'conv-locale-es', 'es-ES', /What would you like to do/);
    assert.doesNotMatch(JSON.stringify(spanish), /Was möchten Sie tun|Que voulez-vous faire/);
  });

  it('when a French client starts a setup and a fr-CA client presses Next, then both cards are in French with the identifiers untouched', async () => {
    const conversationId = 'conv-locale-fr';
    const card = await cardAfter('setup', conversationId, 'fr-FR', /Où placer les clés/);
    assertValidCard(card, 'French choice card');
    const action = (card.actions ?? []).find((a) => typeof a.data?.journeyId === 'string')!;
    const response = await postActivity(
      harness.url,
      invokeActivity(
        SETUP_VERBS.submitStep,
        { journeyId: action.data!.journeyId, v: action.data!.v, step: 'choice', protection: 'keyVaultPremium', workloads: 'exchange' },
        { serviceUrl: harness.connector.url, conversationId, locale: 'fr-CA' },
      ),
    );
    const next = (response.body as { value: Card }).value;
    const json = JSON.stringify(next);
    assert.match(json, /Abonnements, groupes de ressources et régions/);
    // The subscriptions Keyward lists, and the typed id as the fallback.
    assert.match(json, /Abonnement de la clé A/);
    assert.match(json, /actif · période de rétention obligatoire : enregistrée/);
    assert.match(json, /ID d’abonnement de la clé A, s’il n’est pas dans la liste/);
    // Identifiers stay as they are: the resource-group default and the GUID placeholder.
    assert.match(json, /rg-customer-key-a/);
    assert.match(json, /00000000-0000-0000-0000-000000000000/);
  });
});
