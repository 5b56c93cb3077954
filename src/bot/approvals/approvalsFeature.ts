import { say, type AppError, type Clock, type Logger, type Text } from '../../core';
import { errorMeaning } from '../i18n/errorWords';
import type { ApprovalService } from '../../approvals/approvalService';
import type { ApprovalDirectoryStore, ApprovalMessageStore } from '../../approvals/approvalPorts';
import type { ApprovalRequest, Person } from '../../approvals/approvalTypes';
import { policyMembers } from '../../approvals/approvalPolicy';
import type { BotFeature, CardActionContext, CardActionResult, CardActionSpec, TurnIo } from '../botTypes';
import { parseApprovalCardData, type ApprovalVerb } from '../cards/approvalCardData';
import { renderPolicyCard } from '../cards/approvalPolicyCard';
import { VERBS } from '../cards/verbs';
import type { ApprovalViews } from './approvalViews';
import type { TeamHealth } from '../../approvals/teamHealth';
import { localizer, type MessageId } from '../i18n/localizer';

export interface ApprovalsFeatureDeps {
  service: ApprovalService;
  directory: ApprovalDirectoryStore;
  messages: ApprovalMessageStore;
  views: ApprovalViews;
  /** Can each rule still be met by approvers who are around? (the `policy` card) */
  teamHealth?(): Promise<TeamHealth>;
  clock: Clock;
  logger: Logger;
}

const MAX_LISTED = 10;
/** How often, and how long apart, a click looks again for a card copy that may be being stored (see postedHereFor). */
const JUST_POSTED_LOOKS = 20;
const JUST_POSTED_LOOK_MS = 100;

/**
 * The approvals slice of the bot: `approvals` (what waits for you; `approvals here` designates the
 * approvers' conversation), `policy`, and the card verbs Approve, Reject, Cancel and View.
 *
 * Who clicked is `activity.from.aadObjectId` + the activity's tenant (TurnIo.actor) — never the
 * card data, which only says which request, plan, card version and verb. Every refusal is answered
 * with the current card and a sentence saying why, and is audited by the service.
 */
export function createApprovalsFeature(deps: ApprovalsFeatureDeps): BotFeature {
  const { service, directory, views } = deps;
  const policy = service.policy;

  /** Learns where people and the approvers' conversation are, from any turn that reaches us. */
  const learn = async (io: TurnIo) => {
    const person = trustedPerson(io);
    if (person) {
      // Written only when something changed: a card refresh (Teams sends one whenever a listed
      // person opens the chat) must leave the store as it was.
      const known = await directory.person(person.objectId);
      const changed =
        !known ||
        known.tenantId !== person.tenantId ||
        (person.name !== undefined && known.name !== person.name) ||
        (person.channelUserId !== undefined && known.channelUserId !== person.channelUserId);
      if (changed) await directory.rememberPerson(person);
      if (io.conversation.kind === 'personal' && policyMembers(policy).has(person.objectId)) {
        const reference = cleanReference(io.reference());
        if (JSON.stringify(await directory.personalConversation(person.objectId)) !== JSON.stringify(reference))
          await directory.setPersonalConversation(person.objectId, reference);
      }
    }
    const pinned = policy.approvalCards.conversationId;
    if (pinned && io.conversation.id === pinned) {
      const reference = cleanReference(io.reference());
      const known = await directory.approversConversation();
      if (!known || known.conversationId !== pinned || (known.reference as { serviceUrl?: unknown }).serviceUrl !== reference.serviceUrl) {
        await service.runAudited(
          {
            actor: person ? { objectId: person.objectId, name: person.name, tenantId: person.tenantId } : { objectId: 'system:keyward', name: 'Keyward' },
            action: 'approvers.conversation.captured',
            target: `conversation/${pinned}`,
            outcome: 'success',
            reason: 'pinned by the policy',
            details: { conversationId: pinned, kind: io.conversation.kind },
          },
          () => directory.setApproversConversation({ conversationId: pinned, reference, designatedBy: 'policy', at: deps.clock.now().toISOString() }),
        );
      }
    }
    return person;
  };

  const designate = async (io: TurnIo): Promise<void> => {
    const person = trustedPerson(io);
    const pinned = policy.approvalCards.conversationId;
    const refuse = async (reason: string, text: string) => {
      await service.auditRefusal({
        actor: auditActorOf(io, person),
        action: 'approvers.conversation.refused',
        target: `conversation/${io.conversation.id}`,
        reason,
        details: { kind: io.conversation.kind },
      });
      await io.sendText(text);
    };
    const l = localizer(io.locale);
    if (!person || !policyMembers(policy).has(person.objectId)) return refuse('NotAnApprover', l.t('chat.approvals.onlyApprovers'));
    if (io.conversation.kind === 'personal') return refuse('ValidationFailed', l.t('chat.approvals.notPersonal'));
    if (pinned && pinned !== io.conversation.id) return refuse('PolicyPinned', l.t('chat.approvals.pinned', { conversation: pinned, setting: 'KEYWARD_POLICY_FILE' }));
    const previous = await directory.approversConversation();
    await service.runAudited(
      {
        actor: auditActorOf(io, person),
        action: 'approvers.conversation.designated',
        target: `conversation/${io.conversation.id}`,
        outcome: 'success',
        details: { conversationId: io.conversation.id, kind: io.conversation.kind, previous: previous?.conversationId ?? null },
      },
      () =>
        directory.setApproversConversation({
          conversationId: io.conversation.id,
          reference: cleanReference(io.reference()),
          designatedBy: person.objectId,
          at: deps.clock.now().toISOString(),
        }),
    );
    await io.sendText(l.t('chat.approvals.designated'));
  };

  const listCommand = async (args: string, io: TurnIo): Promise<void> => {
    if (args.trim().toLowerCase() === 'here') return designate(io);
    const person = await learn(io);
    if (!person) {
      const l = localizer(io.locale);
      await io.sendText(l.t('chat.approvals.whoAreYou', { code: errorMeaning(l, io.actor.aadObjectId ? 'TenantNotAllowed' : 'NotAnApprover'), tenant: policy.tenantId }));
      return;
    }
    const requests = await service.actionableFor(person.objectId);
    if (requests.length === 0) {
      await io.sendText(localizer(io.locale).t(policyMembers(policy).has(person.objectId) ? 'chat.approvals.nothingApprover' : 'chat.approvals.nothing'));
      return;
    }
    if (requests.length > MAX_LISTED) await io.sendText(localizer(io.locale).t('chat.approvals.many', { count: requests.length, shown: MAX_LISTED }));
    for (const request of requests.slice(0, MAX_LISTED)) {
      const messageId = await io.sendCard(await views.forPerson(request, person.objectId, undefined, io.locale));
      if (messageId) await deps.messages.add({ requestId: request.id, conversationId: io.conversation.id, messageId, reference: cleanReference(io.reference()), role: 'shown' });
    }
  };

  const policyCommand = async (_args: string, io: TurnIo): Promise<void> => {
    await learn(io);
    const known = await directory.approversConversation();
    const health = await deps.teamHealth?.();
    await io.sendCard(
      renderPolicyCard({
        policy,
        approversConversation: known ? { conversationId: known.conversationId, designatedBy: known.designatedBy, at: known.at } : undefined,
        ...(health ? { health } : {}),
        locale: io.locale,
      }),
    );
  };

  const action = (verb: ApprovalVerb): CardActionSpec => ({
    verb,
    async run(data, context) {
      return handleCardAction(verb, data, context);
    },
  });

  const handleCardAction = async (verb: ApprovalVerb, data: Record<string, unknown>, context: CardActionContext): Promise<CardActionResult> => {
    const parsed = parseApprovalCardData(data, verb);
    const person = await learn(context);
    if (!parsed.ok) {
      deps.logger.warn({ verb, problems: parsed.problems, conversationId: context.conversation.id }, 'refused approval card data');
      await service.auditRefusal({
        actor: auditActorOf(context, person),
        action: 'approval.card.refused',
        target: 'approval card',
        requestId: typeof data.requestId === 'string' && /^[0-9a-f-]{36}$/i.test(data.requestId) ? data.requestId : undefined,
        reason: 'TamperedCardData',
        details: { verb, problems: parsed.problems },
      });
      return { kind: 'message', text: localizer(context.locale).t('chat.approvals.badCardData') };
    }
    const { requestId, planHash, cardVersion, reason } = parsed.data;
    const stored = await service.get(requestId);
    /** A click on this request's card refused before any state is read for it: audited, and the person's current card comes back with why. */
    const refuseCard = async (request: ApprovalRequest, reason: string, details: Record<string, unknown>, message: MessageId): Promise<CardActionResult> => {
      await service.auditRefusal({
        actor: auditActorOf(context, person),
        action: 'approval.card.refused',
        target: `approval/${requestId}`,
        requestId,
        planHash: request.planHash,
        reason,
        details: { verb, ...details },
      });
      return answer(request, context, { kind: 'error', text: localizer(context.locale).t(message) });
    };
    if (stored && cardVersion > stored.version) return refuseCard(stored, 'StaleCard', { cardVersion, storedVersion: stored.version }, 'chat.approvals.neverIssued');
    const via = `${verb} on card v${cardVersion} in ${context.conversation.kind} ${context.conversation.id}`;
    if (verb === VERBS.approvalView) {
      if (!stored) return { kind: 'message', text: localizer(context.locale).t('chat.approvals.gone') };
      return answer(stored, context);
    }
    // A decision counts only from a conversation this request's card was posted in, and a personal
    // chat only for the person whose chat it is: a click the person could not have made there is
    // refused, whatever the activity claims.
    if (stored && !(await postedHereFor(requestId, context)))
      return refuseCard(stored, 'NotInConversation', { conversationId: context.conversation.id, kind: context.conversation.kind }, 'chat.approvals.notInConversation');
    const result =
      verb === VERBS.approvalCancel
        ? await service.cancel({ requestId, by: context.actor, reason, via })
        : await service.vote({ requestId, voter: context.actor, decision: verb === VERBS.approvalApprove ? 'approve' : 'reject', reason, planHash, via });
    if (!result.ok) {
      if (!result.request) return { kind: 'message', text: localizer(context.locale).say(refusalText(result.error)) };
      return answer(result.request, context, { kind: 'error', text: refusalText(result.error) });
    }
    const done = {
      voteRecorded: 'chat.approvals.voteRecorded',
      approved: 'chat.approvals.approved',
      rejected: 'chat.approvals.rejected',
      cancelled: 'chat.approvals.cancelled',
    } as const;
    const change = result.change as keyof typeof done;
    return answer(result.request, context, { kind: 'success', text: localizer(context.locale).t(done[change] ?? 'chat.done') });
  };

  /**
   * Was this request's card posted in the clicker's conversation (and, in a personal chat, the
   * clicker's own)? A card reaches the chat a moment before Keyward has stored its copy (the Bot
   * Connector's answer carries the message id the copy is stored with, on whichever instance sent
   * it): a click in that moment looks again, for up to two seconds, before it is refused.
   */
  const postedHereFor = async (requestId: string, context: CardActionContext): Promise<boolean> => {
    const clicker = context.actor.aadObjectId?.toLowerCase();
    let here = (await deps.messages.list(requestId)).filter((card) => card.conversationId === context.conversation.id);
    for (let look = 1; here.length === 0 && look <= JUST_POSTED_LOOKS; look += 1) {
      await new Promise((resolve) => setTimeout(resolve, JUST_POSTED_LOOK_MS));
      here = (await deps.messages.list(requestId)).filter((card) => card.conversationId === context.conversation.id);
    }
    if (here.length === 0) return false;
    if (context.conversation.kind !== 'personal') return true;
    return here.some((card) => String((card.reference.user as { aadObjectId?: unknown } | undefined)?.aadObjectId ?? '').toLowerCase() === clicker);
  };

  const answer = async (
    request: ApprovalRequest,
    context: CardActionContext,
    notice?: { kind: 'error' | 'success' | 'info' | 'warning'; text: Text },
  ): Promise<CardActionResult> => ({
    kind: 'card',
    card: await views.forPerson(request, context.actor.aadObjectId, notice, context.locale),
  });

  return {
    name: 'approvals',
    commands: [
      { name: 'approvals', aliases: ['approval'], summary: 'requests waiting for your decision ("approvals here" in a group chat: post approval cards there)', run: listCommand },
      { name: 'policy', summary: 'who must approve what, and where approval cards go', run: policyCommand },
    ],
    cardActions: [action(VERBS.approvalApprove), action(VERBS.approvalReject), action(VERBS.approvalCancel), action(VERBS.approvalView)],
    async onInstalled(io) {
      await learn(io);
    },
  };

  /** The activity's identity, if it is complete and from the policy's tenant. */
  function trustedPerson(io: TurnIo): Person | undefined {
    const objectId = io.actor.aadObjectId?.toLowerCase();
    const tenantId = io.actor.tenantId?.toLowerCase();
    if (!objectId || !tenantId || tenantId !== policy.tenantId) return undefined;
    return { objectId, tenantId, name: io.actor.name, channelUserId: io.actor.channelUserId || undefined };
  }
}

/** A refusal for the card: in the reader's language when the service said it as a message. */
function refusalText(error: AppError): Text {
  return error.said ? say('chat.refusal', `${error.said.text} (${error.code})`, { message: error.said, code: error.code }) : `${error.message} (${error.code})`;
}

function auditActorOf(io: TurnIo, person: Person | undefined): { objectId: string; name?: string; tenantId?: string } {
  if (person) return { objectId: person.objectId, name: person.name, tenantId: person.tenantId };
  return { objectId: io.actor.aadObjectId?.slice(0, 64) || 'unidentified', name: io.actor.name?.slice(0, 200), tenantId: io.actor.tenantId?.slice(0, 64) };
}

/** References are stored without the triggering activity's id: later posts are new messages. */
function cleanReference(reference: Record<string, unknown>): Record<string, unknown> {
  const { activityId: _activityId, ...rest } = reference;
  return rest;
}
