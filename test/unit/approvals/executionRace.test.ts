import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../../src/core';
import { ChainedAuditLog } from '../../../src/audit';
import { ApprovalService } from '../../../src/approvals';
import { openSqliteDatabase } from '../../../src/store/sqliteDatabase';
import { auditMigrations, SqlAuditStore } from '../../../src/store/sqlAuditStore';
import { approvalMigrations, SqlApprovalStore } from '../../../src/store/sqlApprovalStore';
import { actor, HASH_1, P, policyWith, submission } from './approvalFixtures';
import { collect } from '../../helpers/collect';
import { testSigner } from '../../helpers/testSigner';

describe('exactly-once execution across processes', function () {
  this.timeout(60_000);

  it('when five bot processes on one SQLite file claim the same approved request at the same instant, then exactly one wins', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-race-'));
    const file = path.join(dir, 'keyward.sqlite');
    const db = await openSqliteDatabase({ file, migrations: [...auditMigrations, ...approvalMigrations] });
    const audit = new ChainedAuditLog(new SqlAuditStore(db));
    const service = new ApprovalService({ signer: testSigner(), store: new SqlApprovalStore(db), audit, atomic: db.atomic, policy: policyWith(), clock: systemClock });
    const request = await service.submit(submission());
    await service.vote({ requestId: request.id, voter: actor(P.approverAlex), decision: 'approve', reason: 'ok', planHash: HASH_1 });
    await service.vote({ requestId: request.id, voter: actor(P.approverBruno), decision: 'approve', reason: 'ok', planHash: HASH_1 });

    const startAt = Date.now() + 3000;
    const claim = (name: string) =>
      new Promise<{ name: string; won: boolean; code?: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'fixtures', 'claimExecution.ts'), file, request.id, name, String(startAt)],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { name: string; won: boolean; code?: string }) : reject(new Error(`child ${name} exited ${code}`))));
      });
    const results = await Promise.all(['w1', 'w2', 'w3', 'w4', 'w5'].map(claim));
    const winners = results.filter((r) => r.won);
    assert.equal(winners.length, 1, JSON.stringify(results));
    assert.deepEqual([...new Set(results.filter((r) => !r.won).map((r) => r.code))], ['RequestAlreadyDecided']);
    const stored = (await service.get(request.id))!;
    assert.equal(stored.status, 'executing');
    const started = (await collect(audit.records())).filter((r) => r.action === 'execution.started');
    assert.equal(started.length, 1);
    assert.equal(started[0]!.actor.objectId, winners[0]!.name);
    assert.equal((await audit.verify()).ok, true);
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
