import { z } from 'zod';
import { appError } from '../../core';
import { SETUP_STEPS, type SetupStep } from '../../customerKey';
import type { SetupJourney, JourneyOwner } from '../../journeys/setupJourney';
import type { SetupJourneyService } from '../../journeys/setupJourneyService';
import type { Actor, BotFeature, CardActionContext, CardActionResult, TurnIo } from '../botTypes';
import { renderJourneyListCard, renderSetupCard, type SetupCardContext } from './setupCards';
import { SETUP_VERBS } from './setupVerbs';
import { localizer } from '../i18n/localizer';

const address = z.object({ journeyId: z.string().min(1).max(100), v: z.coerce.number().int().min(1) });
const stepAddress = address.extend({ step: z.enum(SETUP_STEPS as unknown as [SetupStep, ...SetupStep[]]) });
const journeyOnly = z.object({ journeyId: z.string().min(1).max(100) });

/**
 * The setup journey in chat: `setup` starts one, `status` lists them, and the cards' buttons move
 * it. Identity comes from the activity only; card data carries nothing but the journey id, the
 * card's version and the step, all validated before use.
 */
export function createSetupFeature(service: SetupJourneyService, cardContext: () => SetupCardContext): BotFeature {
  const render = (journey: SetupJourney, locale?: string) => renderSetupCard(journey, { ...cardContext(), locale });
  const replace = async (journey: SetupJourney | Promise<SetupJourney>, locale?: string): Promise<CardActionResult> => ({
    kind: 'card',
    card: render(await journey, locale),
    forEveryone: true,
  });

  const startJourney = async (io: TurnIo) => {
    const journey = await service.start(owner(io.actor), io.conversation.id, io.reference());
    await service.rememberCard(journey.id, await io.sendCard(render(journey, io.locale)));
  };

  const parse = <T>(schema: z.ZodType<T>, data: Record<string, unknown>): T => {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw appError('ValidationFailed', localizer().t('chat.badCardData'));
    return parsed.data;
  };

  const act = (verb: string, run: (data: Record<string, unknown>, context: CardActionContext) => Promise<CardActionResult>) => ({ verb, run });

  return {
    name: 'setup',
    commands: [
      {
        name: 'setup',
        aliases: ['start-setup'],
        summary: 'set up Customer Key (Key Vault Premium or Managed HSM), card by card, up to an approvable plan',
        run: (_args, io) => startJourney(io),
      },
      {
        name: 'status',
        summary: 'your setup journeys and where each stands; resume or cancel them',
        async run(_args, io) {
          await io.sendCard(renderJourneyListCard(await service.listFor(owner(io.actor), io.conversation.id), { locale: io.locale }));
        },
      },
    ],
    cardActions: [
      act(SETUP_VERBS.start, async (_data, context) => {
        await startJourney(context);
        return { kind: 'message', text: localizer(context.locale).t('chat.setup.started') };
      }),
      act(SETUP_VERBS.submitStep, async (data, context) => {
        const { journeyId, v, step } = parse(stepAddress, data);
        return replace(await service.submitStep({ journeyId, version: v }, owner(context.actor), step, withoutEnvelope(data)), context.locale);
      }),
      act(SETUP_VERBS.back, async (data, context) => {
        const { journeyId, v } = parse(address, data);
        return replace(service.back({ journeyId, version: v }, owner(context.actor), withoutEnvelope(data)), context.locale);
      }),
      act(SETUP_VERBS.edit, async (data, context) => {
        const { journeyId, v, step } = parse(stepAddress, data);
        return replace(service.edit({ journeyId, version: v }, owner(context.actor), step), context.locale);
      }),
      act(SETUP_VERBS.rerunPreflight, async (data, context) => {
        const { journeyId, v } = parse(address, data);
        return replace(await service.rerunPreflight({ journeyId, version: v }, owner(context.actor)), context.locale);
      }),
      act(SETUP_VERBS.preview, async (data, context) => {
        const { journeyId, v } = parse(address, data);
        return replace(await service.preview({ journeyId, version: v }, owner(context.actor)), context.locale);
      }),
      act(SETUP_VERBS.submit, async (data, context) => {
        const { journeyId, v } = parse(address, data);
        const reason = typeof data.reason === 'string' ? data.reason : '';
        return replace(await service.submit({ journeyId, version: v }, owner(context.actor), reason, context.reference()), context.locale);
      }),
      act(SETUP_VERBS.cancel, async (data, context) => {
        const { journeyId, v } = parse(address, data);
        return replace(service.cancel({ journeyId, version: v }, owner(context.actor)), context.locale);
      }),
      act(SETUP_VERBS.resume, async (data, context) => {
        const { journeyId } = parse(journeyOnly, data);
        const journey = await service.get(journeyId);
        if (journey.owner.aadObjectId !== (context.actor.aadObjectId ?? '').toLowerCase()) {
          throw appError('NotYourJourney', localizer(context.locale).t('chat.setup.notYours', { owner: journey.owner.name ?? localizer(context.locale).t('chat.someoneElse') }));
        }
        await service.rememberCard(journey.id, await context.sendCard(render(journey, context.locale)));
        return { kind: 'message', text: localizer(context.locale).t('chat.currentCard') };
      }),
    ],
  };
}

function owner(actor: Actor): JourneyOwner {
  return { aadObjectId: actor.aadObjectId ?? '', name: actor.name, tenantId: actor.tenantId };
}

/** The submitted inputs, without the card's own envelope fields. */
function withoutEnvelope(data: Record<string, unknown>): Record<string, unknown> {
  const { journeyId: _j, v: _v, step: _s, verb: _verb, ...inputs } = data;
  return inputs;
}
