import type { Clock } from '../../core';
import type { InventoryService } from '../../inventory/inventoryService';
import type { TeardownJourney } from '../../journeys/teardownJourney';
import type { TeardownJourneyService } from '../../journeys/teardownJourneyService';
import type { BotFeature, CardActionResult, TurnIo } from '../botTypes';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';
import { act, inputs, journeyAt, journeyIdOf, owner, resumeAction } from '../opsJourneyActions';
import { renderTeardownCard } from './teardownCards';
import { TEARDOWN_VERBS } from './teardownVerbs';
import { localizer } from '../i18n/localizer';

export interface TeardownFeatureDeps {
  service: TeardownJourneyService;
  inventory: InventoryService;
  clock: Clock;
}

export function teardownCardRenderer(deps: TeardownFeatureDeps): (journey: TeardownJourney, locale?: string) => Promise<AdaptiveCardJson> {
  return async (journey, locale) =>
    renderTeardownCard(journey, {
      candidates: await deps.service.candidates(),
      deps: await deps.inventory.deps(),
      coolingOffMs: deps.service.coolingOffMs,
      now: deps.clock.now(),
      locale,
    });
}

/** `teardown`: delete and purge vaults or Managed HSMs, with every guard of a destructive operation. */
export function createTeardownFeature(deps: TeardownFeatureDeps): BotFeature {
  const { service } = deps;
  const render = teardownCardRenderer(deps);
  const replace = async (journey: TeardownJourney | Promise<TeardownJourney>, locale?: string): Promise<CardActionResult> => ({
    kind: 'card',
    card: await render(await journey, locale),
    forEveryone: true,
  });
  const startJourney = async (io: TurnIo) => {
    const journey = await service.start(owner(io.actor), io.conversation.id, io.reference());
    await service.rememberCard(journey.id, await io.sendCard(await render(journey, io.locale)));
  };

  return {
    name: 'teardown',
    commands: [
      {
        name: 'teardown',
        aliases: ['remove'],
        summary: 'delete and purge a vault or Managed HSM: typed confirmation, destructive approval, cooling-off with Cancel, billing confirmed',
        run: (_args, io) => startJourney(io),
      },
    ],
    cardActions: [
      act(TEARDOWN_VERBS.start, async (_data, context) => {
        await startJourney(context);
        return { kind: 'message', text: localizer(context.locale).t('chat.teardown.started') };
      }),
      act(TEARDOWN_VERBS.choose, async (data, context) => replace(await service.choose(journeyAt(data), owner(context.actor), inputs(data)), context.locale)),
      act(TEARDOWN_VERBS.recheck, async (data, context) => replace(await service.rerunPreflight(journeyAt(data), owner(context.actor)), context.locale)),
      act(TEARDOWN_VERBS.confirm, async (data, context) =>
        replace(await service.confirm(journeyAt(data), owner(context.actor), inputs(data), context.reference()), context.locale),
      ),
      act(TEARDOWN_VERBS.cancelCoolingOff, async (data, context) => replace(await service.cancelCoolingOff(journeyAt(data), owner(context.actor)), context.locale)),
      act(TEARDOWN_VERBS.checkAgain, async (data, context) => replace(await service.checkAgain(journeyAt(data), owner(context.actor)), context.locale)),
      act(TEARDOWN_VERBS.back, (data, context) => replace(service.back(journeyAt(data), owner(context.actor)), context.locale)),
      act(TEARDOWN_VERBS.cancel, (data, context) => replace(service.cancel(journeyAt(data), owner(context.actor)), context.locale)),
      // Read-only: the current card, for anyone who sees a copy (it changes nothing).
      act(TEARDOWN_VERBS.view, (data, context) => replace(service.get(journeyIdOf(data)), context.locale)),
      resumeAction(TEARDOWN_VERBS.resume, service, render, { notYours: 'chat.teardown.notYours', shown: 'chat.currentCard' }),
    ],
  };
}
