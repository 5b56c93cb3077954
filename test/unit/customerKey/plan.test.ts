import assert from 'node:assert/strict';
import { canonicalJson, isAppError } from '../../../src/core';
import {
  buildDepPlan,
  buildKeyRollPlan,
  buildSetupPlan,
  buildTeardownPlan,
  keyRefsOf,
  planHash,
  PLAN_SCHEMA,
  ROLES,
  FORBIDDEN_KEYWARD_DATA_ACTIONS,
  KEYWARD_HSM_KEY_ROLE,
  validateSpec,
  type CustomerKeySpec,
  type Plan,
  type PlanStep,
} from '../../../src/customerKey';
import { CONTEXT, hsmDraft, PEOPLE, premiumDraft, SP_OBJECT_IDS, SUB_A, SUB_B, TENANT, WRITER } from './fixtures/specs';

function spec(draft = premiumDraft()): CustomerKeySpec {
  const result = validateSpec(draft);
  assert.ok(result.ok, JSON.stringify(result.errors));
  return result.spec;
}

function step<K extends PlanStep['kind']>(plan: Plan, id: string, kind: K): Extract<PlanStep, { kind: K }> {
  const found = plan.steps.find((s) => s.id === id);
  assert.ok(found, `no step ${id}`);
  assert.equal(found.kind, kind);
  return found as Extract<PlanStep, { kind: K }>;
}

describe('setup plan (Key Vault Premium)', () => {
  const plan = buildSetupPlan(spec(), CONTEXT);

  // Issue 11 item 7: Key Vault Crypto Officer includes key delete and purge.
  it('when no custom key role is configured, then Keyward gets Crypto Officer and the plan says plainly that it includes delete and purge', () => {
    const own = plan.steps.find((s) => s.kind === 'grantKeyAccess' && s.params.principal.kind === 'keyward');
    assert.ok(own && own.kind === 'grantKeyAccess' && own.params.grant.mode === 'rbac');
    assert.equal(own.params.grant.roleDefinitionId, ROLES.keyVaultCryptoOfficer.id);
    assert.match((plan.keywardRights ?? []).join(' '), /includes deleting and purging keys.*KEYWARD_VAULT_KEY_ROLE_ID/);
  });

  it('when the custom key role from infra/ is configured, then Keyward gets it on each vault and keeps no delete or purge', () => {
    const roleId = '0b8c4f7e-2a1d-4c3b-9e5f-6a7b8c9d0e1f';
    const custom = buildSetupPlan(spec(), { ...CONTEXT, vaultKeyRoleDefinitionId: roleId });
    const grants = custom.steps.filter((s) => s.kind === 'grantKeyAccess' && s.params.principal.kind === 'keyward');
    assert.equal(grants.length, 6);
    for (const g of grants) assert.ok(g.kind === 'grantKeyAccess' && g.params.grant.mode === 'rbac' && g.params.grant.roleDefinitionId === roleId);
    assert.match((custom.keywardRights ?? []).join(' '), /no delete, no purge/);
    assert.doesNotMatch((custom.keywardRights ?? []).join(' '), /Crypto Officer/);
    assert.throws(
      () => buildSetupPlan(spec(), { ...CONTEXT, vaultKeyRoleDefinitionId: 'not-a-guid' }),
      (e: unknown) => isAppError(e, 'ValidationFailed'),
    );
  });

  it('when built, then it is a create-class setup plan with the schema tag and six keys', () => {
    assert.equal(plan.schema, PLAN_SCHEMA);
    assert.equal(plan.kind, 'setup');
    assert.equal(plan.operationClass, 'create');
    assert.equal(plan.keys.length, 6);
    assert.equal(plan.steps.filter((s) => s.kind === 'ensureVault').length, 6);
    assert.deepEqual(
      plan.steps.map((s) => s.index),
      plan.steps.map((_, i) => i),
    );
  });

  it('when built, then every vault is Premium with 90-day soft delete, purge protection and the chosen model', () => {
    const vault = step(plan, 'ensureVault:A:exchange', 'ensureVault');
    assert.equal(vault.params.sku, 'premium');
    assert.equal(vault.params.softDeleteRetentionInDays, 90);
    assert.equal(vault.params.enablePurgeProtection, true);
    assert.equal(vault.params.enableRbacAuthorization, true);
    assert.deepEqual(vault.params.accessPolicies, []);
    assert.equal(vault.irreversible, true);
  });

  it('when built, then each workload key is RSA-HSM 3072 with wrapKey/unwrapKey, no expiry, tagged per request', () => {
    const key = step(plan, 'ensureKey:B:sharePoint', 'ensureKey');
    assert.deepEqual(
      { kty: key.params.kty, size: key.params.keySize, ops: key.params.keyOps, expires: key.params.expires, tag: key.params.tagWithRequestId },
      { kty: 'RSA-HSM', size: 3072, ops: ['wrapKey', 'unwrapKey'], expires: null, tag: true },
    );
    assert.equal(key.params.container.name, 'contoso-ck-sp-b');
  });

  it("when built with RBAC, then each workload's vault grants only that workload's service principal the encryption role", () => {
    const ex = step(plan, 'grantKeyAccess:A:exchange:exchangeOnline', 'grantKeyAccess');
    assert.equal(ex.params.principal.appId, '00000002-0000-0ff1-ce00-000000000000');
    assert.equal(ex.params.principal.objectId, SP_OBJECT_IDS['00000002-0000-0ff1-ce00-000000000000']);
    assert.deepEqual(ex.params.grant, {
      mode: 'rbac',
      roleDefinitionId: ROLES.keyVaultCryptoServiceEncryptionUser.id,
      roleName: 'Key Vault Crypto Service Encryption User',
      scope: `/subscriptions/${SUB_A}/resourceGroups/rg-contoso-ck-a/providers/Microsoft.KeyVault/vaults/contoso-ck-ex-a`,
    });
    const mw = step(plan, 'grantKeyAccess:B:multiWorkload:m365DataAtRestEncryption', 'grantKeyAccess');
    assert.equal(mw.params.principal.appId, 'c066d759-24ae-40e7-a56f-027002b5d3e4');
    const sp = step(plan, 'grantKeyAccess:A:sharePoint:sharePointOnline', 'grantKeyAccess');
    assert.equal(sp.params.principal.appId, '00000003-0000-0ff1-ce00-000000000000');
    assert.equal(plan.steps.filter((s) => s.kind === 'grantKeyAccess' && s.params.principal.kind === 'm365').length, 6);
  });

  it('when built with access policies, then Keyward gets create/backup without delete in the vault and the service principal get/wrapKey/unwrapKey', () => {
    const draft = premiumDraft();
    draft.accessModel = 'accessPolicy';
    const p = buildSetupPlan(spec(draft), CONTEXT);
    const vault = step(p, 'ensureVault:A:exchange', 'ensureVault');
    assert.deepEqual(vault.params.accessPolicies, [{ objectId: WRITER, keyPermissions: ['get', 'list', 'create', 'backup'] }]);
    assert.ok(!vault.params.accessPolicies[0]?.keyPermissions.includes('delete'));
    assert.equal(
      p.steps.some((s) => s.id === 'grantKeyAccess:A:exchange:keyward'),
      false,
    );
    assert.deepEqual(step(p, 'grantKeyAccess:A:exchange:exchangeOnline', 'grantKeyAccess').params.grant, { mode: 'accessPolicy', keyPermissions: ['get', 'wrapKey', 'unwrapKey'] });
  });

  it('when built, then it ends with readiness for all keys and lists what is irreversible and what it costs', () => {
    const last = plan.steps[plan.steps.length - 1];
    assert.equal(last?.kind, 'verifyReadiness');
    assert.ok(plan.irreversible.some((line) => /Purge protection/.test(line)));
    assert.ok(plan.costNotes.some((line) => /per operation/.test(line)));
    assert.equal(
      plan.estimatedDurationSeconds,
      plan.steps.reduce((sum, s) => sum + s.estimatedSeconds, 0),
    );
  });

  it('when the same spec is planned twice, then plan and hash are identical', () => {
    const again = buildSetupPlan(spec(), CONTEXT);
    assert.equal(canonicalJson(again), canonicalJson(plan));
    assert.equal(planHash(again), planHash(plan));
    assert.match(planHash(plan), /^[0-9a-f]{64}$/);
  });

  it('when the spec is revalidated from a draft in another key order, then the hash is unchanged', () => {
    const draft = premiumDraft();
    const reordered = {
      approvers: draft.approvers,
      keySize: draft.keySize,
      sites: draft.sites,
      accessModel: draft.accessModel,
      workloads: [...(draft.workloads ?? [])].reverse(),
      protection: draft.protection,
    };
    assert.equal(planHash(buildSetupPlan(spec(reordered), CONTEXT)), planHash(plan));
  });

  const changes: Array<[string, (d: ReturnType<typeof premiumDraft>) => void]> = [
    ['a vault name', (d) => (d.sites!.A!.vaultNames!.exchange = 'contoso-ck-ex-a2')],
    ['the key size', (d) => (d.keySize = '4096')],
    ['the access model', (d) => (d.accessModel = 'accessPolicy')],
    ['a region', (d) => (d.sites!.B!.region = 'francecentral')],
    ['the workloads', (d) => (d.workloads = ['exchange'])],
  ];
  for (const [what, change] of changes) {
    it(`when ${what} changes, then the hash changes`, () => {
      const draft = premiumDraft();
      change(draft);
      assert.notEqual(planHash(buildSetupPlan(spec(draft), CONTEXT)), planHash(plan));
    });
  }

  it('when the context changes (another writer identity), then the hash changes', () => {
    assert.notEqual(planHash(buildSetupPlan(spec(), { ...CONTEXT, keywardWriterObjectId: '5f1c0a2e-7d41-4b6a-9c3e-0000000000ff' })), planHash(plan));
  });

  it('when a needed service principal has no object id, then building fails with ServicePrincipalMissing', () => {
    const ids = { ...SP_OBJECT_IDS };
    delete ids['00000003-0000-0ff1-ce00-000000000000'];
    assert.throws(
      () => buildSetupPlan(spec(), { ...CONTEXT, servicePrincipalObjectIds: ids }),
      (e: unknown) => isAppError(e, 'ServicePrincipalMissing') && /New-AzADServicePrincipal/.test(e.message),
    );
  });
});

describe('setup plan (Managed HSM)', () => {
  const plan = buildSetupPlan(spec(hsmDraft()), CONTEXT);

  it('when built, then each site has one HSM with Keyward added as initial administrator, purge protection and the retention', () => {
    const hsm = step(plan, 'ensureManagedHsm:A', 'ensureManagedHsm');
    assert.ok(hsm.params.initialAdminObjectIds.includes(WRITER));
    assert.deepEqual(hsm.params.initialAdminObjectIds, [PEOPLE.operator.objectId, WRITER], 'humans first, then Keyward');
    assert.equal(hsm.params.softDeleteRetentionInDays, 90);
    assert.equal(hsm.params.enablePurgeProtection, true);
    assert.equal(plan.steps.filter((s) => s.kind === 'ensureManagedHsm').length, 2);
  });

  it('when built, then activation carries officers and quorum but never key material', () => {
    const act = step(plan, 'activateSecurityDomain:B', 'activateSecurityDomain');
    assert.equal(act.params.quorum, 3);
    assert.equal(act.params.officers.length, 4);
    assert.equal(act.params.wrappingKeys, 'collectPublicCertificatesFromOfficers');
  });

  // Issue 11 item 7: Managed HSM Crypto User can delete keys; Keyward's own role cannot.
  it('when built, then service principals get the encryption role at key scope and Keyward a custom role at /keys without delete, purge or role management', () => {
    const sp = step(plan, 'assignHsmRole:A:exchange:exchangeOnline', 'assignHsmRole');
    assert.equal(sp.params.scope, '/keys/ck-ex');
    assert.equal(sp.params.roleDefinitionId, '33413926-3206-4cdd-b39a-83574fe37a17');
    const own = step(plan, 'assignHsmRole:A:keyward:keyWriter', 'assignHsmRole');
    assert.equal(own.params.scope, '/keys');
    assert.notEqual(own.params.roleDefinitionId, ROLES.managedHsmCryptoUser.id);
    assert.equal(own.params.roleDefinitionId, KEYWARD_HSM_KEY_ROLE.id);
    const actions = own.params.definition?.dataActions ?? [];
    assert.ok(actions.includes('Microsoft.KeyVault/managedHsm/keys/create'));
    for (const forbidden of FORBIDDEN_KEYWARD_DATA_ACTIONS) assert.ok(!actions.includes(forbidden), forbidden);
    assert.ok(!actions.some((a) => a.includes('*')), 'no wildcards');
  });

  it('when built, then Keyward gives up its Administrator role after readiness and the plan says what it keeps', () => {
    const revokes = plan.steps.filter((s) => s.kind === 'revokeHsmRole');
    assert.deepEqual(
      revokes.map((s) => s.id),
      ['revokeHsmRole:A:keyward:administrator', 'revokeHsmRole:B:keyward:administrator'],
    );
    const verifyIndex = plan.steps.findIndex((s) => s.kind === 'verifyReadiness');
    assert.ok(revokes.every((s) => s.index > verifyIndex));
    const first = step(plan, 'revokeHsmRole:A:keyward:administrator', 'revokeHsmRole');
    assert.equal(first.params.roleDefinitionId, ROLES.managedHsmAdministrator.id);
    assert.deepEqual(first.params.keepAdministrators, [PEOPLE.operator.objectId]);
    assert.match((plan.keywardRights ?? []).join(' '), /no delete, no purge/);
    assert.match((plan.keywardRights ?? []).join(' '), /gives up Managed HSM Administrator/);
  });

  it('when Keyward is the only administrator named, then it keeps Administrator and the plan says so plainly', () => {
    const draft = hsmDraft();
    draft.hsm!.initialAdminObjectIds = [WRITER];
    const alone = buildSetupPlan(spec(draft), CONTEXT);
    assert.equal(alone.steps.filter((s) => s.kind === 'revokeHsmRole').length, 0);
    assert.match((alone.keywardRights ?? []).join(' '), /stays Managed HSM Administrator, which can grant itself any role including key delete/);
  });

  it('when built, then the order is HSM → activation → roles → key → key role → backup per site', () => {
    const ids = plan.steps.filter((s) => s.site === 'A').map((s) => s.id);
    assert.deepEqual(ids, [
      'ensureResourceGroup:A',
      'ensureManagedHsm:A',
      'activateSecurityDomain:A',
      'assignHsmRole:A:keyward:keyWriter',
      'ensureKey:A:multiWorkload',
      'assignHsmRole:A:multiWorkload:m365DataAtRestEncryption',
      'backupKey:A:multiWorkload',
      'ensureKey:A:exchange',
      'assignHsmRole:A:exchange:exchangeOnline',
      'backupKey:A:exchange',
      'revokeHsmRole:A:keyward:administrator',
    ]);
  });

  it('when built, then the billing notes say billing starts at provisioning and continues while soft-deleted', () => {
    assert.ok(plan.costNotes.some((n) => /from the moment it is provisioned/.test(n)));
    assert.ok(plan.costNotes.some((n) => /soft-deleted/.test(n)));
    assert.ok(plan.irreversible.some((n) => /security domain/.test(n)));
  });
});

describe("setup plan: Keyward's reader identity (issue 12 item 6)", () => {
  const READER = '5f1c0a2e-7d41-4b6a-9c3e-0000000000b2';
  const readerGrants = (plan: Plan) => plan.steps.filter((s) => (s.kind === 'grantKeyAccess' || s.kind === 'assignHsmRole') && s.params.principal.token === 'keyward-reader');

  it('when the context names a reader apart from the writer, then each RBAC vault gives it Key Vault Reader, each access-policy vault get/list, each HSM Crypto Auditor on /keys — and nothing that uses or changes a key', () => {
    const rbac = buildSetupPlan(spec({ ...premiumDraft(), accessModel: 'rbac' }), { ...CONTEXT, keywardReaderObjectId: READER });
    assert.deepEqual(
      [...new Set(readerGrants(rbac).map((s) => (s.kind === 'grantKeyAccess' && s.params.grant.mode === 'rbac' ? s.params.grant.roleName : '?')))],
      [ROLES.keyVaultReader.name],
    );
    assert.equal(readerGrants(rbac).length, rbac.steps.filter((s) => s.kind === 'ensureVault').length);
    const policies = buildSetupPlan(spec({ ...premiumDraft(), accessModel: 'accessPolicy' }), { ...CONTEXT, keywardReaderObjectId: READER });
    for (const vault of policies.steps.filter((s) => s.kind === 'ensureVault')) {
      assert.deepEqual(vault.kind === 'ensureVault' && vault.params.accessPolicies.find((p) => p.objectId === READER)?.keyPermissions, ['get', 'list']);
    }
    const hsm = buildSetupPlan(spec(hsmDraft()), { ...CONTEXT, keywardReaderObjectId: READER });
    assert.deepEqual(
      readerGrants(hsm).map((s) => (s.kind === 'assignHsmRole' ? [s.params.roleName, s.params.scope] : [])),
      [
        [ROLES.managedHsmCryptoAuditor.name, '/keys'],
        [ROLES.managedHsmCryptoAuditor.name, '/keys'],
      ],
    );
  });

  it('when the reader is the writer (production without KEYWARD_READER_CLIENT_ID) or not named, then the plan has no reader grants', () => {
    assert.equal(readerGrants(buildSetupPlan(spec(), { ...CONTEXT, keywardReaderObjectId: WRITER })).length, 0);
    assert.equal(readerGrants(buildSetupPlan(spec(), CONTEXT)).length, 0);
  });
});

describe('key roll plan', () => {
  const s = spec();
  const key = keyRefsOf(s).find((k) => k.site === 'A' && k.workload === 'sharePoint');
  assert.ok(key);

  it('when a SharePoint key A is rolled, then one key gets a new version, a backup, a check and a Primary refresh by the operator', () => {
    const plan = buildKeyRollPlan({
      tenantId: TENANT,
      key,
      keySize: 3072,
      depsToRefresh: [{ scope: 'sharePoint', adminUrl: 'https://contoso-admin.sharepoint.com' }],
      servicePrincipalObjectId: SP_OBJECT_IDS['00000003-0000-0ff1-ce00-000000000000']!,
    });
    assert.equal(plan.operationClass, 'keyRoll');
    assert.deepEqual(
      plan.steps.map((x) => x.kind),
      ['rollKey', 'backupKey', 'verifyReadiness', 'refreshDep', 'recordDep'],
    );
    const roll = step(plan, 'rollKey:A:sharePoint', 'rollKey');
    assert.equal(roll.params.disableOldVersions, false);
    const refresh = step(plan, 'refreshDep:A:sharePoint:0', 'refreshDep');
    assert.equal(refresh.params.sharePointKeyType, 'Primary');
    assert.equal(refresh.params.runner, 'operator');
    assert.deepEqual(plan.keys, [key]);
  });

  it('when a DEP of another workload is given, then the plan is refused', () => {
    assert.throws(
      () =>
        buildKeyRollPlan({
          tenantId: TENANT,
          key,
          keySize: 3072,
          depsToRefresh: [{ scope: 'exchange', policyName: 'Contoso-EX' }],
          servicePrincipalObjectId: SP_OBJECT_IDS['00000003-0000-0ff1-ce00-000000000000']!,
        }),
      (e: unknown) => isAppError(e, 'ValidationFailed'),
    );
  });
});

describe('teardown plan', () => {
  const target = {
    site: 'A' as const,
    containerKind: 'managedHsm' as const,
    name: 'contoso-hsm-a',
    subscriptionId: SUB_A,
    resourceGroup: 'rg-contoso-hsm-a',
    region: 'westeurope',
    purgeProtectionEnabled: true,
    softDeleteRetentionDays: 90,
    keys: [{ keyName: 'ck-ex', workload: 'exchange' as const }],
  };

  it('when no DEP uses the keys, then it is a destructive plan: delete, then purge after retention, with billing notes', () => {
    const plan = buildTeardownPlan({ tenantId: TENANT, targets: [target], depUsages: [] });
    assert.equal(plan.operationClass, 'destructive');
    assert.deepEqual(
      plan.steps.map((s) => s.id),
      ['deleteManagedHsm:A:contoso-hsm-a', 'purgeManagedHsm:A:contoso-hsm-a'],
    );
    const purge = step(plan, 'purgeManagedHsm:A:contoso-hsm-a', 'purgeManagedHsm');
    assert.equal(purge.irreversible, true);
    assert.equal(purge.params.waitForScheduledPurgeDate, true);
    assert.equal(purge.params.perLocationFallback, true);
    assert.ok(plan.costNotes.some((n) => /until the purge completes/.test(n)));
    assert.ok(plan.costNotes.some((n) => /Disabled subscription/.test(n)));
  });

  it('when a vault without purge protection is removed, then the purge follows the delete at once and there is no HSM billing note', () => {
    const plan = buildTeardownPlan({
      tenantId: TENANT,
      targets: [{ ...target, containerKind: 'vault', name: 'contoso-ck-ex-a', purgeProtectionEnabled: false, softDeleteRetentionDays: 7 }],
      depUsages: [{ dep: { scope: 'multiWorkload', policyName: 'Other' }, keyUris: ['https://other.vault.azure.net/keys/k'] }],
    });
    assert.equal(plan.protection, 'keyVaultPremium');
    const purge = step(plan, 'purgeVault:A:contoso-ck-ex-a', 'purgeVault');
    assert.equal(purge.params.waitForScheduledPurgeDate, false);
    assert.ok(!plan.costNotes.some((n) => /hourly/.test(n)));
  });

  it('when a DEP still uses a key (even by a versioned :443 URI), then the teardown is refused with KeyInUseByDep', () => {
    assert.throws(
      () =>
        buildTeardownPlan({
          tenantId: TENANT,
          targets: [target],
          depUsages: [
            { dep: { scope: 'exchange', policyName: 'Contoso-EX' }, keyUris: ['https://CONTOSO-HSM-A.managedhsm.azure.net:443/keys/ck-ex/0123456789abcdef0123456789abcdef'] },
          ],
        }),
      (e: unknown) => isAppError(e, 'KeyInUseByDep') && /Contoso-EX/.test(e.message),
    );
  });
});

describe('DEP plan', () => {
  const s = spec();
  const keys = keyRefsOf(s).filter((k) => k.workload === 'exchange');

  it('when an Exchange DEP is planned, then it checks readiness, applies the exact script and records the state', () => {
    const plan = buildDepPlan({
      request: {
        scope: 'exchange',
        tenantId: TENANT,
        policyName: 'Contoso-EX',
        keys: [
          { uri: keys[0]!.versionlessUri, subscriptionId: SUB_A },
          { uri: keys[1]!.versionlessUri, subscriptionId: SUB_B },
        ],
        mailboxes: { all: true },
      },
      keys,
      servicePrincipalObjectId: SP_OBJECT_IDS['00000002-0000-0ff1-ce00-000000000000']!,
      runner: 'operator',
    });
    assert.deepEqual(
      plan.steps.map((x) => x.kind),
      ['verifyReadiness', 'applyDep', 'recordDep'],
    );
    const apply = step(plan, 'applyDep:exchange', 'applyDep');
    assert.match(apply.params.script, /New-DataEncryptionPolicy -Name 'Contoso-EX'/);
    assert.match(apply.params.scriptSha256, /^[0-9a-f]{64}$/);
    // Issue 11 item 5: a mailbox DEP is removed with Set-Mailbox -DataEncryptionPolicy $null; no support request.
    assert.ok(!plan.irreversible.some((n) => /support request/.test(n)), plan.irreversible.join(' | '));
    assert.ok(plan.irreversible.some((n) => /Set-Mailbox -Identity <mailbox> -DataEncryptionPolicy \$null/.test(n)));
  });

  it('when a multi-workload DEP is planned, then it says only Microsoft support can offboard it', () => {
    const mwKeys = keyRefsOf(s).filter((k) => k.workload === 'multiWorkload');
    const plan = buildDepPlan({
      request: {
        scope: 'multiWorkload',
        tenantId: TENANT,
        policyName: 'Contoso-MW',
        keys: [
          { uri: mwKeys[0]!.versionlessUri, subscriptionId: SUB_A },
          { uri: mwKeys[1]!.versionlessUri, subscriptionId: SUB_B },
        ],
      },
      keys: mwKeys,
      servicePrincipalObjectId: SP_OBJECT_IDS['c066d759-24ae-40e7-a56f-027002b5d3e4']!,
      runner: 'operator',
    });
    assert.ok(plan.irreversible.some((n) => /Microsoft support/.test(n)));
  });

  it('when a SharePoint DEP is to be run by the executor, then it is refused', () => {
    assert.throws(
      () =>
        buildDepPlan({
          request: {
            scope: 'sharePoint',
            tenantId: TENANT,
            geos: [
              {
                adminUrl: 'https://contoso-admin.sharepoint.com',
                primary: { uri: 'https://contoso-ck-sp-a.vault.azure.net/keys/ck-sp-a/f635a23bd4a44b9996ff6aadd88d42ba', subscriptionId: SUB_A },
                secondary: { uri: 'https://contoso-ck-sp-b.vault.azure.net/keys/ck-sp-b/2b3e8f1d754f438dacdec1f0945f251a', subscriptionId: SUB_B },
              },
            ],
          },
          keys: [],
          servicePrincipalObjectId: SP_OBJECT_IDS['00000003-0000-0ff1-ce00-000000000000']!,
          runner: 'executor',
        }),
      (e: unknown) => isAppError(e, 'ValidationFailed'),
    );
  });
});
