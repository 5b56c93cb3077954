import crypto from 'node:crypto';
import { ed25519Signer, type Signer } from '../../src/core';

/** PKCS#8 DER header of an Ed25519 private key (RFC 8410): the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * An Ed25519 approval signer from a fixed seed: every test process (and the child processes some
 * tests spawn on the same store) signs and verifies with the same key, as the processes of one
 * Keyward installation do with its one key.
 */
export function testSigner(seed = 'keyward test signing key'): Signer {
  const key = crypto.createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, crypto.createHash('sha256').update(seed).digest()]), format: 'der', type: 'pkcs8' });
  return ed25519Signer(key, 'test key');
}
