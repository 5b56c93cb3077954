/**
 * What the DEP, key-roll and teardown features share at the card edge: reading card data (only
 * the journey address and the inputs; who clicked comes from the activity), and "Resume", which
 * shows the owner the journey's current card again.
 */
import { z } from 'zod';
import { appError } from '../core';
import type { JourneyAddress, OpsJourneyBase } from '../inventory/opsJourney';
import type { JourneyOwner } from '../journeys/setupJourney';
import type { Actor, CardActionContext, CardActionResult, CardActionSpec } from './botTypes';
import type { AdaptiveCardJson } from './cards/adaptiveCard';
import { localizer, type MessageId } from './i18n/localizer';

const address = z.object({ journeyId: z.string().min(1).max(100), v: z.coerce.number().int().min(1) });
const journeyOnly = z.object({ journeyId: z.string().min(1).max(100) });

/** The acting person as the journeys know them (from the validated activity, never card data). */
export function owner(actor: Actor): JourneyOwner {
  return { aadObjectId: actor.aadObjectId ?? '', name: actor.name, tenantId: actor.tenantId };
}

/** The submitted inputs, without the card's own envelope fields. */
export function inputs(data: Record<string, unknown>): Record<string, unknown> {
  const { journeyId: _j, v: _v, verb: _verb, ...rest } = data;
  return rest;
}

/** Card data checked against `schema`; an edited or broken payload is refused in words. */
export function cardData<T>(schema: z.ZodType<T>, data: Record<string, unknown>): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw appError('ValidationFailed', localizer().t('chat.badCardData'));
  return parsed.data;
}

/** The journey and the version the clicked card showed. */
export function journeyAt(data: Record<string, unknown>): JourneyAddress {
  const { journeyId, v } = cardData(address, data);
  return { journeyId, version: v };
}

export function journeyIdOf(data: Record<string, unknown>): string {
  return cardData(journeyOnly, data).journeyId;
}

/** A card action whose handler may answer synchronously. */
export function act(verb: string, run: (data: Record<string, unknown>, context: CardActionContext) => Promise<CardActionResult> | CardActionResult): CardActionSpec {
  return { verb, run: async (data, context) => run(data, context) };
}

/** "Resume": the owner gets the journey's current card as a new message (anyone else is refused). */
export function resumeAction<J extends OpsJourneyBase>(
  verb: string,
  journeys: { get(id: string): Promise<J>; rememberCard(id: string, messageId: string | undefined): Promise<void> },
  render: (journey: J, locale?: string) => Promise<AdaptiveCardJson>,
  words: { notYours: MessageId; shown: MessageId },
): CardActionSpec {
  return act(verb, async (data, context) => {
    const journey = await journeys.get(journeyIdOf(data));
    const l = localizer(context.locale);
    if (journey.owner.aadObjectId !== (context.actor.aadObjectId ?? '').toLowerCase())
      throw appError('NotYourJourney', l.t(words.notYours, { owner: journey.owner.name ?? l.t('chat.someoneElse') }));
    await journeys.rememberCard(journey.id, await context.sendCard(await render(journey, context.locale)));
    return { kind: 'message', text: l.t(words.shown) };
  });
}
