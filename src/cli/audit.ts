/**
 * `npm run audit -- verify --fingerprint <sha256> | --public-key <pem> [--anchor <sequence>:<hash>]…`
 * checks the whole hash chain of the audit log in KEYWARD_DATA_DIR's store (or, with
 * KEYWARD_STORE=postgres, the PostgreSQL store KEYWARD_POSTGRES_* name) and names the first bad
 * record (exit 0 = intact, 1 = broken, 2 = could not run). It needs the signing key you trust,
 * pinned by its fingerprint (kept outside Keyward) or its public key: with it, every signed record
 * (submissions, votes, decisions) and the signed digests in the digest directory are checked, and
 * each digest's head must match the log — a rewritten log, or a rewritten vote, fails.
 * `npm run audit -- export [--out <file>] [--from <sequence>]` writes the records as JSON lines
 * (canonical JSON, the exact bytes the hashes cover). The store is opened read-only; nothing here
 * can change the log.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson, isAppError, publicKeyFingerprint, publicKeyFromSpki } from '../core';
import { auditDigestDir } from '../config/loadConfig';
import { formatAnchor, parseAnchor, signedRecordChecker, SIGNING_KEY_ACTION, verifyAuditStream, verifyDigestChain, type AuditAnchor } from '../audit';
import { AuditDigestDirectory, publicKeyFileFor } from '../store/auditDigestFiles';
import { auditReaderOver, openSqliteAuditReader, type AuditReader } from '../store/auditReader';
import { openCliDatabase } from './cliStore';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

const USAGE = `Usage:
  npm run audit -- verify (--fingerprint <sha256> | --public-key <pem>)... [--anchor <sequence>:<hash>]...
                          [--digests <dir>] [--no-digests] [--data-dir <dir>]
  npm run audit -- export [--out <file>] [--from <sequence>] [--data-dir <dir>]

verify  checks every record's hash and its link to the record before it, and that the log ends
        where its stored head says. It needs the key that signs Keyward's votes, decisions and
        digests, pinned: --fingerprint with the SHA-256 you kept outside Keyward (Keyward logs it at
        every start), or --public-key with its PEM. Every signed record (submissions, votes,
        decisions) must carry a valid signature by a pinned key, and the signed digests (default
        directory: KEYWARD_AUDIT_DIGEST_DIR, beside the data directory) must verify and match the
        log. --anchor adds checkpoints you kept from earlier runs. Exit code 0 = intact,
        1 = broken, 2 = could not run.
export  writes every record as one line of canonical JSON (stdout, or --out <file>).`;

export async function runAuditCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const options = parseOptions(rest);
  if (!command || command === 'help' || command === '--help' || !options.ok) {
    io.stderr(`${options.ok ? '' : `${options.error}\n\n`}${USAGE}\n`);
    return command === 'help' || command === '--help' ? 0 : 2;
  }
  const dataDir = path.resolve(options.dataDir ?? (io.env.KEYWARD_DATA_DIR?.trim() || '.data'));
  let reader: AuditReader;
  try {
    if (io.env.KEYWARD_STORE?.trim() === 'postgres') {
      // The PostgreSQL store the bot uses (KEYWARD_POSTGRES_*), in read-only transactions.
      const { db, where } = await openCliDatabase(io.env, { dataDir, readOnly: true });
      reader = await auditReaderOver(db, where);
    } else reader = await openSqliteAuditReader(path.join(dataDir, 'keyward.sqlite'));
  } catch (error) {
    io.stderr(`${isAppError(error) ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    if (command === 'verify') {
      const keys = await pinnedKeys(reader, dataDir, options, io);
      if (typeof keys === 'number') return keys;
      const digests = options.noDigests ? { anchors: [], lines: [] } : checkDigests(dataDir, options, io, keys);
      if (typeof digests === 'number') return digests;
      const trusted = new Map(keys.map((key) => [publicKeyFingerprint(key), key] as const));
      const result = await verifyAuditStream(reader.store.records(), {
        expectedHead: await reader.store.storedHead(),
        anchors: [...options.anchors, ...digests.anchors],
        checkRecord: signedRecordChecker((fingerprint) => trusted.get(fingerprint)),
      });
      if (result.ok) {
        io.stdout(
          `Audit log intact: ${result.records} record(s)${options.anchors.length > 0 ? `, ${options.anchors.length} checkpoint(s) matched` : ''}; every signed record verified with the pinned key(s) ${[...trusted.keys()].map((f) => `${f.slice(0, 16)}…`).join(', ')}.\n`,
        );
        for (const line of digests.lines) io.stdout(`${line}\n`);
        if (result.head)
          io.stdout(`Head: ${formatAnchor(result.head)}\nKeep this line outside Keyward (ticket, e-mail); pass it later as --anchor to prove the log was not rewritten.\n`);
        return 0;
      }
      const bad = result.firstBad!;
      const byDigest = digests.anchors.some((a) => a.sequence === bad.sequence) && (bad.problem === 'anchorMismatch' || bad.problem === 'anchorMissing');
      io.stdout(`Audit log BROKEN at record ${bad.sequence} (${bad.problem}): ${bad.message}${byDigest ? ' (a signed digest pinned this record)' : ''}.\n`);
      io.stdout(
        `Records before it verify (${result.records} read${result.head ? `, last good ${formatAnchor(result.head)}` : ''}). Investigate before trusting anything after it.\n`,
      );
      return 1;
    }
    if (command === 'export') {
      const lines: string[] = [];
      let count = 0;
      const out = options.out ? fs.openSync(path.resolve(options.out), 'w', 0o600) : undefined;
      const write = (text: string) => (out === undefined ? io.stdout(text) : fs.writeSync(out, text));
      for await (const record of reader.store.records(options.from)) {
        lines.push(`${canonicalJson(record)}\n`);
        count += 1;
        if (lines.length >= 500) write(lines.splice(0).join(''));
      }
      write(lines.join(''));
      if (out !== undefined) {
        fs.closeSync(out);
        io.stderr(`Exported ${count} audit record(s) to ${path.resolve(options.out!)}.\n`);
      }
      return 0;
    }
    io.stderr(`Unknown command "${command}".\n\n${USAGE}\n`);
    return 2;
  } finally {
    await reader.close();
  }
}

/**
 * The keys the operator pins: each --public-key file, and for each --fingerprint the public key
 * with that fingerprint from wherever it is found — the public key file beside the local signing
 * key, or the log's own key announcements (safe: the fingerprint decides, not the log). Returns an
 * exit code when there is no pin or a pinned fingerprint cannot be matched to a key.
 */
async function pinnedKeys(reader: AuditReader, dataDir: string, options: Extract<ParsedOptions, { ok: true }>, io: CliIo): Promise<crypto.KeyObject[] | number> {
  const keys: crypto.KeyObject[] = [];
  for (const file of options.publicKeys) {
    try {
      keys.push(crypto.createPublicKey(fs.readFileSync(path.resolve(dataDir, file))));
    } catch (error) {
      io.stderr(
        `Cannot read the public key ${path.resolve(dataDir, file)}: ${error instanceof Error ? error.message : String(error)}. Pass the PEM you keep with --public-key <pem>, or its SHA-256 with --fingerprint.\n`,
      );
      return 2;
    }
  }
  const announced = new Map<string, crypto.KeyObject>();
  const localPublic = publicKeyFileFor(path.resolve(dataDir, io.env.KEYWARD_AUDIT_SIGNING_KEY_FILE?.trim() || path.join('audit', 'digest-signing-key.pem')));
  try {
    const key = crypto.createPublicKey(fs.readFileSync(localPublic));
    announced.set(publicKeyFingerprint(key), key);
  } catch {
    // No local key file (production signs with Key Vault): the announcements in the log serve.
  }
  for await (const record of reader.store.records()) {
    if (record.action !== SIGNING_KEY_ACTION && record.action !== 'audit.digest.key') continue;
    const key = typeof record.details.publicKey === 'string' ? publicKeyFromSpki(record.details.publicKey) : undefined;
    if (key) announced.set(publicKeyFingerprint(key), key);
  }
  if (keys.length === 0 && options.fingerprints.length === 0) {
    const seen = [...announced.keys()];
    io.stderr(
      `verify needs the signing key you trust: pass --fingerprint <sha256 hex> (Keyward logs it at every start; compare with the copy you kept outside Keyward) or --public-key <pem>.${seen.length > 0 ? ` This log announces ${seen.length === 1 ? 'the key' : 'the keys'} ${seen.join(', ')} — do not pin a fingerprint because the log says so; pin the one you kept.` : ''}\n`,
    );
    return 2;
  }
  for (const fingerprint of options.fingerprints) {
    const key = announced.get(fingerprint);
    if (!key) {
      io.stderr(
        `No public key with the fingerprint ${fingerprint} is known here (not beside the local signing key, not announced in the log). Pass its PEM with --public-key, or check the fingerprint.\n`,
      );
      return 2;
    }
    keys.push(key);
  }
  return keys;
}

/**
 * The signed digests: read from the directory, checked among themselves with the pinned keys, and
 * turned into anchors for the chain check. Returns an exit code when it cannot go on.
 */
function checkDigests(
  dataDir: string,
  options: Extract<ParsedOptions, { ok: true }>,
  io: CliIo,
  keys: readonly crypto.KeyObject[],
): { anchors: AuditAnchor[]; lines: string[] } | number {
  const dir = options.digests ? path.resolve(dataDir, options.digests) : auditDigestDir(dataDir, io.env.KEYWARD_AUDIT_DIGEST_DIR?.trim() || undefined);
  const found = new AuditDigestDirectory(dir).read();
  if (found.length === 0) return { anchors: [], lines: [`No signed digests in ${dir}: only the hash chain, the signed records and your --anchor checkpoints were checked.`] };
  const checked = verifyDigestChain(found, keys);
  if (!checked.ok) {
    io.stdout(`Audit digests BROKEN at digest ${checked.number} (${checked.problem}): ${checked.message}. Directory: ${dir}.\n`);
    return 1;
  }
  return {
    anchors: checked.anchors,
    lines: [
      `Signed digests: ${checked.digests} verified (#${checked.first!.number}–#${checked.last!.number} in ${dir}); the last, made ${checked.last!.createdAt}, pins records up to ${checked.last!.toSequence}.`,
      `Signing key fingerprint (SHA-256): ${checked.last!.keyFingerprint}. It is one you pinned.`,
    ],
  };
}

type ParsedOptions =
  | { ok: true; anchors: AuditAnchor[]; out?: string; from?: number; dataDir?: string; digests?: string; publicKeys: string[]; fingerprints: string[]; noDigests?: boolean }
  | { ok: false; error: string };

function parseOptions(args: readonly string[]): ParsedOptions {
  const anchors: AuditAnchor[] = [];
  let out: string | undefined;
  let from: number | undefined;
  let dataDir: string | undefined;
  let digests: string | undefined;
  const publicKeys: string[] = [];
  const fingerprints: string[] = [];
  let noDigests = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const value = args[i + 1];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = () => {
      if (inline !== undefined) return inline;
      i += 1;
      return value;
    };
    switch (flag) {
      case '--anchor': {
        const anchor = parseAnchor(take() ?? '');
        if (!anchor) return { ok: false, error: '--anchor needs <sequence>:<sha256 hex>, as printed by "verify".' };
        anchors.push(anchor);
        break;
      }
      case '--out':
        out = take();
        if (!out) return { ok: false, error: '--out needs a file name.' };
        break;
      case '--from': {
        const parsed = Number(take());
        if (!Number.isInteger(parsed) || parsed < 1) return { ok: false, error: '--from needs a record number ≥ 1.' };
        from = parsed;
        break;
      }
      case '--digests':
        digests = take();
        if (!digests) return { ok: false, error: '--digests needs a directory.' };
        break;
      case '--public-key': {
        const file = take();
        if (!file) return { ok: false, error: '--public-key needs a PEM file.' };
        publicKeys.push(file);
        break;
      }
      case '--fingerprint': {
        const fingerprint = take()?.trim().toLowerCase().replace(/:/g, '');
        if (!fingerprint || !/^[0-9a-f]{64}$/.test(fingerprint))
          return { ok: false, error: '--fingerprint needs the SHA-256 of the signing key (64 hex characters), as Keyward logs it at start.' };
        fingerprints.push(fingerprint);
        break;
      }
      case '--no-digests':
        noDigests = true;
        break;
      case '--data-dir':
        dataDir = take();
        if (!dataDir) return { ok: false, error: '--data-dir needs a directory.' };
        break;
      default:
        return { ok: false, error: `Unknown option "${arg}".` };
    }
  }
  return { ok: true, anchors, out, from, dataDir, digests, publicKeys, fingerprints, noDigests };
}

if (require.main === module) {
  runAuditCli(process.argv.slice(2), { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(2);
    },
  );
}
