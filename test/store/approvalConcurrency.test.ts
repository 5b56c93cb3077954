import assert from 'node:assert/strict';
import fs from 'node:fs';
import { LOCAL_PEOPLE, LOCAL_TENANT_ID, systemClock } from '../../src/core';
import { ChainedAuditLog } from '../../src/audit';
import { ApprovalService, type ActionResult } from '../../src/approvals';
import { parseApprovalPolicy } from '../../src/approvals/approvalPolicy';
import { localPolicyPath } from '../../src/approvals/policyFile';
import type { KeywardStore } from '../../src/app/keywardStore';
import { ENGINES, openTestStore } from '../helpers/storeEngines';
import { testSigner } from '../helpers/testSigner';

const APPROVERS = Array.from({ length: 32 }, (_, i) => `c0000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);

function policyWith(approvals: number) {
  const raw = JSON.parse(fs.readFileSync(localPolicyPath(), 'utf8')) as { people: Record<string, string>; groups: Record<string, unknown>; operations: Record<string, unknown> };
  for (const [i, id] of APPROVERS.entries()) raw.people[id] = `Approver ${i + 1}`;
  raw.groups.many = { name: 'Many approvers', members: APPROVERS };
  raw.operations.create = { require: [{ group: 'many', approvals }], separationOfDuties: { approvalsPerKeySide: 0 } };
  return parseApprovalPolicy(raw);
}

function serviceOver(store: KeywardStore, approvals: number): ApprovalService {
  return new ApprovalService({
    store: store.approvals,
    audit: new ChainedAuditLog(store.audit, systemClock),
    atomic: store.db.atomic,
    policy: policyWith(approvals),
    clock: systemClock,
    signer: testSigner(),
  });
}

for (const engine of ENGINES) {
  describe(`approvals under contention (${engine}): many approvers click one request on two instances at once`, function () {
    this.timeout(120_000);

    it('when 32 approvers vote at the same instant on two instances, then every vote is counted once, none is refused, and the rule is met exactly once', async () => {
      const test = await openTestStore(engine);
      const second = await test.second();
      try {
        const one = serviceOver(test.store, 32);
        const two = serviceOver(second, 32);
        let approved = 0;
        for (const service of [one, two]) service.onApproved(() => void (approved += 1));
        const request = await one.submit({
          planHash: 'a'.repeat(64),
          operationClass: 'create',
          title: 'Contended request',
          summaryLines: ['Create key ck-a'],
          targets: ['kv-a'],
          requester: {
            aadObjectId: LOCAL_PEOPLE.operator.objectId,
            channelUserId: LOCAL_PEOPLE.operator.teamsId,
            name: LOCAL_PEOPLE.operator.displayName,
            tenantId: LOCAL_TENANT_ID,
          },
          reason: 'Contention test.',
          origin: { channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', conversation: { id: 'conv' } },
        });
        const results: ActionResult[] = await Promise.all(
          APPROVERS.map((objectId, i) =>
            (i % 2 ? two : one).vote({
              requestId: request.id,
              voter: { aadObjectId: objectId, name: `Approver ${i + 1}`, tenantId: LOCAL_TENANT_ID },
              decision: 'approve',
              reason: 'ok',
              planHash: 'a'.repeat(64),
            }),
          ),
        );
        await one.idle();
        await two.idle();
        assert.deepEqual(
          results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code)),
          [],
          'no vote refused',
        );
        const stored = (await test.store.approvals.get(request.id))!;
        assert.equal(stored.status, 'approved');
        assert.equal(new Set(stored.votes.map((v) => v.voter.objectId)).size, 32);
        assert.equal(results.filter((r) => r.ok && r.change === 'approved').length, 1);
        assert.equal(approved, 1);
        assert.equal((await new ChainedAuditLog(test.store.audit, systemClock).verify()).ok, true);
      } finally {
        await test.close();
      }
    });
  });
}
