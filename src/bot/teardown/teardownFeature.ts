import { z } from 'zod';
import { appError, type Clock } from '../../core';
import type { InventoryService } from '../../inventory/inventoryService';
import type { TeardownJourney } from '../../journeys/teardownJourney';
import type { TeardownJourneyService } from '../../journeys/teardownJourneyService';
import type { BotFeature, CardActionContext, CardActionResult, TurnIo } from '../botTypes';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';
import { inputs, owner } from '../dep/depFeature';
import { renderTeardownCard } from './teardownCards';
import { TEARDOWN_VERBS } from './teardownVerbs';

const address = z.object({ journeyId: z.string().min(1).max(100), v: z.coerce.number().int().min(1) });
const journeyOnly = z.object({ journeyId: z.string().min(1).max(100) });

export interface TeardownFeatureDeps {
  service: TeardownJourneyService;
  inventory: InventoryService;
  clock: Clock;
}

export function teardownCardRenderer(deps: TeardownFeatureDeps): (journey: TeardownJourney) => AdaptiveCardJson {
  return (journey) => renderTeardownCard(journey, { candidates: deps.service.candidates(), deps: deps.inventory.deps(), coolingOffMs: deps.service.coolingOffMs, now: deps.clock.now() });
}

/** `teardown`: delete and purge vaults or Managed HSMs, with every guard of a destructive operation. */
export function createTeardownFeature(deps: TeardownFeatureDeps): BotFeature {
  const { service } = deps;
  const render = teardownCardRenderer(deps);
  const replace = (journey: TeardownJourney): CardActionResult => ({ kind: 'card', card: render(journey), forEveryone: true });
  const parse = <T>(schema: z.ZodType<T>, data: Record<string, unknown>): T => {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw appError('ValidationFailed', 'This card\'s data is not valid (it may have been edited). Type "status" to get a fresh card.');
    return parsed.data;
  };
  const at = (data: Record<string, unknown>) => {
    const { journeyId, v } = parse(address, data);
    return { journeyId, version: v };
  };
  const startJourney = async (io: TurnIo) => {
    const journey = service.start(owner(io.actor), io.conversation.id, io.reference());
    service.rememberCard(journey.id, await io.sendCard(render(journey)));
  };
  const act = (verb: string, run: (data: Record<string, unknown>, context: CardActionContext) => Promise<CardActionResult> | CardActionResult) => ({ verb, run: async (data: Record<string, unknown>, context: CardActionContext) => run(data, context) });

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
        return { kind: 'message', text: 'A new teardown has started below.' };
      }),
      act(TEARDOWN_VERBS.choose, async (data, context) => replace(await service.choose(at(data), owner(context.actor), inputs(data)))),
      act(TEARDOWN_VERBS.recheck, async (data, context) => replace(await service.rerunPreflight(at(data), owner(context.actor)))),
      act(TEARDOWN_VERBS.confirm, async (data, context) => replace(await service.confirm(at(data), owner(context.actor), inputs(data), context.reference()))),
      act(TEARDOWN_VERBS.cancelCoolingOff, async (data, context) => replace(await service.cancelCoolingOff(at(data), owner(context.actor)))),
      act(TEARDOWN_VERBS.checkAgain, async (data, context) => replace(await service.checkAgain(at(data), owner(context.actor)))),
      act(TEARDOWN_VERBS.back, (data, context) => replace(service.back(at(data), owner(context.actor)))),
      act(TEARDOWN_VERBS.cancel, (data, context) => replace(service.cancel(at(data), owner(context.actor)))),
      // Read-only: the current card, for anyone who sees a copy (it changes nothing).
      act(TEARDOWN_VERBS.view, (data) => replace(service.get(parse(journeyOnly, data).journeyId))),
      act(TEARDOWN_VERBS.resume, async (data, context) => {
        const { journeyId } = parse(journeyOnly, data);
        const journey = service.get(journeyId);
        if (journey.owner.aadObjectId !== (context.actor.aadObjectId ?? '').toLowerCase()) throw appError('NotYourJourney', `This teardown belongs to ${journey.owner.name ?? 'someone else'}.`);
        service.rememberCard(journey.id, await context.sendCard(render(journey)));
        return { kind: 'message', text: 'The teardown\'s current card is below.' };
      }),
    ],
  };
}
