import assert from 'node:assert/strict';
import {
  constants,
  createHash,
  generateKeyPairSync,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  publicEncrypt,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { type CurveName, signDigest, verifyDigest } from '../../../src/emulator/crypto/ecdsaDigest';
import { digestInfo, encodePss, unpadPkcs1v15, verifyPss } from '../../../src/emulator/crypto/rsaPadding';
import { combineShares, splitSecret } from '../../../src/emulator/crypto/shamir';
import { fromBase64Url, toBase64Url } from '../../../src/emulator/crypto/base64url';
import { MasterKey } from '../../../src/emulator/crypto/masterKey';

describe('emulator crypto primitives', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('when OpenSSL encrypts with PKCS#1 v1.5, then raw decryption plus hand unpadding returns the plaintext', () => {
    const secret = randomBytes(32);
    const ciphertext = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_PADDING }, secret);
    const raw = privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
    assert.deepEqual(unpadPkcs1v15(raw), secret);
  });

  it('when a block is not PKCS#1 v1.5 encryption padding, then unpadding refuses it', () => {
    assert.equal(unpadPkcs1v15(Buffer.alloc(256, 1)), undefined);
    const noSeparator = Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(254, 7)]);
    assert.equal(unpadPkcs1v15(noSeparator), undefined);
  });

  it('when a digest is signed with DigestInfo and PKCS#1, then node:crypto verifies the message', () => {
    const message = Buffer.from('keyward');
    const digest = createHash('sha256').update(message).digest();
    const signature = privateEncrypt({ key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo('sha256', digest));
    assert.equal(nodeVerify('sha256', message, rsa.publicKey, signature), true);
  });

  it('when a digest is PSS-encoded and raw-signed, then node:crypto verifies it as RSA-PSS, and our verifier agrees with node', () => {
    const message = Buffer.from('keyward pss');
    const digest = createHash('sha256').update(message).digest();
    const signature = privateEncrypt({ key: rsa.privateKey, padding: constants.RSA_NO_PADDING }, encodePss('sha256', digest, 2048));
    assert.equal(nodeVerify('sha256', message, { key: rsa.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature), true);
    const nodeSignature = nodeSign('sha256', message, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    const block = publicDecrypt({ key: rsa.publicKey, padding: constants.RSA_NO_PADDING }, nodeSignature);
    assert.equal(verifyPss('sha256', digest, block, 2048), true);
    assert.equal(verifyPss('sha256', createHash('sha256').update('other').digest(), block, 2048), false);
  });

  for (const [curve, named, hash] of [
    ['P-256', 'prime256v1', 'sha256'],
    ['P-384', 'secp384r1', 'sha384'],
    ['P-521', 'secp521r1', 'sha512'],
    ['P-256K', 'secp256k1', 'sha256'],
  ] as const) {
    it(`when a ${curve} digest is signed by the BigInt ECDSA, then node:crypto verifies it, and the reverse holds`, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: named });
      const jwk = privateKey.export({ format: 'jwk' });
      const message = Buffer.from(`message for ${curve}`);
      const digest = createHash(hash).update(message).digest();
      const ours = signDigest(curve as CurveName, Buffer.from(jwk.d as string, 'base64url'), digest);
      assert.equal(nodeVerify(hash, message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, ours), true);
      const theirs = nodeSign(hash, message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const x = Buffer.from(jwk.x as string, 'base64url');
      const y = Buffer.from(jwk.y as string, 'base64url');
      assert.equal(verifyDigest(curve as CurveName, x, y, digest, theirs), true);
      assert.equal(verifyDigest(curve as CurveName, x, y, createHash(hash).update('tampered').digest(), theirs), false);
    });
  }

  it('when a secret is split 5 ways with quorum 3, then any 3 shares rebuild it and 2 do not', () => {
    const secret = randomBytes(32);
    const shares = splitSecret(secret, 5, 3);
    assert.deepEqual(combineShares([shares[4]!, shares[0]!, shares[2]!]), secret);
    assert.deepEqual(combineShares(shares), secret);
    assert.notDeepEqual(combineShares([shares[1]!, shares[3]!]), secret);
    assert.throws(() => splitSecret(secret, 3, 1));
  });

  it('when base64url has characters outside the alphabet, then decoding refuses it', () => {
    assert.equal(toBase64Url(Buffer.from([0xfb, 0xff])), '-_8');
    assert.deepEqual(fromBase64Url('-_8'), Buffer.from([0xfb, 0xff]));
    assert.equal(fromBase64Url('a+b/'), undefined);
  });

  it('when a value is sealed, then only the same key and purpose unseal it, and tampering is detected', () => {
    const key = MasterKey.ephemeral();
    const sealed = key.seal('private-key', Buffer.from('material'), 'ctx');
    assert.equal(key.unseal('private-key', sealed, 'ctx').toString(), 'material');
    assert.throws(() => key.unseal('key-backup', sealed, 'ctx'));
    assert.throws(() => key.unseal('private-key', sealed, 'other'));
    assert.throws(() => MasterKey.ephemeral().unseal('private-key', sealed, 'ctx'));
    const parts = sealed.split('.');
    parts[3] = toBase64Url(Buffer.from('materiaX'));
    assert.throws(() => key.unseal('private-key', parts.join('.'), 'ctx'));
  });
});
