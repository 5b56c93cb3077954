import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ManualClock } from '../../../src/core';
import { DownloadService, safeFileName } from '../../../src/server/downloads';
import { openSqliteDatabase } from '../../../src/store/sqliteDatabase';
import { depDownloadMigrations, SqlDepDownloadStore } from '../../../src/store/sqlDepDownloadStore';

async function service(options: { baseUrl?: string; max?: number } = {}) {
  const db = await openSqliteDatabase({ file: ':memory:', migrations: depDownloadMigrations });
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 9));
  const store = new SqlDepDownloadStore(db);
  const audited: string[] = [];
  const downloads = new DownloadService({
    store,
    clock,
    baseUrl: () => options.baseUrl,
    ttlMs: 60 * 60_000,
    maxDownloads: options.max ?? 10,
    audit: { append: async (e) => void audited.push(e.action) },
  });
  return { db, clock, downloads, audited };
}

const tokenOf = (url: string) => url.split('/downloads/')[1]!;

describe('script downloads (GET /downloads/<token>)', () => {
  it('when a script is offered, then the link carries 256 random bits, serves the exact bytes (UTF-8 with BOM) as an attachment, and its SHA-256 is what Get-FileHash prints', async () => {
    const { downloads, audited } = await service({ baseUrl: 'https://keyward.contoso.com/' });
    const offer = await downloads.offer({ fileName: 'keyward-dep-exchange-Contoso-EX.ps1', content: "Write-Host 'é'\n", ownerObjectId: 'A', purpose: 'dep:1' });
    assert.match(offer.url!, /^https:\/\/keyward\.contoso\.com\/downloads\/[A-Za-z0-9_-]{43}$/);
    const answer = await downloads.serve(tokenOf(offer.url!));
    assert.equal(answer.status, 200);
    assert.deepEqual([...answer.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(answer.body.subarray(3).toString('utf8'), "Write-Host 'é'\n");
    assert.equal(createHash('sha256').update(answer.body).digest('hex'), offer.fileSha256);
    assert.equal(answer.headers['content-disposition'], 'attachment; filename="keyward-dep-exchange-Contoso-EX.ps1"');
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    assert.match(answer.headers['content-security-policy'] ?? '', /sandbox/);
    assert.deepEqual(audited, ['download.served']);
  });

  it('when a token is unknown, malformed, expired or used up, then each gets the same plain 404', async () => {
    const { downloads, clock } = await service({ baseUrl: 'http://127.0.0.1:3978', max: 2 });
    const offer = await downloads.offer({ fileName: 'a.ps1', content: 'x', ownerObjectId: 'A', purpose: 'p' });
    const token = tokenOf(offer.url!);
    const notFound = await downloads.serve('A'.repeat(43));
    assert.equal(notFound.status, 404);
    assert.equal((await downloads.serve('../../etc/passwd')).status, 404);
    assert.equal((await downloads.serve(token)).status, 200);
    assert.equal((await downloads.serve(token)).status, 200);
    const usedUp = await downloads.serve(token);
    assert.equal(usedUp.status, 404);
    assert.deepEqual(usedUp.body, notFound.body);
    const second = await downloads.offer({ fileName: 'b.ps1', content: 'y', ownerObjectId: 'A', purpose: 'p' });
    clock.advance(60 * 60_000);
    assert.equal((await downloads.serve(tokenOf(second.url!))).status, 404);
  });

  it('when there is no public address (production without KEYWARD_PUBLIC_URL), then no link is made and the card shows the script only', async () => {
    const { downloads } = await service();
    const offer = await downloads.offer({ fileName: 'a.ps1', content: 'x', ownerObjectId: 'A', purpose: 'p' });
    assert.equal(offer.url, undefined);
    assert.match(offer.fileSha256, /^[0-9a-f]{64}$/);
  });

  it('when a file name holds header or path characters, then it is reduced to a safe .ps1 name', () => {
    assert.equal(safeFileName('a"b\r\nc/../d.ps1'), 'a-b-c-..-d.ps1');
    assert.equal(safeFileName('../x'), 'x.ps1');
  });
});
