import { randomBytes } from 'node:crypto';

/**
 * Shamir secret sharing over GF(2^8) (AES polynomial x^8+x^4+x^3+x+1), byte by byte. The security
 * domain splits its secret into one share per officer so that any `threshold` officers can
 * rebuild it and fewer learn nothing, which is what Managed HSM's quorum means.
 */
export interface Share {
  /** 1..255; 0 would be the secret itself. */
  x: number;
  y: Buffer;
}

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
(() => {
  let value = 1;
  for (let i = 0; i < 255; i += 1) {
    EXP[i] = value;
    LOG[value] = i;
    // Multiply by the generator 3: value*2 (reduced) xor value.
    value ^= (value << 1) ^ (value & 0x80 ? 0x11b : 0);
  }
  for (let i = 255; i < 512; i += 1) EXP[i] = EXP[i - 255] ?? 0;
})();

function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : (EXP[(LOG[a] ?? 0) + (LOG[b] ?? 0)] ?? 0);
}

function div(a: number, b: number): number {
  if (b === 0) throw new Error('division by zero in GF(256)');
  return a === 0 ? 0 : (EXP[(LOG[a] ?? 0) + 255 - (LOG[b] ?? 0)] ?? 0);
}

export function splitSecret(secret: Buffer, shares: number, threshold: number): Share[] {
  if (threshold < 2 || threshold > shares || shares > 255) throw new Error('invalid share parameters');
  const out: Share[] = Array.from({ length: shares }, (_, i) => ({ x: i + 1, y: Buffer.alloc(secret.length) }));
  for (let byte = 0; byte < secret.length; byte += 1) {
    // Random polynomial of degree threshold-1 whose constant term is the secret byte.
    const coefficients = [secret[byte] ?? 0, ...randomBytes(threshold - 1)];
    for (const share of out) {
      let value = 0;
      for (let power = coefficients.length - 1; power >= 0; power -= 1) value = mul(value, share.x) ^ (coefficients[power] ?? 0);
      share.y[byte] = value;
    }
  }
  return out;
}

/** Lagrange interpolation at x = 0. Needs `threshold` distinct shares; more do no harm. */
export function combineShares(shares: Share[]): Buffer {
  const first = shares[0];
  if (!first) throw new Error('no shares');
  const secret = Buffer.alloc(first.y.length);
  for (let byte = 0; byte < secret.length; byte += 1) {
    let value = 0;
    for (const [i, share] of shares.entries()) {
      let basis = 1;
      for (const [j, other] of shares.entries()) {
        if (i !== j) basis = mul(basis, div(other.x, other.x ^ share.x));
      }
      value ^= mul(share.y[byte] ?? 0, basis);
    }
    secret[byte] = value;
  }
  return secret;
}
