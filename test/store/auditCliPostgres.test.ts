import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/core';
import { ChainedAuditLog } from '../../src/audit';
import { openKeywardStore } from '../../src/app/keywardStore';
import { runAuditCli } from '../../src/cli/audit';
import { openCliDatabase } from '../../src/cli/cliStore';
import { newTestDatabase } from '../helpers/postgresServer';

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
      const out: string[] = [];
      const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env };
      assert.equal(await runAuditCli(['verify', '--no-digests'], io), 0, out.join(''));
      assert.match(out.join(''), /Audit log intact: 5 record\(s\)/);

      const { db } = await openCliDatabase(env, { readOnly: true });
      await assert.rejects(db.run("UPDATE audit_log SET target = 'x' WHERE sequence = 1"), /read-only/);
      await db.close();

      await store.db.run("UPDATE audit_log SET target = 't/tampered' WHERE sequence = 2");
      out.length = 0;
      assert.equal(await runAuditCli(['verify', '--no-digests'], io), 1);
      assert.match(out.join(''), /BROKEN at record 2/);
    } finally {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
