import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ed25519Signer, publicKeyFingerprint, verifySignature } from '../../../src/core';

describe('signature checks (remembered only while the bytes, signature and key are the same)', () => {
  const signer = ed25519Signer(crypto.generateKeyPairSync('ed25519').privateKey);
  const other = ed25519Signer(crypto.generateKeyPairSync('ed25519').privateKey);
  const data = Buffer.from('{"kind":"keyward.vote","decision":"approve"}');

  it('when a signature verified once is checked again, then it still verifies, and any change of bytes, signature or key is refused', async () => {
    const signature = await signer.sign(data);
    assert.equal(verifySignature(data, signature, signer.publicKey), true);
    assert.equal(verifySignature(data, signature, signer.publicKey), true, 'the remembered answer');
    assert.equal(verifySignature(Buffer.from('{"kind":"keyward.vote","decision":"reject"}'), signature, signer.publicKey), false, 'other bytes');
    const flipped = Buffer.from(signature.value, 'base64');
    flipped[0]! ^= 1;
    assert.equal(verifySignature(data, { ...signature, value: flipped.toString('base64') }, signer.publicKey), false, 'another signature');
    assert.equal(verifySignature(data, signature, other.publicKey), false, 'another key');
    assert.equal(verifySignature(data, { ...signature, keyFingerprint: other.fingerprint }, other.publicKey), false, 'another key named by the signature');
  });

  it('when a signature is refused, then it is refused again (a refusal is never remembered as valid)', async () => {
    const forged = { ...(await other.sign(data)), keyFingerprint: signer.fingerprint };
    assert.equal(verifySignature(data, forged, signer.publicKey), false);
    assert.equal(verifySignature(data, forged, signer.publicKey), false);
  });

  it("when a key's fingerprint is asked for twice, then both answers are the SHA-256 of its SPKI DER", () => {
    const expected = crypto
      .createHash('sha256')
      .update(signer.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex');
    assert.equal(publicKeyFingerprint(signer.publicKey), expected);
    assert.equal(publicKeyFingerprint(signer.publicKey), expected);
    assert.notEqual(publicKeyFingerprint(other.publicKey), expected);
  });
});
