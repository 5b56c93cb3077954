import assert from 'node:assert/strict';
import { accessPolicyGrants, applyAccessPolicyUpdate, parseAccessPolicies } from '../../../src/emulator/model/accessPolicies';
import { actionMatches, findAzureRole, roleAllows } from '../../../src/emulator/model/builtInRoles';
import { parseIsoDuration } from '../../../src/emulator/model/isoDuration';
import { normalizeLocation } from '../../../src/emulator/model/locations';
import { isValidVaultName } from '../../../src/emulator/model/names';
import { recoveryLevel } from '../../../src/emulator/model/recoveryLevel';
import { FaultInjector } from '../../../src/emulator/http/faultInjector';
import { classifyHost, splitHostHeader } from '../../../src/emulator/http/hostRouting';
import { RequestLog } from '../../../src/emulator/http/requestLog';

const TENANT = '8f0c5e1a-7b3d-4c2e-9a61-3d2b1c0e4f5a';
const OID = 'c0ffee00-0000-4000-8000-000000000002';

describe('emulator model rules', () => {
  it('when recovery inputs vary, then recoveryLevel follows Azure: ProtectedSubscription needs the feature and purge protection', () => {
    assert.equal(recoveryLevel({ softDeleteRetentionInDays: 90, purgeProtection: true, mandatoryRetentionRegistered: true }), 'Recoverable+ProtectedSubscription');
    assert.equal(recoveryLevel({ softDeleteRetentionInDays: 30, purgeProtection: true, mandatoryRetentionRegistered: true }), 'CustomizedRecoverable+ProtectedSubscription');
    assert.equal(recoveryLevel({ softDeleteRetentionInDays: 90, purgeProtection: true, mandatoryRetentionRegistered: false }), 'Recoverable');
    assert.equal(recoveryLevel({ softDeleteRetentionInDays: 7, purgeProtection: true, mandatoryRetentionRegistered: false }), 'CustomizedRecoverable');
    assert.equal(recoveryLevel({ softDeleteRetentionInDays: 90, purgeProtection: false, mandatoryRetentionRegistered: true }), 'Recoverable+Purgeable');
    assert.equal(recoveryLevel({ softDeleteRetentionInDays: 89, purgeProtection: false, mandatoryRetentionRegistered: false }), 'CustomizedRecoverable+Purgeable');
  });

  it("when vault names are checked, then Azure's rule applies (3-24, letter first, no trailing or double hyphen)", () => {
    for (const good of ['kv1', 'contoso-ck-primary', 'A23456789012345678901234']) assert.equal(isValidVaultName(good), true, good);
    for (const bad of ['kv', '1kv', 'kv-', 'k--v', 'kv_1', 'a2345678901234567890123456', 'kv.1']) assert.equal(isValidVaultName(bad), false, bad);
  });

  it('when data actions are matched, then * spans segments case-insensitively and built-in roles grant what Azure lists', () => {
    assert.equal(actionMatches('Microsoft.KeyVault/vaults/*', 'microsoft.keyvault/vaults/keys/wrap/action'), true);
    assert.equal(actionMatches('Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/keyrotationpolicies/read'), true);
    assert.equal(actionMatches('Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/keys/create/action'), false);
    const encryptionUser = findAzureRole('e147488a-f6f5-4113-8e2d-b22465e65bf6');
    assert.ok(encryptionUser);
    assert.equal(roleAllows(encryptionUser, 'Microsoft.KeyVault/vaults/keys/unwrap/action'), true);
    assert.equal(roleAllows(encryptionUser, 'Microsoft.KeyVault/vaults/keys/sign/action'), false);
    assert.equal(roleAllows(findAzureRole('a68e7c17-0ab2-4c09-9a58-125dae29748c')!, 'Microsoft.KeyVault/vaults/keys/read'), false);
  });

  it('when access policies are added, replaced and removed, then permissions merge per identity and empty entries vanish', () => {
    const [entry] = parseAccessPolicies([{ tenantId: TENANT, objectId: OID, permissions: { keys: ['get'] } }]);
    let policies = applyAccessPolicyUpdate([], 'add', [entry!]);
    policies = applyAccessPolicyUpdate(policies, 'add', parseAccessPolicies([{ tenantId: TENANT, objectId: OID, permissions: { keys: ['wrapKey', 'UnwrapKey'] } }]));
    assert.deepEqual(policies[0]?.permissions.keys, ['get', 'wrapKey', 'UnwrapKey']);
    assert.equal(accessPolicyGrants(policies, OID, TENANT, undefined, 'unwrapKey'), true);
    assert.equal(accessPolicyGrants(policies, OID, TENANT, undefined, 'sign'), false);
    policies = applyAccessPolicyUpdate(policies, 'replace', parseAccessPolicies([{ tenantId: TENANT, objectId: OID, permissions: { keys: ['all'] } }]));
    assert.equal(accessPolicyGrants(policies, OID, TENANT, undefined, 'purge'), true);
    policies = applyAccessPolicyUpdate(policies, 'remove', parseAccessPolicies([{ tenantId: TENANT, objectId: OID, permissions: { keys: ['all'] } }]));
    assert.deepEqual(policies, []);
    assert.throws(() => parseAccessPolicies([{ tenantId: TENANT, objectId: OID, permissions: { keys: ['fly'] } }]), /Invalid keys permission/);
    assert.throws(() => parseAccessPolicies([{ tenantId: TENANT, objectId: '00000002-0000-0ff1-ce00', permissions: {} }]), /objectId/);
  });

  it('when ISO 8601 durations are parsed, then days, months, years and times convert and junk is refused', () => {
    assert.equal(parseIsoDuration('P90D'), 90 * 86_400_000);
    assert.equal(parseIsoDuration('P1Y'), 365 * 86_400_000);
    assert.equal(parseIsoDuration('P2M'), 60 * 86_400_000);
    assert.equal(parseIsoDuration('PT12H'), 12 * 3_600_000);
    for (const bad of ['P', 'PT', '90D', 'P1.5D', 'P-1D']) assert.equal(parseIsoDuration(bad), undefined, bad);
  });

  it('when locations are spelled either way, then they normalise to the ARM name', () => {
    assert.equal(normalizeLocation('West Europe'), 'westeurope');
    assert.equal(normalizeLocation('WESTEUROPE'), 'westeurope');
    assert.equal(normalizeLocation('atlantis'), undefined);
  });

  it('when hosts are classified, then ARM, Graph, vaults and HSMs are told apart by name alone', () => {
    assert.deepEqual(classifyHost('localhost'), { kind: 'arm' });
    assert.deepEqual(classifyHost('management.localhost'), { kind: 'arm' });
    assert.deepEqual(classifyHost('graph.localhost'), { kind: 'graph' });
    assert.deepEqual(classifyHost('kv1.vault.localhost'), { kind: 'vault', name: 'kv1' });
    assert.deepEqual(classifyHost('hsm1.managedhsm.localhost'), { kind: 'hsm', name: 'hsm1' });
    assert.deepEqual(classifyHost('kv1.vault.azure.net'), { kind: 'unknown' });
    assert.deepEqual(splitHostHeader('kv1.vault.localhost:8443'), { hostname: 'kv1.vault.localhost', portSuffix: ':8443' });
    assert.deepEqual(splitHostHeader('[::1]:8443'), { hostname: '[::1]', portSuffix: ':8443' });
  });

  it('when a fault has a count, then it hits exactly that many matching requests and then disarms', () => {
    const faults = new FaultInjector();
    faults.add({ match: { method: 'GET', path: '^/keys' }, effect: { type: 'status', status: 503 }, count: 2 });
    assert.equal(faults.take('POST', 'kv.vault.localhost', '/keys/a/create'), undefined);
    assert.equal(faults.take('GET', 'kv.vault.localhost', '/keys/a')?.type, 'status');
    assert.equal(faults.take('GET', 'kv.vault.localhost', '/keys/a')?.type, 'status');
    assert.equal(faults.take('GET', 'kv.vault.localhost', '/keys/a'), undefined);
    assert.throws(() => faults.add({ match: { path: '(' }, effect: { type: 'drop' } }), /regular expression/);
    assert.throws(() => faults.add({ match: {}, effect: { type: 'explode' } }), /effect.type/);
  });
});

describe('emulator request log', () => {
  it('when more entries arrive than it holds, then it keeps the newest, oldest first', () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 5; i += 1) log.add({ at: '', method: 'GET', host: 'h', path: `/${i}`, status: 200, durationMs: 0 });
    assert.deepEqual(
      log.list().map((e) => e.path),
      ['/2', '/3', '/4'],
    );
    log.clear();
    assert.deepEqual(log.list(), []);
  });
});
