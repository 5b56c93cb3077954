import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appError, canonicalJson, isInside, type Clock } from '../core';
import type { Config } from '../config';
import { ChainedAuditLog, formatAnchor, SYSTEM_ACTOR, verifyAuditStream, verifyDigestChain, type AuditAnchor, type AuditDigest } from '../audit';
import { AuditDigestDirectory, publicKeyFileFor } from '../store/auditDigestFiles';
import { SqlAuditStore } from '../store/sqlAuditStore';
import { MIGRATIONS_LOCK, type SqlDatabase, type SqlValue } from '../store/sqlDatabase';
import { PostgresDatabase } from '../store/postgresDatabase';
import { openSqliteDatabase } from '../store/sqliteDatabase';
import {
  firstTableWithRows,
  importTable,
  openPostgresSnapshot,
  openSqliteSnapshot,
  postgresTargetTables,
  resetSequences,
  type SnapshotTable,
  type StoreSnapshot,
} from '../store/storeSnapshot';
import { sqliteFileIn } from './keywardStore';
import { KEYWARD_MIGRATIONS } from './storeSchema';

/**
 * Where Keyward's state lives, by role. Backups copy each role and restore puts it back where the
 * target configuration says (so a copy restores into another data directory too).
 */
export interface StatePaths {
  dataDir: string;
  storeFile: string;
  /** Signed audit digests (one file each). */
  digestDir: string;
  /** The digests' Ed25519 private key; its public half is beside it (.pub.pem). */
  signingKeyFile: string;
  /** The security domains' at-rest key. */
  executorDir: string;
  securityDomainDir: string;
  /** Key backups taken by runs. */
  keyBackupDir: string;
}

export function statePathsFrom(config: Pick<Config, 'dataDir' | 'backupDir' | 'auditDigests' | 'executor'>): StatePaths {
  return {
    dataDir: config.dataDir,
    storeFile: sqliteFileIn(config.dataDir),
    digestDir: config.auditDigests.dir,
    signingKeyFile: config.auditDigests.signingKeyFile,
    executorDir: path.join(config.dataDir, 'executor'),
    securityDomainDir: config.executor.securityDomainDir,
    keyBackupDir: config.backupDir,
  };
}

/**
 * Keyward's PostgreSQL database (KEYWARD_STORE=postgres) for backup and restore: how to open it —
 * read-only for a backup; for a restore, without migrations (the restore applies the copy's own
 * inside its transaction) — and how to name it in messages (never with a password).
 */
export interface PostgresLocation {
  open(options: { readOnly: boolean }): Promise<SqlDatabase>;
  where: string;
  /** A directory inside the data directory that belongs to the database (the local server's), not to Keyward's files. */
  serverDir?: string;
}

type FileRole = 'digests' | 'signingKey' | 'executor' | 'securityDomains' | 'keyBackups';

export interface BackupManifest {
  format: 'keyward-state-backup';
  version: 1;
  createdAt: string;
  keywardVersion: string;
  engine: 'sqlite' | 'postgres';
  migrations: string[];
  tables: Array<SnapshotTable & { file: string; rows: number; sha256: string }>;
  audit: { records: number; head: AuditAnchor | null; verified: true; digests: number; lastDigest: { number: number; toSequence: number; createdAt: string } | null };
  files: Array<{ role: FileRole; path: string; bytes: number; sha256: string }>;
  /** Where each role lived when the copy was made (absolute paths inside rows are moved on restore). */
  sourcePaths: Record<FileRole | 'dataDir', string>;
}

const MANIFEST = 'manifest.json';

/**
 * `npm run backup`: a consistent copy of Keyward's state, taken while Keyward serves. The store is
 * read through one consistent snapshot (storeSnapshot.ts) into engine-neutral JSON lines, one file
 * per table; that copy is then restored into a scratch database and its audit chain verified —
 * hash by hash, against its stored head and its signed digests — before the copy is declared
 * good. Files (digests, the digest key, the security domains' key and files, key backups) are
 * copied after the snapshot, so every file a stored row names is there. The manifest is written
 * last: a directory without one is not a backup.
 */
/**
 * `publicKeyFile`: the digests' public key when it is not beside a local signing key — in Azure
 * the digests are signed with a Key Vault key (KEYWARD_SIGNING_KEY_ID), so the operator passes
 * the PEM they keep outside Keyward. It is checked against the digests and kept in the copy.
 */
export async function backupState(options: {
  paths: StatePaths;
  out: string;
  clock: Clock;
  keywardVersion: string;
  log(line: string): void;
  postgres?: PostgresLocation;
  publicKeyFile?: string;
}): Promise<BackupManifest> {
  const { paths, log } = options;
  const out = path.resolve(options.out);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0)
    throw appError('BackupRefused', `${out} is not empty. Back up into a new directory (one per backup), e.g. --out ${out}-${options.clock.now().toISOString().slice(0, 10)}.`);
  if (isInside(out, paths.dataDir))
    throw appError('BackupRefused', `${out} is inside the data directory ${paths.dataDir}; a backup must live elsewhere (see "Keyward's own state" in the README).`);
  if (options.publicKeyFile) checkPublicKeyFile(options.publicKeyFile);
  fs.mkdirSync(path.join(out, 'store'), { recursive: true, mode: 0o700 });
  fs.chmodSync(out, 0o700);

  const snapshot = options.postgres ? await postgresSnapshot(options.postgres) : await openSqliteSnapshot(paths.storeFile);
  const createdAt = options.clock.now().toISOString();
  const tables: BackupManifest['tables'] = [];
  try {
    for (const table of snapshot.tables) tables.push({ ...table, ...(await dumpTable(snapshot, table, out)) });
  } finally {
    await snapshot.close();
  }
  log(
    `Store (${options.postgres ? `PostgreSQL ${options.postgres.where}` : 'SQLite'}): ${tables.length} tables, ${tables.reduce((n, t) => n + t.rows, 0)} rows, read in one consistent snapshot.`,
  );

  // Prove the copy: restore it into a scratch database and verify the audit chain in it.
  const scratch = path.join(out, '.verify.sqlite');
  const localPublicKey = publicKeyFileFor(paths.signingKeyFile);
  const publicKey = options.publicKeyFile ?? localPublicKey;
  let audit: BackupManifest['audit'];
  try {
    audit = await loadAndVerifySqlite(out, { migrations: [...snapshot.migrations], tables }, scratch, publicKey, undefined);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${scratch}${suffix}`, { force: true });
  }
  log(`Audit chain verified in the copy: ${audit.records} records${audit.head ? `, head ${formatAnchor(audit.head)}` : ''}; ${audit.digests} signed digest(s).`);

  const roles: Array<[FileRole, string]> = [
    ['digests', paths.digestDir],
    ['executor', paths.executorDir],
    ['securityDomains', paths.securityDomainDir],
    ['keyBackups', paths.keyBackupDir],
  ];
  const files: BackupManifest['files'] = [];
  for (const [role, dir] of roles) for (const file of listFiles(dir)) files.push(copyIn(out, role, dir, file));
  for (const file of [paths.signingKeyFile, localPublicKey]) if (fs.existsSync(file)) files.push(copyIn(out, 'signingKey', path.dirname(paths.signingKeyFile), file));
  // A public key given on the command line is kept where restore looks for the copy's own.
  if (options.publicKeyFile && !fs.existsSync(localPublicKey))
    files.push(copyIn(out, 'signingKey', path.dirname(options.publicKeyFile), options.publicKeyFile, path.basename(localPublicKey)));
  log(`Files: ${files.length} (signed digests, the digest key, the security domains' key and files, key backups).`);

  const manifest: BackupManifest = {
    format: 'keyward-state-backup',
    version: 1,
    createdAt,
    keywardVersion: options.keywardVersion,
    engine: snapshot.engine,
    migrations: [...snapshot.migrations],
    tables,
    audit,
    files,
    sourcePaths: {
      dataDir: paths.dataDir,
      digests: paths.digestDir,
      signingKey: path.dirname(paths.signingKeyFile),
      executor: paths.executorDir,
      securityDomains: paths.securityDomainDir,
      keyBackups: paths.keyBackupDir,
    },
  };
  fs.writeFileSync(path.join(out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

export interface RestoreResult {
  manifest: BackupManifest;
  head: AuditAnchor | null;
  lines: string[];
}

/**
 * `npm run restore`: puts a backup back into an EMPTY data directory — and, with
 * KEYWARD_STORE=postgres, an empty PostgreSQL database. Refuses a copy that is incomplete or
 * altered (checksums), from a newer Keyward (unknown migrations), whose audit chain does not
 * verify, or that is older than the newest signed digest Keyward wrote (the digests kept outside
 * Keyward, `digestsDir`): restoring it would silently drop audited actions, so the refusal says
 * which records and which period would be lost. A successful restore is itself audited. The copy
 * is engine-neutral: one taken from SQLite restores into PostgreSQL and the other way round.
 *
 * On PostgreSQL everything happens in ONE transaction — the copy's migrations, every row, the
 * audit chain verified against the copy's manifest and digests, the sequences moved on, the
 * restore's own audit record — so a refusal at any point leaves the database as empty as it was.
 */
export async function restoreState(options: {
  paths: StatePaths;
  from: string;
  digestsDir?: string;
  publicKeyFile?: string;
  acceptLoss?: boolean;
  clock: Clock;
  log(line: string): void;
  postgres?: PostgresLocation;
}): Promise<RestoreResult> {
  const { paths, log, postgres } = options;
  const from = path.resolve(options.from);
  const manifest = readManifest(from);
  checkFiles(from, manifest);
  const unknown = manifest.migrations.filter((id) => !KEYWARD_MIGRATIONS.some((m) => m.id === id));
  if (unknown.length > 0)
    throw appError(
      'BackupRefused',
      `This copy was made by a newer Keyward (${manifest.keywardVersion}; migrations ${unknown.join(', ')} are unknown here). Restore it with that version or newer.`,
    );
  const present = fs.existsSync(paths.dataDir)
    ? fs.readdirSync(paths.dataDir).filter((name) => !postgres?.serverDir || path.resolve(paths.dataDir, name) !== path.resolve(postgres.serverDir))
    : [];
  if (present.length > 0) {
    throw appError(
      'BackupRefused',
      `The data directory ${paths.dataDir} is not empty. Restore only into an empty directory: stop Keyward, move ${paths.dataDir} aside (keep it until the restore is checked), then run restore again.`,
    );
  }

  // The newest signed digest kept outside Keyward, if any: the copy must reach at least that far.
  const copyPublicKey = path.join(from, 'files', 'signingKey', path.basename(publicKeyFileFor(paths.signingKeyFile)));
  const external = readExternalDigests(options.digestsDir ?? paths.digestDir, options.publicKeyFile ?? copyPublicKey);
  const head = manifest.audit.head;
  let loss: { from: number; to: number; until: string } | undefined;
  if (external.last && (!head || external.last.toSequence > head.sequence)) {
    loss = { from: (head?.sequence ?? 0) + 1, to: external.last.toSequence, until: external.last.createdAt };
    const lost = loss.to - loss.from + 1;
    const what = `the copy ends at record ${head?.sequence ?? 0} (made ${manifest.createdAt}), but digest #${external.last.number} (signed ${external.last.createdAt}) proves the log reached record ${external.last.toSequence}. At least ${lost} audit record(s) (${loss.from}–${loss.to}) — every vote, approval, run step and change made between ${manifest.createdAt} and ${external.last.createdAt} — and the state they recorded would be lost`;
    if (!options.acceptLoss) {
      throw appError(
        'BackupRefused',
        `This copy is older than the newest signed audit digest, so restoring it would lose audited history: ${what}. Restore a newer backup. If none exists and you accept that loss, run restore again with --accept-loss (the loss is then audited). Nothing was changed.`,
        { backupHead: head?.sequence ?? 0, digestHead: external.last.toSequence, lost },
      );
    }
    log(`ACCEPTED LOSS (--accept-loss): ${what}.`);
  }

  const verifyWith = {
    anchors: external.anchors.filter((anchor) => anchor.sequence <= (head?.sequence ?? 0)),
    rewrite: pathRewriter(manifest.sourcePaths, paths),
    expect: manifest.audit,
  };
  const restoredEntry = (audit: BackupManifest['audit']) => ({
    actor: SYSTEM_ACTOR,
    action: 'state.restored',
    target: 'keyward',
    outcome: 'info' as const,
    details: {
      backupCreatedAt: manifest.createdAt,
      backupHead: audit.head ? formatAnchor(audit.head) : null,
      backupEngine: manifest.engine,
      restoredInto: postgres ? 'postgres' : 'sqlite',
      newestExternalDigest: external.last ? external.last.number : null,
      keywardVersion: manifest.keywardVersion,
      ...(loss ? { lostRecords: `${loss.from}-${loss.to}`, lostUntil: loss.until } : {}),
    },
  });

  // A PostgreSQL target must be empty and not ahead of the copy (checked before anything is written).
  const db = postgres ? await postgres.open({ readOnly: false }) : undefined;
  try {
    if (db && postgres) await checkEmptyTarget(db, manifest, postgres.where);

    // Files back where this configuration keeps them (a digest directory that already has digests — the copy kept outside — is left as it is).
    fs.mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
    const targets: Record<FileRole, string> = {
      digests: paths.digestDir,
      signingKey: path.dirname(paths.signingKeyFile),
      executor: paths.executorDir,
      securityDomains: paths.securityDomainDir,
      keyBackups: paths.keyBackupDir,
    };
    const keepDigests = fs.existsSync(paths.digestDir) && fs.readdirSync(paths.digestDir).length > 0;
    const written: string[] = [];
    const created: string[] = [];
    // What this restore made (files, and directories that did not exist) goes again when it fails.
    const undoFiles = () => {
      for (const file of written) fs.rmSync(file, { force: true });
      for (const dir of created.reverse()) fs.rmSync(dir, { recursive: true, force: true });
    };

    let audit: BackupManifest['audit'];
    let newHead: AuditAnchor | null;
    if (db && postgres) {
      // Files first (the data directory was empty: a failure below removes them again), then the
      // database in one transaction — the commit is the restore.
      try {
        copyFilesOut(from, manifest, targets, keepDigests, written, created);
        ({ audit, newHead } = await db.atomic(async () => {
          // A Keyward starting meanwhile waits at its migrations, then finds the restored rows.
          await db.lock(MIGRATIONS_LOCK);
          await db.migrate(KEYWARD_MIGRATIONS.filter((m) => manifest.migrations.includes(m.id)));
          const verified = await importAndVerify(db, from, manifest, copyPublicKey, verifyWith);
          await resetSequences(
            db,
            manifest.tables.map((t) => t.name),
          );
          const record = await new ChainedAuditLog(new SqlAuditStore(db), options.clock).append(restoredEntry(verified));
          return { audit: verified, newHead: { sequence: record.sequence, hash: record.hash } };
        }));
      } catch (error) {
        undoFiles();
        throw error;
      }
    } else {
      const restoring = `${paths.storeFile}.restoring`;
      try {
        audit = await loadAndVerifySqlite(from, manifest, restoring, copyPublicKey, verifyWith);
        copyFilesOut(from, manifest, targets, keepDigests, written, created);
      } catch (error) {
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${restoring}${suffix}`, { force: true });
        undoFiles();
        throw error;
      }
      fs.renameSync(restoring, paths.storeFile);
      fs.chmodSync(paths.storeFile, 0o600);
      // The restore is itself on the record, at the end of the restored chain.
      const restored = await openSqliteDatabase({ file: paths.storeFile, migrations: KEYWARD_MIGRATIONS.filter((m) => manifest.migrations.includes(m.id)) });
      try {
        const chain = new ChainedAuditLog(new SqlAuditStore(restored), options.clock);
        const record = await restored.atomic(() => chain.append(restoredEntry(audit)));
        newHead = { sequence: record.sequence, hash: record.hash };
      } finally {
        await restored.close();
      }
    }

    const lines = [
      `Restored the copy made ${manifest.createdAt} (Keyward ${manifest.keywardVersion}, ${manifest.engine}) into ${postgres ? `PostgreSQL ${postgres.where} and ` : ''}${paths.dataDir}: ${manifest.tables.reduce((n, t) => n + t.rows, 0)} rows, ${written.length} file(s).`,
      `Audit chain verified: ${audit.records} records${audit.head ? ` up to ${formatAnchor(audit.head)}` : ''}, ${audit.digests} signed digest(s) in the copy${external.last ? `; it matches the newest signed digest kept outside (#${external.last.number}, record ${external.last.toSequence})` : '; no signed digests were found outside the copy to compare with'}.`,
      `Not in this copy: anything Keyward did after ${manifest.createdAt}.${external.last ? '' : ' Without the digests kept outside Keyward, that cannot be checked: pass --digests <dir> with them.'}`,
      `The restore is audited as record ${newHead?.sequence ?? '?'} (state.restored). Next: npm run audit -- verify, then start Keyward.${keepDigests ? ` The digests already in ${paths.digestDir} were kept.` : ''}`,
      ...(loss
        ? [
            `The digests in ${options.digestsDir ?? paths.digestDir} pin records ${loss.from}–${loss.to}, which this log no longer has: move them to an archive (keep them as evidence of what was lost) before starting Keyward, or "audit verify" will report the gap.`,
          ]
        : []),
    ];
    for (const line of lines) log(line);
    return { manifest, head: newHead, lines };
  } finally {
    await db?.close();
  }
}

// ------------------------------------------------------------------------------------ internals

async function dumpTable(snapshot: StoreSnapshot, table: SnapshotTable, out: string): Promise<{ file: string; rows: number; sha256: string }> {
  const file = path.join('store', `${table.name}.jsonl`);
  const fd = fs.openSync(path.join(out, file), 'w', 0o600);
  const hash = crypto.createHash('sha256');
  let rows = 0;
  let buffer: string[] = [];
  const flush = () => {
    const text = buffer.join('');
    hash.update(text);
    fs.writeSync(fd, text);
    buffer = [];
  };
  try {
    for await (const row of snapshot.rows(table.name)) {
      buffer.push(`${canonicalJson(row)}\n`);
      rows += 1;
      if (buffer.length >= 500) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return { file, rows, sha256: hash.digest('hex') };
}

function* readRows(dir: string, file: string, rewrite?: (value: string) => string): Iterable<Record<string, SqlValue>> {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  for (const line of text.split('\n')) {
    if (!line) continue;
    const row = JSON.parse(line) as Record<string, SqlValue>;
    if (rewrite) for (const [key, value] of Object.entries(row)) if (typeof value === 'string') row[key] = rewrite(value);
    yield row;
  }
}

/** Loads the copy into a new SQLite file (migrated to the copy's own schema) and verifies it there (importAndVerify). */
async function loadAndVerifySqlite(
  dir: string,
  manifest: Pick<BackupManifest, 'migrations' | 'tables'>,
  file: string,
  publicKeyFile: string,
  extra: VerifyExtra | undefined,
): Promise<BackupManifest['audit']> {
  const db = await openSqliteDatabase({ file, migrations: KEYWARD_MIGRATIONS.filter((m) => manifest.migrations.includes(m.id)) });
  try {
    return await importAndVerify(db, dir, manifest, publicKeyFile, extra);
  } finally {
    await db.close();
  }
}

interface VerifyExtra {
  /** From digests kept outside the copy. */
  anchors?: AuditAnchor[];
  /** Moves absolute paths inside rows to this configuration's directories. */
  rewrite?: (value: string) => string;
  /** What the copy's manifest says its chain is (a restore checks the rows say the same). */
  expect?: BackupManifest['audit'];
}

/**
 * Loads the copy's tables into `db` (migrated, empty) and verifies its audit chain: every hash and
 * link, the stored head, the copy's signed digests (with the copy's public key), any anchors from
 * digests kept outside, and — on restore — that it is the chain the manifest describes.
 */
async function importAndVerify(
  db: SqlDatabase,
  dir: string,
  manifest: Pick<BackupManifest, 'tables'>,
  publicKeyFile: string,
  extra: VerifyExtra | undefined,
): Promise<BackupManifest['audit']> {
  for (const table of manifest.tables) await importTable(db, table, readRows(dir, table.file, extra?.rewrite));
  const store = new SqlAuditStore(db);
  const digests = await store.digests();
  let anchors: AuditAnchor[] = [...(extra?.anchors ?? [])];
  if (digests.length > 0) {
    if (!fs.existsSync(publicKeyFile))
      throw appError(
        'BackupRefused',
        `The copy has ${digests.length} signed digest(s) but no public key to check them (${publicKeyFile}). When the digests are signed with a Key Vault key (KEYWARD_SIGNING_KEY_ID), pass its public key with --public-key <pem> (the copy you keep outside Keyward).`,
      );
    const checked = verifyDigestChain(digests, crypto.createPublicKey(fs.readFileSync(publicKeyFile)));
    if (!checked.ok) throw appError('AuditChainBroken', `The signed digests in the copy do not verify (digest ${checked.number}: ${checked.message}). Do not use this copy.`);
    anchors = [...anchors, ...checked.anchors];
  }
  const head = await store.storedHead();
  const result = await verifyAuditStream(store.records(), { expectedHead: head, anchors });
  if (!result.ok) {
    const bad = result.firstBad!;
    throw appError(
      'AuditChainBroken',
      `The audit chain in the copy does not verify: record ${bad.sequence} (${bad.problem}): ${bad.message}. Do not use this copy; take a new backup from a store whose "npm run audit -- verify" passes.`,
      { sequence: bad.sequence, problem: bad.problem },
    );
  }
  const expect = extra?.expect;
  if (expect && (result.records !== expect.records || formatAnchor(head ?? { sequence: 0, hash: '' }) !== formatAnchor(expect.head ?? { sequence: 0, hash: '' }))) {
    throw appError(
      'BackupRefused',
      `The copy's rows hold ${result.records} audit records up to ${head ? formatAnchor(head) : 'nothing'}, but its manifest says ${expect.records} up to ${expect.head ? formatAnchor(expect.head) : 'nothing'}. Do not use this copy.`,
    );
  }
  const last = digests[digests.length - 1];
  return {
    records: result.records,
    head: head ?? null,
    verified: true,
    digests: digests.length,
    lastDigest: last ? { number: last.number, toSequence: last.toSequence, createdAt: last.createdAt } : null,
  };
}

/** A PostgreSQL snapshot over a read-only pool of its own, closed with the snapshot. */
async function postgresSnapshot(location: PostgresLocation): Promise<StoreSnapshot> {
  const db = await location.open({ readOnly: true });
  if (!(db instanceof PostgresDatabase)) {
    await db.close();
    throw appError('Internal', 'KEYWARD_STORE=postgres opened a database that is not PostgreSQL.');
  }
  try {
    const snapshot = await openPostgresSnapshot(db);
    const close = snapshot.close.bind(snapshot);
    return Object.assign(snapshot, { close: async () => (await close(), await db.close()) });
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * The restore's PostgreSQL target: empty in every Keyward table, and not migrated beyond the copy
 * (a newer Keyward's schema would take the older rows without the data changes its migrations make).
 */
async function checkEmptyTarget(db: SqlDatabase, manifest: BackupManifest, where: string): Promise<void> {
  const tables = [...(await postgresTargetTables(db)).keys()];
  if (tables.includes('schema_migrations')) {
    const applied = (await db.all<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id);
    const ahead = applied.filter((id) => !manifest.migrations.includes(id));
    if (ahead.length > 0)
      throw appError(
        'BackupRefused',
        `The PostgreSQL database ${where} was prepared by a newer Keyward than the one that made this copy (migrations ${ahead.join(', ')} are not in the copy). Restore into a new, empty database (CREATE DATABASE …; grant Keyward's role as in infra/postgres-role.sql), then start the newer Keyward on it. Nothing was changed.`,
      );
  }
  const occupied = await firstTableWithRows(
    db,
    tables.filter((table) => table !== 'schema_migrations'),
  );
  if (occupied) {
    throw appError(
      'BackupRefused',
      `The PostgreSQL database ${where} is not empty (table ${occupied} has rows). Restore only into an empty database: stop every Keyward instance, create a new database (or empty this one after keeping a copy), point KEYWARD_POSTGRES_URL at it and run restore again. Nothing was changed.`,
    );
  }
}

function copyFilesOut(from: string, manifest: BackupManifest, targets: Record<FileRole, string>, keepDigests: boolean, written: string[], created: string[]): void {
  for (const file of manifest.files) {
    if (file.role === 'digests' && keepDigests) continue;
    const target = path.join(targets[file.role], file.path);
    const made = fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    if (made) created.push(made);
    fs.copyFileSync(path.join(from, 'files', file.role, file.path), target);
    fs.chmodSync(target, 0o600);
    written.push(target);
  }
}

function readManifest(from: string): BackupManifest {
  const file = path.join(from, MANIFEST);
  if (!fs.existsSync(file)) throw appError('BackupRefused', `${from} is not a complete Keyward backup (no ${MANIFEST}: the backup did not finish, or this is another directory).`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupManifest;
  if (manifest.format !== 'keyward-state-backup' || manifest.version !== 1) throw appError('BackupRefused', `${file} is not a Keyward state backup this version can read.`);
  return manifest;
}

function checkFiles(from: string, manifest: BackupManifest): void {
  for (const table of manifest.tables) {
    const actual = sha256File(path.join(from, table.file));
    if (actual !== table.sha256) throw appError('BackupRefused', `${table.file} in the copy was changed or damaged since the backup (SHA-256 differs). Do not use this copy.`);
  }
  for (const file of manifest.files) {
    const actual = sha256File(path.join(from, 'files', file.role, file.path));
    if (actual !== file.sha256)
      throw appError('BackupRefused', `files/${file.role}/${file.path} in the copy was changed or damaged since the backup (SHA-256 differs). Do not use this copy.`);
  }
}

function readExternalDigests(dir: string, publicKeyFile: string): { last?: AuditDigest; anchors: AuditAnchor[] } {
  const found = fs.existsSync(dir) ? new AuditDigestDirectory(dir).read() : [];
  if (found.length === 0) return { anchors: [] };
  if (!fs.existsSync(publicKeyFile))
    throw appError('BackupRefused', `Signed digests were found in ${dir} but no public key to check them; pass --public-key <pem> (the copy you keep outside Keyward).`);
  const checked = verifyDigestChain(found, crypto.createPublicKey(fs.readFileSync(publicKeyFile)));
  if (!checked.ok)
    throw appError(
      'AuditChainBroken',
      `The signed digests in ${dir} do not verify (digest ${checked.number}: ${checked.message}); cannot tell what a restore would lose. Investigate before restoring.`,
    );
  return { last: checked.last as AuditDigest | undefined, anchors: checked.anchors };
}

function pathRewriter(source: BackupManifest['sourcePaths'], target: StatePaths): ((value: string) => string) | undefined {
  const pairs: Array<[string, string]> = [
    [source.securityDomains, target.securityDomainDir],
    [source.keyBackups, target.keyBackupDir],
    [source.executor, target.executorDir],
    [source.digests, target.digestDir],
    [source.signingKey, path.dirname(target.signingKeyFile)],
    [source.dataDir, target.dataDir],
  ].filter(([a, b]) => a !== b) as Array<[string, string]>;
  if (pairs.length === 0) return undefined;
  return (value) => {
    for (const [a, b] of pairs) if (value.includes(`${a}${path.sep}`)) value = value.split(`${a}${path.sep}`).join(`${b}${path.sep}`);
    return value;
  };
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** A public key given on the command line must be a readable PEM public key before anything is written. */
function checkPublicKeyFile(file: string): void {
  try {
    crypto.createPublicKey(fs.readFileSync(file));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : 'it is not a PEM public key';
    throw appError('BackupRefused', `Cannot use --public-key ${file}: ${why}. Pass the digests' public key (the .pub.pem you keep outside Keyward). Nothing was written.`);
  }
}

/** Copies `file` into the copy as `files/<role>/<relative>` (by default its path below `root`). */
function copyIn(out: string, role: FileRole, root: string, file: string, relative = path.relative(root, file)): BackupManifest['files'][number] {
  const target = path.join(out, 'files', role, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  fs.copyFileSync(file, target);
  fs.chmodSync(target, 0o600);
  return { role, path: relative, bytes: fs.statSync(target).size, sha256: sha256File(target) };
}

function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
