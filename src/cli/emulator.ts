/**
 * `npm run emulator`: the Keyward Azure emulator on its own (ARM, Key Vault, Managed HSM, managed
 * identity, Graph) on one HTTPS port, state in `<KEYWARD_DATA_DIR>/emulator`. Prints what to set so
 * any Azure SDK code can use it, writes emulator.json, and stops cleanly on Ctrl-C / SIGTERM.
 *
 * Flags override the environment: --data-dir <dir> (KEYWARD_DATA_DIR, default .data),
 * --port <n> (KEYWARD_EMULATOR_PORT, default 8443), --host <ip> (default 127.0.0.1),
 * --hsm-provisioning-ms <n> (default 3000), --lro-mode location|azure-async-operation,
 * --soft-delete-window-ms <n> (KEYWARD_EMULATOR_SOFT_DELETE_WINDOW_MS, default 0),
 * --log-level debug|info|warn|error (KEYWARD_LOG_LEVEL, default info).
 */
import path from 'node:path';
import pino from 'pino';
import { isAppError } from '../core';
import { type EmulatorHandle, type LroMode, startEmulator } from '../emulator';
import { createPinoLogger } from '../observability/pinoLogger';

interface CliOptions {
  dataDir: string;
  port: number;
  host: string;
  hsmProvisioningMs: number;
  lroMode: LroMode;
  softDeleteWindowMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        `Usage: npm run emulator -- [--data-dir <dir>] [--port <n>] [--host <ip>] [--hsm-provisioning-ms <n>] [--lro-mode location|azure-async-operation] [--soft-delete-window-ms <n>] [--log-level <level>]\n`,
      );
      process.exit(0);
    }
    const [name, inline] = arg.split('=', 2);
    if (!name?.startsWith('--')) fail(`Unexpected argument '${arg}'. Try --help.`);
    const value = inline ?? argv[(i += 1)];
    if (value === undefined) fail(`${name} needs a value.`);
    flags.set(name.slice(2), value);
  }
  const known = ['data-dir', 'port', 'host', 'hsm-provisioning-ms', 'lro-mode', 'soft-delete-window-ms', 'log-level'];
  for (const name of flags.keys()) if (!known.includes(name)) fail(`Unknown option --${name}. Try --help.`);

  const dataRoot = flags.get('data-dir') ?? env.KEYWARD_DATA_DIR ?? '.data';
  const portText = flags.get('port') ?? env.KEYWARD_EMULATOR_PORT ?? '8443';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`KEYWARD_EMULATOR_PORT (or --port) must be a port number; got '${portText}'.`);
  const hsmProvisioningMs = Number(flags.get('hsm-provisioning-ms') ?? '3000');
  if (!Number.isFinite(hsmProvisioningMs) || hsmProvisioningMs < 0) fail('--hsm-provisioning-ms must be a non-negative number of milliseconds.');
  const lroMode = flags.get('lro-mode') ?? 'location';
  if (lroMode !== 'location' && lroMode !== 'azure-async-operation') fail("--lro-mode must be 'location' or 'azure-async-operation'.");
  const windowText = flags.get('soft-delete-window-ms') ?? env.KEYWARD_EMULATOR_SOFT_DELETE_WINDOW_MS ?? '0';
  const softDeleteWindowMs = Number(windowText);
  if (!Number.isInteger(softDeleteWindowMs) || softDeleteWindowMs < 0 || softDeleteWindowMs > 600_000) {
    fail(`KEYWARD_EMULATOR_SOFT_DELETE_WINDOW_MS (or --soft-delete-window-ms) must be a whole number of milliseconds from 0 to 600000; got '${windowText}'.`);
  }
  const logLevel = flags.get('log-level') ?? env.KEYWARD_LOG_LEVEL ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) fail('--log-level (KEYWARD_LOG_LEVEL) must be debug, info, warn or error.');
  return {
    dataDir: path.resolve(dataRoot, 'emulator'),
    port,
    host: flags.get('host') ?? '127.0.0.1',
    hsmProvisioningMs,
    lroMode,
    softDeleteWindowMs,
    logLevel: logLevel as CliOptions['logLevel'],
  };
}

function describe(emulator: EmulatorHandle, options: CliOptions): string {
  const p = emulator.port;
  return [
    `Keyward Azure emulator listening on https://localhost:${p} (state: ${options.dataDir})`,
    '',
    `  ARM (management)   ${emulator.armEndpoint}`,
    `  Key Vault          https://<vault>.vault.localhost:${p}/`,
    `  Managed HSM        https://<hsm>.managedhsm.localhost:${p}/`,
    `  Microsoft Graph    ${emulator.graphEndpoint}`,
    `  Control API        ${emulator.armEndpoint}/_emulator (loopback only)`,
    `  Tenant             ${emulator.tenantId}`,
    `  Subscriptions      ${emulator.subscriptionIds.join(', ')}`,
    `  emulator.json      ${path.join(options.dataDir, 'emulator.json')}`,
    '',
    'Point Azure SDK code at it (NODE_EXTRA_CA_CERTS must be set before Node starts):',
    `  export NODE_EXTRA_CA_CERTS=${emulator.caCertPath}`,
    `  export IDENTITY_ENDPOINT=${emulator.identityEndpoint}`,
    `  export IDENTITY_HEADER=${emulator.identityHeader}`,
    `  # or the IMDS form instead of the two above: export AZURE_POD_IDENTITY_AUTHORITY_HOST=${emulator.imdsEndpoint}`,
    `  # ARM clients: endpoint ${emulator.armEndpoint}, credential scope https://management.azure.com/.default`,
    '  # Key Vault / HSM / Graph clients: resolve *.localhost to 127.0.0.1 (see docs/emulator.md)',
    '',
    'Ctrl-C stops it; state is kept for the next start.',
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const logger = createPinoLogger(options.logLevel, { component: 'emulator' }, pino.destination(2));
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator({
      dataDir: options.dataDir,
      port: options.port,
      host: options.host,
      hsmProvisioningMs: options.hsmProvisioningMs,
      lroMode: options.lroMode,
      softDeleteWindowMs: options.softDeleteWindowMs,
      logger,
    });
  } catch (error) {
    if (isAppError(error, 'PortInUse')) {
      fail(`Port ${options.port} is already in use, so the emulator cannot listen on it. Stop whatever uses it, or set KEYWARD_EMULATOR_PORT (or --port) to another port.`);
    }
    throw error;
  }
  process.stdout.write(`${describe(emulator, options)}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`Second ${signal}: exiting without waiting.\n`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping the emulator');
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Emulator did not stop cleanly: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`The emulator failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
