/**
 * Sentences the journeys share: how an approval request ended, and a run that did not complete.
 * Request statuses are words the catalogue translates; a closing reason (what an approver typed,
 * or the approvals engine's own note) and the executor's detail are shown as they were written.
 */
import { say, textOf, type Message, type Text } from '../core';

/** "The request was rejected: <why>. <consequence>" */
export function requestClosed(request: { readonly status: string; readonly closedReason?: string }, consequence: Message): Message {
  const { status } = request;
  return request.closedReason
    ? say('journey.requestClosedWhy', `The request was ${status}: ${request.closedReason}. ${consequence.text}`, { status, reason: request.closedReason, consequence })
    : say('journey.requestClosed', `The request was ${status}. ${consequence.text}`, { status, consequence });
}

/** "The run did not complete: <detail>." */
export function runIncomplete(detail: Text | undefined): Message {
  return detail
    ? say('journey.runIncomplete', `The run did not complete: ${textOf(detail)}.`, { detail })
    : say('journey.runIncompleteSeeCard', 'The run did not complete: see the run card.');
}
