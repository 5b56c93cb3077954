import type { Clock, Logger } from '../../core';
import type { OnboardingRecord } from '../../customerKey';
import type { InventoryService } from '../../inventory/inventoryService';
import type { OpsJourneyBase } from '../../inventory/opsJourney';
import type { JourneyOwner, SetupJourney } from '../../journeys/setupJourney';
import type { BotFeature, CardActionContext, CardActionResult, TurnIo } from '../botTypes';
import type { Custody, ShareAttestations } from '../../inventory/shareAttestations';
import type { HealthRecord } from '../../inventory/inventoryTypes';
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
  setupJourneys(owner: JourneyOwner, conversationId: string): Promise<SetupJourney[]>;
  /** The person's DEP, key-roll and teardown journeys, each with a line and its resume verb. */
  opsJourneys(owner: JourneyOwner, locale?: string): Promise<Array<{ journey: OpsJourneyBase; line: string; resumeVerb: string }>>;
  /**
   * Starts the health check now, in the background (the invoke answers at once); the result is
   * posted proactively to `reference` (the clicker's conversation) and drift also where it always goes.
   */
  checkHealthNow(reference: Record<string, unknown>): void;
  /** Security-domain share attestations (holders answer on their card). */
  shares: ShareAttestations;
  /** The tenant's Customer Key onboarding records (one per workload). */
  onboarding?: () => Promise<readonly OnboardingRecord[]>;
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
  const render = async (io: Pick<TurnIo, 'actor' | 'conversation' | 'locale'>): Promise<AdaptiveCardJson> => {
    const who = owner(io.actor);
    // Everything the card shows is read first; the renderer itself stays pure.
    const [containers, keys, depRecords] = [await deps.inventory.containers(), await deps.inventory.keys(), await deps.inventory.deps()];
    const health = new Map<string, HealthRecord | undefined>();
    for (const key of keys) health.set(key.id, await deps.inventory.health(key.ref.versionlessUri));
    const custody = new Map<string, Custody | undefined>();
    for (const c of containers) if (c.kind === 'managedHsm' && c.status === 'active') custody.set(c.name, await deps.shares.custody(c.name));
    const onboarding = deps.onboarding ? await deps.onboarding() : undefined;
    return renderJourneyListCard(await deps.setupJourneys(who, io.conversation.id), {
      sections: inventorySections({
        containers,
        keys,
        deps: depRecords,
        health: (key) => health.get(key.id),
        journeys: who.aadObjectId ? await deps.opsJourneys(who, io.locale) : [],
        custody: (hsmName) => custody.get(hsmName),
        ...(onboarding ? { onboarding } : {}),
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
          await io.sendCard(await render(io));
        },
      },
    ],
    cardActions: [
      {
        verb: INVENTORY_VERBS.status,
        async run(_data, context) {
          await context.sendCard(await render(context));
          return { kind: 'message', text: localizer(context.locale).t('chat.status.below') };
        },
      },
      ...(['confirmed', 'lost'] as const).map((status) => ({
        verb: status === 'confirmed' ? INVENTORY_VERBS.shareHeld : INVENTORY_VERBS.shareLost,
        async run(data: Record<string, unknown>, context: CardActionContext): Promise<CardActionResult> {
          const hsmName = typeof data.hsmName === 'string' ? data.hsmName : '';
          const answer = await deps.shares.answer(hsmName, context.actor, status);
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
