import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appError } from '../core';
import type { KeyWrapper, WrappedKey } from '../azure/ports';
import { writePrivateFile } from './privateFiles';

/** v1: AES-GCM under the key file in the data directory (local mode). */
const FORMAT = 'keyward.security-domain-at-rest/v1';
/** v2: AES-GCM under a fresh data key per file, wrapped by a Key Vault / Managed HSM key (Azure). */
const FORMAT_WRAPPED = 'keyward.security-domain-at-rest/v2';

interface StoredSecurityDomain {
  format: typeof FORMAT | typeof FORMAT_WRAPPED;
  /** v2 only: the data key, wrapped by the Key Vault key (which never leaves Key Vault). */
  wrappedKey?: WrappedKey;
  hsmName: string;
  requestId: string;
  storedAt: string;
  /** SHA-256 (hex) of the security domain exactly as Azure returned it. */
  sha256: string;
  alg: 'A256GCM';
  iv: string;
  tag: string;
  ciphertext: string;
}

/**
 * Stores downloaded Managed HSM security domains. The document Azure returns is already encrypted
 * to the officers' certificates (only a quorum of their private keys opens it); Keyward adds a
 * second layer at rest, AES-256-GCM, so a copied file alone is useless and any change to it is
 * detected. The AES key is, in Azure, a fresh data key per file wrapped by a Key Vault or Managed
 * HSM key through the managed identity (KEYWARD_SECURITY_DOMAIN_KEY_ID: no key file on the host);
 * in local mode, a key file in the data directory. Files and the key are mode 0600, directories
 * 0700. The security domain never goes to logs, cards, chat or the audit log (only its SHA-256).
 */
export class SecurityDomainVault {
  constructor(
    private readonly directory: string,
    /** Local mode only: the AES key file. Undefined in production. */
    private readonly keyFile: string | undefined,
    /** The Key Vault key that wraps each file's data key (production; optional locally). */
    private readonly wrapper?: KeyWrapper,
  ) {}

  /**
   * Can a security domain be stored at all? Checked before the download that activates an HSM:
   * a security domain that cannot be kept must not be fetched.
   */
  assertReady(): void {
    if (!this.wrapper && !this.keyFile) {
      throw appError(
        'ConfigInvalid',
        'Keyward has no key to protect security domains at rest: set KEYWARD_SECURITY_DOMAIN_KEY_ID to a Key Vault or Managed HSM RSA key that its managed identity may wrap and unwrap with (key files are for local mode only), then Retry. The HSM was not activated.',
        { variable: 'KEYWARD_SECURITY_DOMAIN_KEY_ID' },
      );
    }
  }

  /** Encrypts and writes the document; returns the file and the document's SHA-256. */
  async store(input: { hsmName: string; requestId: string; document: string; storedAt: Date }): Promise<{ file: string; sha256: string }> {
    this.assertReady();
    const wrapped = this.wrapper ? randomBytes(32) : undefined;
    const key = wrapped ?? this.key();
    const wrappedKey = wrapped && this.wrapper ? await this.wrapper.wrap(wrapped) : undefined;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(input.hsmName, input.requestId));
    const ciphertext = Buffer.concat([cipher.update(input.document, 'utf8'), cipher.final()]);
    const sha256 = createHash('sha256').update(input.document, 'utf8').digest('hex');
    if (wrapped) wrapped.fill(0);
    const stored: StoredSecurityDomain = {
      format: wrappedKey ? FORMAT_WRAPPED : FORMAT,
      ...(wrappedKey ? { wrappedKey } : {}),
      hsmName: input.hsmName,
      requestId: input.requestId,
      storedAt: input.storedAt.toISOString(),
      sha256,
      alg: 'A256GCM',
      iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
    };
    const file = this.fileFor(input.hsmName, input.requestId);
    writePrivateFile(file, `${JSON.stringify(stored, null, 2)}\n`);
    return { file, sha256 };
  }

  fileFor(hsmName: string, requestId: string): string {
    return path.join(this.directory, `${hsmName.toLowerCase()}-${safe(requestId)}.security-domain.json.enc`);
  }

  /** Decrypts a stored security domain (the officers' layer stays); refuses a changed file. */
  async read(file: string): Promise<{ hsmName: string; requestId: string; sha256: string; document: string }> {
    let stored: StoredSecurityDomain;
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredSecurityDomain;
    } catch (error) {
      throw appError('NotFound', `The stored security domain ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (stored.format !== FORMAT && stored.format !== FORMAT_WRAPPED) throw appError('ValidationFailed', `${file} is not a security domain stored by Keyward.`);
    let key: Buffer;
    if (stored.format === FORMAT_WRAPPED) {
      if (!this.wrapper || !stored.wrappedKey)
        throw appError(
          'ConfigInvalid',
          `${file} is protected by the Key Vault key ${stored.wrappedKey?.kid ?? '(unknown)'}; set KEYWARD_SECURITY_DOMAIN_KEY_ID so Keyward can unwrap it.`,
        );
      key = await this.wrapper.unwrap(stored.wrappedKey);
    } else {
      if (!this.keyFile) throw appError('ConfigInvalid', `${file} is protected by a local key file, which production mode does not use; read it where it was stored (local mode).`);
      key = this.key();
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(stored.iv, 'base64url'));
      decipher.setAAD(aad(stored.hsmName, stored.requestId));
      decipher.setAuthTag(Buffer.from(stored.tag, 'base64url'));
      const document = Buffer.concat([decipher.update(Buffer.from(stored.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      if (createHash('sha256').update(document, 'utf8').digest('hex') !== stored.sha256) throw new Error('digest mismatch');
      return { hsmName: stored.hsmName, requestId: stored.requestId, sha256: stored.sha256, document };
    } catch {
      throw appError('ValidationFailed', `The stored security domain ${file} does not decrypt with this Keyward's key, or it was changed.`);
    } finally {
      if (stored.format === FORMAT_WRAPPED) key.fill(0);
    }
  }

  /** True when the file exists and decrypts to the expected digest. */
  async holds(file: string, sha256: string): Promise<boolean> {
    if (!fs.existsSync(file)) return false;
    try {
      return (await this.read(file)).sha256 === sha256;
    } catch {
      return false;
    }
  }

  private key(): Buffer {
    if (!this.keyFile) throw appError('ConfigInvalid', 'No local security-domain key file in production mode.');
    if (!fs.existsSync(this.keyFile)) {
      try {
        writePrivateFile(this.keyFile, randomBytes(32), { exclusive: true });
      } catch (error) {
        // Another process made it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const key = fs.readFileSync(this.keyFile);
    if (key.length !== 32) throw appError('ConfigInvalid', `${this.keyFile} must hold exactly 32 bytes (the at-rest key for security domains).`);
    return key;
  }
}

function aad(hsmName: string, requestId: string): Buffer {
  return Buffer.from(`${FORMAT}|${hsmName.toLowerCase()}|${requestId}`, 'utf8');
}

function safe(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_');
}
