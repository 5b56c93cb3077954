import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import {
  ARM_SCOPE,
  EXCHANGE_APP_ID,
  EXCHANGE_OBJECT_ID,
  type TestEmulator,
  WRITER_OBJECT_ID,
  armClient,
  createVault,
  cryptoClient,
  expectRestError,
  keyClient,
  keyPolicy,
  managedIdentity,
  restClient,
  startTestEmulator,
} from './helpers';

const ROLES = {
  administrator: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  cryptoOfficer: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
  cryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424',
  serviceEncryptionUser: 'e147488a-f6f5-4113-8e2d-b22465e65bf6',
  reader: '21090545-7ca7-4776-b22c-e363652d74d2',
  purgeOperator: 'a68e7c17-0ab2-4c09-9a58-125dae29748c',
};

describe('emulator data-plane authorization (access policies and Azure RBAC)', () => {
  let emulator: TestEmulator;
  let writer: TokenCredential;
  let exchange: TokenCredential;
  let arm: ReturnType<typeof restClient>;

  before(async () => {
    emulator = await startTestEmulator();
    writer = await managedIdentity();
    exchange = await managedIdentity(EXCHANGE_APP_ID);
    arm = restClient(writer, ARM_SCOPE);
  });
  after(async () => {
    await emulator.dispose();
  });

  const assign = (scope: string, role: string, principalId: string, name: string = randomUUID()) =>
    arm('PUT', `${emulator.armEndpoint}${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, {
      properties: {
        roleDefinitionId: `/subscriptions/${emulator.subscriptionIds[0]}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
        principalId,
        principalType: 'ServicePrincipal',
      },
    });

  it('when a vault has no access policy for its creator, then even the creator gets 403 ForbiddenByPolicy on the data plane', async () => {
    const vault = await createVault(emulator, writer);
    const error = await expectRestError(keyClient(vault.vaultUri, writer).createRsaKey('cmk'), 403, 'Forbidden');
    assert.match(error.message, /does not have keys create permission/);
    assert.equal((error.details as { error?: { innerError?: { code?: string } } })?.error?.innerError?.code, 'ForbiddenByPolicy');
  });

  it('when Exchange Online wraps and unwraps on an access-policy vault, then it is refused until the policy grants get/wrapKey/unwrapKey, then it succeeds', async () => {
    const vault = await createVault(emulator, writer, { properties: { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['create', 'get', 'list'])] } });
    const key = await keyClient(vault.vaultUri, writer).createRsaKey('cmk-exo', { hsm: true, keySize: 2048 });
    const asExchange = cryptoClient(key.id ?? '', exchange);
    await expectRestError(asExchange.unwrapKey('RSA-OAEP', Buffer.alloc(256)), 403, 'Forbidden');
    await armClient(emulator, writer).vaults.updateAccessPolicy(vault.resourceGroup, vault.name, 'add', {
      properties: { accessPolicies: [keyPolicy(emulator.tenantId, EXCHANGE_OBJECT_ID, ['get', 'wrapKey', 'unwrapKey'])] },
    });
    const granted = cryptoClient(key.id ?? '', exchange);
    const wrapped = await granted.wrapKey('RSA-OAEP-256', Buffer.alloc(32, 0x42));
    assert.deepEqual(Buffer.from((await granted.unwrapKey('RSA-OAEP-256', wrapped.result)).result), Buffer.alloc(32, 0x42));
    await expectRestError(granted.sign('RS256', Buffer.alloc(32)), 403, 'Forbidden');
    await expectRestError(keyClient(vault.vaultUri, exchange).createRsaKey('not-allowed'), 403, 'Forbidden');
  });

  it('when an RBAC vault grants Exchange Online the Crypto Service Encryption User role, then wrap/unwrap work, key creation is 403 ForbiddenByRbac, and removing the role closes it again', async () => {
    const vault = await createVault(emulator, writer, { properties: { enableRbacAuthorization: true } });
    const vaultId = `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault.name}`;
    // Creating the vault granted nothing: the writer needs a data role first.
    const denied = await expectRestError(keyClient(vault.vaultUri, writer).createRsaKey('cmk-rbac'), 403, 'Forbidden');
    assert.equal((denied.details as { error?: { innerError?: { code?: string } } })?.error?.innerError?.code, 'ForbiddenByRbac');
    const officer = await assign(vaultId, ROLES.cryptoOfficer, WRITER_OBJECT_ID);
    assert.equal(officer.status, 201);
    const key = await keyClient(vault.vaultUri, writer).createRsaKey('cmk-rbac', { hsm: true });

    const exoName = randomUUID();
    const exo = await assign(`${vaultId}/keys/cmk-rbac`, ROLES.serviceEncryptionUser, EXCHANGE_OBJECT_ID, exoName);
    assert.equal(exo.status, 201);
    assert.equal((exo.body as { properties: { scope: string } }).properties.scope, `${vaultId}/keys/cmk-rbac`);
    const asExchange = cryptoClient(key.id ?? '', exchange);
    const wrapped = await asExchange.wrapKey('RSA-OAEP-256', Buffer.alloc(32, 7));
    assert.deepEqual(Buffer.from((await asExchange.unwrapKey('RSA-OAEP-256', wrapped.result)).result), Buffer.alloc(32, 7));
    await expectRestError(keyClient(vault.vaultUri, exchange).createRsaKey('cmk-other'), 403, 'Forbidden');

    const removed = await arm('DELETE', `${emulator.armEndpoint}${vaultId}/keys/cmk-rbac/providers/Microsoft.Authorization/roleAssignments/${exoName}?api-version=2022-04-01`);
    assert.equal(removed.status, 200);
    await expectRestError(cryptoClient(key.id ?? '', exchange).unwrapKey('RSA-OAEP-256', wrapped.result), 403, 'Forbidden');
    assert.equal((await arm('DELETE', `${emulator.armEndpoint}${vaultId}/providers/Microsoft.Authorization/roleAssignments/${exoName}?api-version=2022-04-01`)).status, 204);
  });

  it('when roles are assigned higher up (resource group), then they apply to the vault below; control-plane roles grant no data access', async () => {
    const vault = await createVault(emulator, writer, { resourceGroup: 'rg-rbac-inherit', properties: { enableRbacAuthorization: true } });
    const groupScope = `/subscriptions/${vault.subscriptionId}/resourceGroups/rg-rbac-inherit`;
    assert.equal((await assign(groupScope, ROLES.purgeOperator, WRITER_OBJECT_ID)).status, 201);
    await expectRestError(keyClient(vault.vaultUri, writer).createRsaKey('cmk-inherit'), 403, 'Forbidden');
    assert.equal((await assign(groupScope, ROLES.administrator, WRITER_OBJECT_ID)).status, 201);
    await keyClient(vault.vaultUri, writer).createRsaKey('cmk-inherit');
    const list = await arm(
      'GET',
      `${emulator.armEndpoint}${groupScope}/providers/Microsoft.KeyVault/vaults/${vault.name}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent('atScope()')}`,
    );
    assert.equal((list.body as { value: unknown[] }).value.length, 2);
    const byPrincipal = await arm(
      'GET',
      `${emulator.armEndpoint}${groupScope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${EXCHANGE_OBJECT_ID}'`)}`,
    );
    assert.deepEqual((byPrincipal.body as { value: unknown[] }).value, []);
  });

  it('when Keyward reads its ARM permissions, then they are "*" by default plus the data actions of its roles, and the control API can narrow them', async () => {
    const vault = await createVault(emulator, writer, { properties: { enableRbacAuthorization: true } });
    const vaultId = `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault.name}`;
    const url = `${emulator.armEndpoint}${vaultId}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`;
    type Permissions = { value: Array<{ actions: string[]; dataActions: string[] }> };
    assert.deepEqual((await arm('GET', url)).body, { value: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }] });
    assert.equal((await assign(vaultId, ROLES.cryptoUser, WRITER_OBJECT_ID)).status, 201);
    const withRole = (await arm('GET', url)).body as Permissions;
    assert.ok(withRole.value.some((p) => p.dataActions.includes('Microsoft.KeyVault/vaults/keys/unwrap/action')));
    await emulator.control.setArmPermissions(WRITER_OBJECT_ID, ['Microsoft.KeyVault/vaults/read']);
    assert.deepEqual(((await arm('GET', url)).body as Permissions).value[0]?.actions, ['Microsoft.KeyVault/vaults/read']);
    await emulator.control.setArmPermissions(WRITER_OBJECT_ID, null);
    assert.deepEqual(((await arm('GET', url)).body as Permissions).value[0]?.actions, ['*']);
  });

  it("when a role assignment is wrong, then ARM answers Azure's codes: duplicate 409, unknown principal, unknown role, non-GUID name 400", async () => {
    const vault = await createVault(emulator, writer);
    const vaultId = `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault.name}`;
    const code = (response: { body: unknown }) => (response.body as { error: { code: string } }).error.code;
    const name = randomUUID();
    assert.equal((await assign(vaultId, ROLES.reader, EXCHANGE_OBJECT_ID, name)).status, 201);
    const got = await arm('GET', `${emulator.armEndpoint}${vaultId}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`);
    assert.equal((got.body as { properties: { principalId: string } }).properties.principalId, EXCHANGE_OBJECT_ID);
    assert.equal(code(await assign(vaultId, ROLES.reader, EXCHANGE_OBJECT_ID, name)), 'RoleAssignmentExists');
    assert.equal(code(await assign(vaultId, ROLES.reader, EXCHANGE_OBJECT_ID)), 'RoleAssignmentExists');
    // The app id is not an object id: the classic mistake is caught.
    assert.equal(code(await assign(vaultId, ROLES.reader, EXCHANGE_APP_ID)), 'PrincipalNotFound');
    assert.equal(code(await assign(vaultId, '99999999-9999-4999-8999-999999999999', EXCHANGE_OBJECT_ID)), 'RoleDefinitionDoesNotExist');
    assert.equal(code(await assign(vaultId, ROLES.reader, EXCHANGE_OBJECT_ID, 'not-a-guid')), 'InvalidRoleAssignmentId');
    const missingVault = await assign(
      `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.KeyVault/vaults/kv-nowhere`,
      ROLES.reader,
      EXCHANGE_OBJECT_ID,
    );
    assert.equal(missingVault.status, 404);
    const definition = await arm(
      'GET',
      `${emulator.armEndpoint}/subscriptions/${vault.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.serviceEncryptionUser}?api-version=2022-04-01`,
    );
    assert.equal((definition.body as { properties: { roleName: string } }).properties.roleName, 'Key Vault Crypto Service Encryption User');
    const definitions = await arm('GET', `${emulator.armEndpoint}${vaultId}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`);
    const names = (definitions.body as { value: Array<{ name: string; properties: { permissions: Array<{ dataActions: string[] }> } }> }).value;
    assert.deepEqual(names.find((d) => d.name === ROLES.serviceEncryptionUser)?.properties.permissions[0]?.dataActions, [
      'Microsoft.KeyVault/vaults/keys/read',
      'Microsoft.KeyVault/vaults/keys/wrap/action',
      'Microsoft.KeyVault/vaults/keys/unwrap/action',
    ]);
  });
});
