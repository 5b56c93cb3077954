import assert from 'node:assert/strict';
import { appError, captureLogger, isAppError, redactSecrets, TOKEN_PATTERN } from '../../../src/core';
import type { AuditLog } from '../../../src/audit';
import { ApprovalScheduler, ApprovalService, parseApprovalPolicy, type ApprovalChange } from '../../../src/approvals';
import { actor, HASH_1, HASH_2, LOCAL_POLICY_JSON, P, policyWith, serviceWorld, submission, type ServiceWorld } from './approvalFixtures';
import { collect } from '../../helpers/collect';
import { testSigner } from '../../helpers/testSigner';

const MINUTE = 60_000;

async function actions(world: ServiceWorld, requestId?: string): Promise<string[]> {
  return (await collect(world.audit.records())).filter((r) => !requestId || r.requestId === requestId).map((r) => r.action);
}

async function approveBoth(world: ServiceWorld, requestId: string) {
  await world.service.vote({ requestId, voter: actor(P.approverAlex), decision: 'approve', reason: 'plan reviewed', planHash: HASH_1 });
  return world.service.vote({ requestId, voter: actor(P.approverBruno), decision: 'approve', reason: 'agreed', planHash: HASH_1 });
}

describe('approval service (real SQLite store, audit chain, manual clock)', () => {
  let world: ServiceWorld;
  beforeEach(async () => {
    world = await serviceWorld();
  });
  afterEach(async () => await world.close());

  it('when an operator submits a plan, then a pending request with a UUID (the correlation id) and a 24 h window is stored and audited', async () => {
    const request = await world.service.submit(submission());
    assert.match(request.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(request.status, 'pending');
    assert.equal(request.version, 1);
    assert.equal(request.requester.objectId, P.operator.objectId);
    assert.equal(Date.parse(request.expiresAt) - Date.parse(request.createdAt), 24 * 60 * MINUTE);
    assert.deepEqual(await world.service.get(request.id), JSON.parse(JSON.stringify(request)));
    const submitted = (await collect(world.audit.records())).find((r) => r.action === 'approval.submitted')!;
    assert.equal(submitted.requestId, request.id);
    assert.equal(submitted.planHash, HASH_1);
    assert.equal(submitted.actor.objectId, P.operator.objectId);
    assert.equal(submitted.details.policyHash, world.service.policy.hash);
  });

  it('when a submission is malformed, then every problem is listed and nothing is stored', async () => {
    await assert.rejects(world.service.submit(submission({ planHash: 'abc', title: '', summaryLines: [], reason: ' ' })), (error: unknown) => {
      assert.ok(isAppError(error, 'ValidationFailed'));
      const problems = error.details.problems as string[];
      for (const field of ['planHash', 'title', 'summaryLines', 'reason'])
        assert.ok(
          problems.some((p) => p.startsWith(field)),
          field,
        );
      return true;
    });
    assert.deepEqual(await world.service.list(), []);
  });

  it('when the requester is from another tenant, then the submission is refused', async () => {
    await assert.rejects(world.service.submit(submission({ requester: actor(P.operator, '99999999-9999-4999-8999-999999999999') })), (error: unknown) =>
      isAppError(error, 'TenantNotAllowed'),
    );
  });

  it('when the requester is a custodian of one of the keys, then separation of duties refuses the submission (audited)', async () => {
    await assert.rejects(world.service.submit(submission({ keySides: { A: [P.operator.objectId], B: [P.approverDana.objectId] } })), (error: unknown) =>
      isAppError(error, 'SeparationOfDuties'),
    );
    assert.ok((await actions(world)).includes('approval.submit.refused'));
  });

  it('when the rule could never be met without the requester, then the submission is refused at once', async () => {
    await assert.rejects(
      world.service.submit(submission({ requester: actor(P.approverAlex) })),
      (error: unknown) => isAppError(error, 'SelfApprovalForbidden') && /only 1 person/.test(error.message),
    );
  });

  it("when the requester names as custodian someone outside the policy's custodian group, then the submission is refused (audited) and nothing is stored", async () => {
    // Issue 12 item 5: the requester chose the custodians, who then voted for their key side.
    const keySides = { A: [P.observer.objectId], B: [P.approverDana.objectId] };
    await assert.rejects(
      world.service.submit(submission({ operationClass: 'keyRoll', keySides })),
      (error: unknown) => isAppError(error, 'SeparationOfDuties') && /Key custodians.*Omar Observer is not/.test(error.message),
    );
    const refused = (await collect(world.audit.records())).filter((r) => r.action === 'approval.submit.refused');
    assert.deepEqual(
      refused.map((r) => [r.reason, r.details.notCustodians]),
      [['CustodianNotInPolicy', [P.observer.objectId]]],
    );
    assert.deepEqual(await world.service.list(), []);
  });

  it('when a custodian has left the custodian group since the request was made, then their vote for a key side is refused', async () => {
    const request = await world.service.submit(submission({ operationClass: 'keyRoll', keySides: { A: [P.approverChen.objectId], B: [P.approverDana.objectId] } }));
    const edited = JSON.parse(JSON.stringify(LOCAL_POLICY_JSON)) as { groups: { keyCustodians: { members: string[] } } };
    edited.groups.keyCustodians.members = [P.approverDana.objectId];
    const later = new ApprovalService({
      signer: testSigner(),
      store: world.store,
      audit: world.audit,
      atomic: world.db.atomic,
      policy: parseApprovalPolicy(edited),
      clock: world.clock,
    });
    const vote = await later.vote({ requestId: request.id, voter: actor(P.approverChen), decision: 'approve', reason: 'key A checked', planHash: HASH_1 });
    assert.equal(!vote.ok && vote.error.code, 'NotAnApprover');
    assert.equal((await world.service.get(request.id))?.votes.length, 0);
  });

  it('when a key roll names no custodians although the policy needs one per key, then it is refused', async () => {
    await assert.rejects(
      world.service.submit(submission({ operationClass: 'keyRoll' })),
      (error: unknown) => isAppError(error, 'ValidationFailed') && /keySides/.test(error.message),
    );
  });

  it('when two approvers approve, then the request is approved once, onApproved fires once, and the audit tells the story', async () => {
    const approved: string[] = [];
    world.service.onApproved((request) => {
      approved.push(request.id);
    });
    const request = await world.service.submit(submission());
    const first = await world.service.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'approve', reason: 'plan reviewed', planHash: HASH_1 });
    assert.ok(first.ok && first.change === 'voteRecorded');
    const second = await world.service.vote({ requestId: request.id, voter: actor(P.approverBruno), decision: 'approve', reason: 'agreed', planHash: HASH_1 });
    assert.ok(second.ok && second.change === 'approved');
    await world.service.idle();
    assert.deepEqual(approved, [request.id]);
    assert.deepEqual(await actions(world, request.id), ['approval.submitted', 'approval.vote.recorded', 'approval.vote.recorded', 'approval.approved']);
    const stored = (await world.service.get(request.id))!;
    assert.equal(stored.status, 'approved');
    assert.equal(stored.executeBy, new Date(world.clock.now().getTime() + 240 * MINUTE).toISOString());
    assert.deepEqual(
      (await world.store.voteRows(request.id)).map((row) => row.voter_object_id),
      [P.approverAlex.objectId, P.approverBruno.objectId],
    );
    assert.equal((await world.audit.verify()).ok, true);
  });

  it('when the plan changes for the same journey, then the old request is superseded, its votes void, and a vote on the old card is refused with PlanChanged', async () => {
    const first = await world.service.submit(submission());
    await world.service.vote({ requestId: first.id, voter: actor(P.approverAlex), decision: 'approve', reason: 'ok', planHash: HASH_1 });
    const again = await world.service.submit(submission());
    assert.equal(again.id, first.id, 'the same plan again is the same request');
    const second = await world.service.submit(submission({ planHash: HASH_2 }));
    assert.notEqual(second.id, first.id);
    assert.equal(second.votes.length, 0);
    assert.equal(second.supersedes, first.id);
    const old = (await world.service.get(first.id))!;
    assert.equal(old.status, 'cancelled');
    assert.equal(old.supersededBy, second.id);
    const late = await world.service.vote({ requestId: first.id, voter: actor(P.approverBruno), decision: 'approve', reason: 'ok', planHash: HASH_1 });
    assert.equal(!late.ok && late.error.code, 'PlanChanged');
    const stale = await world.service.vote({ requestId: second.id, voter: actor(P.approverBruno), decision: 'approve', reason: 'ok', planHash: HASH_1 });
    assert.equal(!stale.ok && stale.error.code, 'PlanChanged', 'a vote carrying the old hash does not count on the new request');
    const superseded = (await collect(world.audit.records())).find((r) => r.action === 'approval.superseded')!;
    assert.equal(superseded.details.votesVoided, 1);
  });

  it('when the approval window passes before the timer runs, then a vote is refused, the request is stored expired, and both are audited', async () => {
    const request = await world.service.submit(submission());
    world.clock.advance(24 * 60 * MINUTE);
    const result = await world.service.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'approve', reason: 'ok', planHash: HASH_1 });
    assert.equal(!result.ok && result.error.code, 'RequestExpired');
    assert.equal((await world.service.get(request.id))?.status, 'expired');
    assert.deepEqual((await actions(world, request.id)).slice(-2), ['approval.vote.refused', 'approval.expired']);
  });

  it('when the execution window passes, then beginExecution throws ExecutionWindowClosed, the request expires, and nothing is marked started', async () => {
    const request = await world.service.submit(submission());
    await approveBoth(world, request.id);
    world.clock.advance(240 * MINUTE);
    await assert.rejects(world.service.beginExecution(request.id), (error: unknown) => isAppError(error, 'ExecutionWindowClosed'));
    assert.equal((await world.service.get(request.id))?.status, 'expired');
    assert.ok(!(await actions(world, request.id)).includes('execution.started'));
    assert.ok((await actions(world, request.id)).includes('execution.refused'));
  });

  it('when execution begins twice, then only the first claim succeeds; finishing records the outcome', async () => {
    const request = await world.service.submit(submission());
    await approveBoth(world, request.id);
    world.clock.advance(5 * MINUTE);
    const claimed = await world.service.beginExecution(request.id, { objectId: 'writer', name: 'keyward-writer' });
    assert.equal(claimed.status, 'executing');
    await assert.rejects(world.service.beginExecution(request.id), (error: unknown) => isAppError(error, 'RequestAlreadyDecided'));
    await world.service.reportExecutionProgress(request.id, 'Step 2 of 5: creating key A');
    assert.equal((await world.service.get(request.id))?.execution?.progress, 'Step 2 of 5: creating key A');
    const done = await world.service.finishExecution(request.id, 'succeeded', 'Created 2 vaults and 2 keys');
    assert.equal(done.status, 'succeeded');
    await assert.rejects(world.service.finishExecution(request.id, 'failed', 'again'), (error: unknown) => isAppError(error, 'RequestNotPending'));
    const started = (await collect(world.audit.records())).find((r) => r.action === 'execution.started')!;
    assert.equal(started.actor.objectId, 'writer');
    assert.equal(started.details.correlationId, request.id);
    assert.deepEqual(
      (await actions(world, request.id)).slice(-4),
      ['execution.started', 'execution.refused', 'execution.succeeded', 'execution.finish.refused'],
      'the second claim and the late finish are audited refusals',
    );
  });

  it('when execution is requested before approval, then it is refused', async () => {
    const request = await world.service.submit(submission());
    await assert.rejects(world.service.beginExecution(request.id), (error: unknown) => isAppError(error, 'RequestNotPending'));
    await assert.rejects(world.service.beginExecution('00000000-0000-4000-8000-000000000000'), (error: unknown) => isAppError(error, 'NotFound'));
  });

  it('when the requester cancels, then it is cancelled; someone else cannot cancel it', async () => {
    const request = await world.service.submit(submission());
    const foreign = await world.service.cancel({ requestId: request.id, by: actor(P.approverAlex) });
    assert.equal(!foreign.ok && foreign.error.code, 'NotYourJourney');
    const own = await world.service.cancel({ requestId: request.id, by: actor(P.operator), reason: 'wrong subscription' });
    assert.ok(own.ok && own.request.status === 'cancelled');
    assert.match((await world.service.get(request.id))?.closedReason ?? '', /wrong subscription/);
  });

  it('when a click carries no Entra identity, or names an unknown request, then it is refused and audited', async () => {
    const request = await world.service.submit(submission());
    const anonymous = await world.service.vote({ requestId: request.id, voter: { channelUserId: '29:x', name: 'Nobody' }, decision: 'approve', reason: 'x', planHash: HASH_1 });
    assert.equal(!anonymous.ok && anonymous.error.code, 'NotAnApprover');
    const ghost = await world.service.vote({ requestId: '00000000-0000-4000-8000-000000000000', voter: actor(P.approverAlex), decision: 'approve', reason: 'x', planHash: HASH_1 });
    assert.equal(!ghost.ok && ghost.error.code, 'NotFound');
    const refused = (await collect(world.audit.records())).filter((r) => r.action === 'approval.vote.refused');
    assert.deepEqual(
      refused.map((r) => [r.actor.objectId, r.reason]),
      [
        ['unidentified', 'NotAnApprover'],
        [P.approverAlex.objectId, 'NotFound'],
      ],
    );
  });

  it('when an approver is removed from the policy while a request waits, then their vote no longer counts', async () => {
    const request = await world.service.submit(submission());
    const withoutAlex = policyWith(
      {},
      {
        groups: {
          keyApprovers: { name: 'Key approvers', members: [P.approverBruno.objectId, P.approverChen.objectId] },
          keyCustodians: { name: 'Key custodians', members: [P.approverChen.objectId, P.approverDana.objectId] },
        },
      },
    );
    const restarted = new ApprovalService({ signer: testSigner(), store: world.store, audit: world.audit, atomic: world.db.atomic, policy: withoutAlex, clock: world.clock });
    const result = await restarted.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'approve', reason: 'ok', planHash: HASH_1 });
    assert.equal(!result.ok && result.error.code, 'NotAnApprover');
  });

  it('when the audit cannot be written, then the vote is not stored and execution is refused (fail closed)', async () => {
    let failOn: string | undefined;
    const flaky = (inner: AuditLog): AuditLog => ({
      append: async (event) => {
        if (event.action === failOn) throw appError('AuditWriteFailed', `audit store unavailable (${event.action})`);
        return inner.append(event);
      },
      verify: (options) => inner.verify(options),
      records: (from) => inner.records(from),
    });
    await world.close();
    world = await serviceWorld({ audit: flaky });
    const changes: ApprovalChange[] = [];
    world.service.onChange((change) => {
      changes.push(change);
    });
    const request = await world.service.submit(submission());

    failOn = 'approval.vote.recorded';
    await assert.rejects(world.service.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'approve', reason: 'ok', planHash: HASH_1 }), (error: unknown) =>
      isAppError(error, 'AuditWriteFailed'),
    );
    assert.equal((await world.service.get(request.id))?.votes.length, 0, 'no audit, no vote');
    assert.deepEqual(await world.store.voteRows(request.id), []);

    failOn = undefined;
    await approveBoth(world, request.id);
    failOn = 'execution.started';
    let executed = 0;
    const execute = async () => {
      await world.service.beginExecution(request.id);
      executed += 1;
    };
    await assert.rejects(execute(), (error: unknown) => isAppError(error, 'AuditWriteFailed'));
    assert.equal(executed, 0, 'the privileged action never ran');
    assert.equal((await world.service.get(request.id))?.status, 'approved', 'still approved, not executing');
    await world.service.idle();
    assert.ok(!changes.some((change) => change.change === 'executing'), 'nobody was told it started');

    failOn = undefined;
    await execute();
    assert.equal(executed, 1);
  });

  it('when ten votes from three approvers arrive at once, then exactly two count and the request is approved exactly once', async () => {
    const request = await world.service.submit(submission());
    const approvals: string[] = [];
    world.service.onApproved((r) => {
      approvals.push(r.id);
    });
    const people = [P.approverAlex, P.approverBruno, P.observer];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        world.service.vote({ requestId: request.id, voter: actor(people[i % 3]!), decision: 'approve', reason: `click ${i}`, planHash: HASH_1 }),
      ),
    );
    await world.service.idle();
    assert.equal(results.filter((r) => r.ok).length, 2);
    assert.deepEqual(approvals, [request.id]);
    const codes = results
      .filter((r) => !r.ok)
      .map((r) => (!r.ok ? r.error.code : ''))
      .sort();
    assert.deepEqual(
      [...new Set(codes)],
      ['AlreadyVoted', 'NotAnApprover', 'RequestAlreadyDecided'].filter((c) => codes.includes(c as never)),
    );
    assert.equal((await world.service.get(request.id))?.votes.length, 2);
    assert.equal((await world.store.voteRows(request.id)).length, 2);
  });

  it('when the timer runs, then it reminds once inside the reminder lead time and expires overdue requests', async () => {
    const scheduler = new ApprovalScheduler(world.service);
    const changes: string[] = [];
    world.service.onChange((change) => {
      changes.push(`${change.change}:${change.request.id.slice(0, 4)}`);
    });
    const request = await world.service.submit(submission());
    world.clock.advance(21 * 60 * MINUTE);
    assert.deepEqual(await scheduler.tick(), { expired: [], reminded: [] }, 'not yet: reminder is 2 h before the end');
    world.clock.advance(60 * MINUTE + 1);
    assert.deepEqual(await scheduler.tick(), { expired: [], reminded: [request.id] });
    assert.deepEqual(await scheduler.tick(), { expired: [], reminded: [] }, 'only once');
    world.clock.advance(2 * 60 * MINUTE);
    assert.deepEqual(await scheduler.tick(), { expired: [request.id], reminded: [] });
    await world.service.idle();
    assert.deepEqual(
      changes.map((c) => c.split(':')[0]),
      ['submitted', 'reminded', 'expired'],
    );
    assert.deepEqual(await actions(world, request.id), ['approval.submitted', 'approval.reminded', 'approval.expired']);
  });

  it('when a whole flow runs with secrets pasted into reasons and details, then neither the audit log nor the logs carry a token or key material', async () => {
    const logger = captureLogger();
    await world.close();
    world = await serviceWorld();
    const service = new ApprovalService({
      signer: testSigner(),
      store: world.store,
      audit: world.audit,
      atomic: world.db.atomic,
      policy: world.service.policy,
      clock: world.clock,
      logger,
    });
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ3cml0ZXIifQ.bm90LWEtcmVhbC1zaWduYXR1cmU';
    const request = await service.submit(submission({ reason: `urgent, token was Bearer ${jwt}`, summaryLines: ['Create key A', `debug: ${jwt}`] }));
    await service.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'approve', reason: `ok ${jwt}`, planHash: HASH_1 });
    await service.vote({ requestId: request.id, voter: actor(P.approverBruno), decision: 'approve', reason: 'ok', planHash: HASH_1 });
    await service.beginExecution(request.id);
    await service.finishExecution(request.id, 'failed', `401 from Key Vault, Authorization: Bearer ${jwt}`);
    await service.auditRefusal({
      actor: { objectId: 'x' },
      action: 'test.refusal',
      target: 't',
      details: { privateKey: '-----BEGIN PRIVATE KEY-----abc-----END PRIVATE KEY-----', d: 'secret-exponent' },
    });
    const everything = JSON.stringify(await collect(world.audit.records())) + JSON.stringify(logger.lines.map((line) => redactSecrets(line.fields)));
    assert.doesNotMatch(everything, TOKEN_PATTERN);
    assert.ok(!everything.includes('secret-exponent') && !everything.includes('BEGIN PRIVATE KEY'));
    assert.equal((await world.audit.verify()).ok, true);
  });
});
