import assert from 'node:assert/strict';
import { isAppError, ManualClock } from '../../src/core';
import { ChainedAuditLog } from '../../src/audit';
import { ApprovalService, type ApprovalChange } from '../../src/approvals';
import { actor, HASH_1, P, policyWith, submission } from '../unit/approvals/approvalFixtures';
import { ENGINES, openTestStore } from '../helpers/storeEngines';
import { testSigner } from '../helpers/testSigner';
import { DatabaseWriter } from '../helpers/databaseWriter';
import { collect } from '../helpers/collect';

for (const engine of ENGINES) {
  describe(`approval store contract (${engine})`, function () {
    this.timeout(30_000);

    it('when a request is changed from a stale version, then the compare-and-set refuses it and the stored request is untouched', async () => {
      const t = await openTestStore(engine);
      try {
        const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
        const service = new ApprovalService({
          store: t.store.approvals,
          audit: new ChainedAuditLog(t.store.audit, clock),
          atomic: t.store.db.atomic,
          policy: policyWith(),
          clock,
          signer: testSigner(),
        });
        const request = await service.submit(submission());
        const next = { ...request, version: 2, title: 'changed' };
        assert.equal(await t.store.approvals.compareAndSet(next, 1), true);
        assert.equal(await t.store.approvals.compareAndSet({ ...request, version: 2, title: 'lost race' }, 1), false);
        assert.equal((await t.store.approvals.get(request.id))?.title, 'changed');
        await assert.rejects(t.store.approvals.compareAndSet({ ...next, version: 4 }, 2), /compareAndSet expects version 3/);
        assert.deepEqual(
          (await t.store.approvals.list({ statuses: ['pending'] })).map((r) => r.id),
          [request.id],
        );
        assert.deepEqual(await t.store.approvals.list({ journeyId: 'nope' }), []);
      } finally {
        await t.close();
      }
    });

    it('when a vote row for the same person is written twice, then the store refuses the second (one vote per person)', async () => {
      const t = await openTestStore(engine);
      try {
        const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
        const service = new ApprovalService({
          store: t.store.approvals,
          audit: new ChainedAuditLog(t.store.audit, clock),
          atomic: t.store.db.atomic,
          policy: policyWith(),
          clock,
          signer: testSigner(),
        });
        const request = await service.submit(submission());
        const vote = { voter: { objectId: P.approverAlex.objectId, tenantId: 't' }, decision: 'approve' as const, at: clock.now().toISOString(), planHash: HASH_1 };
        assert.equal(await t.store.approvals.compareAndSet({ ...request, version: 2, votes: [vote] }, 1), true);
        await assert.rejects(t.store.approvals.compareAndSet({ ...request, version: 3, votes: [vote, vote] }, 2), (error: unknown) => isAppError(error, 'AlreadyVoted'));
        assert.equal((await t.store.approvals.get(request.id))?.version, 2, 'the refused change left nothing behind');
        assert.deepEqual(
          (await t.store.approvals.voteRows(request.id)).map((r) => r.voter_object_id),
          [P.approverAlex.objectId],
        );
      } finally {
        await t.close();
      }
    });

    it(`when a unit holds a request for a change, then another instance's change of that request waits until the unit ends${engine === 'postgres' ? ', and a change of another request does not wait' : ''}`, async () => {
      const t = await openTestStore(engine);
      const other = await t.second();
      let release!: () => void;
      try {
        const gate = new Promise<void>((resolve) => (release = resolve));
        let holding!: () => void;
        const held = new Promise<void>((resolve) => (holding = resolve));
        const first = t.store.db.atomic(async () => {
          await t.store.approvals.holdForChange('request-a');
          holding();
          await gate;
        });
        await held;
        const order: string[] = [];
        const sameRequest = other.db.atomic(async () => {
          await other.approvals.holdForChange('request-a');
          order.push('same request');
        });
        if (engine === 'postgres') {
          // SQLite cannot show this: any unit holds the whole file's write lock.
          await other.db.atomic(async () => {
            await other.approvals.holdForChange('request-b');
            order.push('other request');
          });
        } else await new Promise((resolve) => setTimeout(resolve, 300));
        assert.deepEqual(order, engine === 'postgres' ? ['other request'] : [], 'the same request waits while it is held');
        release();
        await first;
        await sameRequest;
        assert.equal(order.at(-1), 'same request');
      } finally {
        release?.();
        await t.close();
      }
    });

    it('when votes from three approvers race on two instances at once, then two count, the rule is met exactly once, and the audit chain holds every record once', async () => {
      const t = await openTestStore(engine);
      try {
        const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
        const stores = [t.store, await t.second()];
        const services = stores.map(
          (s) => new ApprovalService({ store: s.approvals, audit: new ChainedAuditLog(s.audit, clock), atomic: s.db.atomic, policy: policyWith(), clock, signer: testSigner() }),
        );
        const approved: string[] = [];
        for (const service of services) service.onChange((change: ApprovalChange) => void (change.change === 'approved' && approved.push(change.request.id)));
        const request = await services[0]!.submit(submission());
        const voters = [P.approverAlex, P.approverBruno, P.approverChen];
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => services[i % 2]!.vote({ requestId: request.id, voter: actor(voters[i % 3]!), decision: 'approve', reason: 'ok', planHash: HASH_1 })),
        );
        await Promise.all(services.map((s) => s.idle()));
        const stored = (await t.store.approvals.get(request.id))!;
        assert.equal(stored.status, 'approved');
        assert.equal(stored.votes.length, 2, 'the rule (two approvals) is met by the first two votes; later ones are refused');
        assert.equal(results.filter((r) => r.ok).length, 2);
        assert.deepEqual(approved, [request.id], 'approved exactly once across both instances');
        const audit = new ChainedAuditLog(t.store.audit, clock);
        const verification = await audit.verify();
        assert.equal(verification.ok, true, verification.firstBad?.message);
        const records = [];
        for await (const record of audit.records()) records.push(record);
        assert.equal(records.filter((r) => r.action === 'approval.approved').length, 1);
        assert.equal(records.filter((r) => r.action === 'approval.vote.recorded').length, 2);
      } finally {
        await t.close();
      }
    });
    it("when a database writer flips a pending request to approved with plain SQL, then the approval does not verify and the executor's claim is refused (ApprovalNotVerified), audited, nothing started", async () => {
      const t = await openTestStore(engine);
      try {
        const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
        const audit = new ChainedAuditLog(t.store.audit, clock);
        const service = new ApprovalService({
          store: t.store.approvals,
          audit,
          atomic: t.store.db.atomic,
          policy: policyWith(),
          clock,
          signer: testSigner(),
          history: (id) => t.store.audit.forRequest(id),
        });
        const request = await service.submit(submission());
        assert.equal((await service.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'approve', reason: 'ok', planHash: HASH_1 })).ok, true);
        const writer = DatabaseWriter.over(await t.test.connect());
        const stored = await writer.request(request.id);
        await writer.writeRequest({ ...stored, status: 'approved', decidedAt: clock.now().toISOString(), executeBy: new Date(clock.now().getTime() + 3_600_000).toISOString() });
        const flipped = (await t.store.approvals.get(request.id))!;
        assert.equal(flipped.status, 'approved', 'the row says approved');
        const check = await service.verifyApproval(flipped);
        assert.equal(check.ok, false);
        await assert.rejects(service.beginExecution(request.id), (error: unknown) => isAppError(error, 'ApprovalNotVerified'));
        const records = await collect(audit.records());
        assert.deepEqual(
          records.filter((r) => r.requestId === request.id && r.action === 'execution.refused').map((r) => r.reason),
          ['ApprovalNotVerified'],
        );
        assert.equal(
          records.some((r) => r.requestId === request.id && r.action === 'execution.started'),
          false,
        );
      } finally {
        await t.close();
      }
    });

    it("when a database writer adds a forged vote to a pending request, then the next approver's vote is refused (ApprovalNotVerified), audited, and the stored request keeps only the forged row it was given", async () => {
      const t = await openTestStore(engine);
      try {
        const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
        const audit = new ChainedAuditLog(t.store.audit, clock);
        const service = new ApprovalService({ store: t.store.approvals, audit, atomic: t.store.db.atomic, policy: policyWith(), clock, signer: testSigner() });
        const request = await service.submit(submission());
        const writer = DatabaseWriter.over(await t.test.connect());
        const stored = await writer.request(request.id);
        const forged = {
          voter: { objectId: P.approverAlex.objectId, tenantId: 't' },
          decision: 'approve' as const,
          reason: 'forged',
          at: stored.createdAt,
          planHash: stored.planHash,
          signature: { alg: 'Ed25519' as const, keyFingerprint: '0'.repeat(64), value: 'Zm9yZ2Vk' },
        };
        await writer.writeRequest({ ...stored, votes: [forged] });
        const result = await service.vote({ requestId: request.id, voter: actor(P.approverBruno), decision: 'approve', reason: 'ok', planHash: HASH_1 });
        assert.equal(!result.ok && result.error.code, 'ApprovalNotVerified');
        const after = (await t.store.approvals.get(request.id))!;
        assert.deepEqual([after.status, after.votes.length], ['pending', 1], "Bruno's vote was not added on top of the forged one");
        const refused = (await collect(audit.records())).filter((r) => r.requestId === request.id && r.action === 'approval.vote.refused');
        assert.deepEqual(
          refused.map((r) => r.reason),
          ['ApprovalNotVerified'],
        );
      } finally {
        await t.close();
      }
    });
  });
}
