import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openConfiguredStore } from '../../../src/app/keywardStore';
import { isAppError } from '../../../src/core';
import { networkShareOf } from '../../../src/store/networkShare';

const MOUNTS = [
  'overlay / overlay rw,relatime 0 0',
  '//kwstorage.file.core.windows.net/share /home cifs rw,relatime,vers=3.1.1 0 0',
  '/dev/sda1 /home/local ext4 rw,relatime 0 0',
  'server:/export /mnt/nfs\\040data nfs4 rw 0 0',
  'tmpfs /tmp tmpfs rw 0 0',
].join('\n');

describe('network file systems under the SQLite store', () => {
  it('when the data directory is on an SMB or NFS share, then the share is named; on a local disk, nothing is', () => {
    assert.deepEqual(networkShareOf('/home/site/data', MOUNTS), { mountPoint: '/home', type: 'cifs' });
    assert.deepEqual(networkShareOf('/mnt/nfs data/keyward', MOUNTS), { mountPoint: '/mnt/nfs data', type: 'nfs4' });
    assert.equal(networkShareOf('/home/local/keyward', MOUNTS), undefined, 'the longest mount point decides');
    assert.equal(networkShareOf('/var/lib/keyward', MOUNTS), undefined);
    assert.equal(networkShareOf('/homework', MOUNTS), undefined, 'a prefix that is not a parent directory does not count');
  });

  it('when mounts cannot be read (not Linux), then nothing is refused', () => {
    assert.equal(networkShareOf('/home/site/data', undefined), undefined);
    assert.equal(networkShareOf('/home/site/data', ''), undefined);
  });
});

describe('SQLite on a network share at start-up', () => {
  const store = (overrides: Partial<{ unsafeSqliteOnNetworkShare: boolean }> = {}) => ({
    engine: 'sqlite' as const,
    postgresAuth: 'entra' as const,
    postgresTls: true,
    poolSize: 10,
    unsafeSqliteOnNetworkShare: false,
    ...overrides,
  });

  it('when production would keep SQLite on an SMB share, then start-up is refused with one problem naming KEYWARD_STORE and the override', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-share-'));
    try {
      const mounts = `//acct.file.core.windows.net/share ${dataDir} cifs rw 0 0`;
      await assert.rejects(openConfiguredStore({ mode: 'production', dataDir, store: store() }, { mounts }), (error: unknown) => {
        if (!isAppError(error, 'ConfigInvalid')) return false;
        const problems = error.details.problems as Array<{ variable: string; message: string }>;
        return problems.length === 1 && problems[0]!.variable === 'KEYWARD_STORE' && /KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE/.test(error.message) && /cifs/.test(error.message);
      });
      const forced = await openConfiguredStore({ mode: 'production', dataDir, store: store({ unsafeSqliteOnNetworkShare: true }) }, { mounts });
      await forced.close();
      const local = await openConfiguredStore({ mode: 'local', dataDir, store: store() }, { mounts });
      await local.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
