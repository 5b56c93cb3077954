/**
 * `npm run audit -- verify [--anchor <sequence>:<hash>]…` checks the whole hash chain of the
 * audit log in KEYWARD_DATA_DIR's store (or, with KEYWARD_STORE=postgres, the PostgreSQL store
 * KEYWARD_POSTGRES_* name) and names the first bad record (exit 0 = intact,
 * 1 = broken, 2 = could not run). The signed digests in the digest directory are checked too
 * (signatures, their own chain) and each one's head must match the log: a rewritten log fails. `npm run audit -- export [--out <file>] [--from <sequence>]`
 * writes the records as JSON lines (canonical JSON, the exact bytes the hashes cover).
 * The store is opened read-only; nothing here can change the log.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson, isAppError } from '../core';
import { formatAnchor, parseAnchor, publicKeyFingerprint, verifyAuditStream, verifyDigestChain, type AuditAnchor } from '../audit';
import { AuditDigestDirectory, publicKeyFileFor } from '../store/auditDigestFiles';
import { auditReaderOver, openSqliteAuditReader, type AuditReader } from '../store/auditReader';
import { openCliDatabase } from './cliStore';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

const USAGE = `Usage:
  npm run audit -- verify [--anchor <sequence>:<hash>]... [--digests <dir>] [--public-key <pem>]
                          [--no-digests] [--data-dir <dir>]
  npm run audit -- export [--out <file>] [--from <sequence>] [--data-dir <dir>]

verify  checks every record's hash and its link to the record before it, and that the log ends
        where its stored head says. It also checks the signed digests (default: the digest
        directory, KEYWARD_AUDIT_DIGEST_DIR) with the public key (default: beside the signing key;
        better: the copy you keep elsewhere) and that the log still matches each digest.
        --anchor adds checkpoints you kept elsewhere from earlier runs. Both catch a log that was
        cut and rewritten. Exit code 0 = intact, 1 = broken, 2 = could not run.
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
      const digests = options.noDigests ? { anchors: [], lines: [] } : checkDigests(dataDir, options, io);
      if (typeof digests === 'number') return digests;
      const result = await verifyAuditStream(reader.store.records(), { expectedHead: await reader.store.storedHead(), anchors: [...options.anchors, ...digests.anchors] });
      if (result.ok) {
        io.stdout(`Audit log intact: ${result.records} record(s)${options.anchors.length > 0 ? `, ${options.anchors.length} checkpoint(s) matched` : ''}.\n`);
        for (const line of digests.lines) io.stdout(`${line}\n`);
        if (result.head) io.stdout(`Head: ${formatAnchor(result.head)}\nKeep this line outside Keyward (ticket, e-mail); pass it later as --anchor to prove the log was not rewritten.\n`);
        return 0;
      }
      const bad = result.firstBad!;
      const byDigest = digests.anchors.some((a) => a.sequence === bad.sequence) && (bad.problem === 'anchorMismatch' || bad.problem === 'anchorMissing');
      io.stdout(`Audit log BROKEN at record ${bad.sequence} (${bad.problem}): ${bad.message}${byDigest ? ' (a signed digest pinned this record)' : ''}.\n`);
      io.stdout(`Records before it verify (${result.records} read${result.head ? `, last good ${formatAnchor(result.head)}` : ''}). Investigate before trusting anything after it.\n`);
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
 * The signed digests: read from the directory, checked among themselves with the public key, and
 * turned into anchors for the chain check. Returns an exit code when it cannot go on.
 */
function checkDigests(dataDir: string, options: Extract<ParsedOptions, { ok: true }>, io: CliIo): { anchors: AuditAnchor[]; lines: string[] } | number {
  const dir = path.resolve(dataDir, options.digests ?? (io.env.KEYWARD_AUDIT_DIGEST_DIR?.trim() || 'audit-digests'));
  const found = new AuditDigestDirectory(dir).read();
  if (found.length === 0) return { anchors: [], lines: [`No signed digests in ${dir}: only the hash chain and your --anchor checkpoints were checked.`] };
  const keyFile = path.resolve(dataDir, options.publicKey ?? publicKeyFileFor(io.env.KEYWARD_AUDIT_SIGNING_KEY_FILE?.trim() || path.join('audit', 'digest-signing-key.pem')));
  let publicKey: crypto.KeyObject;
  try {
    publicKey = crypto.createPublicKey(fs.readFileSync(keyFile));
  } catch (error) {
    io.stderr(`Cannot read the digest public key ${keyFile}: ${error instanceof Error ? error.message : String(error)}. Pass the one you keep with --public-key <pem>, or --no-digests.\n`);
    return 2;
  }
  const checked = verifyDigestChain(found, publicKey);
  if (!checked.ok) {
    io.stdout(`Audit digests BROKEN at digest ${checked.number} (${checked.problem}): ${checked.message}. Directory: ${dir}.\n`);
    return 1;
  }
  const fingerprint = publicKeyFingerprint(publicKey);
  return {
    anchors: checked.anchors,
    lines: [
      `Signed digests: ${checked.digests} verified (#${checked.first!.number}–#${checked.last!.number} in ${dir}); the last, made ${checked.last!.createdAt}, pins records up to ${checked.last!.toSequence}.`,
      `Digest key fingerprint (SHA-256): ${fingerprint}. Compare it with the one you keep outside Keyward.`,
    ],
  };
}

type ParsedOptions = { ok: true; anchors: AuditAnchor[]; out?: string; from?: number; dataDir?: string; digests?: string; publicKey?: string; noDigests?: boolean } | { ok: false; error: string };

function parseOptions(args: readonly string[]): ParsedOptions {
  const anchors: AuditAnchor[] = [];
  let out: string | undefined;
  let from: number | undefined;
  let dataDir: string | undefined;
  let digests: string | undefined;
  let publicKey: string | undefined;
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
      case '--public-key':
        publicKey = take();
        if (!publicKey) return { ok: false, error: '--public-key needs a PEM file.' };
        break;
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
  return { ok: true, anchors, out, from, dataDir, digests, publicKey, noDigests };
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
