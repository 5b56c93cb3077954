import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_IDENTITIES, ManualClock, statementBytes, verifySignature } from '../../src/core';
import { AuditDigester, ChainedAuditLog, verifyDigestChain } from '../../src/audit';
import { ApprovalService, checkApprovalSignatures } from '../../src/approvals';
import { createKeyVaultKeyWrapper, createKeyVaultSigner } from '../../src/azure';
import { SecurityDomainVault } from '../../src/executor';
import { openSqliteDatabase } from '../../src/store/sqliteDatabase';
import { auditMigrations, SqlAuditStore } from '../../src/store/sqlAuditStore';
import { approvalMigrations, SqlApprovalStore } from '../../src/store/sqlApprovalStore';
import { AuditDigestDirectory } from '../../src/store/auditDigestFiles';
import { keyClient, managedIdentity, startTestEmulator, type TestEmulator } from './emulator/helpers';
import { emulatorKeys, type EmulatorKeys } from '../helpers/emulatorKeys';
import { actor, HASH_1, P, policyWith, submission } from '../unit/approvals/approvalFixtures';

/**
 * Issue 12 items 4 and 8: in Azure the key that signs votes, decisions and digests, and the key
 * that protects stored security domains, are Key Vault (or Managed HSM) keys used through the
 * managed identity — no signing secret or at-rest key on the host. The real SDK against the
 * emulator over HTTPS.
 */
describe("Keyward's own keys in Key Vault, through the managed identity (emulator)", function () {
  this.timeout(30_000);
  let emulator: TestEmulator;
  let keys: EmulatorKeys;
  let dir: string;
  before(async () => {
    emulator = await startTestEmulator();
    keys = await emulatorKeys(emulator);
  });
  after(async () => {
    await emulator.dispose();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-kvkeys-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const writer = () => managedIdentity(LOCAL_IDENTITIES.writer.clientId);

  it("when votes and decisions are signed with a Key Vault EC key, then the signatures are ES256 by that key, verify with its public key alone, and the executor's check accepts the approval", async () => {
    const signer = await createKeyVaultSigner({ keyId: keys.signingKeyId, credential: await writer() });
    assert.equal(signer.algorithm, 'ES256');
    assert.match(signer.description, new RegExp(`^${keys.signingKeyId}/[0-9a-f]{32}$`), 'the versioned key id is recorded');
    const db = await openSqliteDatabase({ file: ':memory:', migrations: [...auditMigrations, ...approvalMigrations] });
    const audit = new ChainedAuditLog(new SqlAuditStore(db));
    const service = new ApprovalService({
      signer,
      store: new SqlApprovalStore(db),
      audit,
      atomic: db.atomic,
      policy: policyWith(),
      clock: new ManualClock(Date.UTC(2026, 0, 5, 9)),
    });
    const request = await service.submit(submission());
    for (const who of [P.approverAlex, P.approverBruno])
      assert.equal((await service.vote({ requestId: request.id, voter: actor(who), decision: 'approve', reason: 'reviewed', planHash: HASH_1 })).ok, true);
    const approved = (await service.get(request.id))!;
    assert.deepEqual([approved.submissionSignature?.alg, ...approved.votes.map((v) => v.signature?.alg), approved.decisionSignature?.alg], ['ES256', 'ES256', 'ES256', 'ES256']);
    assert.deepEqual(
      checkApprovalSignatures(approved, (fp) => (fp === signer.fingerprint ? signer.publicKey : undefined)),
      { ok: true },
    );
    const record = (await db.all<{ details: string }>("SELECT details FROM audit_log WHERE action = 'approval.approved'"))[0]!;
    const signed = (JSON.parse(record.details) as { signed: { statement: unknown; signature: Parameters<typeof verifySignature>[1] } }).signed;
    assert.equal(
      verifySignature(statementBytes(signed.statement), signed.signature, signer.publicKey),
      true,
      'the audit record carries a statement anyone can check with the public key',
    );
    await db.close();
  });

  it('when audit digests are signed with the Key Vault key, then the digest chain verifies with the pinned public key', async () => {
    const signer = await createKeyVaultSigner({ keyId: keys.signingKeyId, credential: await writer() });
    const db = await openSqliteDatabase({ file: path.join(dir, 'keyward.sqlite'), migrations: auditMigrations });
    const store = new SqlAuditStore(db);
    const log = new ChainedAuditLog(store);
    const sink = new AuditDigestDirectory(path.join(dir, 'digests'));
    const digester = new AuditDigester({ store, signer, sink, audit: log, clock: new ManualClock(Date.UTC(2026, 0, 5, 9)) });
    await log.append({ actor: { objectId: 'system:keyward' }, action: 'policy.loaded', target: 'policy.json', outcome: 'info' });
    await digester.digestNow();
    await log.append({ actor: { objectId: 'system:keyward' }, action: 'approval.reminded', target: 'approval/r', outcome: 'info' });
    await digester.digestNow();
    const checked = verifyDigestChain(sink.read(), signer.publicKey);
    assert.ok(checked.ok && checked.digests === 2, JSON.stringify(checked));
    await db.close();
  });

  it('when the configured key is not an EC P-256 key, or the identity may not sign with it, then Keyward says which key and which permission', async () => {
    await assert.rejects(
      createKeyVaultSigner({ keyId: keys.securityDomainKeyId, credential: await writer() }),
      (error: Error & { code?: string }) => error.code === 'ConfigInvalid' && /must be an EC key on curve P-256/.test(error.message),
    );
    const reader = await managedIdentity(LOCAL_IDENTITIES.reader.clientId);
    await assert.rejects(
      createKeyVaultSigner({ keyId: keys.signingKeyId, credential: reader }),
      (error: Error & { code?: string; details?: { requiredRole?: string } }) => error.code === 'AzureForbidden' && /sign/.test(String(error.details?.requiredRole)),
    );
  });

  it('when a security domain is stored with the Key Vault key, then no key file exists on the host, the file holds only a wrapped data key, and it reads back through the key', async () => {
    const wrapper = await createKeyVaultKeyWrapper({ keyId: keys.securityDomainKeyId, credential: await writer() });
    const vault = new SecurityDomainVault(path.join(dir, 'sd'), undefined, wrapper);
    const document = JSON.stringify({ EncData: { data: [{ compact_jwe: 'a.b.c.d.e' }] }, SharedKeys: { enc_shares: [{ enc_key: 'x' }], required: 2 } });
    const { file, sha256 } = await vault.store({ hsmName: 'hsm-a', requestId: 'req-1', document, storedAt: new Date() });
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { format: string; wrappedKey: { kid: string; alg: string } };
    assert.equal(stored.format, 'keyward.security-domain-at-rest/v2');
    assert.equal(stored.wrappedKey.alg, 'RSA-OAEP-256');
    assert.ok(stored.wrappedKey.kid.startsWith(keys.securityDomainKeyId));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'sd')), [path.basename(file)], 'no key file beside it');
    assert.equal((await vault.read(file)).document, document);
    assert.equal(await vault.holds(file, sha256), true);
    // Another key (a vault that cannot unwrap it) cannot read it.
    const other = await keyClient(keys.securityDomainKeyId.replace(/\/keys\/.*$/, ''), await writer()).createRsaKey('other-sd-key', { keySize: 2048, hsm: true });
    const otherVault = new SecurityDomainVault(path.join(dir, 'sd'), undefined, await createKeyVaultKeyWrapper({ keyId: other.id!, credential: await writer() }));
    const tampered = path.join(dir, 'tampered.enc');
    fs.writeFileSync(tampered, JSON.stringify({ ...stored, wrappedKey: { ...stored.wrappedKey, kid: other.id } }));
    await assert.rejects(otherVault.read(tampered));
  });
});
