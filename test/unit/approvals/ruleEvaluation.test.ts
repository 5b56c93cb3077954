import assert from 'node:assert/strict';
import { evaluateRule, parseApprovalPolicy, transition, unsatisfiableReasons, type ApprovalEvent, type ApprovalRequest, type ClassRule } from '../../../src/approvals';
import { at, HASH_1, LOCAL_POLICY_JSON, P, personOf, policyWith, requestIn } from './approvalFixtures';

const ALEX = P.approverAlex.objectId;
const BRUNO = P.approverBruno.objectId;
const CHEN = P.approverChen.objectId;
const DANA = P.approverDana.objectId;

/** `reason: null` = no reason typed. */
const vote = (person: (typeof P)[keyof typeof P], decision: 'approve' | 'reject' = 'approve', reason: string | null = 'looks right'): ApprovalEvent => ({
  type: 'vote',
  voter: personOf(person),
  decision,
  reason: reason ?? undefined,
  planHash: HASH_1,
});

/** Applies votes in order; returns the last request and the last result. */
function castAll(request: ApprovalRequest, events: ApprovalEvent[], context = {}) {
  let current = request;
  let last = transition(current, events[0]!, at(30), context);
  for (const [index, event] of events.entries()) {
    last = transition(current, event, at(30 + index), context);
    if (last.ok) current = last.request;
  }
  return { request: current, last };
}

function rule(overrides: Partial<ClassRule>): ClassRule {
  return { ...policyWith().rules.create, ...overrides };
}

const overlapping = rule({
  factors: [
    { groupId: 'security', groupName: 'Security', members: [ALEX, CHEN], approvals: 1 },
    { groupId: 'platform', groupName: 'Platform', members: [ALEX, BRUNO], approvals: 1 },
    { groupId: 'custody', groupName: 'Custody', members: [DANA], approvals: 1 },
  ],
});

describe('approval rules (OpenBao control-group cases, M-of-N, separation of duties)', () => {
  it('when one approver sits in two of three factors, then their single approval counts for both of those and not the third', () => {
    const { request } = castAll(requestIn('pending', {}, overlapping), [vote(P.approverAlex)]);
    const progress = evaluateRule(request);
    assert.deepEqual(
      progress.requirements.map((r) => [r.id, r.counted.length, r.missing]),
      [
        ['group:security', 1, 0],
        ['group:platform', 1, 0],
        ['group:custody', 0, 1],
      ],
    );
    assert.equal(request.status, 'pending');
    const done = castAll(request, [vote(P.approverDana)]);
    assert.equal(done.request.status, 'approved', 'all factors met (ANDed)');
  });

  it('when a factor needs 2 of 2, then one approval does not meet it and a second distinct approver does', () => {
    const first = castAll(requestIn('pending'), [vote(P.approverAlex)]);
    assert.equal(first.request.status, 'pending');
    assert.equal(evaluateRule(first.request).requirements[0]?.missing, 1);
    const second = castAll(first.request, [vote(P.approverBruno)]);
    assert.equal(second.request.status, 'approved');
  });

  it('when the same person approves twice, then the second vote is refused with AlreadyVoted and counts nothing', () => {
    const { request, last } = castAll(requestIn('pending'), [vote(P.approverAlex), vote(P.approverAlex)]);
    assert.equal(!last.ok && last.error.code, 'AlreadyVoted');
    assert.equal(request.votes.length, 1);
    assert.equal(request.status, 'pending');
  });

  it('when the same person first approves and then rejects, then the rejection is refused (one vote per person)', () => {
    const { last, request } = castAll(requestIn('pending'), [vote(P.approverAlex), vote(P.approverAlex, 'reject', 'changed my mind')]);
    assert.equal(!last.ok && last.error.code, 'AlreadyVoted');
    assert.equal(request.status, 'pending');
  });

  it('when the requester is an approver and approves their own request, then it is refused with SelfApprovalForbidden', () => {
    const request = requestIn('pending', { requester: personOf(P.approverAlex) });
    const result = transition(request, vote(P.approverAlex), at(30));
    assert.equal(!result.ok && result.error.code, 'SelfApprovalForbidden');
  });

  it("when the policy allows self-approval for a non-destructive class, then the requester's approval counts", () => {
    const selfAllowed = policyWith({ permissionChange: { require: [{ group: 'keyApprovers', approvals: 1 }], allowSelfApproval: true } });
    const request = requestIn('pending', { requester: personOf(P.approverAlex), operationClass: 'permissionChange' }, selfAllowed.rules.permissionChange);
    const result = transition(request, vote(P.approverAlex), at(30));
    assert.ok(result.ok);
    assert.equal(result.ok && result.request.status, 'approved');
  });

  it('when self-approval is allowed, then the requester still cannot reject their own request (they cancel)', () => {
    const selfAllowed = policyWith({ permissionChange: { require: [{ group: 'keyApprovers', approvals: 1 }], allowSelfApproval: true } });
    const request = requestIn('pending', { requester: personOf(P.approverAlex), operationClass: 'permissionChange' }, selfAllowed.rules.permissionChange);
    const result = transition(request, vote(P.approverAlex, 'reject', 'no'), at(30));
    assert.equal(!result.ok && result.error.code, 'SelfApprovalForbidden');
  });

  it('when a policy allows self-approval for destructive operations, then the policy is refused', () => {
    const json = JSON.parse(JSON.stringify(LOCAL_POLICY_JSON)) as { operations: { destructive: Record<string, unknown> } };
    json.operations.destructive.allowSelfApproval = true;
    assert.throws(
      () => parseApprovalPolicy(json),
      (error: unknown) => (error as { code?: string }).code === 'PolicyInvalid' && /never allowed for destructive/.test((error as Error).message),
    );
  });

  it('when someone outside every group votes, then it is refused with NotAnApprover', () => {
    for (const person of [P.observer, P.approverChen]) {
      const result = transition(requestIn('pending'), vote(person), at(30));
      assert.equal(!result.ok && result.error.code, 'NotAnApprover', person.displayName);
    }
  });

  it('when an approver was removed from the current policy, then their vote on an older request is refused', () => {
    const result = transition(requestIn('pending'), vote(P.approverAlex), at(30), { isCurrentApprover: (id: string) => id !== ALEX });
    assert.equal(!result.ok && result.error.code, 'NotAnApprover');
  });

  it('when an approver votes from another tenant, then it is refused with TenantNotAllowed', () => {
    const foreign = { ...personOf(P.approverAlex), tenantId: '99999999-9999-4999-8999-999999999999' };
    const result = transition(requestIn('pending'), { type: 'vote', voter: foreign, decision: 'approve', reason: 'x', planHash: HASH_1 }, at(30));
    assert.equal(!result.ok && result.error.code, 'TenantNotAllowed');
  });

  it('when the policy requires a reason and none is given, then the approval is refused; a rejection always needs one', () => {
    const blank = transition(requestIn('pending'), vote(P.approverAlex, 'approve', '   '), at(30));
    assert.equal(!blank.ok && blank.error.code, 'ReasonRequired');
    const lenient = requestIn('pending', {}, rule({ reasonRequired: false }));
    assert.equal(transition(lenient, vote(P.approverAlex, 'approve', null), at(30)).ok, true);
    const reject = transition(lenient, vote(P.approverAlex, 'reject', null), at(30));
    assert.equal(!reject.ok && reject.error.code, 'ReasonRequired');
  });

  it('when one eligible approver rejects, then the request is rejected whatever the others did', () => {
    const { request } = castAll(requestIn('pending'), [vote(P.approverAlex), vote(P.approverBruno, 'reject', 'wrong subscription')]);
    assert.equal(request.status, 'rejected');
    assert.match(request.closedReason ?? '', /wrong subscription/);
  });

  describe('separation of duties across key A and key B', () => {
    const keyRoll = policyWith().rules.keyRoll;
    const sides = (A: string[], B: string[]) => requestIn('pending', { operationClass: 'keyRoll', keySides: { A, B } }, keyRoll);

    it('when a key approver and the custodian of key A approve, then key B is still missing; the custodian of B completes it', () => {
      const partial = castAll(sides([CHEN], [DANA]), [vote(P.approverAlex), vote(P.approverChen)]);
      assert.equal(partial.request.status, 'pending');
      assert.deepEqual(
        evaluateRule(partial.request).requirements.map((r) => [r.id, r.missing]),
        [
          ['group:keyApprovers', 0],
          ['keySide:A', 0],
          ['keySide:B', 1],
        ],
      );
      assert.equal(castAll(partial.request, [vote(P.approverDana)]).request.status, 'approved');
    });

    it('when one person is custodian of both keys, then their approval counts for only one of them', () => {
      const both = castAll(sides([CHEN], [CHEN, DANA]), [vote(P.approverAlex), vote(P.approverChen)]);
      assert.equal(both.request.status, 'pending', 'Chen cannot be key A and key B at once');
      const progress = evaluateRule(both.request);
      assert.equal(progress.requirements.filter((r) => r.id.startsWith('keySide') && r.missing === 0).length, 1);
      assert.equal(castAll(both.request, [vote(P.approverDana)]).request.status, 'approved', 'Dana takes B, Chen keeps A');
    });

    it('when the only custodian of both keys is one person, then the rule can never be met and submit would refuse it', () => {
      const reasons = unsatisfiableReasons(sides([CHEN], [CHEN]));
      assert.ok(
        reasons.some((reason) => reason.requirement === 'keySides'),
        JSON.stringify(reasons),
      );
    });

    it('when the requester is also a key approver with self-approval allowed, then their vote still never counts for a key side', () => {
      const selfAllowed = policyWith({
        keyRoll: { require: [{ group: 'keyApprovers', approvals: 1 }], allowSelfApproval: true, separationOfDuties: { approvalsPerKeySide: 1, custodianGroup: 'keyCustodians' } },
      }).rules.keyRoll;
      const request = requestIn('pending', { operationClass: 'keyRoll', keySides: { A: [ALEX, CHEN], B: [DANA] }, requester: personOf(P.approverAlex) }, selfAllowed);
      const result = castAll(request, [vote(P.approverAlex), vote(P.approverDana)]);
      const progress = evaluateRule(result.request);
      assert.deepEqual(
        progress.requirements.map((r) => [r.id, r.missing]),
        [
          ['group:keyApprovers', 0],
          ['keySide:A', 1],
          ['keySide:B', 0],
        ],
      );
    });

    it('when a custodian outside every policy group votes, then the key side makes them eligible', () => {
      const result = transition(sides([CHEN], [DANA]), vote(P.approverDana), at(30));
      assert.ok(result.ok, result.ok ? '' : result.error.message);
    });
  });

  it('when a requirement is impossible because the requester is the only other member, then it is reported before anyone waits', () => {
    const request = requestIn('pending', { requester: personOf(P.approverAlex) });
    const reasons = unsatisfiableReasons(request);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0]!.message, /Key approvers needs 2 approval\(s\) but only 1/);
  });
});
