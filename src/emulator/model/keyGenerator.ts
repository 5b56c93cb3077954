import { KeyObject, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { CurveName } from '../crypto/ecdsaDigest';

const generateKeyPairAsync = promisify(generateKeyPair);

export type KeySpec = { kty: 'RSA'; size: number; publicExponent: number } | { kty: 'EC'; curve: CurveName };

/**
 * Makes private keys. The default runs node:crypto's asynchronous generator on the libuv pool, so
 * a 4096-bit key (seconds) never blocks other requests.
 */
export interface KeyGenerator {
  generate(spec: KeySpec): Promise<KeyObject>;
}

export const OPENSSL_CURVES: Record<CurveName, string> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
  'P-256K': 'secp256k1',
};

export const nodeKeyGenerator: KeyGenerator = {
  async generate(spec) {
    if (spec.kty === 'RSA') {
      const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: spec.size, publicExponent: spec.publicExponent });
      return privateKey;
    }
    const { privateKey } = await generateKeyPairAsync('ec', { namedCurve: OPENSSL_CURVES[spec.curve] });
    return privateKey;
  },
};

/**
 * For benchmarks only: hands out keys from a small pre-generated pool per spec, so storing 10,000
 * keys takes seconds instead of minutes. Keys from the pool are shared between key versions, which
 * is fine for measuring memory and throughput and wrong for anything else.
 */
export function pooledKeyGenerator(poolSize: number, inner: KeyGenerator = nodeKeyGenerator): KeyGenerator {
  const pools = new Map<string, Promise<KeyObject>[]>();
  const counters = new Map<string, number>();
  return {
    generate(spec) {
      const id = JSON.stringify(spec);
      let pool = pools.get(id);
      if (!pool) {
        pool = Array.from({ length: poolSize }, () => inner.generate(spec));
        pools.set(id, pool);
      }
      const next = counters.get(id) ?? 0;
      counters.set(id, next + 1);
      return pool[next % pool.length] as Promise<KeyObject>;
    },
  };
}
