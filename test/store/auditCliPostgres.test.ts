import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock, systemClock } from '../../src/core';
import { ApprovalService } from '../../src/approvals';
import { ChainedAuditLog } from '../../src/audit';
import { openKeywardStore } from '../../src/app/keywardStore';
import { runAuditCli } from '../../src/cli/audit';
import { openCliDatabase } from '../../src/cli/cliStore';
import { newTestDatabase } from '../helpers/postgresServer';
import { DatabaseWriter } from '../helpers/databaseWriter';
import { testSigner } from '../helpers/testSigner';
import { actor, HASH_1, P, policyWith, submission } from '../unit/approvals/approvalFixtures';

describe('npm run audit with KEYWARD_STORE=postgres', function () {
  this.timeout(60_000);

  it('when the chain in PostgreSQL is intact, then verify says so; when a record is changed, then it names it; and the CLI cannot write', async () => {
    const url = await newTestDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-auditcli-'));
    const store = await openKeywardStore({ engine: 'postgres', url, tls: false });
    try {
      const audit = new ChainedAuditLog(store.audit, systemClock);
      for (let i = 0; i < 5; i += 1) await store.db.atomic(() => audit.append({ actor: { objectId: 'u1' }, action: 'test.event', target: `t/${i}`, outcome: 'info' }));
      const env = { KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: url, KEYWARD_DATA_DIR: dataDir };
      // verify vouches only with a pinned key (issue 12 item 4); this log has no signed records.
      const pin = path.join(dataDir, 'pinned.pub.pem');
      fs.writeFileSync(pin, crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
      const out: string[] = [];
      const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env };
      assert.equal(await runAuditCli(['verify', '--no-digests', '--public-key', pin], io), 0, out.join(''));
      assert.match(out.join(''), /Audit log intact: 5 record\(s\)/);

      const { db } = await openCliDatabase(env, { readOnly: true });
      await assert.rejects(db.run("UPDATE audit_log SET target = 'x' WHERE sequence = 1"), /read-only/);
      await db.close();

      await store.db.run("UPDATE audit_log SET target = 't/tampered' WHERE sequence = 2");
      out.length = 0;
      assert.equal(await runAuditCli(['verify', '--no-digests', '--public-key', pin], io), 1);
      assert.match(out.join(''), /BROKEN at record 2/);
    } finally {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
  it('when a database writer rewrites a signed vote in PostgreSQL and recomputes the chain, then verify with the pinned key names that record (signatureInvalid)', async () => {
    const url = await newTestDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-auditcli-'));
    const store = await openKeywardStore({ engine: 'postgres', url, tls: false });
    try {
      const signer = testSigner();
      const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
      const service = new ApprovalService({ store: store.approvals, audit: new ChainedAuditLog(store.audit, clock), atomic: store.db.atomic, policy: policyWith(), clock, signer });
      const request = await service.submit(submission());
      await service.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'reject', reason: 'not now', planHash: HASH_1 });
      const env = { KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: url, KEYWARD_DATA_DIR: dataDir };
      const out: string[] = [];
      const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env };
      const pin = path.join(dataDir, 'signing.pub.pem');
      fs.writeFileSync(pin, signer.publicKey.export({ type: 'spki', format: 'pem' }));
      const pinned = ['verify', '--no-digests', '--public-key', pin];
      assert.equal(await runAuditCli(pinned, io), 0, out.join(''));

      const writer = await DatabaseWriter.open(url);
      const vote = (await writer.auditRecords()).find((r) => r.action === 'approval.vote.recorded' && r.requestId === request.id)!;
      await writer.rewriteAuditTail(vote.sequence, (r) => (r.sequence === vote.sequence ? { ...r, details: { ...r.details, decision: 'approve' } } : r));
      await writer.close();
      out.length = 0;
      assert.equal(await runAuditCli(pinned, io), 1, out.join(''));
      assert.match(out.join(''), new RegExp(`BROKEN at record ${vote.sequence} \\(signatureInvalid\\)`));
    } finally {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
