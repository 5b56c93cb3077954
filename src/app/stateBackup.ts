import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appError, canonicalJson, type Clock } from '../core';
import type { Config } from '../config';
import { ChainedAuditLog, formatAnchor, SYSTEM_ACTOR, verifyAuditStream, verifyDigestChain, type AuditAnchor, type AuditDigest } from '../audit';
import { AuditDigestDirectory, publicKeyFileFor } from '../store/auditDigestFiles';
import { SqlAuditStore } from '../store/sqlAuditStore';
import type { SqlValue } from '../store/sqlDatabase';
import { openSqliteDatabase } from '../store/sqliteDatabase';
import { importTable, openSqliteSnapshot, type SnapshotTable, type StoreSnapshot } from '../store/storeSnapshot';
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
export async function backupState(options: { paths: StatePaths; out: string; clock: Clock; keywardVersion: string; log(line: string): void }): Promise<BackupManifest> {
  const { paths, log } = options;
  const out = path.resolve(options.out);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) throw appError('BackupRefused', `${out} is not empty. Back up into a new directory (one per backup), e.g. --out ${out}-${options.clock.now().toISOString().slice(0, 10)}.`);
  if (isInside(out, paths.dataDir)) throw appError('BackupRefused', `${out} is inside the data directory ${paths.dataDir}; a backup must live elsewhere (see "Keyward's own state" in the README).`);
  fs.mkdirSync(path.join(out, 'store'), { recursive: true, mode: 0o700 });
  fs.chmodSync(out, 0o700);

  const snapshot = await openSqliteSnapshot(paths.storeFile);
  const createdAt = options.clock.now().toISOString();
  const tables: BackupManifest['tables'] = [];
  try {
    for (const table of snapshot.tables) tables.push({ ...table, ...(await dumpTable(snapshot, table, out)) });
  } finally {
    await snapshot.close();
  }
  log(`Store: ${tables.length} tables, ${tables.reduce((n, t) => n + t.rows, 0)} rows, read in one consistent snapshot.`);

  // Prove the copy: restore it into a scratch database and verify the audit chain in it.
  const scratch = path.join(out, '.verify.sqlite');
  let audit: BackupManifest['audit'];
  try {
    audit = await loadAndVerify(out, { migrations: [...snapshot.migrations], tables }, scratch, publicKeyFileFor(paths.signingKeyFile), undefined);
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
  for (const file of [paths.signingKeyFile, publicKeyFileFor(paths.signingKeyFile)]) if (fs.existsSync(file)) files.push(copyIn(out, 'signingKey', path.dirname(paths.signingKeyFile), file));
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
    sourcePaths: { dataDir: paths.dataDir, digests: paths.digestDir, signingKey: path.dirname(paths.signingKeyFile), executor: paths.executorDir, securityDomains: paths.securityDomainDir, keyBackups: paths.keyBackupDir },
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
 * `npm run restore`: puts a backup back into an EMPTY data directory. Refuses a copy that is
 * incomplete or altered (checksums), from a newer Keyward (unknown migrations), whose audit chain
 * does not verify, or that is older than the newest signed digest Keyward wrote (the digests kept
 * outside Keyward, `digestsDir`): restoring it would silently drop audited actions, so the refusal
 * says which records and which period would be lost. A successful restore is itself audited.
 */
export async function restoreState(options: { paths: StatePaths; from: string; digestsDir?: string; publicKeyFile?: string; acceptLoss?: boolean; clock: Clock; log(line: string): void }): Promise<RestoreResult> {
  const { paths, log } = options;
  const from = path.resolve(options.from);
  const manifest = readManifest(from);
  checkFiles(from, manifest);
  const unknown = manifest.migrations.filter((id) => !KEYWARD_MIGRATIONS.some((m) => m.id === id));
  if (unknown.length > 0) throw appError('BackupRefused', `This copy was made by a newer Keyward (${manifest.keywardVersion}; migrations ${unknown.join(', ')} are unknown here). Restore it with that version or newer.`);
  if (fs.existsSync(paths.dataDir) && fs.readdirSync(paths.dataDir).length > 0) {
    throw appError('BackupRefused', `The data directory ${paths.dataDir} is not empty. Restore only into an empty directory: stop Keyward, move ${paths.dataDir} aside (keep it until the restore is checked), then run restore again.`);
  }

  // The newest signed digest kept outside Keyward, if any: the copy must reach at least that far.
  const external = readExternalDigests(options.digestsDir ?? paths.digestDir, options.publicKeyFile ?? path.join(from, 'files', 'signingKey', path.basename(publicKeyFileFor(paths.signingKeyFile))));
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

  fs.mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
  const restoring = `${paths.storeFile}.restoring`;
  let audit: BackupManifest['audit'];
  try {
    audit = await loadAndVerify(from, manifest, restoring, path.join(from, 'files', 'signingKey', path.basename(publicKeyFileFor(paths.signingKeyFile))), { anchors: external.anchors.filter((anchor) => anchor.sequence <= (head?.sequence ?? 0)), rewrite: pathRewriter(manifest.sourcePaths, paths) });
  } catch (error) {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${restoring}${suffix}`, { force: true });
    throw error;
  }

  // Files back where this configuration keeps them (a digest directory that already has digests — the copy kept outside — is left as it is).
  const targets: Record<FileRole, string> = { digests: paths.digestDir, signingKey: path.dirname(paths.signingKeyFile), executor: paths.executorDir, securityDomains: paths.securityDomainDir, keyBackups: paths.keyBackupDir };
  const keepDigests = fs.existsSync(paths.digestDir) && fs.readdirSync(paths.digestDir).length > 0;
  let restoredFiles = 0;
  for (const file of manifest.files) {
    if (file.role === 'digests' && keepDigests) continue;
    const target = path.join(targets[file.role], file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    fs.copyFileSync(path.join(from, 'files', file.role, file.path), target);
    fs.chmodSync(target, 0o600);
    restoredFiles += 1;
  }
  fs.renameSync(restoring, paths.storeFile);
  fs.chmodSync(paths.storeFile, 0o600);

  // The restore is itself on the record, at the end of the restored chain.
  const db = await openSqliteDatabase({ file: paths.storeFile, migrations: KEYWARD_MIGRATIONS.filter((m) => manifest.migrations.includes(m.id)) });
  let newHead: AuditAnchor | null = audit.head;
  try {
    const log = new ChainedAuditLog(new SqlAuditStore(db), options.clock);
    const record = await db.atomic(() =>
      log.append({ actor: SYSTEM_ACTOR, action: 'state.restored', target: 'keyward', outcome: 'info', details: { backupCreatedAt: manifest.createdAt, backupHead: audit.head ? formatAnchor(audit.head) : null, newestExternalDigest: external.last ? external.last.number : null, keywardVersion: manifest.keywardVersion, ...(loss ? { lostRecords: `${loss.from}-${loss.to}`, lostUntil: loss.until } : {}) } }),
    );
    newHead = { sequence: record.sequence, hash: record.hash };
  } finally {
    await db.close();
  }

  const lines = [
    `Restored the copy made ${manifest.createdAt} (Keyward ${manifest.keywardVersion}) into ${paths.dataDir}: ${manifest.tables.reduce((n, t) => n + t.rows, 0)} rows, ${restoredFiles} file(s).`,
    `Audit chain verified: ${audit.records} records${audit.head ? ` up to ${formatAnchor(audit.head)}` : ''}, ${audit.digests} signed digest(s) in the copy${external.last ? `; it matches the newest signed digest kept outside (#${external.last.number}, record ${external.last.toSequence})` : '; no signed digests were found outside the copy to compare with'}.`,
    `Not in this copy: anything Keyward did after ${manifest.createdAt}.${external.last ? '' : ' Without the digests kept outside Keyward, that cannot be checked: pass --digests <dir> with them.'}`,
    `The restore is audited as record ${newHead?.sequence ?? '?'} (state.restored). Next: npm run audit -- verify, then start Keyward.${keepDigests ? ` The digests already in ${paths.digestDir} were kept.` : ''}`,
    ...(loss ? [`The digests in ${options.digestsDir ?? paths.digestDir} pin records ${loss.from}–${loss.to}, which this log no longer has: move them to an archive (keep them as evidence of what was lost) before starting Keyward, or "audit verify" will report the gap.`] : []),
  ];
  for (const line of lines) log(line);
  return { manifest, head: newHead, lines };
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

/**
 * Loads the copy's tables into a new SQLite file (migrated to the copy's own schema) and verifies
 * its audit chain: every hash and link, the stored head, the copy's signed digests (with the copy's
 * public key) and any anchors from digests kept outside.
 */
async function loadAndVerify(dir: string, manifest: Pick<BackupManifest, 'migrations' | 'tables'>, file: string, publicKeyFile: string, extra: { anchors?: AuditAnchor[]; rewrite?: (value: string) => string } | undefined): Promise<BackupManifest['audit']> {
  const db = await openSqliteDatabase({ file, migrations: KEYWARD_MIGRATIONS.filter((m) => manifest.migrations.includes(m.id)) });
  try {
    for (const table of manifest.tables) await importTable(db, table, readRows(dir, table.file, extra?.rewrite));
    const store = new SqlAuditStore(db);
    const digests = await store.digests();
    let anchors: AuditAnchor[] = [...(extra?.anchors ?? [])];
    if (digests.length > 0) {
      if (!fs.existsSync(publicKeyFile)) throw appError('BackupRefused', `The copy has ${digests.length} signed digest(s) but no public key to check them (${publicKeyFile}).`);
      const checked = verifyDigestChain(digests, crypto.createPublicKey(fs.readFileSync(publicKeyFile)));
      if (!checked.ok) throw appError('AuditChainBroken', `The signed digests in the copy do not verify (digest ${checked.number}: ${checked.message}). Do not use this copy.`);
      anchors = [...anchors, ...checked.anchors];
    }
    const head = await store.storedHead();
    const result = await verifyAuditStream(store.records(), { expectedHead: head, anchors });
    if (!result.ok) {
      const bad = result.firstBad!;
      throw appError('AuditChainBroken', `The audit chain in the copy does not verify: record ${bad.sequence} (${bad.problem}): ${bad.message}. Do not use this copy; take a new backup from a store whose "npm run audit -- verify" passes.`, { sequence: bad.sequence, problem: bad.problem });
    }
    const last = digests[digests.length - 1];
    return { records: result.records, head: head ?? null, verified: true, digests: digests.length, lastDigest: last ? { number: last.number, toSequence: last.toSequence, createdAt: last.createdAt } : null };
  } finally {
    await db.close();
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
    if (actual !== file.sha256) throw appError('BackupRefused', `files/${file.role}/${file.path} in the copy was changed or damaged since the backup (SHA-256 differs). Do not use this copy.`);
  }
}

function readExternalDigests(dir: string, publicKeyFile: string): { last?: AuditDigest; anchors: AuditAnchor[] } {
  const found = fs.existsSync(dir) ? new AuditDigestDirectory(dir).read() : [];
  if (found.length === 0) return { anchors: [] };
  if (!fs.existsSync(publicKeyFile)) throw appError('BackupRefused', `Signed digests were found in ${dir} but no public key to check them; pass --public-key <pem> (the copy you keep outside Keyward).`);
  const checked = verifyDigestChain(found, crypto.createPublicKey(fs.readFileSync(publicKeyFile)));
  if (!checked.ok) throw appError('AuditChainBroken', `The signed digests in ${dir} do not verify (digest ${checked.number}: ${checked.message}); cannot tell what a restore would lose. Investigate before restoring.`);
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

function copyIn(out: string, role: FileRole, root: string, file: string): BackupManifest['files'][number] {
  const relative = path.relative(root, file);
  const target = path.join(out, 'files', role, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  fs.copyFileSync(file, target);
  fs.chmodSync(target, 0o600);
  return { role, path: relative, bytes: fs.statSync(target).size, sha256: sha256File(target) };
}

function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
