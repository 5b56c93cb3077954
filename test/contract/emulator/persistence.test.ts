import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { captureLogger } from '../../../src/core';
import { TOKEN_PATTERN } from '../../../src/core/redact';
import { type TestEmulator, WRITER_OBJECT_ID, armClient, createVault, cryptoClient, keyClient, keyPolicy, managedIdentity, startTestEmulator } from './helpers';

describe('emulator persistence across restarts', () => {
  let dataDir: string;
  let credential: TokenCredential;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-emulator-persist-'));
    credential = await managedIdentity();
  });
  after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the emulator is closed and started again on the same data dir, then vaults, HSM state, keys, versions, tags, deleted keys and the time shift survive and keys still unwrap', async () => {
    const lines: ReturnType<typeof captureLogger>['lines'] = [];
    let emulator: TestEmulator = await startTestEmulator({ dataDir, logger: captureLogger(lines) });
    const vault = await createVault(emulator, credential, { properties: { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['all'])] } });
    const keys = keyClient(vault.vaultUri, credential);
    const key = await keys.createRsaKey('cmk-persist', { hsm: true, tags: { requestId: 'req-42' } });
    await keys.rotateKey('cmk-persist');
    await keys.createRsaKey('cmk-deleted');
    await (await keys.beginDeleteKey('cmk-deleted', { intervalInMs: 10 })).pollUntilDone();
    const wrapped = await cryptoClient(key.id ?? '', credential).wrapKey('RSA-OAEP-256', Buffer.alloc(32, 0x5a));
    await armClient(emulator, credential).managedHsms.beginCreateOrUpdateAndWait(vault.resourceGroup, `${vault.name}h`, {
      location: 'westeurope',
      sku: { family: 'B', name: 'Standard_B1' },
      properties: { tenantId: emulator.tenantId, initialAdminObjectIds: [WRITER_OBJECT_ID] },
    } as never);
    await emulator.control.setSubscriptionState(emulator.subscriptionIds[1] as string, 'Warned');
    await emulator.control.advanceClock(3_600_000);
    const before = (await emulator.control.clock()).offsetMs;
    const port = emulator.port;
    await emulator.close();

    emulator = await startTestEmulator({ dataDir, port });
    try {
      const again = keyClient(vault.vaultUri, credential);
      const versions: string[] = [];
      for await (const v of again.listPropertiesOfKeyVersions('cmk-persist')) versions.push(v.version ?? '');
      assert.equal(versions.length, 2);
      const props: Record<string, string | undefined> = {};
      for await (const p of again.listPropertiesOfKeys()) props[p.name] = p.tags?.requestId;
      assert.deepEqual(props, { 'cmk-persist': 'req-42' });
      assert.equal((await again.getDeletedKey('cmk-deleted')).name, 'cmk-deleted');
      const unwrapped = await cryptoClient(key.id ?? '', credential).unwrapKey('RSA-OAEP-256', wrapped.result);
      assert.deepEqual(Buffer.from(unwrapped.result), Buffer.alloc(32, 0x5a));
      assert.equal((await armClient(emulator, credential).vaults.get(vault.resourceGroup, vault.name)).properties.vaultUri, vault.vaultUri);
      assert.equal((await emulator.control.clock()).offsetMs, before);
      const hsm = await armClient(emulator, credential).managedHsms.get(vault.resourceGroup, `${vault.name}h`);
      assert.equal(hsm.properties?.securityDomainProperties?.activationStatus, 'NotActivated');
      assert.deepEqual(hsm.properties?.initialAdminObjectIds, [WRITER_OBJECT_ID]);
      const state = await emulator.control.state();
      assert.equal((state.subscriptions as Array<{ id: string; state: string }>).find((s) => s.id === emulator.subscriptionIds[1])?.state, 'Warned');
    } finally {
      await emulator.close();
    }

    // At rest: the master key is private to its owner and no private key is stored in the clear.
    assert.equal(fs.statSync(path.join(dataDir, 'master.key')).mode & 0o777, 0o600);
    const database = Buffer.concat(
      ['emulator.sqlite', 'emulator.sqlite-wal'].filter((f) => fs.existsSync(path.join(dataDir, f))).map((f) => fs.readFileSync(path.join(dataDir, f))),
    );
    assert.ok(database.includes(Buffer.from('cmk-persist')), 'the key row is there');
    assert.ok(!database.includes(Buffer.from('PRIVATE KEY')) && !database.includes(Buffer.from('"d":')), 'no private key in the clear');
    // Logs never carry tokens or key material.
    assert.ok(lines.length > 0);
    assert.ok(!lines.some((line) => TOKEN_PATTERN.test(JSON.stringify(line))));
  });

  it('when the emulator starts, then emulator.json tells a client everything it needs', async () => {
    const emulator = await startTestEmulator();
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(emulator.dataDir, 'emulator.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(manifest.armEndpoint, `https://localhost:${emulator.port}`);
      assert.equal(manifest.graphEndpoint, `https://graph.localhost:${emulator.port}`);
      assert.equal(manifest.tenantId, emulator.tenantId);
      assert.equal(manifest.caCertPath, emulator.caCertPath);
      assert.equal(manifest.identityEndpoint, emulator.identityEndpoint);
      assert.equal(manifest.identityHeader, emulator.identityHeader);
      assert.equal(manifest.imdsEndpoint, emulator.imdsEndpoint);
      assert.deepEqual(manifest.subscriptionIds, emulator.subscriptionIds);
      assert.ok((manifest.principals as Array<{ displayName: string }>).some((p) => p.displayName === 'Office 365 Exchange Online'));
      assert.equal((manifest.env as Record<string, string>).NODE_EXTRA_CA_CERTS, emulator.caCertPath);
    } finally {
      await emulator.dispose();
    }
  });
});
