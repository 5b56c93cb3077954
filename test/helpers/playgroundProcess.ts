import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { renderPlaygroundConfig, type PlaygroundUserKey } from '../../src/cli/playgroundConfig';

export interface PlaygroundProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
  log(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the real Microsoft 365 Agents Playground (npm package) pointed at a bot endpoint. */
export async function startPlayground(botEndpoint: string, user: PlaygroundUserKey = 'operator'): Promise<PlaygroundProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-playground-'));
  const configPath = path.join(dir, '.m365agentsplayground.yml');
  fs.writeFileSync(configPath, renderPlaygroundConfig(user));
  const port = await freePort();
  const logFile = path.join(dir, 'out.log');
  const out = fs.openSync(logFile, 'w');
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve('@microsoft/m365agentsplayground/cli.js'), '-e', botEndpoint, '-c', 'msteams', '--disable-telemetry', '-p', String(port)],
    {
      cwd: dir,
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath, M365_AGENTS_PLAYGROUND_LOGFILE: path.join(dir, 'events.log') },
      stdio: ['ignore', out, out],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/_internal/v1/config`);
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`playground did not start:\n${fs.readFileSync(logFile, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port,
    log: () => fs.readFileSync(logFile, 'utf8'),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
