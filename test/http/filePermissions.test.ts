import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureLogger, isAppError } from '../../src/core';
import { loadConfig } from '../../src/config';
import { startKeyward } from '../../src/main';
import { FakeConnector } from '../helpers/fakeConnector';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/**
 * Issue 12, item 8 (files): Keyward's data directory is 0700 and its database, key files,
 * security domains and backups 0600, on real files. Files left readable by an older version, a
 * restore or a copy are tightened at start (and said so); files owned by another user stop it.
 */
describe("permissions of Keyward's private files", function () {
  this.timeout(60_000);
  let dataDir: string;
  let connector: FakeConnector;
  const start = async () => {
    const logger = captureLogger();
    const keyward = await startKeyward(loadConfig({ PORT: '0', KEYWARD_DATA_DIR: dataDir, KEYWARD_SHUTDOWN_GRACE_MS: '2000' }), { logger });
    return { keyward, logger };
  };
  beforeEach(async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-perms-'));
    dataDir = path.join(parent, 'data');
    connector = await new FakeConnector().start();
  });
  afterEach(async () => {
    await connector.stop();
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('when Keyward starts on a new data directory, then the directory is 0700 and the database (with its WAL files) and the signing key are 0600', async () => {
    const { keyward } = await start();
    try {
      assert.equal(mode(dataDir), 0o700);
      for (const name of ['keyward.sqlite', 'keyward.sqlite-wal', 'keyward.sqlite-shm']) assert.equal(mode(path.join(dataDir, name)), 0o600, name);
      assert.equal(mode(path.join(dataDir, 'audit', 'digest-signing-key.pem')), 0o600);
      assert.equal(mode(path.join(dataDir, 'audit')), 0o700);
    } finally {
      await keyward.stop();
    }
  });

  it('when existing files are readable by others, then start tightens each one to 0600 (directories 0700) and logs which it changed', async () => {
    await (await start()).keyward.stop();
    const loose: string[] = [];
    const make = (file: string, content: Buffer | string) => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    };
    make(path.join(dataDir, 'executor', 'security-domain.key'), crypto.randomBytes(32));
    make(path.join(dataDir, 'security-domains', 'hsm-a-req.security-domain.json.enc'), '{}');
    make(path.join(dataDir, 'backups', 'kv-a', 'key-a', 'v1.keybackup'), crypto.randomBytes(64));
    for (const file of [
      'keyward.sqlite',
      'audit/digest-signing-key.pem',
      'executor/security-domain.key',
      'security-domains/hsm-a-req.security-domain.json.enc',
      'backups/kv-a/key-a/v1.keybackup',
    ]) {
      fs.chmodSync(path.join(dataDir, file), 0o644);
      loose.push(path.join(dataDir, file));
    }
    for (const dir of ['', 'audit', 'executor', 'security-domains', 'backups', 'backups/kv-a']) fs.chmodSync(path.join(dataDir, dir), 0o755);

    const { keyward, logger } = await start();
    try {
      for (const file of loose) assert.equal(mode(file), 0o600, file);
      for (const dir of ['', 'audit', 'executor', 'security-domains', 'backups', 'backups/kv-a']) assert.equal(mode(path.join(dataDir, dir)), 0o700, dir || 'data dir');
      const line = logger.lines.find((l) => /tightened the permissions/.test(l.message));
      assert.ok(line, 'the change is logged');
      assert.equal(line.level, 'warn');
      const fixed = line.fields.fixed as Array<{ path: string; from: string; to: string }>;
      assert.ok(fixed.some((f) => f.path === path.join(dataDir, 'audit', 'digest-signing-key.pem') && f.from === '0644' && f.to === '0600'));
      assert.ok(!JSON.stringify(logger.lines).includes('PRIVATE KEY'));
    } finally {
      await keyward.stop();
    }
  });

  it('when a key file belongs to another user, then Keyward refuses to start and says which file and what to do', async function () {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) this.skip(); // only root can give a file away
    await (await start()).keyward.stop();
    const key = path.join(dataDir, 'audit', 'digest-signing-key.pem');
    fs.chownSync(key, 65534, 65534);
    await assert.rejects(start(), (error: unknown) => {
      assert.ok(isAppError(error, 'ConfigInvalid'), String(error));
      assert.match(error.message, /digest-signing-key\.pem belongs to user 65534/);
      assert.match(error.message, /KEYWARD_AUDIT_SIGNING_KEY_FILE/);
      return true;
    });
  });
});
