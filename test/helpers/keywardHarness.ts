import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureLogger, type CapturedLine } from '../../src/core';
import { loadConfig } from '../../src/config';
import { auditDigestDir } from '../../src/config/loadConfig';
import { startKeyward, type Keyward, type KeywardOverrides } from '../../src/main';
import { FakeConnector } from './fakeConnector';

export interface Harness {
  keyward: Keyward;
  connector: FakeConnector;
  logs: CapturedLine[];
  dataDir: string;
  url: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the real server (restify + botbuilder + teams-ai + SQLite) on an ephemeral port. */
export async function startHarness(env: Record<string, string> = {}, overrides: KeywardOverrides = {}): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-test-'));
  const connector = await new FakeConnector().start();
  const logger = captureLogger();
  const config = () => loadConfig({ PORT: '0', KEYWARD_DATA_DIR: dataDir, KEYWARD_SHUTDOWN_GRACE_MS: '5000', ...env });
  let keyward = await startKeyward(config(), { logger, ...overrides });
  const harness: Harness = {
    keyward,
    connector,
    logs: logger.lines,
    dataDir,
    url: keyward.server.url,
    async restart() {
      await keyward.stop();
      keyward = await startKeyward(config(), { logger, ...overrides });
      harness.keyward = keyward;
      harness.url = keyward.server.url;
    },
    async close() {
      await keyward.stop();
      await connector.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(auditDigestDir(dataDir), { recursive: true, force: true });
    },
  };
  return harness;
}
