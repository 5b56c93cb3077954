import type { Clock } from '../../core';
import type { ApprovalService } from '../../approvals/approvalService';
import type { ApprovalDirectoryStore } from '../../approvals/approvalPorts';
import type { ApprovalRequest } from '../../approvals/approvalTypes';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';
import { renderApprovalCard, type ApprovalCardView, type ApprovalViewer } from '../cards/approvalCard';

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

  async render(request: ApprovalRequest, viewer: ApprovalViewer, options: { viewerObjectId?: string; notice?: ApprovalCardView['notice']; locale?: string } = {}): Promise<AdaptiveCardJson> {
    const id = options.viewerObjectId?.toLowerCase();
    return renderApprovalCard({
      request,
      progress: this.deps.service.progress(request),
      viewer,
      viewerVote: id ? request.votes.find((vote) => vote.voter.objectId === id) : undefined,
      now: this.deps.clock.now(),
      notice: options.notice,
      refreshUserIds: await this.refreshUserIds(request),
      names: await this.names(request),
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

  /**
   * Teams MRIs of the requester, the voters and everyone who may still vote, as far as Keyward
   * has seen them (max 60, Teams' limit). People not listed get the shared card, which works.
   */
  async refreshUserIds(request: ApprovalRequest): Promise<string[]> {
    const ids = new Set<string>();
    const add = (channelUserId: string | undefined) => {
      if (channelUserId && ids.size < 60) ids.add(channelUserId);
    };
    add(request.requester.channelUserId);
    for (const vote of request.votes) add(vote.voter.channelUserId);
    const people = new Set([...request.rule.factors.flatMap((factor) => factor.members), ...(request.keySides?.A ?? []), ...(request.keySides?.B ?? [])]);
    for (const objectId of people) add((await this.deps.directory.person(objectId))?.channelUserId);
    return [...ids];
  }

  async names(request: ApprovalRequest): Promise<Record<string, string>> {
    const names: Record<string, string> = { ...this.deps.service.policy.people };
    const people = [...request.rule.factors.flatMap((factor) => factor.members), ...(request.keySides?.A ?? []), ...(request.keySides?.B ?? [])];
    for (const objectId of people) {
      if (!names[objectId]) {
        const known = (await this.deps.directory.person(objectId))?.name;
        if (known) names[objectId] = known;
      }
    }
    for (const vote of request.votes) if (vote.voter.name) names[vote.voter.objectId] = vote.voter.name;
    if (request.requester.name) names[request.requester.objectId] = request.requester.name;
    return names;
  }
}
