import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appError } from '../core';
import { writePrivateFile } from './privateFiles';

const FORMAT = 'keyward.security-domain-at-rest/v1';

interface StoredSecurityDomain {
  format: typeof FORMAT;
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
 * second layer at rest, AES-256-GCM under a key in its data directory, so a copied file alone is
 * useless and any change to it is detected. Files and the key are mode 0600, directories 0700.
 * The security domain never goes to logs, cards, chat or the audit log (only its SHA-256 does).
 */
export class SecurityDomainVault {
  constructor(
    private readonly directory: string,
    private readonly keyFile: string,
  ) {}

  /** Encrypts and writes the document; returns the file and the document's SHA-256. */
  store(input: { hsmName: string; requestId: string; document: string; storedAt: Date }): { file: string; sha256: string } {
    const key = this.key();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(input.hsmName, input.requestId));
    const ciphertext = Buffer.concat([cipher.update(input.document, 'utf8'), cipher.final()]);
    const sha256 = createHash('sha256').update(input.document, 'utf8').digest('hex');
    const stored: StoredSecurityDomain = {
      format: FORMAT,
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
  read(file: string): { hsmName: string; requestId: string; sha256: string; document: string } {
    let stored: StoredSecurityDomain;
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredSecurityDomain;
    } catch (error) {
      throw appError('NotFound', `The stored security domain ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (stored.format !== FORMAT) throw appError('ValidationFailed', `${file} is not a security domain stored by Keyward.`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key(), Buffer.from(stored.iv, 'base64url'));
      decipher.setAAD(aad(stored.hsmName, stored.requestId));
      decipher.setAuthTag(Buffer.from(stored.tag, 'base64url'));
      const document = Buffer.concat([decipher.update(Buffer.from(stored.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      if (createHash('sha256').update(document, 'utf8').digest('hex') !== stored.sha256) throw new Error('digest mismatch');
      return { hsmName: stored.hsmName, requestId: stored.requestId, sha256: stored.sha256, document };
    } catch {
      throw appError('ValidationFailed', `The stored security domain ${file} does not decrypt with this Keyward's key, or it was changed.`);
    }
  }

  /** True when the file exists and decrypts to the expected digest. */
  holds(file: string, sha256: string): boolean {
    if (!fs.existsSync(file)) return false;
    try {
      return this.read(file).sha256 === sha256;
    } catch {
      return false;
    }
  }

  private key(): Buffer {
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
