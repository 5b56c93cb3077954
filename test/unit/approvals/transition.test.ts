import assert from 'node:assert/strict';
import type { ErrorCode } from '../../../src/core';
import { transition, type ApprovalEvent, type ApprovalRequest, type RequestStatus } from '../../../src/approvals';
import { at, HASH_1, HASH_2, P, personOf, requestIn } from './approvalFixtures';

const alexApproves: ApprovalEvent = { type: 'vote', voter: personOf(P.approverAlex), decision: 'approve', reason: 'reviewed', planHash: HASH_1 };
const brunoApproves: ApprovalEvent = { type: 'vote', voter: personOf(P.approverBruno), decision: 'approve', reason: 'reviewed too', planHash: HASH_1 };
const alexRejects: ApprovalEvent = { type: 'vote', voter: personOf(P.approverAlex), decision: 'reject', reason: 'wrong region', planHash: HASH_1 };
const requesterCancels: ApprovalEvent = { type: 'cancel', by: personOf(P.operator), reason: 'not needed' };
const otherCancels: ApprovalEvent = { type: 'cancel', by: personOf(P.approverAlex) };
const supersede: ApprovalEvent = { type: 'supersede', by: personOf(P.operator), newRequestId: '99999999-1111-4222-8333-444455556666' };
const expire: ApprovalEvent = { type: 'expire' };
const remind: ApprovalEvent = { type: 'remind' };
const begin: ApprovalEvent = { type: 'beginExecution' };
const progress: ApprovalEvent = { type: 'reportProgress', progress: 'Step 2 of 5' };
const succeed: ApprovalEvent = { type: 'finishExecution', outcome: 'succeeded', detail: 'all keys created' };
const fail: ApprovalEvent = { type: 'finishExecution', outcome: 'failed', detail: 'Azure said 403' };

const alexVoted = { votes: [{ voter: personOf(P.approverAlex), decision: 'approve' as const, reason: 'ok', at: at(10).toISOString(), planHash: HASH_1 }] };
const superseded = { supersededBy: '99999999-1111-4222-8333-444455556666', closedReason: 'superseded' };

interface Row {
  from: RequestStatus;
  given?: Partial<ApprovalRequest>;
  event: [string, ApprovalEvent];
  minute: number;
  /** Applied: the new status. */
  to?: RequestStatus;
  /** Refused: the code, and the status stored anyway (expiry at the moment of use). */
  refused?: ErrorCode;
  sideEffect?: RequestStatus;
}

// Pending requests expire at minute 1440; approved ones must run by minute 300.
const table: Row[] = [
  { from: 'pending', event: ['the first approval', alexApproves], minute: 60, to: 'pending' },
  { from: 'pending', given: alexVoted, event: ['the approval that meets the rule', brunoApproves], minute: 60, to: 'approved' },
  { from: 'pending', event: ['a rejection', alexRejects], minute: 60, to: 'rejected' },
  { from: 'pending', event: ['a cancel by the requester', requesterCancels], minute: 60, to: 'cancelled' },
  { from: 'pending', event: ['a cancel by someone else', otherCancels], minute: 60, refused: 'NotYourJourney' },
  { from: 'pending', event: ['a changed plan (supersede)', supersede], minute: 60, to: 'cancelled' },
  { from: 'pending', event: ['the timer before the window ends', expire], minute: 60, refused: 'ValidationFailed' },
  { from: 'pending', event: ['the timer when the window ends', expire], minute: 1440, to: 'expired' },
  { from: 'pending', event: ['a reminder', remind], minute: 1320, to: 'pending' },
  { from: 'pending', given: { remindedAt: at(1320).toISOString() }, event: ['a second reminder', remind], minute: 1321, refused: 'ValidationFailed' },
  { from: 'pending', event: ['an execution start', begin], minute: 60, refused: 'RequestNotPending' },
  { from: 'pending', event: ['execution progress', progress], minute: 60, refused: 'RequestNotPending' },
  { from: 'pending', event: ['an execution finish', succeed], minute: 60, refused: 'RequestNotPending' },
  { from: 'pending', event: ['a vote after the window (timer not run yet)', alexApproves], minute: 1440, refused: 'RequestExpired', sideEffect: 'expired' },
  { from: 'pending', event: ['a cancel after the window', requesterCancels], minute: 1500, refused: 'RequestExpired', sideEffect: 'expired' },
  { from: 'approved', event: ['a late vote', alexApproves], minute: 120, refused: 'RequestAlreadyDecided' },
  { from: 'approved', event: ['a cancel by the requester before it runs', requesterCancels], minute: 120, to: 'cancelled' },
  { from: 'approved', event: ['a changed plan', supersede], minute: 120, to: 'cancelled' },
  { from: 'approved', event: ['an execution start inside the window', begin], minute: 120, to: 'executing' },
  { from: 'approved', event: ['an execution start after the window', begin], minute: 300, refused: 'ExecutionWindowClosed', sideEffect: 'expired' },
  { from: 'approved', event: ['the timer inside the execution window', expire], minute: 120, refused: 'ValidationFailed' },
  { from: 'approved', event: ['the timer after the execution window', expire], minute: 300, to: 'expired' },
  { from: 'approved', event: ['a reminder', remind], minute: 120, refused: 'RequestNotPending' },
  { from: 'approved', event: ['an execution finish without a start', succeed], minute: 120, refused: 'RequestNotPending' },
  { from: 'executing', event: ['a vote', alexApproves], minute: 200, refused: 'RequestAlreadyDecided' },
  { from: 'executing', event: ['a second execution start (exactly once)', begin], minute: 200, refused: 'RequestAlreadyDecided' },
  { from: 'executing', event: ['a cancel', requesterCancels], minute: 200, refused: 'RequestNotPending' },
  { from: 'executing', event: ['a changed plan', supersede], minute: 200, refused: 'RequestNotPending' },
  { from: 'executing', event: ['progress', progress], minute: 200, to: 'executing' },
  { from: 'executing', event: ['success', succeed], minute: 200, to: 'succeeded' },
  { from: 'executing', event: ['failure', fail], minute: 200, to: 'failed' },
  { from: 'executing', event: ['the timer long after the execution window (a run in progress is never expired)', expire], minute: 2000, refused: 'ValidationFailed' },
  { from: 'rejected', event: ['a vote', brunoApproves], minute: 60, refused: 'RequestAlreadyDecided' },
  { from: 'rejected', event: ['an execution start', begin], minute: 60, refused: 'RequestAlreadyDecided' },
  { from: 'expired', event: ['a vote', brunoApproves], minute: 60, refused: 'RequestExpired' },
  { from: 'expired', event: ['a cancel', requesterCancels], minute: 60, refused: 'RequestExpired' },
  { from: 'expired', event: ['an execution start', begin], minute: 60, refused: 'RequestAlreadyDecided' },
  { from: 'cancelled', event: ['a vote', brunoApproves], minute: 60, refused: 'RequestNotPending' },
  { from: 'cancelled', given: superseded, event: ['a vote on the superseded plan', brunoApproves], minute: 60, refused: 'PlanChanged' },
  { from: 'cancelled', event: ['an execution start', begin], minute: 60, refused: 'RequestAlreadyDecided' },
  { from: 'succeeded', event: ['a vote', brunoApproves], minute: 400, refused: 'RequestAlreadyDecided' },
  { from: 'succeeded', event: ['a second execution start', begin], minute: 400, refused: 'RequestAlreadyDecided' },
  { from: 'succeeded', event: ['another finish', fail], minute: 400, refused: 'RequestNotPending' },
  { from: 'failed', event: ['a retry of the start', begin], minute: 400, refused: 'RequestAlreadyDecided' },
  { from: 'failed', event: ['the timer', expire], minute: 4000, refused: 'ValidationFailed' },
];

describe('approval request state machine (pure transition)', () => {
  for (const row of table) {
    const outcome = row.to ? `it becomes ${row.to}` : `it is refused with ${row.refused}${row.sideEffect ? ` and the request turns ${row.sideEffect}` : ' and nothing changes'}`;
    it(`when a ${row.from} request gets ${row.event[0]} at minute ${row.minute}, then ${outcome}`, () => {
      const before = requestIn(row.from, row.given);
      const frozen = JSON.stringify(before);
      const result = transition(before, row.event[1], at(row.minute));
      assert.equal(JSON.stringify(before), frozen, 'transition never mutates its input');
      if (row.to) {
        assert.equal(result.ok, true, result.ok ? '' : `${result.error.code}: ${result.error.message}`);
        if (!result.ok) return;
        assert.equal(result.request.status, row.to);
        assert.equal(result.request.version, before.version + 1, 'every change bumps the version (compare-and-set)');
      } else {
        assert.equal(result.ok, false, 'expected a refusal');
        if (result.ok) return;
        assert.equal(result.error.code, row.refused, result.error.message);
        assert.equal(result.request?.status, row.sideEffect);
        if (result.request) assert.equal(result.request.version, before.version + 1);
      }
    });
  }

  it('when the deciding approval arrives, then the execution window starts from that moment', () => {
    const result = transition(requestIn('pending', alexVoted), brunoApproves, at(60));
    assert.ok(result.ok);
    if (!result.ok) return;
    assert.equal(result.request.decidedAt, at(60).toISOString());
    assert.equal(result.request.executeBy, at(60 + 240).toISOString());
  });

  it('when a plan is superseded, then the request says by which one and its votes no longer count', () => {
    const result = transition(requestIn('pending', alexVoted), supersede, at(60));
    assert.ok(result.ok);
    if (!result.ok) return;
    assert.equal(result.request.supersededBy, '99999999-1111-4222-8333-444455556666');
    const late = transition(result.request, brunoApproves, at(61));
    assert.equal(!late.ok && late.error.code, 'PlanChanged');
  });

  it('when a vote carries another plan hash, then it is refused with PlanChanged', () => {
    const result = transition(requestIn('pending'), { ...alexApproves, planHash: HASH_2 } as ApprovalEvent, at(60));
    assert.equal(!result.ok && result.error.code, 'PlanChanged');
  });

  it('when a run stops, then the request stays executing but is marked halted; the next progress (a Retry) clears the mark', () => {
    const stopped = transition(requestIn('executing'), { type: 'reportProgress', progress: 'Stopped at step 3 of 7 (Forbidden)', halted: true }, at(200));
    assert.ok(stopped.ok);
    if (!stopped.ok) return;
    assert.equal(stopped.request.status, 'executing');
    assert.equal(stopped.request.execution?.halted, true);
    const retried = transition(stopped.request, progress, at(210));
    assert.ok(retried.ok);
    if (!retried.ok) return;
    assert.equal(retried.request.execution?.halted, false);
    assert.equal(retried.request.execution?.progress, 'Step 2 of 5');
  });

  it('when a finish carries a detail, then the request keeps it with the finish time', () => {
    const result = transition(requestIn('executing'), fail, at(200));
    assert.ok(result.ok);
    if (!result.ok) return;
    assert.deepEqual(
      { outcome: result.request.execution?.outcome, detail: result.request.execution?.detail, finishedAt: result.request.execution?.finishedAt },
      { outcome: 'failed', detail: 'Azure said 403', finishedAt: at(200).toISOString() },
    );
  });
});
