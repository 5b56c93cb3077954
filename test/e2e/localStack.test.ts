import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PEOPLE } from '../../src/core';
import { PlaygroundClient } from '../../src/cli/playgroundClient';
import { PLAYGROUND_CONVERSATIONS } from '../../src/cli/playgroundConfig';
import { freePort } from '../helpers/playgroundProcess';

const ROOT = path.resolve(__dirname, '..', '..');

function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry), ...descendants(Number(entry)));
    } catch {
      // process ended while we looked
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start: the whole local stack in one process tree', function () {
  this.timeout(180_000);
  let dataDir: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-stack-'));
    output = '';
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(`${dataDir}-audit-digests`, { recursive: true, force: true });
  });

  const start = (env: Record<string, string>) => {
    child = spawn(process.execPath, [require.resolve('tsx/cli'), 'src/cli/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, KEYWARD_DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return child;
  };

  it('when started, then bot, emulator and playground come up, "help" gets the welcome card, and Ctrl-C leaves no process behind', async () => {
    const ports = { PORT: String(await freePort()), KEYWARD_EMULATOR_PORT: String(await freePort()), KEYWARD_PLAYGROUND_PORT: String(await freePort()) };
    const launcher = start(ports);
    const deadline = Date.now() + 150_000;
    while (!/Keyward is ready: open http:\/\/localhost:\d+/.test(output)) {
      if (Date.now() > deadline || launcher.exitCode !== null) assert.fail(`the stack did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.match(output, new RegExp(`open http://localhost:${ports.KEYWARD_PLAYGROUND_PORT}`));
    assert.match(output, /approver/);
    const health = (await (await fetch(`http://127.0.0.1:${ports.PORT}/healthz`)).json()) as Record<string, string>;
    assert.deepEqual([health.mode, health.store, health.emulator], ['local', 'ok', 'reachable']);

    const client = await new PlaygroundClient(`http://127.0.0.1:${ports.KEYWARD_PLAYGROUND_PORT}`).connect();
    try {
      const seen = client.snapshot();
      await client.say(PLAYGROUND_CONVERSATIONS.personalChat, LOCAL_PEOPLE.operator.teamsId, 'help', true);
      const welcome = await client.waitForNew(seen, (m) => m.cards.length > 0 && /Microsoft 365 Customer Key/.test(JSON.stringify(m.cards)), 30_000, 'the welcome card');
      assert.ok(welcome);
    } finally {
      client.close();
    }

    const tree = descendants(launcher.pid!);
    assert.ok(tree.length >= 3, `emulator, bot and playground run under the launcher (${tree.length})`);
    launcher.kill('SIGINT');
    await new Promise((resolve) => launcher.once('exit', resolve));
    // The launcher waits for its children before exiting; allow the kernel a moment to reap them.
    for (let i = 0; i < 50 && tree.some(alive); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(tree.filter(alive), [], 'no orphan process');
  });

  it('when a port is already taken, then the launcher names the port and its variable and exits non-zero', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const launcher = start({ PORT: String(await freePort()), KEYWARD_EMULATOR_PORT: String(port), KEYWARD_PLAYGROUND_PORT: String(await freePort()) });
      const code = await new Promise<number | null>((resolve) => launcher.once('exit', resolve));
      assert.notEqual(code, 0);
      assert.match(output, new RegExp(`Port ${port} is already in use`));
      assert.match(output, /KEYWARD_EMULATOR_PORT/);
    } finally {
      blocker.close();
    }
  });
});
