import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/core';
import { AuditDigester, ChainedAuditLog, verifyAuditStream, verifyDigestChain } from '../../src/audit';
import { ApprovalService } from '../../src/approvals';
import { AuditDigestDirectory } from '../../src/store/auditDigestFiles';
import { SqlAuditStore } from '../../src/store/sqlAuditStore';
import { SqlApprovalStore } from '../../src/store/sqlApprovalStore';
import type { SqlDatabase } from '../../src/store/sqlDatabase';
import { collect } from '../helpers/collect';
import { DatabaseWriter } from '../helpers/databaseWriter';
import { ENGINES, openTestDatabase, type TestDatabase } from '../helpers/storeEngines';
import { testSigner } from '../helpers/testSigner';
import { actor, HASH_1, P, policyWith, submission } from '../unit/approvals/approvalFixtures';

/**
 * Issue 12 item 4 on both engines: the digester checks the log against the last signed digest and
 * every signed vote before it signs a new digest; a database writer (its own connection, plain SQL,
 * every hash recomputed) cannot get a rewritten log signed, on SQLite or on PostgreSQL.
 */
for (const engine of ENGINES) {
  describe(`audit digester over the store (${engine}): checks before it signs`, function () {
    this.timeout(60_000);
    let test: TestDatabase;
    let dir: string;
    beforeEach(async () => {
      test = await openTestDatabase(engine);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-digester-'));
    });
    afterEach(async () => {
      await test.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The approvals engine and the digester with one key over one connection, as a Keyward instance runs them. */
    function signedWorld(db: SqlDatabase, sinkDir = path.join(dir, 'digests')) {
      const store = new SqlAuditStore(db);
      const clock = new ManualClock(Date.UTC(2026, 10, 29, 9));
      const log = new ChainedAuditLog(store, clock);
      const signer = testSigner();
      const sink = new AuditDigestDirectory(sinkDir);
      const digester = new AuditDigester({ store, signer, sink, audit: log, clock });
      const approvals = new ApprovalService({ signer, store: new SqlApprovalStore(db), audit: log, atomic: db.atomic, policy: policyWith(), clock });
      const vote = async () => {
        const request = await approvals.submit(submission({ journeyId: `j-${Math.random()}` }));
        await approvals.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'reject', reason: 'not now', planHash: HASH_1 });
        return request.id;
      };
      return { store, log, sink, digester, signer, vote };
    }

    const rewrites: Array<{ title: string; rewrite: (writer: DatabaseWriter, firstDigestTo: number) => Promise<unknown>; problem: RegExp }> = [
      {
        title: 'a signed vote recorded since the last digest was changed and the chain recomputed',
        rewrite: async (writer, from) => {
          const vote = (await writer.auditRecords(from + 1)).find((r) => r.action === 'approval.vote.recorded')!;
          await writer.rewriteAuditTail(vote.sequence, (r) => (r.sequence === vote.sequence ? { ...r, details: { ...r.details, decision: 'approve' } } : r));
        },
        problem: /signatureInvalid/,
      },
      {
        title: 'a record the last digest pins was changed and everything after it recomputed',
        rewrite: (writer) => writer.rewriteAuditTail(1, (r) => (r.sequence === 2 ? { ...r, reason: 'forged' } : r)),
        problem: /anchorMismatch/,
      },
      {
        title: 'a signed vote since the last digest was dropped from the chain',
        rewrite: async (writer, from) => {
          const vote = (await writer.auditRecords(from + 1)).find((r) => r.action === 'approval.vote.recorded')!;
          await writer.rewriteAuditTail(vote.sequence, (r) => (r.sequence === vote.sequence ? undefined : r));
        },
        problem: /signatureMissing/,
      },
    ];
    for (const r of rewrites) {
      it(`when ${r.title} by a database writer, then no digest is signed, the refusal is audited, and the digest files are untouched`, async () => {
        const w = signedWorld(test.db);
        await w.vote();
        const first = (await w.digester.digestNow())!;
        await w.vote();
        const writer = DatabaseWriter.over(await test.connect());
        await r.rewrite(writer, first.toSequence);
        const filesBefore = fs.readdirSync(w.sink.dir);
        await assert.rejects(
          async () => await w.digester.digestNow(),
          (error: Error & { code?: string; details?: { problem?: string } }) => error.code === 'AuditChainBroken' && r.problem.test(String(error.details?.problem)),
        );
        assert.equal((await w.store.digests()).length, 1, 'no digest vouches for the rewritten log');
        assert.deepEqual(fs.readdirSync(w.sink.dir), filesBefore);
        const last = (await collect(w.log.records())).at(-1)!;
        assert.deepEqual([last.action, last.outcome], ['audit.digest.refused', 'denied']);
      });
    }

    it('when a digest in the store was edited to match a rewritten log, then the digester refuses (its signature and the file outside disagree)', async () => {
      const w = signedWorld(test.db);
      await w.vote();
      const first = (await w.digester.digestNow())!;
      await w.vote();
      await test.db.run('UPDATE audit_digest SET body = ? WHERE number = 1', [JSON.stringify({ ...first, headHash: 'e'.repeat(64) })]);
      await assert.rejects(async () => await w.digester.digestNow(), { code: 'AuditChainBroken' });
      assert.equal((await w.store.digests()).length, 1);
    });

    it('when nothing was tampered with, then the digest after signed votes is made and verifies', async () => {
      const w = signedWorld(test.db);
      await w.vote();
      await w.digester.digestNow();
      await w.vote();
      assert.equal((await w.digester.digestNow())?.number, 2);
    });

    it("when two instances' digesters sign at once, then the digest chain has no fork and every digest pins a head that exists", async () => {
      const instances = [signedWorld(test.db, path.join(dir, 'one')), signedWorld(await test.connect(), path.join(dir, 'two'))];
      await instances[0]!.vote();
      await instances[1]!.vote();
      await Promise.all(instances.map((i) => i.digester.digestNow()));
      await Promise.all(instances.map((i) => i.digester.digestNow()));
      const digests = await instances[0]!.store.digests();
      assert.deepEqual(
        digests.map((d) => d.number),
        digests.map((_, i) => i + 1),
        'numbered 1…n, no fork',
      );
      const checked = verifyDigestChain(digests, instances[0]!.signer.publicKey);
      assert.ok(checked.ok, checked.ok ? '' : checked.message);
      const verified = await verifyAuditStream(instances[1]!.log.records(), { anchors: checked.anchors });
      assert.equal(verified.ok, true, verified.firstBad?.message);
    });
  });
}
