import { type KeyObject, createPublicKey } from 'node:crypto';

/**
 * The private half of a key version. Created either from a freshly generated KeyObject or from the
 * sealed (encrypted) form the store loaded, in which case it is only decrypted on first use: a
 * restart with thousands of keys stays fast, and keys nobody uses never sit decrypted in memory.
 * The store caches the sealed form here so it encrypts each version once.
 */
export class PrivateKeyMaterial {
  private key: KeyObject | undefined;
  private publicKey: KeyObject | undefined;
  private sealedForm: string | undefined;

  private constructor(
    key: KeyObject | undefined,
    sealed: string | undefined,
    private readonly unseal: ((sealed: string) => KeyObject) | undefined,
  ) {
    this.key = key;
    this.sealedForm = sealed;
  }

  static fromKeyObject(key: KeyObject): PrivateKeyMaterial {
    return new PrivateKeyMaterial(key, undefined, undefined);
  }

  static fromSealed(sealed: string, unseal: (sealed: string) => KeyObject): PrivateKeyMaterial {
    return new PrivateKeyMaterial(undefined, sealed, unseal);
  }

  keyObject(): KeyObject {
    if (!this.key) {
      if (this.sealedForm === undefined || !this.unseal) throw new Error('private key material is missing');
      this.key = this.unseal(this.sealedForm);
    }
    return this.key;
  }

  /** The public half, derived once (wrap and verify run on every request). */
  publicKeyObject(): KeyObject {
    this.publicKey ??= createPublicKey(this.keyObject());
    return this.publicKey;
  }

  /** The sealed form, computed once with `seal` and cached. */
  sealed(seal: (key: KeyObject) => string): string {
    if (this.sealedForm === undefined) this.sealedForm = seal(this.keyObject());
    return this.sealedForm;
  }

  /** Never let key material reach a log line or a JSON dump by accident. */
  toJSON(): string {
    return '[private key material]';
  }
}
