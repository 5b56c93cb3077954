/**
 * `npm run security-domain -- list [--hsm <name>]` shows which security domains Keyward stored and
 * who holds a share of each. `npm run security-domain -- export --file <stored file> --out <file>`
 * removes Keyward's at-rest layer and writes the security domain exactly as Azure returned it —
 * still encrypted to the officers' certificates, so only a quorum of their private keys opens it —
 * for an officer to keep offline. The export is audited before the file is written (fail closed).
 * Run it on the Keyward host; the output never goes to chat.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAppError, systemClock } from '../core';
import { ChainedAuditLog } from '../audit/auditLog';
import { openKeywardStore, sqliteFileIn } from '../app/keywardStore';
import type { SecurityDomainShare } from '../executor/runStore';
import { SecurityDomainVault } from '../executor/securityDomainVault';
import { createAzureCredential, createKeyVaultKeyWrapper } from '../azure';

export interface SecurityDomainCliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

const USAGE = `Usage:
  npm run security-domain -- list [--hsm <name>] [--data-dir <dir>]
  npm run security-domain -- export --file <stored file> --out <file> [--data-dir <dir>]

list    the stored security domains: HSM, request, file, SHA-256, quorum and share holders.
export  writes the security domain as Azure returned it (encrypted to the officers' certificates)
        to --out (mode 0600, never overwritten). Audited as "securityDomain.exported".`;

export async function runSecurityDomainCli(argv: readonly string[], io: SecurityDomainCliIo): Promise<number> {
  const [command, ...rest] = argv;
  const options = parse(rest);
  if (!command || command === 'help' || command === '--help' || !options.ok) {
    io.stderr(`${options.ok ? '' : `${options.error}\n\n`}${USAGE}\n`);
    return command === 'help' || command === '--help' ? 0 : 2;
  }
  const dataDir = path.resolve(options.values['data-dir'] ?? (io.env.KEYWARD_DATA_DIR?.trim() || '.data'));
  const dbFile = sqliteFileIn(dataDir);
  if (!fs.existsSync(dbFile)) {
    io.stderr(`There is no Keyward store at ${dbFile}. Pass --data-dir (or KEYWARD_DATA_DIR).\n`);
    return 2;
  }
  const store = await openKeywardStore({ engine: 'sqlite', file: dbFile });
  try {
    const artifacts = store.artifacts;
    if (command === 'list') {
      const rows = await store.db.all<{ hsm: string }>('SELECT DISTINCT hsm_name AS hsm FROM executor_sd_shares ORDER BY hsm_name');
      const hsms = options.values.hsm ? rows.filter((r) => r.hsm.toLowerCase() === options.values.hsm!.toLowerCase()) : rows;
      if (hsms.length === 0) io.stdout('No security domain is stored.\n');
      for (const { hsm } of hsms) {
        const byFile = new Map<string, SecurityDomainShare[]>();
        for (const share of await artifacts.shares(hsm)) byFile.set(share.file, [...(byFile.get(share.file) ?? []), share]);
        for (const [file, shares] of byFile) {
          const first = shares[0]!;
          io.stdout(`${hsm}  request ${first.requestId}  stored ${first.storedAt}\n  file ${file}\n  sha256 ${first.sha256}  quorum ${first.quorum} of ${shares.length}\n`);
          for (const share of shares) io.stdout(`  share: ${share.officerName} (${share.officerObjectId}), certificate x5t#S256 ${share.thumbprint}\n`);
        }
      }
      return 0;
    }
    if (command === 'export') {
      const file = options.values.file;
      const out = options.values.out;
      if (!file || !out) {
        io.stderr(`export needs --file and --out.\n\n${USAGE}\n`);
        return 2;
      }
      // Files stored in Azure are unwrapped by the Key Vault key, through the writer identity.
      const keyId = io.env.KEYWARD_SECURITY_DOMAIN_KEY_ID?.trim();
      const wrapper = keyId ? await createKeyVaultKeyWrapper({ keyId, credential: createAzureCredential(io.env.KEYWARD_WRITER_CLIENT_ID?.trim() || undefined) }) : undefined;
      const vault = new SecurityDomainVault(path.dirname(path.resolve(file)), path.join(dataDir, 'executor', 'security-domain.key'), wrapper);
      const stored = await vault.read(path.resolve(file));
      const audit = new ChainedAuditLog(store.audit, systemClock);
      // Claim the output first (never overwrite), then audit, then write: no record, no export.
      const target = path.resolve(out);
      const fd = fs.openSync(target, 'wx', 0o600);
      try {
        await audit.append({
          actor: { objectId: `os-user:${os.userInfo().username}@${os.hostname()}`, name: os.userInfo().username },
          action: 'securityDomain.exported',
          target: stored.hsmName,
          requestId: stored.requestId,
          outcome: 'success',
          details: { file: path.resolve(file), out: target, sha256: stored.sha256 },
        });
        fs.writeSync(fd, stored.document);
        fs.fsyncSync(fd);
      } catch (error) {
        fs.closeSync(fd);
        fs.rmSync(target, { force: true });
        throw error;
      }
      fs.closeSync(fd);
      io.stdout(
        `Wrote the security domain of ${stored.hsmName} to ${path.resolve(out)} (SHA-256 ${stored.sha256}). It is encrypted to the officers' certificates; keep it offline with a quorum of their private keys.\n`,
      );
      return 0;
    }
    io.stderr(`Unknown command "${command}".\n\n${USAGE}\n`);
    return 2;
  } catch (error) {
    io.stderr(`${isAppError(error) ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

function parse(args: readonly string[]): { ok: true; values: Record<string, string> } | { ok: false; error: string } {
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i];
    const value = args[i + 1];
    if (!name?.startsWith('--') || value === undefined || !['file', 'out', 'hsm', 'data-dir'].includes(name.slice(2)))
      return { ok: false, error: `Unexpected argument ${name ?? ''}.` };
    values[name.slice(2)] = value;
  }
  return { ok: true, values };
}

if (require.main === module) {
  void runSecurityDomainCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env }).then((code) =>
    process.exit(code),
  );
}
