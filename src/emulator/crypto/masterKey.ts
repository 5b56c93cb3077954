import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The local master key: 32 random bytes in `<dataDir>/master.key` (mode 0600). Private key
 * material in the store and backup blobs are sealed under keys derived from it with HKDF, one per
 * purpose, so a backup blob can never be mistaken for a stored key and vice versa.
 * This protects a copied database file, not a machine where the data dir itself is readable.
 */
export class MasterKey {
  private readonly derived = new Map<string, Buffer>();

  private constructor(private readonly secret: Buffer) {}

  static loadOrCreate(dataDir: string): MasterKey {
    const file = path.join(dataDir, 'master.key');
    if (fs.existsSync(file)) {
      const secret = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
      if (secret.length !== 32) throw new Error(`${file} does not hold a 32-byte hex master key`);
      return new MasterKey(secret);
    }
    const secret = randomBytes(32);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return new MasterKey(secret);
  }

  /** For unit tests and benchmarks that need no file. */
  static ephemeral(): MasterKey {
    return new MasterKey(randomBytes(32));
  }

  /** AES-256-GCM with a purpose-bound key; output is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  seal(purpose: string, plaintext: Buffer, associatedData?: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keyFor(purpose), iv);
    if (associatedData) cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** Throws if the text was not sealed by this key for this purpose (tampered, or another data dir). */
  unseal(purpose: string, sealed: string, associatedData?: string): Buffer {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.keyFor(purpose), Buffer.from(iv, 'base64url'));
    if (associatedData) decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }

  private keyFor(purpose: string): Buffer {
    let key = this.derived.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.secret, Buffer.alloc(0), `keyward-emulator/${purpose}`, 32));
      this.derived.set(purpose, key);
    }
    return key;
  }
}
