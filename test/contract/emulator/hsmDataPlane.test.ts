import assert from 'node:assert/strict';
import { type KeyObject, constants, createDecipheriv, createPrivateKey, privateDecrypt, randomUUID, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { TokenCredential } from '@azure/identity';
import { combineShares } from '../../../src/emulator/crypto/shamir';
import {
  EXCHANGE_APP_ID,
  EXCHANGE_OBJECT_ID,
  HSM_SCOPE,
  READER_CLIENT_ID,
  READER_OBJECT_ID,
  type TestEmulator,
  WRITER_OBJECT_ID,
  armClient,
  cryptoClient,
  ensureResourceGroup,
  expectRestError,
  keyClient,
  managedIdentity,
  restClient,
  startTestEmulator,
  uniqueName,
} from './helpers';

const HSM_ROLES = {
  administrator: 'a290e904-7015-4bba-90c8-60543313cdb4',
  cryptoOfficer: '515eb02d-2335-4d2d-92f2-b1cbdf9c3778',
  cryptoUser: '21dbd100-6940-42c2-9190-5d6cb909625b',
  serviceEncryptionUser: '33413926-3206-4cdd-b39a-83574fe37a17',
};
const roleId = (id: string) => `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${id}`;

interface Officer {
  jwk: Record<string, unknown>;
  privateKey: KeyObject;
}

/** Security domain officers: RSA key pairs with self-signed certificates, as `openssl req -x509` makes them. */
async function makeOfficers(count: number): Promise<Officer[]> {
  x509.cryptoProvider.set(webcrypto as never);
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      const certificate = await x509.X509CertificateGenerator.createSelfSigned({
        name: `CN=officer-${index}`,
        keys: keys as never,
        signingAlgorithm: algorithm,
        notAfter: new Date(Date.now() + 86_400_000),
      });
      const publicJwk = await webcrypto.subtle.exportKey('jwk', keys.publicKey);
      const privateKey = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), format: 'der', type: 'pkcs8' });
      return {
        jwk: {
          kty: 'RSA',
          kid: `officer-${index}`,
          key_ops: ['verify', 'encrypt', 'wrapKey'],
          n: publicJwk.n,
          e: publicJwk.e,
          x5c: [Buffer.from(certificate.rawData).toString('base64')],
          alg: 'RSA-OAEP-256',
        },
        privateKey,
      };
    }),
  );
}

function openJwe(compact: string, key: Buffer | KeyObject): Buffer {
  const [header = '', encryptedKey = '', iv = '', ciphertext = '', tag = ''] = compact.split('.');
  const cek = Buffer.isBuffer(key) ? key : privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(encryptedKey, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', cek, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(header, 'ascii'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
}

describe('emulator Managed HSM data plane (security domain, local RBAC, keys)', () => {
  let emulator: TestEmulator;
  let admin: TokenCredential;
  let hsmUrl: string;
  let officers: Officer[];
  let rest: ReturnType<typeof restClient>;
  const rg = 'rg-hsm-data';
  const name = uniqueName('hsmdata');

  before(async () => {
    emulator = await startTestEmulator();
    admin = await managedIdentity();
    await ensureResourceGroup(emulator, admin, rg);
    const hsm = await armClient(emulator, admin).managedHsms.beginCreateOrUpdateAndWait(rg, name, {
      location: 'westeurope',
      sku: { family: 'B', name: 'Standard_B1' },
      properties: { tenantId: emulator.tenantId, initialAdminObjectIds: [WRITER_OBJECT_ID], softDeleteRetentionInDays: 90, enablePurgeProtection: true },
    } as never);
    hsmUrl = hsm.properties?.hsmUri as string;
    officers = await makeOfficers(3);
    rest = restClient(admin, HSM_SCOPE);
  });
  after(async () => {
    await emulator.dispose();
  });

  const url = (path: string) => `${hsmUrl.replace(/\/$/, '')}${path}${path.includes('?') ? '&' : '?'}api-version=7.6`;

  it('when the HSM is not yet activated, then key operations and role management fail with 403 (HsmNotActivated)', async () => {
    const error = await expectRestError(keyClient(hsmUrl, admin).createRsaKey('too-early', { hsm: true }), 403, 'Forbidden');
    assert.match(error.message, /not activated/);
    const assignments = await rest('GET', url('/providers/Microsoft.Authorization/roleAssignments'));
    assert.equal(assignments.status, 403);
    assert.equal((assignments.body as { error: { innererror: { code: string } } }).error.innererror.code, 'HsmNotActivated');
  });

  it('when the security domain request is malformed, then it answers 400 BadParameter and the HSM stays inactive', async () => {
    const cases = [
      { certificates: officers.slice(0, 2).map((o) => o.jwk), required: 2 },
      { certificates: officers.map((o) => o.jwk), required: 1 },
      { certificates: officers.map((o) => o.jwk), required: 4 },
      { certificates: [officers[0]?.jwk, officers[1]?.jwk, { ...officers[2]?.jwk, n: officers[0]?.jwk.n }], required: 2 },
      { certificates: [officers[0]?.jwk, officers[0]?.jwk, officers[1]?.jwk], required: 2 },
      { certificates: officers.map((o) => ({ ...o.jwk, x5c: ['bm90IGEgY2VydA'] })), required: 2 },
    ];
    for (const body of cases) {
      const response = await rest('POST', url('/securitydomain/download'), body);
      assert.equal(response.status, 400, JSON.stringify(response.body));
    }
    const hsm = await armClient(emulator, admin).managedHsms.get(rg, name);
    assert.equal(hsm.properties?.securityDomainProperties?.activationStatus, 'NotActivated');
  });

  it('when someone other than an initial administrator downloads the security domain, then it is 403', async () => {
    const reader = restClient(await managedIdentity(READER_CLIENT_ID), HSM_SCOPE);
    const response = await reader('POST', url('/securitydomain/download'), { certificates: officers.map((o) => o.jwk), required: 2 });
    assert.equal(response.status, 403);
  });

  it('when the administrator downloads the security domain with 3 officers and quorum 2, then it is 202 with a document any 2 officers can open, and ARM shows Active', async () => {
    const response = await rest('POST', url('/securitydomain/download'), { certificates: officers.map((o) => o.jwk), required: 2 });
    assert.equal(response.status, 202);
    assert.match(response.headers['azure-asyncoperation'] ?? '', /\/securitydomain\/download\/pending\?api-version=7\.6$/);
    const document = JSON.parse((response.body as { value: string }).value) as {
      EncData: { data: Array<{ compact_jwe: string }> };
      SharedKeys: { enc_shares: Array<{ enc_key: string; x5t_256: string }>; required: number };
    };
    assert.equal(document.SharedKeys.required, 2);
    assert.equal(document.SharedKeys.enc_shares.length, 3);
    assert.doesNotMatch(JSON.stringify(document), /PRIVATE KEY|"d":/);
    // Officers 0 and 2 rebuild the domain secret and open the domain data.
    const shares = [0, 2].map((i) => {
      const share = JSON.parse(openJwe(document.SharedKeys.enc_shares[i]?.enc_key ?? '', officers[i]?.privateKey as KeyObject).toString()) as { x: number; y: string };
      return { x: share.x, y: Buffer.from(share.y, 'base64url') };
    });
    const secret = combineShares(shares);
    const domain = JSON.parse(openJwe(document.EncData.data[0]?.compact_jwe ?? '', secret).toString()) as { hsm: string };
    assert.equal(domain.hsm, name);
    assert.throws(() => openJwe(document.EncData.data[0]?.compact_jwe ?? '', combineShares(shares.slice(0, 1).concat({ x: 9, y: Buffer.alloc(32) }))));

    const pending = await rest('GET', url('/securitydomain/download/pending'));
    assert.equal((pending.body as { status: string }).status, 'Success');
    const hsm = await armClient(emulator, admin).managedHsms.get(rg, name);
    assert.equal(hsm.properties?.securityDomainProperties?.activationStatus, 'Active');
  });

  it('when the HSM is active, then the initial admin is Administrator at "/" but may not touch keys (as in Azure)', async () => {
    const list = await rest('GET', url('/providers/Microsoft.Authorization/roleAssignments'));
    assert.equal(list.status, 200);
    const assignments = (list.body as { value: Array<{ properties: { principalId: string; scope: string; roleDefinitionId: string } }> }).value;
    assert.ok(
      assignments.some((a) => a.properties.principalId === WRITER_OBJECT_ID && a.properties.scope === '/' && a.properties.roleDefinitionId.endsWith(HSM_ROLES.administrator)),
    );
    const error = await expectRestError(keyClient(hsmUrl, admin).createRsaKey('admin-key', { hsm: true }), 403, 'Forbidden');
    assert.match(error.message, /managedHsm\/keys\/create/);
    const definitions = await rest('GET', url('/providers/Microsoft.Authorization/roleDefinitions'));
    const roleNames = (definitions.body as { value: Array<{ properties: { roleName: string } }> }).value.map((d) => d.properties.roleName);
    assert.ok(roleNames.includes('Managed HSM Crypto Service Encryption User'));
  });

  it('when role calls write scope "/" as the spec\'s path template does (//providers/…), then they answer as /providers/… does, not 501 (issue 16 item 5)', async () => {
    // rbac.json: "/{scope}/providers/Microsoft.Authorization/roleAssignments" with scope "/".
    const list = await rest('GET', url('//providers/Microsoft.Authorization/roleAssignments'));
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const assignments = (list.body as { value: Array<{ properties: { scope: string; roleDefinitionId: string } }> }).value;
    assert.ok(assignments.some((a) => a.properties.scope === '/' && a.properties.roleDefinitionId.endsWith(HSM_ROLES.administrator)));
    const name = randomUUID();
    const put = await rest('PUT', url(`//providers/Microsoft.Authorization/roleAssignments/${name}`), {
      properties: { roleDefinitionId: roleId(HSM_ROLES.cryptoUser), principalId: READER_OBJECT_ID },
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    assert.equal((put.body as { properties: { scope: string } }).properties.scope, '/');
    assert.equal((await rest('GET', url(`/providers/Microsoft.Authorization/roleAssignments/${name}`))).status, 200);
    assert.equal((await rest('DELETE', url(`//providers/Microsoft.Authorization/roleAssignments/${name}`))).status, 200);
    assert.equal((await rest('GET', url('//providers/Microsoft.Authorization/roleDefinitions'))).status, 200);
  });

  it('when role assignments are made at /keys and /keys/<name>, then PUT answers exactly 201 and the grants apply: Crypto User creates keys, Exchange wraps/unwraps only its key', async () => {
    const userAssignment = randomUUID();
    const put = await rest('PUT', url(`/keys/providers/Microsoft.Authorization/roleAssignments/${userAssignment}`), {
      properties: { roleDefinitionId: roleId(HSM_ROLES.cryptoUser), principalId: WRITER_OBJECT_ID },
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    assert.equal((put.body as { id: string }).id, `/keys/providers/Microsoft.Authorization/roleAssignments/${userAssignment}`);
    const keys = keyClient(hsmUrl, admin);
    const cmk = await keys.createRsaKey('cmk-hsm', { hsm: true, keySize: 3072 });
    const other = await keys.createRsaKey('cmk-other', { hsm: true });
    assert.equal(cmk.keyType, 'RSA-HSM');
    assert.equal(cmk.properties.hsmPlatform, '2');
    assert.equal(cmk.properties.recoveryLevel, 'Recoverable+ProtectedSubscription');
    assert.match(cmk.id ?? '', new RegExp(`^${hsmUrl}keys/cmk-hsm/[0-9a-f]{32}$`));

    const exoAssignment = randomUUID();
    const exo = await rest('PUT', url(`/keys/cmk-hsm/providers/Microsoft.Authorization/roleAssignments/${exoAssignment}`), {
      properties: { roleDefinitionId: roleId(HSM_ROLES.serviceEncryptionUser), principalId: EXCHANGE_OBJECT_ID },
    });
    assert.equal(exo.status, 201);
    const exchange = await managedIdentity(EXCHANGE_APP_ID);
    const crypto = cryptoClient(cmk.id ?? '', exchange);
    const wrapped = await crypto.wrapKey('RSA-OAEP-256', Buffer.alloc(32, 0x33));
    assert.deepEqual(Buffer.from((await crypto.unwrapKey('RSA-OAEP-256', wrapped.result)).result), Buffer.alloc(32, 0x33));
    await expectRestError(cryptoClient(other.id ?? '', exchange).unwrapKey('RSA-OAEP-256', wrapped.result), 403, 'Forbidden');
    await expectRestError(keyClient(hsmUrl, exchange).createRsaKey('exo-key', { hsm: true }), 403, 'Forbidden');

    // Listing at "/" does not show key-scoped assignments; listing at the key does.
    const atRoot = (await rest('GET', url('/providers/Microsoft.Authorization/roleAssignments'))).body as { value: Array<{ name: string }> };
    assert.ok(!atRoot.value.some((a) => a.name === exoAssignment));
    const atKey = (await rest('GET', url('/keys/cmk-hsm/providers/Microsoft.Authorization/roleAssignments'))).body as { value: Array<{ name: string }> };
    assert.ok(atKey.value.some((a) => a.name === exoAssignment));
    const one = await rest('GET', url(`/keys/cmk-hsm/providers/Microsoft.Authorization/roleAssignments/${exoAssignment}`));
    assert.equal((one.body as { properties: { principalId: string } }).properties.principalId, EXCHANGE_OBJECT_ID);

    const deleted = await rest('DELETE', url(`/keys/cmk-hsm/providers/Microsoft.Authorization/roleAssignments/${exoAssignment}`));
    assert.equal(deleted.status, 200);
    await expectRestError(cryptoClient(cmk.id ?? '', exchange).unwrapKey('RSA-OAEP-256', wrapped.result), 403, 'Forbidden');
    assert.equal((await rest('GET', url(`/keys/cmk-hsm/providers/Microsoft.Authorization/roleAssignments/${exoAssignment}`))).status, 404);
  });

  it('when keys are deleted on the HSM, then the Crypto User cannot purge or recover them and the Crypto Officer can recover (purge protection still blocks purge)', async () => {
    const keys = keyClient(hsmUrl, admin);
    await keys.createRsaKey('cmk-lifecycle', { hsm: true });
    await (await keys.beginDeleteKey('cmk-lifecycle', { intervalInMs: 10 })).pollUntilDone().catch(() => undefined);
    await expectRestError(keys.getDeletedKey('cmk-lifecycle'), 403, 'Forbidden');
    const officer = await rest('PUT', url(`/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`), {
      properties: { roleDefinitionId: roleId(HSM_ROLES.cryptoOfficer), principalId: WRITER_OBJECT_ID },
    });
    assert.equal(officer.status, 201);
    await expectRestError(keys.purgeDeletedKey('cmk-lifecycle'), 403, 'Forbidden');
    const recovered = await (await keys.beginRecoverDeletedKey('cmk-lifecycle', { intervalInMs: 10 })).pollUntilDone();
    assert.equal(recovered.name, 'cmk-lifecycle');
  });

  it('when RBAC or key requests are wrong on the HSM, then they answer 400: bad scope, unknown role, software key type', async () => {
    const badScope = await rest('PUT', url(`/secrets/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`), {
      properties: { roleDefinitionId: roleId(HSM_ROLES.cryptoUser), principalId: READER_OBJECT_ID },
    });
    assert.equal(badScope.status, 400);
    const unknownRole = await rest('PUT', url(`/keys/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`), {
      properties: { roleDefinitionId: roleId('99999999-9999-4999-8999-999999999999'), principalId: READER_OBJECT_ID },
    });
    assert.equal(unknownRole.status, 400);
    await expectRestError(keyClient(hsmUrl, admin).createRsaKey('soft-key'), 400, 'BadParameter');
    const rng = await rest('POST', url('/rng'), { count: 16 });
    assert.equal(Buffer.from((rng.body as { value: string }).value, 'base64url').length, 16);
    assert.equal((await rest('POST', url('/rng'), { count: 1000 })).status, 400);
    assert.equal((await rest('POST', url('/securitydomain/upload'), { value: '{}' })).status, 501);
    assert.equal((await rest('GET', url('/keys/cmk-hsm/attestation'))).status, 501);
  });

  it('when a custom role definition is created, assigned and deleted, then PUT is 201, it grants its data actions, and it cannot be deleted while assigned', async () => {
    const definitionName = randomUUID();
    const created = await rest('PUT', url(`/providers/Microsoft.Authorization/roleDefinitions/${definitionName}`), {
      properties: {
        roleName: 'Keyward wrap only',
        description: 'wrap and read',
        permissions: [{ dataActions: ['Microsoft.KeyVault/managedHsm/keys/read/action', 'Microsoft.KeyVault/managedHsm/keys/wrap/action'] }],
      },
    });
    assert.equal(created.status, 201);
    assert.equal((created.body as { properties: { type: string } }).properties.type, 'CustomRole');
    const read = await rest('GET', url(`/providers/Microsoft.Authorization/roleDefinitions/${definitionName}`));
    assert.equal((read.body as { properties: { roleName: string } }).properties.roleName, 'Keyward wrap only');
    const assignment = randomUUID();
    const assigned = await rest('PUT', url(`/keys/providers/Microsoft.Authorization/roleAssignments/${assignment}`), {
      properties: { roleDefinitionId: roleId(definitionName), principalId: READER_OBJECT_ID },
    });
    assert.equal(assigned.status, 201);
    assert.equal((await rest('DELETE', url(`/providers/Microsoft.Authorization/roleDefinitions/${definitionName}`))).status, 409);
    assert.equal((await rest('DELETE', url(`/keys/providers/Microsoft.Authorization/roleAssignments/${assignment}`))).status, 200);
    assert.equal((await rest('DELETE', url(`/providers/Microsoft.Authorization/roleDefinitions/${definitionName}`))).status, 200);
    assert.equal(
      (await rest('PUT', url(`/providers/Microsoft.Authorization/roleDefinitions/${HSM_ROLES.cryptoUser}`), { properties: { permissions: [{ dataActions: ['x'] }] } })).status,
      400,
    );
  });
});
