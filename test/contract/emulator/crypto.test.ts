import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { KeyClient, KeyVaultKey } from '@azure/keyvault-keys';
import {
  type TestEmulator,
  VAULT_SCOPE,
  WRITER_OBJECT_ID,
  createVault,
  cryptoClient,
  expectRestError,
  keyClient,
  keyPolicy,
  managedIdentity,
  restClient,
  startTestEmulator,
} from './helpers';

function publicPem(key: KeyVaultKey) {
  return createPublicKey({ key: { kty: 'RSA', n: Buffer.from(key.key?.n ?? []).toString('base64url'), e: Buffer.from(key.key?.e ?? []).toString('base64url') }, format: 'jwk' });
}

describe('emulator cryptography (CryptographyClient)', () => {
  let emulator: TestEmulator;
  let credential: TokenCredential;
  let keys: KeyClient;
  let vaultUri: string;
  let rsa2048: KeyVaultKey;

  before(async () => {
    emulator = await startTestEmulator();
    credential = await managedIdentity();
    vaultUri = (await createVault(emulator, credential, { properties: { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['all'])] } })).vaultUri;
    keys = keyClient(vaultUri, credential);
    rsa2048 = await keys.createRsaKey('rsa-2048', { hsm: true });
  });
  after(async () => {
    await emulator.dispose();
  });

  for (const algorithm of ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5'] as const) {
    it(`when a 32-byte key is wrapped with ${algorithm}, then unwrapKey on the service returns it`, async () => {
      const crypto = cryptoClient(rsa2048.id ?? '', credential);
      const secret = Buffer.from(createHash('sha256').update(algorithm).digest());
      const wrapped = await crypto.wrapKey(algorithm, secret);
      assert.equal(wrapped.keyID, rsa2048.id);
      assert.equal(wrapped.result.length, 256);
      const unwrapped = await crypto.unwrapKey(algorithm, wrapped.result);
      assert.deepEqual(Buffer.from(unwrapped.result), secret);
    });
  }

  it('when RSA-OAEP wraps, then the SDK does it locally from n and e (no request) and the service still unwraps it', async () => {
    const crypto = cryptoClient(rsa2048.id ?? '', credential);
    await crypto.wrapKey('RSA-OAEP', Buffer.alloc(16, 1));
    await emulator.control.clearRequests();
    const wrapped = await crypto.wrapKey('RSA-OAEP', Buffer.alloc(32, 3));
    assert.equal((await emulator.control.requests()).filter((r) => r.path.endsWith('/wrapkey')).length, 0);
    const remote = await crypto.wrapKey('RSA-OAEP-256', Buffer.alloc(32, 3));
    assert.equal((await emulator.control.requests()).filter((r) => r.path.endsWith('/wrapkey')).length, 1);
    assert.deepEqual(Buffer.from((await crypto.unwrapKey('RSA-OAEP', wrapped.result)).result), Buffer.alloc(32, 3));
    assert.deepEqual(Buffer.from((await crypto.unwrapKey('RSA-OAEP-256', remote.result)).result), Buffer.alloc(32, 3));
  });

  it('when data is encrypted and decrypted with RSA-OAEP-256 on a 3072-bit key, then it round-trips', async () => {
    const key = await keys.createRsaKey('rsa-3072', { keySize: 3072 });
    const crypto = cryptoClient(key.id ?? '', credential);
    const encrypted = await crypto.encrypt({ algorithm: 'RSA-OAEP-256', plaintext: Buffer.from('hello keyward') });
    assert.equal(encrypted.result.length, 384);
    const decrypted = await crypto.decrypt({ algorithm: 'RSA-OAEP-256', ciphertext: encrypted.result });
    assert.equal(Buffer.from(decrypted.result).toString(), 'hello keyward');
  });

  it('when a 4096-bit key signs with RS256 and PS256, then node:crypto verifies the signatures over the message and the service verifies them too', async () => {
    const key = await keys.createRsaKey('rsa-4096', { keySize: 4096 });
    assert.equal(key.key?.n?.length, 512);
    const crypto = cryptoClient(key.id ?? '', credential);
    const message = Buffer.from('approve plan 42');
    const digest = createHash('sha256').update(message).digest();
    const rs = await crypto.sign('RS256', digest);
    assert.equal(nodeVerify('sha256', message, publicPem(key), Buffer.from(rs.result)), true);
    const ps = await crypto.sign('PS256', digest);
    assert.equal(nodeVerify('sha256', message, { key: publicPem(key), padding: 6, saltLength: 32 }, Buffer.from(ps.result)), true);
    const rest = restClient(credential, VAULT_SCOPE);
    const verifyUrl = `${key.id}/verify?api-version=2025-07-01`;
    const good = await rest('POST', verifyUrl, { alg: 'PS256', digest: digest.toString('base64url'), value: Buffer.from(ps.result).toString('base64url') });
    assert.deepEqual(good.body, { value: true });
    const bad = await rest('POST', verifyUrl, {
      alg: 'RS256',
      digest: createHash('sha256').update('other').digest('base64url'),
      value: Buffer.from(rs.result).toString('base64url'),
    });
    assert.deepEqual(bad.body, { value: false });
  });

  it('when an EC P-256 key signs a digest, then the signature verifies locally and on the service, and wrapping with it is refused', async () => {
    const key = await keys.createEcKey('ec-p256', { curve: 'P-256' });
    const crypto = cryptoClient(key.id ?? '', credential);
    const message = Buffer.from('ec message');
    const digest = createHash('sha256').update(message).digest();
    const signature = await crypto.sign('ES256', digest);
    assert.equal(signature.result.length, 64);
    const publicKey = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: Buffer.from(key.key?.x ?? []).toString('base64url'), y: Buffer.from(key.key?.y ?? []).toString('base64url') },
      format: 'jwk',
    });
    assert.equal(nodeVerify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature.result)), true);
    assert.equal((await crypto.verify('ES256', digest, signature.result)).result, true);
    await expectRestError(crypto.sign('ES384', Buffer.alloc(48)), 400, 'BadParameter');
    const rest = restClient(credential, VAULT_SCOPE);
    // EC keys get sign/verify by default, so key_ops refuses wrapKey before the algorithm is even read.
    const wrap = await rest('POST', `${key.id}/wrapkey?api-version=2025-07-01`, { alg: 'RSA-OAEP-256', value: Buffer.alloc(32).toString('base64url') });
    assert.equal(wrap.status, 403);
  });

  it('when a key is disabled, expired, not yet valid or lacks the operation in key_ops, then the operation is refused with 403', async () => {
    const key = await keys.createRsaKey('rsa-rules', { keyOps: ['unwrapKey', 'decrypt'] });
    const crypto = cryptoClient(key.id ?? '', credential);
    const wrapped = Buffer.alloc(256, 1);
    const rest = restClient(credential, VAULT_SCOPE);
    const wrapRemote = await rest('POST', `${key.id}/wrapkey?api-version=2025-07-01`, { alg: 'RSA-OAEP-256', value: Buffer.alloc(32).toString('base64url') });
    assert.equal(wrapRemote.status, 403);
    assert.match((wrapRemote.body as { error: { message: string } }).error.message, /key_ops/);
    const version = key.properties.version ?? '';
    await keys.updateKeyProperties('rsa-rules', version, { enabled: false });
    assert.match((await expectRestError(crypto.unwrapKey('RSA-OAEP-256', wrapped), 403, 'Forbidden')).message, /disabled/);
    await keys.updateKeyProperties('rsa-rules', version, { enabled: true, expiresOn: new Date(Date.now() - 60_000) });
    assert.match((await expectRestError(crypto.unwrapKey('RSA-OAEP-256', wrapped), 403, 'Forbidden')).message, /expired/);
    await keys.updateKeyProperties('rsa-rules', version, { expiresOn: new Date(Date.now() + 86_400_000), notBefore: new Date(Date.now() + 3_600_000) });
    assert.match((await expectRestError(crypto.unwrapKey('RSA-OAEP-256', wrapped), 403, 'Forbidden')).message, /not yet valid/);
    await emulator.control.advanceClock(2 * 3_600_000);
    // Inside the validity window now: the padding check decides, and a garbage block fails with 400.
    await expectRestError(crypto.unwrapKey('RSA-OAEP-256', wrapped), 400, 'BadParameter');
  });

  it('when the algorithm or value is invalid, then the service answers 400 BadParameter without crashing', async () => {
    const rest = restClient(credential, VAULT_SCOPE);
    const url = (op: string) => `${rsa2048.id}/${op}?api-version=2025-07-01`;
    const cases: Array<[string, unknown]> = [
      ['unwrapkey', { alg: 'RSA-OAEP-512', value: Buffer.alloc(256).toString('base64url') }],
      ['unwrapkey', { alg: 'RSA-OAEP', value: 'not base64url!' }],
      ['unwrapkey', { alg: 'RSA-OAEP', value: Buffer.alloc(10).toString('base64url') }],
      ['wrapkey', { alg: 'RSA1_5', value: Buffer.alloc(300).toString('base64url') }],
      ['wrapkey', { value: 'AAAA' }],
      ['sign', { alg: 'RS256', value: Buffer.alloc(31).toString('base64url') }],
      ['sign', { alg: 'ES256', value: Buffer.alloc(32).toString('base64url') }],
      ['verify', { alg: 'RS256', digest: Buffer.alloc(32).toString('base64url') }],
    ];
    for (const [op, body] of cases) {
      const response = await rest('POST', url(op), body);
      assert.equal(response.status, 400, `${op} ${JSON.stringify(body)}`);
      assert.equal((response.body as { error: { code: string } }).error.code, 'BadParameter');
    }
    const malformed = await rest('POST', url('unwrapkey'), undefined, { 'content-type': 'application/json' });
    assert.equal(malformed.status, 400);
    const unwrapped = await cryptoClient(rsa2048.id ?? '', credential).unwrapKey(
      'RSA-OAEP-256',
      (await cryptoClient(rsa2048.id ?? '', credential).wrapKey('RSA-OAEP-256', Buffer.alloc(32, 5))).result,
    );
    assert.deepEqual(Buffer.from(unwrapped.result), Buffer.alloc(32, 5));
  });
});
