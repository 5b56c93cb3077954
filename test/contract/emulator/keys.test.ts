import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { KeyClient } from '@azure/keyvault-keys';
import { LOCAL_SUBSCRIPTIONS } from '../../../src/core';
import {
  type TestEmulator,
  WRITER_OBJECT_ID,
  createVault,
  cryptoClient,
  expectRestError,
  keyClient,
  keyPolicy,
  managedIdentity,
  restClient,
  startTestEmulator,
  VAULT_SCOPE,
} from './helpers';

const DAY_MS = 86_400_000;

describe('emulator keys data plane (KeyClient)', () => {
  let emulator: TestEmulator;
  let credential: TokenCredential;
  let keys: KeyClient;
  let vaultUri: string;
  let unprotectedKeys: KeyClient;

  before(async () => {
    emulator = await startTestEmulator();
    credential = await managedIdentity();
    const all = { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['all'])] };
    vaultUri = (await createVault(emulator, credential, { properties: all })).vaultUri;
    keys = keyClient(vaultUri, credential);
    // Customized retention (30 days), no purge protection, in the subscription without mandatory retention.
    const loose = await createVault(emulator, credential, {
      subscriptionId: LOCAL_SUBSCRIPTIONS.unregistered.id,
      properties: { ...all, enablePurgeProtection: undefined, softDeleteRetentionInDays: 30, sku: { family: 'A', name: 'standard' } },
    });
    unprotectedKeys = keyClient(loose.vaultUri, credential);
  });
  after(async () => {
    await emulator.dispose();
  });

  it('when KeyClient creates its first key, then the body-less first request gets the 401 challenge and the retry creates an RSA-HSM key with kid on the vault host', async () => {
    await emulator.control.clearRequests();
    const fresh = keyClient(vaultUri, credential);
    const key = await fresh.createRsaKey('cmk-first', { keySize: 3072, hsm: true, keyOps: ['wrapKey', 'unwrapKey'], tags: { requestId: 'req-1' } });
    const log = (await emulator.control.requests()).filter((r) => r.path === '/keys/cmk-first/create');
    assert.deepEqual(
      log.map((r) => r.status),
      [401, 200],
    );
    assert.match(key.id ?? '', new RegExp(`^${vaultUri}keys/cmk-first/[0-9a-f]{32}$`));
    assert.equal(key.keyType, 'RSA-HSM');
    assert.equal(key.key?.n?.length, 384);
    assert.deepEqual(key.keyOperations, ['wrapKey', 'unwrapKey']);
    assert.equal(key.properties.recoveryLevel, 'Recoverable+ProtectedSubscription');
    assert.equal(key.properties.recoverableDays, 90);
    assert.equal(key.properties.hsmPlatform, '2');
    assert.deepEqual(key.properties.tags, { requestId: 'req-1' });
    assert.ok(key.properties.createdOn instanceof Date);
  });

  it('when keys are read, then getKey answers with and without a version (the SDK sends a trailing slash) and 404 KeyNotFound for missing ones', async () => {
    const created = await keys.createRsaKey('cmk-read');
    const latest = await keys.getKey('cmk-read');
    assert.equal(latest.id, created.id);
    const byVersion = await keys.getKey('cmk-read', { version: created.properties.version ?? '' });
    assert.equal(byVersion.key?.kid, created.id);
    const paths = (await emulator.control.requests()).filter((r) => r.method === 'GET' && r.path.startsWith('/keys/cmk-read'));
    assert.ok(paths.some((r) => r.path === '/keys/cmk-read/'));
    assert.equal(created.properties.hsmPlatform, '0');
    await expectRestError(keys.getKey('cmk-missing'), 404, 'KeyNotFound');
    await expectRestError(keys.getKey('cmk-read', { version: '0'.repeat(32) }), 404, 'KeyNotFound');
  });

  it('when keys and versions are listed page by page, then nextLink is absolute with $skiptoken and maxresults, and tags come back', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await keys.createEcKey(name, { curve: 'P-256', tags: { requestId: name } });
    await keys.createEcKey('page-a', { curve: 'P-256' });
    await emulator.control.clearRequests();
    const pages: string[][] = [];
    for await (const page of keys.listPropertiesOfKeys().byPage({ maxPageSize: 2 })) pages.push(page.map((p) => p.name));
    const flat = pages.flat();
    assert.ok(pages.every((p) => p.length <= 2) && pages.length >= 2);
    for (const name of ['page-a', 'page-b', 'page-c']) assert.ok(flat.includes(name));
    const nextRequests = (await emulator.control.requests()).filter((r) => r.path === '/keys' && r.status === 200);
    assert.equal(nextRequests.length, pages.length);
    const raw = await restClient(credential, VAULT_SCOPE)('GET', `${vaultUri}keys?api-version=2025-07-01&maxresults=1`);
    const body = raw.body as { value: Array<{ kid: string; tags?: Record<string, string> }>; nextLink: string | null };
    assert.match(body.nextLink ?? '', new RegExp(`^${vaultUri}keys\\?api-version=2025-07-01&%24skiptoken=[^&]+&maxresults=1$`));
    const withTags: Record<string, string | undefined> = {};
    for await (const p of keys.listPropertiesOfKeys()) withTags[p.name] = p.tags?.requestId;
    assert.equal(withTags['page-b'], 'page-b');
    const versions: string[] = [];
    for await (const v of keys.listPropertiesOfKeyVersions('page-a')) versions.push(v.version ?? '');
    assert.equal(versions.length, 2);
    const last = await restClient(credential, VAULT_SCOPE)('GET', `${vaultUri}keys/page-a/versions?api-version=2025-07-01`);
    assert.equal((last.body as { nextLink: string | null }).nextLink, null);
  });

  it('when key properties are updated, then enabled, expiry, not-before, key_ops and tags change and updatedOn moves', async () => {
    const key = await keys.createRsaKey('cmk-update');
    await emulator.control.advanceClock(5_000);
    // @azure/keyvault-keys 4.10 writes times as `seconds | 0` (32 bits): dates after 2038-01-19 overflow.
    const expiresOn = new Date(Date.UTC(2037, 11, 31, 0, 0, 0));
    const updated = await keys.updateKeyProperties('cmk-update', key.properties.version ?? '', {
      enabled: false,
      expiresOn,
      notBefore: new Date(Date.UTC(2020, 0, 1)),
      keyOps: ['wrapKey', 'unwrapKey'],
      tags: { owner: 'ops' },
    });
    assert.equal(updated.properties.enabled, false);
    assert.equal(updated.properties.expiresOn?.getTime(), expiresOn.getTime());
    assert.deepEqual(updated.keyOperations, ['wrapKey', 'unwrapKey']);
    assert.deepEqual(updated.properties.tags, { owner: 'ops' });
    assert.ok((updated.properties.updatedOn?.getTime() ?? 0) > (key.properties.updatedOn?.getTime() ?? 0));
    // A disabled key is still readable.
    assert.equal((await keys.getKey('cmk-update')).properties.enabled, false);
    // Customer Key's "12/31/9999" expiry overflows in this SDK: the emulator refuses the negative time loudly.
    const overflow = await expectRestError(
      keys.updateKeyProperties('cmk-update', key.properties.version ?? '', { expiresOn: new Date(Date.UTC(9999, 11, 31)) }),
      400,
      'BadParameter',
    );
    assert.match(overflow.message, /2038/);
  });

  it('when a key is rotated and given a rotation policy, then a new version appears, the default policy is Notify P30D, and a due Rotate trigger rotates on its own', async () => {
    const key = await keys.createRsaKey('cmk-rotate', { tags: { keep: 'me' } });
    const defaultPolicy = await keys.getKeyRotationPolicy('cmk-rotate');
    assert.deepEqual(defaultPolicy.lifetimeActions, [{ action: 'Notify', timeBeforeExpiry: 'P30D', timeAfterCreate: undefined }]);
    const rotated = await keys.rotateKey('cmk-rotate');
    assert.notEqual(rotated.properties.version, key.properties.version);
    assert.deepEqual(rotated.properties.tags, { keep: 'me' });
    const policy = await keys.updateKeyRotationPolicy('cmk-rotate', { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P90D' }], expiresIn: 'P1Y' });
    assert.equal(policy.expiresIn, 'P1Y');
    assert.ok(policy.createdOn instanceof Date);
    assert.deepEqual((await keys.getKeyRotationPolicy('cmk-rotate')).lifetimeActions, [{ action: 'Rotate', timeAfterCreate: 'P90D', timeBeforeExpiry: undefined }]);
    await emulator.control.advanceClock(91 * DAY_MS);
    const latest = await keys.getKey('cmk-rotate');
    assert.notEqual(latest.properties.version, rotated.properties.version);
    assert.ok(latest.properties.expiresOn, 'the rotated version expires per the policy expiryTime');
    await expectRestError(keys.updateKeyRotationPolicy('cmk-rotate', { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: '90 days' }] }), 400, 'BadParameter');
    await expectRestError(keys.updateKeyRotationPolicy('cmk-rotate', { expiresIn: 'P7D' }), 400, 'BadParameter');
  });

  it('when a key is deleted, then the poller ends on the deleted key; the name is 409 until recovered; recovery polls GET /keys/{n}/ from 404 to 200', async () => {
    await keys.createRsaKey('cmk-del');
    const poller = await keys.beginDeleteKey('cmk-del', { intervalInMs: 10 });
    const deleted = await poller.pollUntilDone();
    assert.equal(deleted.properties.recoveryId, `${vaultUri}deletedkeys/cmk-del`);
    assert.equal((deleted.properties.scheduledPurgeDate?.getTime() ?? 0) - (deleted.properties.deletedOn?.getTime() ?? 0), 90 * DAY_MS);
    await expectRestError(keys.getKey('cmk-del'), 404, 'KeyNotFound');
    assert.equal((await keys.getDeletedKey('cmk-del')).name, 'cmk-del');
    const listed: string[] = [];
    for await (const d of keys.listDeletedKeys()) listed.push(d.name);
    assert.ok(listed.includes('cmk-del'));
    const conflict = await expectRestError(keys.createRsaKey('cmk-del'), 409, 'Conflict');
    assert.match(conflict.message, /deleted but recoverable/);
    await emulator.control.clearRequests();
    const recovered = await (await keys.beginRecoverDeletedKey('cmk-del', { intervalInMs: 10 })).pollUntilDone();
    assert.equal(recovered.name, 'cmk-del');
    const flow = (await emulator.control.requests()).map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.ok(flow.includes('GET /keys/cmk-del/ 404') && flow.includes('POST /deletedkeys/cmk-del/recover 200'), flow.join('\n'));
  });

  it('when a deleted key is purged, then a vault without purge protection answers 204 and one with it answers 403', async () => {
    await unprotectedKeys.createRsaKey('cmk-purge');
    const deleted = await (await unprotectedKeys.beginDeleteKey('cmk-purge', { intervalInMs: 10 })).pollUntilDone();
    assert.equal(deleted.properties.recoveryLevel, 'CustomizedRecoverable+Purgeable');
    assert.equal(deleted.properties.recoverableDays, 30);
    await unprotectedKeys.purgeDeletedKey('cmk-purge');
    assert.ok((await emulator.control.requests()).some((r) => r.method === 'DELETE' && r.path === '/deletedkeys/cmk-purge' && r.status === 204));
    await expectRestError(unprotectedKeys.getDeletedKey('cmk-purge'), 404, 'KeyNotFound');
    await unprotectedKeys.createRsaKey('cmk-purge');

    await keys.createRsaKey('cmk-protected');
    await (await keys.beginDeleteKey('cmk-protected', { intervalInMs: 10 })).pollUntilDone();
    const refused = await expectRestError(keys.purgeDeletedKey('cmk-protected'), 403, 'Forbidden');
    assert.match(refused.message, /purge protection is enabled/);
  });

  it('when a key is backed up and restored, then it comes back with its versions in the same subscription, and restores clash (409) or refuse other subscriptions', async () => {
    const original = await unprotectedKeys.createRsaKey('cmk-backup');
    const blob = await unprotectedKeys.backupKey('cmk-backup');
    assert.ok(blob && blob.length > 100);
    await expectRestError(unprotectedKeys.restoreKeyBackup(blob), 409, 'Conflict');
    await (await unprotectedKeys.beginDeleteKey('cmk-backup', { intervalInMs: 10 })).pollUntilDone();
    await expectRestError(unprotectedKeys.restoreKeyBackup(blob), 409, 'Conflict');
    await unprotectedKeys.purgeDeletedKey('cmk-backup');
    const restored = await unprotectedKeys.restoreKeyBackup(blob);
    assert.equal(restored.properties.version, original.properties.version);
    const wrapped = await cryptoClient(original.id ?? '', credential).wrapKey('RSA-OAEP', Buffer.alloc(32, 9));
    const unwrapped = await cryptoClient(restored.id ?? '', credential).unwrapKey('RSA-OAEP', wrapped.result);
    assert.deepEqual(Buffer.from(unwrapped.result), Buffer.alloc(32, 9));
    // The other vault lives in another subscription: the blob is refused there.
    await expectRestError(keys.restoreKeyBackup(blob), 400, 'BadParameter');
    await expectRestError(keys.restoreKeyBackup(Buffer.from('garbage')), 400, 'BadParameter');
  });

  it('when key create parameters are wrong, then the data plane answers 400 BadParameter and a standard vault refuses HSM keys', async () => {
    await expectRestError(keys.createKey('bad-size', 'RSA', { keySize: 1024 }), 400, 'BadParameter');
    await expectRestError(keys.createKey('bad-curve', 'EC', { curve: 'P-192' as never }), 400, 'BadParameter');
    await expectRestError(keys.createKey('bad-kty', 'DSA' as never), 400, 'BadParameter');
    await expectRestError(keys.createKey('bad-ops', 'RSA', { keyOps: ['fly' as never] }), 400, 'BadParameter');
    await expectRestError(keys.createKey('bad_name', 'RSA'), 400, 'BadParameter');
    await expectRestError(keys.createKey('bad-oct', 'oct'), 400, 'BadParameter');
    const hsmOnStandard = await expectRestError(unprotectedKeys.createRsaKey('hsm-on-standard', { hsm: true }), 400, 'BadParameter');
    assert.match(hsmOnStandard.message, /standard vault/);
    const names: string[] = [];
    for await (const p of keys.listPropertiesOfKeys()) names.push(p.name);
    assert.ok(!names.some((n) => n.startsWith('bad')));
  });

  it('when a private JWK is imported, then the key is usable and its public half matches', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const imported = await keys.importKey(
      'cmk-imported',
      {
        kty: 'RSA',
        n: Buffer.from(jwk.n as string, 'base64url'),
        e: Buffer.from(jwk.e as string, 'base64url'),
        d: Buffer.from(jwk.d as string, 'base64url'),
        p: Buffer.from(jwk.p as string, 'base64url'),
        q: Buffer.from(jwk.q as string, 'base64url'),
        dp: Buffer.from(jwk.dp as string, 'base64url'),
        dq: Buffer.from(jwk.dq as string, 'base64url'),
        qi: Buffer.from(jwk.qi as string, 'base64url'),
        keyOps: ['wrapKey', 'unwrapKey'],
      },
      { hardwareProtected: true },
    );
    assert.equal(Buffer.from(imported.key?.n ?? []).toString('base64url'), jwk.n);
    assert.equal(imported.keyType, 'RSA-HSM');
  });
});
