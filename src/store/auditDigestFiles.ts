import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appError, canonicalJson } from '../core';
import type { AuditDigest } from '../audit/auditDigest';
import type { DigestSink } from '../audit/auditDigester';

const DIGEST_FILE = /^digest-(\d{8})\.json$/;

function fileName(digest: AuditDigest): string {
  return `digest-${String(digest.number).padStart(8, '0')}.json`;
}

/**
 * The digest directory: one JSON file per digest (canonical JSON, the bytes the signature covers
 * plus the signature), never rewritten. Point KEYWARD_AUDIT_DIGEST_DIR at storage Keyward's
 * identity can only append to (e.g. an immutable blob container mounted on the App Service), or
 * ship the files there: copies outside Keyward's store are what make a rewrite of the log visible.
 */
export class AuditDigestDirectory implements DigestSink {
  constructor(readonly dir: string) {}

  writeMissing(digests: Iterable<AuditDigest>): number {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const present = new Set(fs.readdirSync(this.dir).filter((name) => DIGEST_FILE.test(name)));
    let written = 0;
    for (const digest of digests) {
      const name = fileName(digest);
      const content = `${canonicalJson(digest)}\n`;
      const file = path.join(this.dir, name);
      if (present.has(name)) {
        if (fs.readFileSync(file, 'utf8') !== content) {
          throw appError(
            'AuditChainBroken',
            `The digest file ${file} differs from digest ${digest.number} in Keyward's store; it was not overwritten. Run "npm run audit -- verify" and investigate.`,
            { digest: digest.number },
          );
        }
        continue;
      }
      // 'wx': never replace a digest file, even if another process writes the same one at once.
      try {
        fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
        written += 1;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return written;
  }

  /** Every digest file, parsed (unparseable ones as `{ unreadable: name }`, which verify reports). */
  read(): unknown[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((name) => DIGEST_FILE.test(name))
      .sort()
      .map((name) => {
        try {
          return JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as unknown;
        } catch {
          return { unreadable: name };
        }
      });
  }
}

/** `<key>.pem` → `<key>.pub.pem`: the public half, written beside the private key for verifiers. */
export function publicKeyFileFor(privateKeyFile: string): string {
  return `${privateKeyFile.replace(/\.pem$/i, '')}.pub.pem`;
}

/**
 * The Ed25519 key that signs audit digests: read from `file` (PKCS#8 PEM), or made on first use
 * (0600 in a 0700 directory) with its public half beside it. Losing the file only means later
 * digests use a new key, which the log records.
 */
export function loadOrCreateDigestKey(file: string): crypto.KeyObject {
  if (fs.existsSync(file)) {
    try {
      const key = crypto.createPrivateKey(fs.readFileSync(file));
      if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an ${key.asymmetricKeyType ?? 'unknown'} key`);
      return key;
    } catch (error) {
      const message = `The audit digest signing key ${file} (KEYWARD_AUDIT_SIGNING_KEY_FILE) is not an Ed25519 private key in PEM: ${error instanceof Error ? error.message : String(error)}. Restore it or move it away to start a new key.`;
      throw appError('ConfigInvalid', message, { problems: [{ variable: 'KEYWARD_AUDIT_SIGNING_KEY_FILE', message }] });
    }
  }
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written whole under a temporary name, then linked into place: link fails if the file exists,
  // so two processes starting at once end up with one key, and nobody reads half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  try {
    fs.linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateDigestKey(file);
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  fs.writeFileSync(publicKeyFileFor(file), publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return privateKey;
}
