import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecurityDomainVault } from '../../../src/executor';

describe('security domains stored at rest', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-sd-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const document = JSON.stringify({ EncData: { data: [{ compact_jwe: 'a.b.c.d.e' }] }, SharedKeys: { enc_shares: [{ enc_key: 'x' }], required: 2 } });

  it('when a security domain is stored, then the file is 0600 in a 0700 directory, holds no plaintext, and reads back to the same digest', async () => {
    const vault = new SecurityDomainVault(path.join(dir, 'sd'), path.join(dir, 'key', 'sd.key'));
    const { file, sha256 } = await vault.store({ hsmName: 'Contoso-HSM-A', requestId: 'req-1', document, storedAt: new Date(Date.UTC(2026, 0, 1)) });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dir, 'key', 'sd.key')).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(path.join(dir, 'key', 'sd.key')).length, 32);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!text.includes('enc_shares') && !text.includes('compact_jwe'), 'no plaintext on disk');
    const read = await vault.read(file);
    assert.equal(read.document, document);
    assert.equal(read.sha256, sha256);
    assert.equal(await vault.holds(file, sha256), true);
  });

  it('when the file is changed, moved to another HSM, or read with another key, then it is refused', async () => {
    const vault = new SecurityDomainVault(path.join(dir, 'sd'), path.join(dir, 'sd.key'));
    const { file, sha256 } = await vault.store({ hsmName: 'hsm-a', requestId: 'req-1', document, storedAt: new Date() });
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    const tampered = path.join(dir, 'tampered.enc');
    fs.writeFileSync(tampered, JSON.stringify({ ...stored, ciphertext: `A${stored.ciphertext!.slice(1)}` }));
    await assert.rejects(vault.read(tampered), /does not decrypt/);
    const renamed = path.join(dir, 'renamed.enc');
    fs.writeFileSync(renamed, JSON.stringify({ ...stored, hsmName: 'hsm-b' }));
    await assert.rejects(vault.read(renamed), /does not decrypt/);
    const other = new SecurityDomainVault(path.join(dir, 'sd'), path.join(dir, 'other.key'));
    await assert.rejects(other.read(file), /does not decrypt/);
    assert.equal(await other.holds(file, sha256), false);
  });

  it('when there is neither a Key Vault key nor a local key file (production without KEYWARD_SECURITY_DOMAIN_KEY_ID), then nothing can be stored, and the step would refuse before the download', async () => {
    const vault = new SecurityDomainVault(path.join(dir, 'sd'), undefined);
    assert.throws(
      () => vault.assertReady(),
      (error: Error & { code?: string }) => error.code === 'ConfigInvalid' && /KEYWARD_SECURITY_DOMAIN_KEY_ID/.test(error.message),
    );
    await assert.rejects(vault.store({ hsmName: 'hsm-a', requestId: 'req-1', document, storedAt: new Date() }), { code: 'ConfigInvalid' });
    assert.equal(fs.existsSync(path.join(dir, 'sd')), false, 'no file, no key file');
  });
});
