import { z } from 'zod';
import type { Clock } from '../../core';
import type { InventoryService } from '../../inventory/inventoryService';
import type { RollJourney } from '../../journeys/rollJourney';
import type { RollJourneyService } from '../../journeys/rollJourneyService';
import type { BotFeature, CardActionResult, TurnIo } from '../botTypes';
import { act, cardData, inputs, journeyAt, owner, resumeAction } from '../opsJourneyActions';
import { renderRollCard } from './rollCards';
import { ROLL_VERBS } from './rollVerbs';
import { localizer } from '../i18n/localizer';

const preset = z.object({ pairId: z.string().max(300).optional(), site: z.enum(['A', 'B']).optional() });

export interface RollFeatureDeps {
  service: RollJourneyService;
  inventory: InventoryService;
  clock: Clock;
  knownPeople: ReadonlyArray<{ objectId: string; name: string }>;
  custodiansRequired: boolean;
}

/** `roll` (a key roll, one key at a time) and `retire` (always refused, with the reason). */
export function createRollFeature(deps: RollFeatureDeps): BotFeature {
  const { service, inventory } = deps;
  const render = async (journey: RollJourney, locale?: string) => {
    const pairId = journey.pairId ?? journey.draft.pairId;
    const schedule = pairId ? await inventory.schedule(pairId) : undefined;
    return renderRollCard(journey, {
      pairs: await inventory.pairs(),
      knownPeople: deps.knownPeople,
      custodiansRequired: deps.custodiansRequired,
      ...(schedule ? { schedule } : {}),
      now: deps.clock.now(),
      locale,
    });
  };
  const replace = async (journey: RollJourney | Promise<RollJourney>, locale?: string): Promise<CardActionResult> => ({
    kind: 'card',
    card: await render(await journey, locale),
    forEveryone: true,
  });
  const startJourney = async (io: TurnIo, values: { pairId?: string; site?: 'A' | 'B' } = {}) => {
    const journey = await service.start(owner(io.actor), io.conversation.id, io.reference(), values);
    await service.rememberCard(journey.id, await io.sendCard(await render(journey, io.locale)));
  };

  return {
    name: 'roll',
    commands: [
      {
        name: 'roll',
        aliases: ['rotate'],
        summary: 'roll key A or key B of a pair (one at a time, approved), then the refresh cmdlet for each policy; rotation reminders',
        run: async (args, io) => {
          const site = /\b([ab])\b/i.exec(args)?.[1]?.toUpperCase() as 'A' | 'B' | undefined;
          await startJourney(io, site ? { site } : {});
        },
      },
      {
        name: 'retire',
        summary: 'asks to disable or delete an old key version: Keyward refuses while Customer Key may need it, and says why',
        run: async (args, io) => {
          const uri = args.trim().split(/\s+/)[0] ?? '';
          if (!uri) {
            await io.sendText(localizer(io.locale).t('chat.roll.retireHow', { example: 'retire https://kv.vault.azure.net/keys/key/<version>' }));
            return;
          }
          await io.sendText(localizer(io.locale).say(await service.refuseRetirement(owner(io.actor), uri)));
        },
      },
    ],
    cardActions: [
      act(ROLL_VERBS.start, async (data, context) => {
        const values = cardData(preset, data);
        await startJourney(context, values);
        return { kind: 'message', text: localizer(context.locale).t('chat.roll.started') };
      }),
      act(ROLL_VERBS.choose, async (data, context) => replace(await service.choose(journeyAt(data), owner(context.actor), inputs(data)), context.locale)),
      act(ROLL_VERBS.submit, async (data, context) =>
        replace(await service.submit(journeyAt(data), owner(context.actor), typeof data.reason === 'string' ? data.reason : '', context.reference()), context.locale),
      ),
      act(ROLL_VERBS.schedule, (data, context) => replace(service.setSchedule(journeyAt(data), owner(context.actor), inputs(data)), context.locale)),
      act(ROLL_VERBS.evidence, (data, context) => replace(service.submitEvidence(journeyAt(data), owner(context.actor), inputs(data)), context.locale)),
      act(ROLL_VERBS.newLinks, (data, context) => replace(service.newDownloadLinks(journeyAt(data), owner(context.actor)), context.locale)),
      act(ROLL_VERBS.back, (data, context) => replace(service.back(journeyAt(data), owner(context.actor)), context.locale)),
      act(ROLL_VERBS.cancel, (data, context) => replace(service.cancel(journeyAt(data), owner(context.actor)), context.locale)),
      resumeAction(ROLL_VERBS.resume, service, render, { notYours: 'chat.roll.notYours', shown: 'chat.currentCard' }),
    ],
  };
}
