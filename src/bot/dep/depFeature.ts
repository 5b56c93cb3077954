import { z } from 'zod';
import { appError, type Clock } from '../../core';
import { isWorkload } from '../../customerKey';
import type { InventoryService } from '../../inventory/inventoryService';
import type { JourneyOwner } from '../../journeys/setupJourney';
import type { DepJourney } from '../../journeys/depJourney';
import type { DepJourneyService } from '../../journeys/depJourneyService';
import { journeyDeps } from '../../journeys/depJourneyService';
import type { Actor, BotFeature, CardActionContext, CardActionResult, TurnIo } from '../botTypes';
import { renderDepCard } from './depCards';
import { DEP_VERBS } from './depVerbs';

const address = z.object({ journeyId: z.string().min(1).max(100), v: z.coerce.number().int().min(1) });
const journeyOnly = z.object({ journeyId: z.string().min(1).max(100) });

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
  const render = (journey: DepJourney) =>
    renderDepCard(journey, { pairs: inventory.pairs(), deps: journeyDeps(inventory, journey), appOnly: service.appOnlyEnabled, now: deps.clock.now() });
  const replace = (journey: DepJourney): CardActionResult => ({ kind: 'card', card: render(journey), forEveryone: true });
  const parse = <T>(schema: z.ZodType<T>, data: Record<string, unknown>): T => {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw appError('ValidationFailed', 'This card\'s data is not valid (it may have been edited). Type "status" to get a fresh card.');
    return parsed.data;
  };
  const startJourney = async (io: TurnIo, args = '') => {
    const word = args.trim().split(/\s+/)[0] ?? '';
    const journey = service.start(owner(io.actor), io.conversation.id, io.reference(), isWorkload(word) ? { scope: word } : {});
    service.rememberCard(journey.id, await io.sendCard(render(journey)));
  };
  const act = (verb: string, run: (data: Record<string, unknown>, context: CardActionContext) => Promise<CardActionResult> | CardActionResult) => ({ verb, run: async (data: Record<string, unknown>, context: CardActionContext) => run(data, context) });
  const at = (data: Record<string, unknown>) => {
    const { journeyId, v } = parse(address, data);
    return { journeyId, version: v };
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
        return { kind: 'message', text: 'A new DEP journey has started below.' };
      }),
      act(DEP_VERBS.submitScope, async (data, context) => replace(await service.submitScope(at(data), owner(context.actor), inputs(data)))),
      act(DEP_VERBS.submitDetails, async (data, context) => replace(await service.submitDetails(at(data), owner(context.actor), inputs(data)))),
      act(DEP_VERBS.newLink, (data, context) => replace(service.newDownloadLink(at(data), owner(context.actor)))),
      act(DEP_VERBS.ranIt, (data, context) => replace(service.ranIt(at(data), owner(context.actor)))),
      act(DEP_VERBS.evidence, (data, context) => replace(service.submitEvidence(at(data), owner(context.actor), inputs(data)))),
      act(DEP_VERBS.withdraw, (data, context) => replace(service.withdraw(at(data), owner(context.actor)))),
      act(DEP_VERBS.keyward, async (data, context) => replace(await service.submitForKeyward(at(data), owner(context.actor), typeof data.reason === 'string' ? data.reason : '', context.reference()))),
      act(DEP_VERBS.back, (data, context) => replace(service.back(at(data), owner(context.actor)))),
      act(DEP_VERBS.cancel, (data, context) => replace(service.cancel(at(data), owner(context.actor)))),
      act(DEP_VERBS.resume, async (data, context) => {
        const { journeyId } = parse(journeyOnly, data);
        const journey = service.get(journeyId);
        if (journey.owner.aadObjectId !== (context.actor.aadObjectId ?? '').toLowerCase()) throw appError('NotYourJourney', `This DEP journey belongs to ${journey.owner.name ?? 'someone else'}. Type "dep" to start your own.`);
        service.rememberCard(journey.id, await context.sendCard(render(journey)));
        return { kind: 'message', text: 'The journey\'s current card is below.' };
      }),
    ],
  };
}

export function owner(actor: Actor): JourneyOwner {
  return { aadObjectId: actor.aadObjectId ?? '', name: actor.name, tenantId: actor.tenantId };
}

/** The submitted inputs, without the card's own envelope fields. */
export function inputs(data: Record<string, unknown>): Record<string, unknown> {
  const { journeyId: _j, v: _v, verb: _verb, ...rest } = data;
  return rest;
}
