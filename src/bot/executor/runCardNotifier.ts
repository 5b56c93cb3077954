import { silentLogger, type Logger } from '../../core';
import type { ConversationRef } from '../../approvals/approvalTypes';
import type { RunObserver, SecurityDomainStoredNotice } from '../../executor/executorPorts';
import type { Run } from '../../executor/runTypes';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';
import type { Notifier } from '../approvals/notifier';
import { localizer, referenceLocale } from '../i18n/localizer';

/** A run card Keyward posted, so every copy is updated as the run moves. */
export interface PostedRunCard {
  runId: string;
  conversationId: string;
  messageId: string;
  reference: Record<string, unknown>;
}

/** Receipt topic of a run card posted to a conversation (see `recordDelivered`). */
export const RUN_CARD_RECEIPT = 'run.card';

/** Where a run's card goes: the requester's conversation and the approvers' conversation. */
export interface RunCardTarget {
  conversationId: string;
  reference: ConversationRef;
}

export interface RunCardNotifierDeps {
  /** Late-bound: the Bot Framework adapter exists only once the bot is built. */
  notifier(): Notifier | undefined;
  cards: { put(card: PostedRunCard): Promise<void>; list(runId: string): Promise<PostedRunCard[]> };
  targets(run: Run): Promise<RunCardTarget[]>;
  render(run: Run): Promise<AdaptiveCardJson>;
  logger?: Logger;
}

/**
 * Shows runs in Teams: the run card is posted once in each target conversation, then updated in
 * place as the run moves (proactively, through the approvals' Notifier). Updates for one run are
 * coalesced — a slow Teams never holds up the runner, and the last update a card receives always
 * shows the latest stored state.
 */
export class RunCardNotifier implements RunObserver {
  private readonly latest = new Map<string, Run>();
  private readonly working = new Map<string, Promise<void>>();
  private readonly logger: Logger;

  constructor(private readonly deps: RunCardNotifierDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  runChanged(run: Run): void {
    const known = this.latest.get(run.id);
    if (!known || known.version <= run.version) this.latest.set(run.id, run);
    if (this.working.has(run.id)) return;
    const work = this.drain(run.id).finally(() => this.working.delete(run.id));
    this.working.set(run.id, work);
  }

  async securityDomainStored(notice: SecurityDomainStoredNotice): Promise<void> {
    const notifier = this.deps.notifier();
    if (!notifier) return;
    for (const target of await this.deps.targets(notice.run)) {
      // In the language of the conversation it goes to; how to fetch the file is the executor's (English) text.
      const l = localizer(referenceLocale(target.reference));
      const holders = notice.officers.map((o) => l.t('notify.holder', { name: o.name, thumbprint: o.thumbprint.slice(0, 16) })).join(', ');
      const text = `${l.t('notify.domainStored', { hsm: notice.hsmName, sha: notice.sha256.slice(0, 16), quorum: notice.quorum, holders })} ${l.say(notice.howToFetch)}`;
      try {
        await notifier.postText(target.reference, text);
      } catch (error) {
        this.logger.warn({ runId: notice.run.id, err: error instanceof Error ? error.message : String(error) }, 'could not tell the officers about the security domain');
      }
    }
  }

  /** A posted run card arrived (receipt of the paced queue, also after a restart): later changes update it. */
  readonly recordDelivered = async (data: Readonly<Record<string, unknown>>, messageId: string, reference: Record<string, unknown>): Promise<void> => {
    if (typeof data.runId !== 'string' || typeof data.conversationId !== 'string') return;
    await this.deps.cards.put({ runId: data.runId, conversationId: data.conversationId, messageId, reference });
  };

  /** Records a card shown by a command, so later changes update it too. */
  async remember(card: PostedRunCard): Promise<void> {
    await this.deps.cards.put(card);
  }

  async idle(): Promise<void> {
    while (this.working.size > 0) await Promise.allSettled([...this.working.values()]);
  }

  private async drain(runId: string): Promise<void> {
    for (;;) {
      const run = this.latest.get(runId);
      if (!run) return;
      this.latest.delete(runId);
      await this.publish(run);
    }
  }

  private async publish(run: Run): Promise<void> {
    const notifier = this.deps.notifier();
    if (!notifier) return;
    const card = await this.deps.render(run);
    const posted = await this.deps.cards.list(run.id);
    for (const target of await this.deps.targets(run)) {
      if (posted.some((p) => p.conversationId === target.conversationId)) continue;
      try {
        // The receipt records the posted card (`recordDelivered`), the one place that does: it runs
        // also when the card goes out only after a restart, when this caller is gone.
        await notifier.post(target.reference, card, { receipt: { topic: RUN_CARD_RECEIPT, data: { runId: run.id, conversationId: target.conversationId } } });
      } catch (error) {
        this.logger.warn({ runId: run.id, conversationId: target.conversationId, err: error instanceof Error ? error.message : String(error) }, 'could not post the run card');
      }
    }
    for (const card_ of posted) {
      try {
        await notifier.update(card_.reference, card_.messageId, card);
      } catch (error) {
        this.logger.warn({ runId: run.id, messageId: card_.messageId, err: error instanceof Error ? error.message : String(error) }, 'could not update a run card');
      }
    }
  }
}
