import type { Clock } from '../../core';
import { isWorkload } from '../../customerKey';
import type { InventoryService } from '../../inventory/inventoryService';
import type { DepJourney } from '../../journeys/depJourney';
import type { DepJourneyService } from '../../journeys/depJourneyService';
import { journeyDeps } from '../../journeys/depJourneyService';
import type { BotFeature, CardActionResult, TurnIo } from '../botTypes';
import { act, inputs, journeyAt, owner, resumeAction } from '../opsJourneyActions';
import { renderDepCard } from './depCards';
import { DEP_VERBS } from './depVerbs';
import { localizer } from '../i18n/localizer';

export interface DepFeatureDeps {
  service: DepJourneyService;
  inventory: InventoryService;
  clock: Clock;
}

/**
 * The `dep` command and its cards. Identity comes from the activity only; card data carries the
 * journey id and the card's version (validated), and the inputs, which the service validates.
 */
export function createDepFeature(deps: DepFeatureDeps): BotFeature {
  const { service, inventory } = deps;
  const render = async (journey: DepJourney, locale?: string) =>
    renderDepCard(journey, { pairs: await inventory.pairs(), deps: await journeyDeps(inventory, journey), appOnly: service.appOnlyEnabled, now: deps.clock.now(), locale });
  const replace = async (journey: DepJourney | Promise<DepJourney>, locale?: string): Promise<CardActionResult> => ({
    kind: 'card',
    card: await render(await journey, locale),
    forEveryone: true,
  });
  const startJourney = async (io: TurnIo, args = '') => {
    const word = args.trim().split(/\s+/)[0] ?? '';
    const journey = await service.start(owner(io.actor), io.conversation.id, io.reference(), isWorkload(word) ? { scope: word } : {});
    await service.rememberCard(journey.id, await io.sendCard(await render(journey, io.locale)));
  };

  return {
    name: 'dep',
    commands: [
      {
        name: 'dep',
        aliases: ['dep-policy'],
        summary: 'a Data Encryption Policy (tenant, Exchange or SharePoint): exact PowerShell to run, then record its state',
        run: (args, io) => startJourney(io, args),
      },
    ],
    cardActions: [
      act(DEP_VERBS.start, async (_data, context) => {
        await startJourney(context);
        return { kind: 'message', text: localizer(context.locale).t('chat.dep.started') };
      }),
      act(DEP_VERBS.submitScope, async (data, context) => replace(await service.submitScope(journeyAt(data), owner(context.actor), inputs(data)), context.locale)),
      act(DEP_VERBS.onboardingOutput, async (data, context) => replace(await service.submitOnboardingOutput(journeyAt(data), owner(context.actor), inputs(data)), context.locale)),
      act(DEP_VERBS.onboardingRecheck, async (data, context) => replace(await service.recheckOnboarding(journeyAt(data), owner(context.actor), inputs(data)), context.locale)),
      act(DEP_VERBS.onboardingConfirm, async (data, context) =>
        replace(await service.confirmOnboardingByMicrosoft(journeyAt(data), owner(context.actor), inputs(data)), context.locale),
      ),
      act(DEP_VERBS.submitDetails, async (data, context) => replace(await service.submitDetails(journeyAt(data), owner(context.actor), inputs(data)), context.locale)),
      act(DEP_VERBS.newLink, (data, context) => replace(service.newDownloadLink(journeyAt(data), owner(context.actor)), context.locale)),
      act(DEP_VERBS.ranIt, (data, context) => replace(service.ranIt(journeyAt(data), owner(context.actor)), context.locale)),
      act(DEP_VERBS.evidence, (data, context) => replace(service.submitEvidence(journeyAt(data), owner(context.actor), inputs(data)), context.locale)),
      act(DEP_VERBS.withdraw, (data, context) => replace(service.withdraw(journeyAt(data), owner(context.actor)), context.locale)),
      act(DEP_VERBS.keyward, async (data, context) =>
        replace(await service.submitForKeyward(journeyAt(data), owner(context.actor), typeof data.reason === 'string' ? data.reason : '', context.reference()), context.locale),
      ),
      act(DEP_VERBS.back, (data, context) => replace(service.back(journeyAt(data), owner(context.actor)), context.locale)),
      act(DEP_VERBS.cancel, (data, context) => replace(service.cancel(journeyAt(data), owner(context.actor)), context.locale)),
      resumeAction(DEP_VERBS.resume, service, render, { notYours: 'chat.dep.notYours', shown: 'chat.currentCard' }),
    ],
  };
}
