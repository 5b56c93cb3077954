import { randomBytes } from 'node:crypto';

/**
 * ECDSA over a digest the caller computed. Key Vault's `sign`/`verify` take a digest, and
 * node:crypto can only sign messages (it always hashes), so the emulator does the curve arithmetic
 * itself with BigInt in Jacobian coordinates. Not constant-time: fine for an emulator, never for
 * production keys. Signatures are r||s (IEEE P1363), as Key Vault returns them.
 */
export type CurveName = 'P-256' | 'P-384' | 'P-521' | 'P-256K';

interface Curve {
  p: bigint;
  a: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
  bytes: number;
}

const P256 = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P384 = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn;
const P521 = (1n << 521n) - 1n;

const CURVES: Record<CurveName, Curve> = {
  'P-256': {
    p: P256,
    a: P256 - 3n,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    bytes: 32,
  },
  'P-384': {
    p: P384,
    a: P384 - 3n,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    bytes: 48,
  },
  'P-521': {
    p: P521,
    a: P521 - 3n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
    bytes: 66,
  },
  'P-256K': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn,
    a: 0n,
    n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
    gx: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
    gy: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
    bytes: 32,
  },
};

/** Signature length in bytes (r||s) for a curve. */
export function signatureLength(curve: CurveName): number {
  return CURVES[curve].bytes * 2;
}

export function signDigest(curve: CurveName, privateScalar: Buffer, digest: Buffer): Buffer {
  const c = CURVES[curve];
  const d = toBigInt(privateScalar);
  const z = digestToInteger(c, digest);
  for (;;) {
    const k = (toBigInt(randomBytes(c.bytes + 8)) % (c.n - 1n)) + 1n;
    const point = toAffine(c, multiply(c, k, [c.gx, c.gy, 1n]));
    if (!point) continue;
    const r = mod(point[0], c.n);
    if (r === 0n) continue;
    const s = mod(invert(k, c.n) * (z + r * d), c.n);
    if (s === 0n) continue;
    return Buffer.concat([toBuffer(r, c.bytes), toBuffer(s, c.bytes)]);
  }
}

export function verifyDigest(curve: CurveName, publicX: Buffer, publicY: Buffer, digest: Buffer, signature: Buffer): boolean {
  const c = CURVES[curve];
  if (signature.length !== c.bytes * 2) return false;
  const r = toBigInt(signature.subarray(0, c.bytes));
  const s = toBigInt(signature.subarray(c.bytes));
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const z = digestToInteger(c, digest);
  const w = invert(s, c.n);
  const u1 = mod(z * w, c.n);
  const u2 = mod(r * w, c.n);
  const sum = add(c, multiply(c, u1, [c.gx, c.gy, 1n]), multiply(c, u2, [toBigInt(publicX), toBigInt(publicY), 1n]));
  const point = toAffine(c, sum);
  return point !== undefined && mod(point[0], c.n) === r;
}

type Jacobian = [bigint, bigint, bigint];
const INFINITY: Jacobian = [0n, 1n, 0n];

function digestToInteger(c: Curve, digest: Buffer): bigint {
  const nBits = c.n.toString(2).length;
  const z = toBigInt(digest);
  const excess = digest.length * 8 - nBits;
  return excess > 0 ? z >> BigInt(excess) : z;
}

function multiply(c: Curve, scalar: bigint, point: Jacobian): Jacobian {
  let result = INFINITY;
  let addend = point;
  for (let k = scalar; k > 0n; k >>= 1n) {
    if (k & 1n) result = add(c, result, addend);
    addend = double(c, addend);
  }
  return result;
}

function double(c: Curve, [x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return INFINITY;
  const { p } = c;
  const yy = mod(y * y, p);
  const s = mod(4n * x * yy, p);
  const z2 = mod(z * z, p);
  const m = mod(3n * x * x + c.a * z2 * z2, p);
  const x3 = mod(m * m - 2n * s, p);
  const y3 = mod(m * (s - x3) - 8n * yy * yy, p);
  return [x3, y3, mod(2n * y * z, p)];
}

function add(c: Curve, a: Jacobian, b: Jacobian): Jacobian {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const { p } = c;
  const z1z1 = mod(a[2] * a[2], p);
  const z2z2 = mod(b[2] * b[2], p);
  const u1 = mod(a[0] * z2z2, p);
  const u2 = mod(b[0] * z1z1, p);
  const s1 = mod(a[1] * z2z2 * b[2], p);
  const s2 = mod(b[1] * z1z1 * a[2], p);
  if (u1 === u2) return s1 === s2 ? double(c, a) : INFINITY;
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const hh = mod(h * h, p);
  const hhh = mod(hh * h, p);
  const x3 = mod(r * r - hhh - 2n * u1 * hh, p);
  const y3 = mod(r * (u1 * hh - x3) - s1 * hhh, p);
  return [x3, y3, mod(h * a[2] * b[2], p)];
}

function toAffine(c: Curve, [x, y, z]: Jacobian): [bigint, bigint] | undefined {
  if (z === 0n) return undefined;
  const zInv = invert(z, c.p);
  const zInv2 = mod(zInv * zInv, c.p);
  return [mod(x * zInv2, c.p), mod(y * zInv2 * zInv, c.p)];
}

function invert(value: bigint, modulus: bigint): bigint {
  let [oldR, r] = [mod(value, modulus), modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS, modulus);
}

function mod(value: bigint, modulus: bigint): bigint {
  const result = value % modulus;
  return result < 0n ? result + modulus : result;
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function toBuffer(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}
