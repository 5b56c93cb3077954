import type { Clock, Logger } from '../../core';
import type { OnboardingRecord } from '../../customerKey';
import type { InventoryService } from '../../inventory/inventoryService';
import type { OpsJourneyBase } from '../../inventory/opsJourney';
import type { JourneyOwner, SetupJourney } from '../../journeys/setupJourney';
import type { BotFeature, CardActionContext, CardActionResult, TurnIo } from '../botTypes';
import type { ShareAttestations } from '../../inventory/shareAttestations';
import { renderShareAttestationCard } from './shareCards';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';
import { owner } from '../opsJourneyActions';
import { renderJourneyListCard } from '../setup/setupCards';
import { inventorySections } from './inventoryCards';
import { INVENTORY_VERBS } from './inventoryVerbs';
import { localizer } from '../i18n/localizer';

export interface StatusFeatureDeps {
  inventory: InventoryService;
  /** The person's setup journeys (the setup journey service). */
  setupJourneys(owner: JourneyOwner, conversationId: string): SetupJourney[];
  /** The person's DEP, key-roll and teardown journeys, each with a line and its resume verb. */
  opsJourneys(owner: JourneyOwner, locale?: string): Array<{ journey: OpsJourneyBase; line: string; resumeVerb: string }>;
  /**
   * Starts the health check now, in the background (the invoke answers at once); the result is
   * posted proactively to `reference` (the clicker's conversation) and drift also where it always goes.
   */
  checkHealthNow(reference: Record<string, unknown>): void;
  /** Security-domain share attestations (holders answer on their card). */
  shares: ShareAttestations;
  /** The tenant's Customer Key onboarding records (one per workload). */
  onboarding?: () => readonly OnboardingRecord[];
  clock: Clock;
  logger: Logger;
}

/**
 * `status`: one card with the person's setup journeys (the setup feature's list) and, below it,
 * everything Keyward knows — vaults, HSMs, keys with their versions and readiness, DEPs with their
 * state — and the DEP, roll and teardown journeys. It replaces the setup feature's own `status`
 * (main.ts registers this one instead), so there is one `status`, not two.
 */
export function createStatusFeature(deps: StatusFeatureDeps): BotFeature {
  const render = (io: Pick<TurnIo, 'actor' | 'conversation' | 'locale'>): AdaptiveCardJson => {
    const who = owner(io.actor);
    return renderJourneyListCard(deps.setupJourneys(who, io.conversation.id), {
      sections: inventorySections({
        containers: deps.inventory.containers(),
        keys: deps.inventory.keys(),
        deps: deps.inventory.deps(),
        health: (key) => deps.inventory.health(key.ref.versionlessUri),
        journeys: who.aadObjectId ? deps.opsJourneys(who, io.locale) : [],
        custody: (hsmName) => deps.shares.custody(hsmName),
        ...(deps.onboarding ? { onboarding: deps.onboarding() } : {}),
        now: deps.clock.now(),
        locale: io.locale,
      }),
      locale: io.locale,
    });
  };
  return {
    name: 'status',
    commands: [
      {
        name: 'status',
        summary: 'your journeys, and every vault, HSM, key (with versions) and policy Keyward knows, with readiness',
        async run(_args, io) {
          await io.sendCard(render(io));
        },
      },
    ],
    cardActions: [
      {
        verb: INVENTORY_VERBS.status,
        async run(_data, context) {
          await context.sendCard(render(context));
          return { kind: 'message', text: localizer(context.locale).t('chat.status.below') };
        },
      },
      ...(['confirmed', 'lost'] as const).map((status) => ({
        verb: status === 'confirmed' ? INVENTORY_VERBS.shareHeld : INVENTORY_VERBS.shareLost,
        async run(data: Record<string, unknown>, context: CardActionContext): Promise<CardActionResult> {
          const hsmName = typeof data.hsmName === 'string' ? data.hsmName : '';
          const answer = deps.shares.answer(hsmName, context.actor, status);
          if (!answer.ok) return { kind: 'message', text: answer.error.message };
          // Everyone in the chat sees who has answered; the card is the round's record.
          return { kind: 'card', card: renderShareAttestationCard(answer.custody, { everyDays: deps.shares.everyDays, locale: context.locale }), forEveryone: true };
        },
      })),
      {
        verb: INVENTORY_VERBS.checkHealth,
        async run(_data, context) {
          deps.checkHealthNow(context.reference());
          return { kind: 'message', text: localizer(context.locale).t('chat.status.checking') };
        },
      },
    ],
  };
}

/** A feature without some of its commands (main.ts drops the setup feature's `status` for this one). */
export function withoutCommands(feature: BotFeature, names: readonly string[]): BotFeature {
  return { ...feature, commands: (feature.commands ?? []).filter((command) => !names.includes(command.name)) };
}
