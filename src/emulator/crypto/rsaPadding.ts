import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Hand-written RSA paddings for what node:crypto cannot do on Node 20:
 * - PKCS#1 v1.5 *decryption*: `privateDecrypt` with RSA_PKCS1_PADDING throws since the
 *   CVE-2023-46809 fix, so the emulator decrypts with RSA_NO_PADDING and strips the padding here.
 * - Signing a digest the caller already computed (Key Vault's `sign` takes a digest, node:crypto's
 *   `sign` always hashes): RS* needs the DigestInfo prefix, PS* needs EMSA-PSS encoding.
 */
export type HashName = 'sha256' | 'sha384' | 'sha512';

const DIGEST_INFO_PREFIX: Record<HashName, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

export const HASH_LENGTH: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

/**
 * Strips EME-PKCS1-v1_5 padding (0x00 0x02 PS 0x00 M, PS at least 8 non-zero bytes) from the raw
 * RSA output. Returns undefined when the block is not validly padded.
 */
export function unpadPkcs1v15(block: Buffer): Buffer | undefined {
  if (block.length < 11 || block[0] !== 0x00 || block[1] !== 0x02) return undefined;
  const separator = block.indexOf(0x00, 2);
  if (separator < 10) return undefined;
  return block.subarray(separator + 1);
}

/** DigestInfo(hash) || digest, the input of an RSASSA-PKCS1-v1_5 signature. */
export function digestInfo(hash: HashName, digest: Buffer): Buffer {
  return Buffer.concat([DIGEST_INFO_PREFIX[hash], digest]);
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with MGF1 over the same hash and salt length = hash length. */
export function encodePss(hash: HashName, digest: Buffer, modulusBits: number): Buffer {
  const hLen = HASH_LENGTH[hash];
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(hLen);
  const h = createHash(hash)
    .update(Buffer.concat([Buffer.alloc(8), digest, salt]))
    .digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([0x01]), salt]);
  const masked = xor(db, mgf1(hash, h, emLen - hLen - 1));
  masked[0] = (masked[0] ?? 0) & (0xff >> (8 * emLen - emBits));
  const em = Buffer.concat([masked, h, Buffer.from([0xbc])]);
  // Raw RSA takes a block the size of the modulus.
  const k = Math.ceil(modulusBits / 8);
  return em.length < k ? Buffer.concat([Buffer.alloc(k - em.length), em]) : em;
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) on the raw RSA output `block` (modulus-sized). */
export function verifyPss(hash: HashName, digest: Buffer, block: Buffer, modulusBits: number): boolean {
  const hLen = HASH_LENGTH[hash];
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const em = block.subarray(block.length - emLen);
  if (block.length > emLen && block.subarray(0, block.length - emLen).some((byte) => byte !== 0)) return false;
  if (em.length < 2 * hLen + 2 || em[em.length - 1] !== 0xbc) return false;
  const masked = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if (((masked[0] ?? 0) & ~topMask) !== 0) return false;
  const db = xor(masked, mgf1(hash, h, masked.length));
  db[0] = (db[0] ?? 0) & topMask;
  const separator = emLen - 2 * hLen - 2;
  if (db.subarray(0, separator).some((byte) => byte !== 0) || db[separator] !== 0x01) return false;
  const salt = db.subarray(db.length - hLen);
  const expected = createHash(hash)
    .update(Buffer.concat([Buffer.alloc(8), digest, salt]))
    .digest();
  return timingSafeEqual(expected, h);
}

function mgf1(hash: HashName, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * HASH_LENGTH[hash] < length; counter += 1) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i += 1) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}
