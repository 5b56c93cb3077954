/**
 * `npm start`: the whole local stack in one process tree — the Azure emulator, the bot (anonymous,
 * loopback only, its Azure clients pointed at the emulator and trusting its CA through
 * NODE_EXTRA_CA_CERTS) and the Microsoft 365 Agents Playground. Children log to
 * <data dir>/logs; this process prints one line saying what to open. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { LOCAL_IDENTITIES, isAppError } from '../core';
import { formatProblems, loadConfig, type Config, type ConfigProblem } from '../config';
import { emulatorDataDir, readEmulatorInfo, type EmulatorInfo } from '../localEmulatorInfo';
import { renderPlaygroundConfig } from './playgroundConfig';

const ROOT = path.resolve(__dirname, '..', '..');

interface Child {
  name: string;
  process: ChildProcess;
  logFile: string;
}

const children: Child[] = [];
let stopping = false;

async function main(): Promise<void> {
  const config = readConfig();
  if (config.mode !== 'local') {
    fail('npm start runs the local stack and needs local mode: unset MicrosoftAppId (production runs `npm run build && node dist/main.js`).');
  }
  await checkPorts([
    { port: config.port, host: config.host, variable: 'PORT', what: 'the bot' },
    { port: config.local.emulatorPort, host: '127.0.0.1', variable: 'KEYWARD_EMULATOR_PORT', what: 'the Azure emulator' },
    ...(config.local.startPlayground ? [{ port: config.local.playgroundPort, host: '0.0.0.0', variable: 'KEYWARD_PLAYGROUND_PORT', what: 'the Agents Playground' }] : []),
  ]);

  const logDir = path.join(config.dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  // 1. Emulator.
  const infoFile = path.join(emulatorDataDir(config.dataDir), 'emulator.json');
  fs.rmSync(infoFile, { force: true });
  start(
    'emulator',
    ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src/cli/emulator.ts')],
    {
      KEYWARD_DATA_DIR: config.dataDir,
      KEYWARD_EMULATOR_PORT: String(config.local.emulatorPort),
      KEYWARD_EMULATOR_SOFT_DELETE_WINDOW_MS: String(config.local.emulatorSoftDeleteWindowMs),
    },
    logDir,
  );
  const info = await waitFor('the Azure emulator', 90_000, async () => {
    const found = readEmulatorInfo(config.dataDir);
    return found && (await httpsReachable(found)) ? found : undefined;
  });

  // 2. Bot, trusting the emulator's CA and using its managed-identity endpoint.
  start(
    'bot',
    ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src/main.ts')],
    {
      NODE_EXTRA_CA_CERTS: info.caCertPath,
      IDENTITY_ENDPOINT: info.identityEndpoint ?? '',
      IDENTITY_HEADER: info.identityHeader ?? '',
      KEYWARD_AZURE_ARM_ENDPOINT: info.armEndpoint,
      KEYWARD_AZURE_GRAPH_ENDPOINT: info.graphEndpoint,
      KEYWARD_AZURE_TENANT_ID: info.tenantId,
      KEYWARD_WRITER_CLIENT_ID: process.env.KEYWARD_WRITER_CLIENT_ID ?? LOCAL_IDENTITIES.writer.clientId,
      KEYWARD_READER_CLIENT_ID: process.env.KEYWARD_READER_CLIENT_ID ?? LOCAL_IDENTITIES.reader.clientId,
      // The emulator provisions a Managed HSM in seconds, not the twenty minutes Azure may take.
      KEYWARD_EXECUTOR_POLL_SECONDS: process.env.KEYWARD_EXECUTOR_POLL_SECONDS ?? '1',
    },
    logDir,
  );
  const botUrl = `http://127.0.0.1:${config.port}`;
  await waitFor('the bot', 90_000, async () => ((await httpOk(`${botUrl}/healthz`)) ? true : undefined));

  // 3. Playground, as the chosen local person.
  if (config.local.startPlayground) {
    const playgroundConfig = path.join(config.dataDir, 'playground', '.m365agentsplayground.yml');
    fs.mkdirSync(path.dirname(playgroundConfig), { recursive: true });
    fs.writeFileSync(playgroundConfig, renderPlaygroundConfig(config.local.playgroundUser));
    start(
      'playground',
      [
        require.resolve('@microsoft/m365agentsplayground/cli.js'),
        '-e',
        `${botUrl}/api/messages`,
        '-c',
        'msteams',
        '--disable-telemetry',
        '-p',
        String(config.local.playgroundPort),
      ],
      {
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: playgroundConfig,
        M365_AGENTS_PLAYGROUND_LOGFILE: path.join(logDir, 'playground-events.log'),
      },
      logDir,
    );
    await waitFor('the Agents Playground', 90_000, async () => ((await httpOk(`http://127.0.0.1:${config.local.playgroundPort}/_internal/v1/config`)) ? true : undefined));
    const who = config.local.playgroundUser === 'operator' ? 'Olivia, the operator' : config.local.playgroundUser;
    console.log(
      `Keyward is ready: open http://localhost:${config.local.playgroundPort} (you are ${who}; to act as an approver, restart with KEYWARD_PLAYGROUND_USER=approverAlex npm start and type "approvals"). Logs: ${logDir}. Ctrl-C stops everything.`,
    );
  } else {
    console.log(`Keyward is ready: bot ${botUrl}/api/messages, emulator ${info.armEndpoint}. Logs: ${logDir}. Ctrl-C stops everything.`);
  }
}

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (isAppError(error, 'ConfigInvalid')) fail(formatProblems((error.details.problems as ConfigProblem[]) ?? []));
    throw error;
  }
}

function start(name: string, args: string[], env: Record<string, string>, logDir: string): void {
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--no-deprecation', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  children.push({ name, process: child, logFile });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`Keyward: the ${name} stopped unexpectedly (${signal ?? `exit ${code}`}). Last lines of ${logFile}:`);
    console.error(tail(logFile, 15));
    void stopAll(1);
  });
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const running = children.filter((child) => child.process.exitCode === null && child.process.signalCode === null);
  // The bot first: its graceful stop lets in-flight turns finish, and they may still need the
  // emulator (Azure) and the playground (replies). Then the others together.
  await Promise.all(running.filter((child) => child.name === 'bot').map(stopChild));
  await Promise.all(running.filter((child) => child.name !== 'bot').map(stopChild));
  process.exit(code);
}

function stopChild(child: { process: ChildProcess }): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
    child.process.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.process.kill('SIGTERM');
  });
}

async function checkPorts(ports: Array<{ port: number; host: string; variable: string; what: string }>): Promise<void> {
  for (const entry of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(entry.port, entry.host, () => server.close(() => resolve(true)));
    });
    if (!free) fail(`Port ${entry.port} is already in use, so ${entry.what} cannot start. Stop whatever uses it, or set ${entry.variable} to a free port.`);
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) await new Promise(() => undefined);
    const result = await probe().catch(() => undefined);
    if (result !== undefined) return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  console.error(`Keyward: ${what} did not become ready within ${timeoutMs / 1000} s.`);
  await stopAll(1);
  throw new Error('unreachable');
}

function httpsReachable(info: EmulatorInfo): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(info.armEndpoint, { ca: fs.readFileSync(info.caCertPath), timeout: 1000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.status < 500 || response.status === 503;
  } catch {
    return false;
  }
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  void stopAll(1);
});
