import { isAppError, silentLogger, type Logger } from '../../core';
import type { ApprovalChange, ApprovalService } from '../../approvals/approvalService';
import type { ApprovalDirectoryStore, ApprovalMessageStore, PostedCard } from '../../approvals/approvalPorts';
import { namedVoters, shortId, type ApprovalRequest, type ConversationRef } from '../../approvals/approvalTypes';
import { localizer, referenceLocale } from '../i18n/localizer';
import { requirementLabel } from '../cards/approvalCard';
import type { ApprovalViews } from './approvalViews';
import type { Notifier } from './notifier';

export interface ApprovalNotificationsDeps {
  service: ApprovalService;
  directory: ApprovalDirectoryStore;
  messages: ApprovalMessageStore;
  views: ApprovalViews;
  /** Late-bound: the Bot Framework adapter exists only once the bot is built. */
  notifier(): Notifier | undefined;
  logger?: Logger;
}

/** Receipt topic of an approval card posted to a conversation (see `recordDelivered`). */
export const APPROVAL_CARD_RECEIPT = 'approval.card';

interface Target {
  reference: ConversationRef;
  conversationId: string;
  role: PostedCard['role'];
}

/**
 * Turns committed approval changes into Teams messages: the card for the approvers when a request
 * opens, an in-place update of every copy of the card on every change, a message to the
 * requester when their request is decided or has run, and a reminder before expiry.
 *
 * Work for one request runs in order (a queue per request), and every update re-reads the
 * request and renders its CURRENT state, repeating while the version moves — so the last update
 * any copy receives shows the latest state even when votes race.
 */
export class ApprovalNotifications {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly logger: Logger;

  constructor(private readonly deps: ApprovalNotificationsDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** Subscribes to the service; returns the unsubscribe function. */
  start(): () => void {
    return this.deps.service.onChange((change) => this.handle(change));
  }

  async handle(change: ApprovalChange): Promise<void> {
    return this.enqueue(change.request.id, async () => {
      const { request } = change;
      if (change.change === 'submitted') {
        await this.postToApprovers(request);
        return;
      }
      await this.refreshNow(request.id);
      if (change.change === 'reminded') await this.remind(request);
      if (['approved', 'rejected', 'expired', 'succeeded', 'failed'].includes(change.change)) await this.tellRequester(request);
    });
  }

  /**
   * Re-renders every posted copy of the request's card from the current state. The executor may
   * call this after its own changes; state changes made through the service trigger it anyway.
   */
  refreshCards(requestId: string): Promise<void> {
    return this.enqueue(requestId, () => this.refreshNow(requestId));
  }

  /**
   * A posted approval card arrived (receipt of the paced queue): remember the copy, so every later
   * change updates it — also when the card went out only after a restart.
   */
  readonly recordDelivered = async (data: Readonly<Record<string, unknown>>, messageId: string, reference: ConversationRef): Promise<void> => {
    const role = data.role === 'personal' || data.role === 'shown' ? data.role : 'approvers';
    if (typeof data.requestId !== 'string' || typeof data.conversationId !== 'string') return;
    await this.deps.messages.add({ requestId: data.requestId, conversationId: data.conversationId, messageId, reference, role });
    // The request moved while the card waited (votes, a restart): bring every copy up to date.
    const request = await this.deps.service.get(data.requestId);
    if (request && request.version !== data.version) void this.refreshCards(data.requestId);
  };

  /** Resolves when all queued notification work has finished. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
  }

  /** Where approval cards for this request go right now. */
  async approverTargets(request: ApprovalRequest): Promise<Target[]> {
    const setting = this.deps.service.policy.approvalCards;
    const captured = await this.deps.directory.approversConversation();
    if (captured && (!setting.conversationId || captured.conversationId === setting.conversationId)) {
      return [{ reference: captured.reference, conversationId: captured.conversationId, role: 'approvers' }];
    }
    if (setting.conversationId) {
      // Pinned by the policy but not seen yet: the same service endpoint and bot as the request's
      // own conversation, with the pinned id. If Keyward is not in that chat the post fails and the
      // personal-chat fallback is used.
      return [{ reference: deriveReference(request.origin, setting.conversationId), conversationId: setting.conversationId, role: 'approvers' }];
    }
    return await this.personalTargets(request);
  }

  private async personalTargets(request: ApprovalRequest): Promise<Target[]> {
    if (this.deps.service.policy.approvalCards.fallback !== 'personalChats') return [];
    const people = new Set(namedVoters(request));
    people.delete(request.requester.objectId);
    const targets: Target[] = [];
    for (const objectId of people) {
      const reference = await this.deps.directory.personalConversation(objectId);
      const conversationId = (reference?.conversation as { id?: string } | undefined)?.id;
      if (reference && conversationId) targets.push({ reference, conversationId, role: 'personal' });
    }
    return targets;
  }

  private async postToApprovers(request: ApprovalRequest): Promise<void> {
    const notifier = this.deps.notifier();
    if (!notifier) return;
    let delivered = 0;
    let targets = await this.approverTargets(request);
    for (let pass = 0; pass < 2 && delivered === 0; pass += 1) {
      for (const target of targets) {
        try {
          // Each conversation gets the card in its own locale (kept in the stored reference).
          // The receipt records the posted copy (`recordDelivered`), the one place that does: it
          // runs also when the card goes out only after a restart, when this caller is gone.
          const receipt = { topic: APPROVAL_CARD_RECEIPT, data: { requestId: request.id, version: request.version, conversationId: target.conversationId, role: target.role } };
          const messageId = await notifier.post(target.reference, await this.deps.views.shared(request, referenceLocale(target.reference)), { receipt });
          if (messageId) delivered += 1;
        } catch (error) {
          if (isAppError(error, 'DeliveryDeferred')) {
            // Kept by the paced queue and posted after the restart (its receipt records the copy):
            // no fallback, and the requester is not told that nobody can be reached.
            delivered += 1;
            continue;
          }
          this.logger.warn(
            { requestId: request.id, conversationId: target.conversationId, err: error instanceof Error ? error.message : String(error) },
            'could not post the approval card',
          );
        }
      }
      if (delivered === 0 && targets.some((target) => target.role === 'approvers')) targets = await this.personalTargets(request);
      else break;
    }
    if (delivered === 0) {
      this.logger.warn({ requestId: request.id }, 'no approver could be reached');
      const l = localizer(referenceLocale(request.origin));
      await this.safeText(notifier, request.origin, l.t('notify.unreachable', { title: l.sayStored(request.title, request.titleMessage), id: shortId(request.id) }));
    }
    // A vote may have landed while the card was on its way: make the copies current.
    const latest = await this.deps.service.get(request.id);
    if (latest && latest.version !== request.version) await this.refreshNow(request.id);
  }

  private async refreshNow(requestId: string): Promise<void> {
    const notifier = this.deps.notifier();
    if (!notifier) return;
    for (let round = 0; round < 3; round += 1) {
      const request = await this.deps.service.get(requestId);
      if (!request) return;
      for (const posted of await this.deps.messages.list(requestId)) {
        try {
          await notifier.update(posted.reference, posted.messageId, await this.deps.views.shared(request, referenceLocale(posted.reference)));
        } catch (error) {
          this.logger.warn({ requestId, messageId: posted.messageId, err: error instanceof Error ? error.message : String(error) }, 'could not update an approval card');
        }
      }
      if ((await this.deps.service.get(requestId))?.version === request.version) return;
    }
  }

  private async tellRequester(request: ApprovalRequest): Promise<void> {
    const notifier = this.deps.notifier();
    if (!notifier) return;
    const current = (await this.deps.service.get(request.id)) ?? request;
    const names = await this.deps.views.names(current);
    const by = current.votes.filter((vote) => vote.decision === 'approve').map((vote) => vote.voter.name ?? names[vote.voter.objectId] ?? vote.voter.objectId);
    // The requester hears it in the language of the conversation they asked from.
    const l = localizer(referenceLocale(request.origin));
    const values = { title: l.sayStored(request.title, request.titleMessage), id: current.id };
    const detail = request.execution?.detail === undefined ? undefined : l.say(request.execution.detail);
    const messages: Partial<Record<string, string>> = {
      approved: l.t('notify.approved', { ...values, by: by.join(', '), until: request.executeBy ? l.dateTime(request.executeBy) : l.t('notify.endOfWindow') }),
      rejected: l.t('notify.rejected', { ...values, reason: request.closedReason ?? l.t('notify.rejectedReason') }),
      expired: l.t('notify.expired', { ...values, reason: request.closedReason ?? l.t('notify.expiredReason') }),
      succeeded: detail ? l.t('notify.succeededDetail', { ...values, detail }) : l.t('notify.succeeded', values),
      failed: detail ? l.t('notify.failedDetail', { ...values, detail }) : l.t('notify.failed', values),
    };
    const text = messages[request.status];
    if (text) await this.safeText(notifier, request.origin, text);
  }

  private async remind(request: ApprovalRequest): Promise<void> {
    const notifier = this.deps.notifier();
    if (!notifier) return;
    const progress = this.deps.service.progress(request);
    const names = await this.deps.views.names(request);
    for (const target of await this.approverTargets(request)) {
      // Each approvers' conversation in its own language (the locale kept in its reference).
      const l = localizer(referenceLocale(target.reference));
      const needed = progress.requirements
        .filter((requirement) => requirement.missing > 0)
        .map((requirement) => {
          const who = requirement.stillEligible.map((id) => names[id] ?? id);
          return l.t('notify.neededLine', {
            label: requirementLabel(l, requirement),
            missing: requirement.missing,
            who: who.length > 0 ? who.join(', ') : l.t('notify.nobodyLeft'),
          });
        })
        .join('; ');
      const left = l.duration(Date.parse(request.expiresAt) - Date.parse(request.remindedAt ?? request.createdAt));
      await this.safeText(
        notifier,
        target.reference,
        l.t('notify.reminder', { title: l.sayStored(request.title, request.titleMessage), id: shortId(request.id), before: l.dateTime(request.expiresAt), left, needed }),
      );
    }
  }

  private async safeText(notifier: Notifier, reference: ConversationRef, text: string): Promise<void> {
    try {
      await notifier.postText(reference, text);
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not post an approval notification');
    }
  }

  private enqueue(requestId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(requestId) ?? Promise.resolve();
    const run = previous
      .then(work)
      .catch((error: unknown) => this.logger.error({ requestId, err: error instanceof Error ? error.message : String(error) }, 'approval notification failed'))
      .finally(() => {
        if (this.queues.get(requestId) === run) this.queues.delete(requestId);
      });
    this.queues.set(requestId, run);
    return run;
  }
}

/** A reference to another conversation on the same channel service, for the same bot. */
export function deriveReference(origin: ConversationRef, conversationId: string): ConversationRef {
  const {
    activityId: _activityId,
    user: _user,
    conversation,
    ...rest
  } = origin as ConversationRef & { activityId?: unknown; user?: unknown; conversation?: { tenantId?: string } };
  return { ...rest, conversation: { id: conversationId, isGroup: true, tenantId: conversation?.tenantId } };
}
