/**
 * `npm run store -- copy --from <sqlite file> --to <postgres url>` moves a single-instance
 * deployment's state from SQLite to an empty PostgreSQL database, all or nothing, with the audit
 * chain verified before and after (src/app/storeCopy.ts). Stop the bot first. Without a password
 * in the URL it signs in with Microsoft Entra: the managed identity KEYWARD_POSTGRES_CLIENT_ID,
 * else your own Azure login (az login). Exit code 0 = copied, 1 = refused or failed (nothing
 * copied), 2 = usage.
 */
import path from 'node:path';
import pino from 'pino';
import { createPinoLogger } from '../observability/pinoLogger';
import { isAppError } from '../core';
import { postgresPasswordSource } from '../azure';
import { formatAnchor } from '../audit';
import { copySqliteToPostgres } from '../app/storeCopy';
import { describeConnection, openPostgresDatabase } from '../store/postgresDatabase';
import type { CliIo } from './audit';

const USAGE = `Usage:
  npm run store -- copy --from <keyward.sqlite> --to <postgres://role[:password]@host:5432/database>

copy  moves every table of a SQLite store into an EMPTY PostgreSQL database in one transaction,
      verifying the audit chain before, inside and after; a non-empty target is refused and a
      failure leaves it empty. Stop the bot first. TLS is used except for loopback hosts (or when
      the URL says sslmode=require). Without a password in the URL the sign-in is Microsoft Entra
      (KEYWARD_POSTGRES_CLIENT_ID's managed identity, else your Azure login).`;

export async function runStoreCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const options = parse(rest);
  if (command !== 'copy' || !options.from || !options.to) {
    io.stderr(
      `${command === 'copy' ? 'copy needs --from and --to.\n\n' : command && command !== 'help' && command !== '--help' ? `Unknown command "${command}".\n\n` : ''}${USAGE}\n`,
    );
    return command === 'help' || command === '--help' ? 0 : 2;
  }
  let url: URL;
  try {
    url = new URL(options.to);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('not postgres');
  } catch {
    io.stderr(`--to must be a postgres://role@host:5432/database URL.\n`);
    return 2;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]', '::1'].includes(url.hostname);
  const sslmode = url.searchParams.get('sslmode');
  const tls = !loopback || sslmode === 'require' || sslmode === 'verify-full';
  const clientId = io.env.KEYWARD_POSTGRES_CLIENT_ID?.trim() || undefined;
  const password = url.password ? undefined : postgresPasswordSource({ postgresAuth: 'entra', ...(clientId ? { postgresClientId: clientId } : {}) }, { localOnly: false });
  const logger = createPinoLogger((io.env.KEYWARD_LOG_LEVEL as 'info' | undefined) ?? 'warn', {}, pino.destination(2));
  let target;
  try {
    target = await openPostgresDatabase({
      connectionString: options.to,
      tls,
      ...(password ? { password } : {}),
      variable: '--to',
      applicationName: 'keyward-copy',
      migrations: [],
      logger,
    });
  } catch (error) {
    io.stderr(`${isAppError(error) ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    const from = path.resolve(options.from);
    const report = await copySqliteToPostgres(from, target, { logger });
    const rows = report.tables.reduce((sum, t) => sum + t.rows, 0);
    io.stdout(`Copied ${rows} row(s) in ${report.tables.length} table(s) from ${from} to ${describeConnection(options.to)}.\n`);
    io.stdout(`Audit chain intact before and after: ${report.auditRecords} record(s)${report.head ? `, head ${formatAnchor(report.head)}` : ''}.\n`);
    io.stdout(`Next: set KEYWARD_STORE=postgres and KEYWARD_POSTGRES_URL (without a password in Azure), start Keyward, and keep ${from} until you are satisfied.\n`);
    return 0;
  } catch (error) {
    io.stderr(`Nothing was copied: ${isAppError(error) ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await target.close();
  }
}

function parse(args: readonly string[]): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? args[(i += 1)];
    if (flag === '--from') out.from = value;
    else if (flag === '--to') out.to = value;
    else return {};
  }
  return out;
}

if (require.main === module) {
  runStoreCli(process.argv.slice(2), { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
