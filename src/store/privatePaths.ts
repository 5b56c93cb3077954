import fs from 'node:fs';
import path from 'node:path';
import { appError, type Logger } from '../core';

/** A path Keyward keeps private, and the setting that names it (for the message when it cannot). */
export interface PrivatePath {
  path: string;
  variable: string;
  /** file: one file (0600); directory: the directory (0700); tree: the directory and everything in it. */
  kind: 'file' | 'directory' | 'tree';
  /** Create a missing directory (0700). */
  create?: boolean;
}

export interface TightenedPath {
  path: string;
  from: string;
  to: string;
}

/** What Keyward keeps private, from its configuration (the paths main.ts already has). */
export function keywardPrivatePaths(config: {
  dataDir: string;
  backupDir: string;
  auditDigests: { signingKeyFile: string; everyMinutes: number };
  executor: { securityDomainDir: string };
}): PrivatePath[] {
  const data = config.dataDir;
  return [
    { path: data, variable: 'KEYWARD_DATA_DIR', kind: 'directory', create: true },
    // The SQLite store and its WAL files (SQLite gives new WAL files the database file's mode).
    ...['keyward.sqlite', 'keyward.sqlite-wal', 'keyward.sqlite-shm', 'keyward.sqlite-journal'].map((name): PrivatePath => ({
      path: path.join(data, name),
      variable: 'KEYWARD_DATA_DIR',
      kind: 'file',
    })),
    // The audit digests' Ed25519 private key (its .pub.pem beside it is public).
    ...(config.auditDigests.everyMinutes > 0
      ? [
          { path: path.dirname(config.auditDigests.signingKeyFile), variable: 'KEYWARD_AUDIT_SIGNING_KEY_FILE', kind: 'directory' } as PrivatePath,
          { path: config.auditDigests.signingKeyFile, variable: 'KEYWARD_AUDIT_SIGNING_KEY_FILE', kind: 'file' } as PrivatePath,
        ]
      : []),
    // The security domains' at-rest key (src/bot/executor/executorRuntime.ts), the security domains, key backups.
    { path: path.join(data, 'executor'), variable: 'KEYWARD_DATA_DIR', kind: 'tree' },
    { path: config.executor.securityDomainDir, variable: 'KEYWARD_SECURITY_DOMAIN_DIR', kind: 'tree' },
    { path: config.backupDir, variable: 'KEYWARD_BACKUP_DIR', kind: 'tree' },
  ];
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * Makes Keyward's private files private before it uses them: directories 0700, files 0600.
 * A path readable or writable by others but owned by Keyward's user is tightened (each change is
 * logged: a restore or an older version left it open); a path owned by another user, or of the
 * wrong kind, stops the start with a message naming it and its setting (someone else could read
 * or replace a key Keyward trusts). POSIX only: on Windows the ACLs of the directory apply.
 */
export function securePrivatePaths(paths: readonly PrivatePath[], logger: Logger): TightenedPath[] {
  if (process.platform === 'win32') return [];
  const uid = process.getuid?.();
  const tightened: TightenedPath[] = [];
  const problems: Array<{ variable: string; message: string }> = [];
  const seen = new Set<string>();

  const check = (target: string, variable: string, want: 'file' | 'directory') => {
    if (seen.has(target)) return;
    seen.add(target);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (want === 'directory' ? !stat.isDirectory() : !stat.isFile()) {
      problems.push({ variable, message: `${target} should be a ${want} but is not; move it away or point ${variable} elsewhere.` });
      return;
    }
    if (uid !== undefined && stat.uid !== uid) {
      problems.push({
        variable,
        message: `${target} belongs to user ${stat.uid}, not to the user Keyward runs as (${uid}), so someone else could read or replace it. Give it to this user (chown) or point ${variable} elsewhere.`,
      });
      return;
    }
    const wanted = want === 'directory' ? 0o700 : 0o600;
    if ((stat.mode & 0o077) !== 0) {
      fs.chmodSync(target, wanted);
      tightened.push({ path: target, from: octal(stat.mode), to: octal(wanted) });
    }
  };

  const walk = (dir: string, variable: string, depth: number) => {
    check(dir, variable, 'directory');
    if (depth > 4 || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(child, variable, depth + 1);
      else check(child, variable, 'file');
    }
  };

  for (const entry of paths) {
    if (entry.kind === 'file') check(entry.path, entry.variable, 'file');
    else {
      if (entry.create && !fs.existsSync(entry.path)) fs.mkdirSync(entry.path, { recursive: true, mode: 0o700 });
      if (entry.kind === 'tree') walk(entry.path, entry.variable, 0);
      else check(entry.path, entry.variable, 'directory');
    }
  }
  if (problems.length > 0) {
    const message = ['Keyward cannot start; its private files are not safe:', ...problems.map((p) => `  - ${p.variable}: ${p.message}`)].join('\n');
    throw appError('ConfigInvalid', message, { problems });
  }
  if (tightened.length > 0) {
    logger.warn({ fixed: tightened }, `tightened the permissions of ${tightened.length} of Keyward's private files and directories: other users of this machine could read them`);
  }
  return tightened;
}
