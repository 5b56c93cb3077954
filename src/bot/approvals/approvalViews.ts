import type { Clock } from '../../core';
import type { ApprovalService } from '../../approvals/approvalService';
import type { ApprovalDirectoryStore } from '../../approvals/approvalPorts';
import { namedVoters, type ApprovalRequest, type Person } from '../../approvals/approvalTypes';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';
import { MAX_REFRESH_USERS, renderApprovalCard, type ApprovalCardView, type ApprovalViewer } from '../cards/approvalCard';

/** Who gets Teams' automatic user-specific refresh, and how many who may act on the card do not. */
export interface RefreshAudience {
  /** Teams user ids (MRIs), at most 60, in priority order. */
  userIds: string[];
  /** When more than 60 people may act on the card (requester, voters, who may still vote): how many of them are not listed. */
  leftOut: number;
}

/**
 * Builds approval card views from server state: which view a person gets, the names to show, and
 * the Teams user ids that get automatic user-specific refresh.
 */
export class ApprovalViews {
  constructor(private readonly deps: { service: ApprovalService; directory: ApprovalDirectoryStore; clock: Clock }) {}

  /** The view for a person: decided by the server from the policy snapshot and the votes. */
  viewerFor(request: ApprovalRequest, objectId: string | undefined): ApprovalViewer {
    const id = objectId?.toLowerCase();
    if (!id) return 'observer';
    if (request.requester.objectId === id) return 'requester';
    if (request.votes.some((vote) => vote.voter.objectId === id)) return 'voter';
    if (request.status === 'pending' && this.deps.service.canVote(request, id)) return 'approver';
    return 'observer';
  }

  async render(
    request: ApprovalRequest,
    viewer: ApprovalViewer,
    options: { viewerObjectId?: string; notice?: ApprovalCardView['notice']; locale?: string } = {},
  ): Promise<AdaptiveCardJson> {
    const id = options.viewerObjectId?.toLowerCase();
    // One read of the people the card names serves both the refresh list and the names.
    const known = await this.deps.directory.people(peopleOf(request));
    const audience = audienceOf(request, known);
    return renderApprovalCard({
      request,
      progress: this.deps.service.progress(request),
      viewer,
      viewerVote: id ? request.votes.find((vote) => vote.voter.objectId === id) : undefined,
      now: this.deps.clock.now(),
      notice: options.notice,
      refreshUserIds: audience.userIds,
      refreshLeftOut: audience.leftOut,
      names: this.namesFrom(request, known),
      locale: options.locale,
    });
  }

  /** The card everyone in a conversation sees. */
  shared(request: ApprovalRequest, locale?: string): Promise<AdaptiveCardJson> {
    return this.render(request, 'shared', { locale });
  }

  /** The card for one person (answer to their click, or Teams' automatic refresh). */
  forPerson(request: ApprovalRequest, objectId: string | undefined, notice?: ApprovalCardView['notice'], locale?: string): Promise<AdaptiveCardJson> {
    return this.render(request, this.viewerFor(request, objectId), { viewerObjectId: objectId, notice, locale });
  }

  /** Who gets automatic user-specific refresh, and how many are left out (see `audienceOf`). */
  async refreshAudience(request: ApprovalRequest): Promise<RefreshAudience> {
    return audienceOf(request, await this.deps.directory.people(peopleOf(request)));
  }

  /** The Teams user ids that get automatic user-specific refresh (see `refreshAudience`). */
  async refreshUserIds(request: ApprovalRequest): Promise<string[]> {
    return (await this.refreshAudience(request)).userIds;
  }

  async names(request: ApprovalRequest): Promise<Record<string, string>> {
    return this.namesFrom(request, await this.deps.directory.people(peopleOf(request)));
  }

  /** Names to show: the policy's, else the directory's, overridden by what the votes and the requester carry. */
  private namesFrom(request: ApprovalRequest, known: ReadonlyMap<string, Person>): Record<string, string> {
    const names: Record<string, string> = { ...this.deps.service.policy.people };
    for (const objectId of namedVoters(request)) {
      const name = known.get(objectId)?.name;
      if (!names[objectId] && name) names[objectId] = name;
    }
    for (const vote of request.votes) if (vote.voter.name) names[vote.voter.objectId] = vote.voter.name;
    if (request.requester.name) names[request.requester.objectId] = request.requester.name;
    return names;
  }
}

/** Everyone a request's card may name or list: the requester, the named voters and those who voted. */
function peopleOf(request: ApprovalRequest): string[] {
  return [...new Set([request.requester.objectId, ...namedVoters(request), ...request.votes.map((vote) => vote.voter.objectId)])];
}

/**
 * Teams MRIs of the people who may act on the card, as far as Keyward has seen them, in this
 * order: the requester, those who may still vote, then those who voted (their view is read-only,
 * and the shared card shows their vote). Teams allows 60 (user-specific views:
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/user-specific-views);
 * anyone beyond them sees the shared card, where every button works for whoever may use it,
 * and can ask for their own view with Refresh in the message's menu. `leftOut` counts them, so
 * the card can say so.
 */
function audienceOf(request: ApprovalRequest, known: ReadonlyMap<string, Person>): RefreshAudience {
  const voted = new Set(request.votes.map((vote) => vote.voter.objectId));
  const mayVote = [...new Set(namedVoters(request))].filter((id) => id !== request.requester.objectId && !voted.has(id));
  const people = new Set<string>([request.requester.objectId, ...mayVote, ...voted]);
  const ordered: string[] = [];
  const add = (channelUserId: string | undefined) => {
    if (channelUserId && !ordered.includes(channelUserId)) ordered.push(channelUserId);
  };
  add(request.requester.channelUserId ?? known.get(request.requester.objectId)?.channelUserId);
  for (const objectId of mayVote) add(known.get(objectId)?.channelUserId);
  for (const vote of request.votes) add(vote.voter.channelUserId ?? known.get(vote.voter.objectId)?.channelUserId);
  const userIds = ordered.slice(0, MAX_REFRESH_USERS);
  // Below the limit, people not listed are only those Keyward has not met yet: the shared card
  // serves them as it always does, and there is nothing to explain.
  return { userIds, leftOut: people.size > MAX_REFRESH_USERS ? people.size - userIds.length : 0 };
}
