import assert from 'node:assert/strict';
import {
  evaluatePreflight,
  evaluateTeardownPreflight,
  preflightTargets,
  summarizeChecklist,
  validateSpec,
  type ChecklistLine,
  type CustomerKeySpec,
  type Observed,
  type PreflightObservations,
  type TeardownTarget,
} from '../../../src/customerKey';
import { hsmDraft, premiumDraft, SP_OBJECT_IDS, SUB_A, SUB_B, TENANT, WRITER } from './fixtures/specs';
import { textOf } from '../../../src/core';

const ok = <T>(value: T): Observed<T> => ({ ok: true, value });
const fail = (message: string, code?: string): Observed<never> => ({ ok: false, error: code ? { code, message } : { message } });

function spec(draft = premiumDraft()): CustomerKeySpec {
  const result = validateSpec(draft);
  assert.ok(result.ok, JSON.stringify(result.errors));
  return result.spec;
}

/** Observations under which every line is green. */
function allGreen(s: CustomerKeySpec): PreflightObservations {
  const t = preflightTargets(s);
  return {
    subscriptions: Object.fromEntries(t.subscriptions.map((x) => [x.subscriptionId, ok({ state: 'Enabled', tenantId: TENANT, quotaId: 'EnterpriseAgreement_2014-09-01' })])),
    mandatoryRetention: Object.fromEntries(t.mandatoryRetention.map((x) => [x.subscriptionId, ok({ state: 'Registered' })])),
    resourceGroups: Object.fromEntries(t.resourceGroups.map((x) => [x.key, ok({ exists: false })])),
    names: Object.fromEntries(t.names.map((x) => [x.key, ok({ status: 'available' as const })])),
    hsmCounts: Object.fromEntries(t.hsmQuotas.map((x) => [x.key, ok({ active: 0 })])),
    hsmLocations: Object.fromEntries(t.hsmLocations.map((x) => [x.subscriptionId, ok({ locations: ['West Europe', 'East US 2'] })])),
    permissions: Object.fromEntries(t.permissions.map((x) => [x.id, ok({ missingActions: [] })])),
    servicePrincipals: Object.fromEntries(t.servicePrincipals.map((x) => [x.appId, ok({ objectId: SP_OBJECT_IDS[x.appId] ?? '11111111-2222-4333-8444-555555555555' })])),
    licences: ok([E5]),
  };
}

const E5 = {
  skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
  skuPartNumber: 'SPE_E5',
  capabilityStatus: 'Enabled',
  enabledUnits: 250,
  consumedUnits: 212,
  servicePlanNames: ['EXCHANGE_S_ENTERPRISE', 'CUSTOMER_KEY'],
  servicePlanIds: ['efb87545-963c-4e0d-99df-69c6916d9eb0', '6db1f1db-2b46-403f-be40-e39395f08dbb'],
};
const E3 = {
  skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
  skuPartNumber: 'SPE_E3',
  capabilityStatus: 'Enabled',
  enabledUnits: 300,
  consumedUnits: 280,
  servicePlanNames: ['EXCHANGE_S_ENTERPRISE'],
  servicePlanIds: ['efb87545-963c-4e0d-99df-69c6916d9eb0'],
};

function line(lines: ChecklistLine[], id: string): ChecklistLine {
  const found = lines.find((l) => l.id === id);
  assert.ok(found, `no line ${id} in ${lines.map((l) => l.id).join(', ')}`);
  return found;
}

const CONTEXT = { tenantId: TENANT, keywardWriterObjectId: WRITER };

describe('preflight', () => {
  const premium = spec();
  const hsm = spec(hsmDraft());

  it('when targets are listed for Premium, then they name both subscriptions, six vault names, permissions and three service principals', () => {
    const t = preflightTargets(premium);
    assert.deepEqual(
      t.subscriptions.map((s) => s.subscriptionId),
      [SUB_A, SUB_B],
    );
    assert.equal(t.names.length, 6);
    assert.equal(t.hsmQuotas.length, 0);
    assert.deepEqual(
      t.servicePrincipals.filter((s) => s.required).map((s) => s.appId),
      ['c066d759-24ae-40e7-a56f-027002b5d3e4', '00000002-0000-0ff1-ce00-000000000000', '00000003-0000-0ff1-ce00-000000000000'],
    );
    assert.ok(
      t.permissions.some((p) => p.actions.includes('Microsoft.Authorization/roleAssignments/write')),
      'RBAC model needs role assignment rights',
    );
  });

  it('when targets are listed for Managed HSM, then HSM names, quotas and region lists are included', () => {
    const t = preflightTargets(hsm);
    assert.deepEqual(
      t.names.map((n) => n.key),
      ['managedHsm:contoso-hsm-a', 'managedHsm:contoso-hsm-b'],
    );
    assert.equal(t.hsmQuotas.length, 2);
    assert.equal(t.hsmLocations.length, 2);
  });

  for (const [label, s] of [
    ['Premium', premium],
    ['Managed HSM', hsm],
  ] as const) {
    it(`when everything is in order (${label}), then every line passes and the summary is ready`, () => {
      const lines = evaluatePreflight(s, allGreen(s), CONTEXT);
      assert.deepEqual(
        lines.filter((l) => l.status !== 'pass').map((l) => `${l.id}: ${l.detail}`),
        [],
      );
      assert.equal(summarizeChecklist(lines).ready, true);
    });
  }

  // Issue 11 item 9: licences are a preflight line read from Graph subscribedSkus.
  it('when the tenant holds a licence with the Customer Key plan, then the licence line passes, names it and says what mailbox DEPs need', () => {
    const l = line(evaluatePreflight(premium, allGreen(premium), CONTEXT), 'licence:customerKey');
    assert.equal(l.status, 'pass');
    assert.match(textOf(l.detail), /SPE_E5 \(212 of 250 assigned, Enabled\) includes the CUSTOMER_KEY plan/);
    assert.match(textOf(l.detail), /Each user mailbox that gets an Exchange mailbox DEP needs a licence/);
  });

  it('when no licence includes Customer Key, then the line fails and lists the qualifying licences; when Graph cannot be read, it is unknown with the permission to grant', () => {
    const none = line(evaluatePreflight(premium, { ...allGreen(premium), licences: ok([E3]) }, CONTEXT), 'licence:customerKey');
    assert.equal(none.status, 'fail');
    assert.match(textOf(none.detail), /SPE_E3/);
    assert.match(textOf(none.fix?.text ?? ''), /Office 365 E5; Microsoft 365 E5; Microsoft 365 E5 Compliance/);
    assert.ok(none.fix?.links?.some((link) => /customer-key-set-up/.test(link.url)));
    const grace = line(evaluatePreflight(premium, { ...allGreen(premium), licences: ok([{ ...E5, capabilityStatus: 'Warning' }]) }, CONTEXT), 'licence:customerKey');
    assert.equal(grace.status, 'warn');
    const unread = line(
      evaluatePreflight(premium, { ...allGreen(premium), licences: fail('Insufficient privileges to complete the operation.', 'AzureForbidden') }, CONTEXT),
      'licence:customerKey',
    );
    assert.equal(unread.status, 'unknown');
    assert.match(textOf(unread.fix?.text ?? ''), /LicenseAssignment\.Read\.All/);
  });

  it('when nothing was observed, then every line is unknown, never green', () => {
    const lines = evaluatePreflight(premium, {}, CONTEXT);
    assert.ok(lines.filter((l) => l.id !== 'hsmBilling').every((l) => l.status === 'unknown'));
    assert.equal(summarizeChecklist(lines).ready, false);
  });

  it('when the mandatory retention period is not registered, then the fix gives the exact commands and says Microsoft must confirm', () => {
    const obs = { ...allGreen(premium), mandatoryRetention: { [SUB_A]: ok({ state: 'NotRegistered' }), [SUB_B]: ok({ state: 'Registered' }) } };
    const l = line(evaluatePreflight(premium, obs, CONTEXT), 'mandatoryRetention:A');
    assert.equal(l.status, 'fail');
    const ps = l.fix?.commands?.find((c) => c.shell === 'powershell');
    assert.equal(
      ps?.script,
      `Set-AzContext -SubscriptionId '${SUB_A}'\nRegister-AzProviderFeature -FeatureName mandatoryRetentionPeriodEnabled -ProviderNamespace Microsoft.Resources\nGet-AzProviderFeature -FeatureName mandatoryRetentionPeriodEnabled -ProviderNamespace Microsoft.Resources`,
    );
    const az = l.fix?.commands?.find((c) => c.shell === 'azureCli');
    assert.equal(az?.documentedForCustomerKey, false);
    assert.match(textOf(l.fix?.text ?? ''), /Microsoft must then confirm.*days/);
    assert.match(textOf(l.fix?.text ?? ''), /not Microsoft\.KeyVault/);
  });

  it('when the registration is pending, then the line is red and says to wait for Microsoft', () => {
    const obs = { ...allGreen(premium), mandatoryRetention: { [SUB_A]: ok({ state: 'Registering' }), [SUB_B]: ok({ state: 'Registered' }) } };
    const l = line(evaluatePreflight(premium, obs, CONTEXT), 'mandatoryRetention:A');
    assert.equal(l.status, 'fail');
    assert.match(textOf(l.fix?.text ?? ''), /Wait for Microsoft to confirm/);
  });

  it('when a subscription is Disabled, then the line is red with how to re-enable it', () => {
    const obs = { ...allGreen(premium), subscriptions: { ...allGreen(premium).subscriptions, [SUB_B]: ok({ state: 'Disabled', tenantId: TENANT }) } };
    const l = line(evaluatePreflight(premium, obs, CONTEXT), 'subscription:B');
    assert.equal(l.status, 'fail');
    assert.match(textOf(l.fix?.text ?? ''), /Reactivate|Re-enable/);
    assert.match(textOf(l.fix?.text ?? ''), /spending limit/);
  });

  it('when a subscription is Warned, then the line warns that writes may be refused', () => {
    const obs = { ...allGreen(premium), subscriptions: { ...allGreen(premium).subscriptions, [SUB_A]: ok({ state: 'Warned', tenantId: TENANT }) } };
    assert.equal(line(evaluatePreflight(premium, obs, CONTEXT), 'subscription:A').status, 'warn');
  });

  it('when a subscription cannot be read, then the line is unknown with the reason', () => {
    const obs = { ...allGreen(premium), subscriptions: { ...allGreen(premium).subscriptions, [SUB_A]: fail('Forbidden', 'AuthorizationFailed') } };
    const l = line(evaluatePreflight(premium, obs, CONTEXT), 'subscription:A');
    assert.equal(l.status, 'unknown');
    assert.match(textOf(l.detail), /Forbidden \(AuthorizationFailed\)/);
  });

  it('when a subscription is in another tenant or is a trial, then each gets its own red line', () => {
    const obs = {
      ...allGreen(premium),
      subscriptions: { ...allGreen(premium).subscriptions, [SUB_A]: ok({ state: 'Enabled', tenantId: '99999999-9999-4999-8999-999999999999', quotaId: 'FreeTrial_2014-09-01' }) },
    };
    const lines = evaluatePreflight(premium, obs, CONTEXT);
    assert.equal(line(lines, 'subscriptionTenant:A').status, 'fail');
    assert.equal(line(lines, 'subscriptionOffer:A').status, 'fail');
  });

  it('when a vault name is taken elsewhere, then it is red; when it exists where planned, then it only warns', () => {
    const t = preflightTargets(premium);
    const ex = t.names.find((n) => n.site === 'A' && n.workload === 'exchange')!;
    const sp = t.names.find((n) => n.site === 'B' && n.workload === 'sharePoint')!;
    const obs = {
      ...allGreen(premium),
      names: {
        ...allGreen(premium).names,
        [ex.key]: ok({ status: 'taken' as const, resourceId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/contoso-ck-ex-a' }),
        [sp.key]: ok({ status: 'taken' as const, resourceId: sp.expectedResourceId.toUpperCase() }),
      },
    };
    const lines = evaluatePreflight(premium, obs, CONTEXT);
    assert.equal(line(lines, 'name:vault:A:exchange').status, 'fail');
    assert.match(textOf(line(lines, 'name:vault:A:exchange').fix?.text ?? ''), /Choose another vault name/);
    assert.equal(line(lines, 'name:vault:B:sharePoint').status, 'warn');
  });

  it('when an HSM name is soft-deleted, then the fix offers recover or purge with the deleted-HSM listing', () => {
    const obs = {
      ...allGreen(hsm),
      names: {
        ...allGreen(hsm).names,
        'managedHsm:contoso-hsm-a': ok({ status: 'softDeleted' as const, location: 'westeurope', purgeProtectionEnabled: true, scheduledPurgeDate: '2027-02-01' }),
      },
    };
    const l = line(evaluatePreflight(hsm, obs, CONTEXT), 'name:managedHsm:A');
    assert.equal(l.status, 'fail');
    assert.match(textOf(l.detail), /keeps billing/);
    assert.match(
      l.fix?.commands?.[0]?.script ?? '',
      /az keyvault list-deleted --resource-type hsm\naz keyvault recover --hsm-name contoso-hsm-a --location westeurope\naz keyvault purge --hsm-name contoso-hsm-a --location westeurope/,
    );
  });

  it('when the subscription already has five HSMs in the region, then the quota line is red', () => {
    const t = preflightTargets(hsm);
    const obs = { ...allGreen(hsm), hsmCounts: { [t.hsmQuotas[0]!.key]: ok({ active: 5 }), [t.hsmQuotas[1]!.key]: ok({ active: 3, softDeleted: 2 }) } };
    const lines = evaluatePreflight(hsm, obs, CONTEXT);
    assert.equal(line(lines, 'hsmQuota:A').status, 'fail');
    assert.equal(line(lines, 'hsmQuota:B').status, 'warn', 'soft-deleted HSMs may count (unconfirmed)');
  });

  it("when the subscription's own region list omits the region, then the region line is red", () => {
    const obs = { ...allGreen(hsm), hsmLocations: { [SUB_A]: ok({ locations: ['East US'] }), [SUB_B]: ok({ locations: ['East US 2'] }) } };
    const lines = evaluatePreflight(hsm, obs, CONTEXT);
    assert.equal(line(lines, 'hsmRegion:A').status, 'fail');
    assert.equal(line(lines, 'hsmRegion:B').status, 'pass');
  });

  it("when Keyward's identity lacks a permission, then the fix names the role, scope and command", () => {
    const obs = {
      ...allGreen(premium),
      permissions: { ...allGreen(premium).permissions, 'permission:A:resourceGroup': ok({ missingActions: ['Microsoft.Authorization/roleAssignments/write'] }) },
    };
    const l = line(evaluatePreflight(premium, obs, CONTEXT), 'permission:A:resourceGroup');
    assert.equal(l.status, 'fail');
    assert.match(textOf(l.fix?.text ?? ''), /Key Vault Data Access Administrator/);
    assert.match(l.fix?.commands?.[0]?.script ?? '', new RegExp(`--assignee-object-id ${WRITER} .*--scope /subscriptions/${SUB_A}/resourceGroups/rg-contoso-ck-a`));
  });

  it('when the resource group exists, then Keyward does not need the right to create it', () => {
    const t = preflightTargets(premium);
    const obs = {
      ...allGreen(premium),
      resourceGroups: Object.fromEntries(t.resourceGroups.map((x) => [x.key, ok({ exists: true })])),
      permissions: { ...allGreen(premium).permissions, 'permission:A:subscription': ok({ missingActions: ['Microsoft.Resources/subscriptions/resourceGroups/write'] }) },
    };
    assert.equal(line(evaluatePreflight(premium, obs, CONTEXT), 'permission:A:subscription').status, 'pass');
  });

  it('when a Microsoft 365 service principal is missing, then the fix registers it by app id', () => {
    const obs = { ...allGreen(premium), servicePrincipals: { ...allGreen(premium).servicePrincipals, '00000003-0000-0ff1-ce00-000000000000': ok({ missing: true as const }) } };
    const l = line(evaluatePreflight(premium, obs, CONTEXT), 'servicePrincipal:00000003-0000-0ff1-ce00-000000000000');
    assert.equal(l.status, 'fail');
    assert.equal(l.fix?.commands?.[0]?.script, "New-AzADServicePrincipal -ApplicationId '00000003-0000-0ff1-ce00-000000000000'");
  });

  it('when only the (unconfirmed) onboarding app is missing, then it warns', () => {
    const obs = { ...allGreen(premium), servicePrincipals: { ...allGreen(premium).servicePrincipals, '19f7f505-34aa-44a4-9dcc-6a768854d2ea': ok({ missing: true as const }) } };
    assert.equal(line(evaluatePreflight(premium, obs, CONTEXT), 'servicePrincipal:19f7f505-34aa-44a4-9dcc-6a768854d2ea').status, 'warn');
  });

  it('when any line fails, then every failing line carries a fix', () => {
    const obs: PreflightObservations = {
      subscriptions: { [SUB_A]: ok({ state: 'Disabled' }), [SUB_B]: ok({ state: 'Deleted' }) },
      mandatoryRetention: { [SUB_A]: ok({ state: 'Unregistered' }), [SUB_B]: ok({ state: 'Pending' }) },
      names: Object.fromEntries(preflightTargets(hsm).names.map((n) => [n.key, ok({ status: 'invalid' as const })])),
      hsmCounts: Object.fromEntries(preflightTargets(hsm).hsmQuotas.map((q) => [q.key, ok({ active: 9 })])),
      permissions: Object.fromEntries(preflightTargets(hsm).permissions.map((p) => [p.id, ok({ missingActions: ['x'] })])),
      servicePrincipals: Object.fromEntries(preflightTargets(hsm).servicePrincipals.map((s) => [s.appId, ok({ missing: true as const })])),
    };
    const lines = evaluatePreflight(hsm, obs, CONTEXT);
    const red = lines.filter((l) => l.status === 'fail');
    assert.ok(red.length >= 10);
    assert.deepEqual(
      red.filter((l) => !l.fix).map((l) => l.id),
      [],
    );
  });
});

describe('teardown preflight', () => {
  const target: TeardownTarget = {
    site: 'A',
    containerKind: 'managedHsm',
    name: 'contoso-hsm-a',
    subscriptionId: SUB_A,
    resourceGroup: 'rg',
    region: 'westeurope',
    purgeProtectionEnabled: true,
    softDeleteRetentionDays: 90,
    keys: [{ keyName: 'ck-ex', workload: 'exchange' }],
  };

  it('when the subscription is Disabled, then the line explains that the purge is blocked while billing continues', () => {
    const lines = evaluateTeardownPreflight([target], { subscriptions: { [SUB_A]: ok({ state: 'Disabled' }) }, depUsages: ok([]) }, CONTEXT);
    const l = line(lines, 'subscription:A');
    assert.equal(l.status, 'fail');
    assert.match(textOf(l.detail), /purge \(a POST\) is refused, while a soft-deleted Managed HSM keeps billing/);
    assert.ok(l.fix);
    assert.equal(line(lines, 'hsmBillingUntilPurge').status, 'warn');
  });

  it('when a DEP uses a key, then the DEP line is red', () => {
    const lines = evaluateTeardownPreflight(
      [target],
      {
        subscriptions: { [SUB_A]: ok({ state: 'Enabled' }) },
        depUsages: ok([{ dep: { scope: 'exchange', policyName: 'Contoso-EX' }, keyUris: ['https://contoso-hsm-a.managedhsm.azure.net/keys/ck-ex'] }]),
      },
      CONTEXT,
    );
    assert.equal(line(lines, 'depUsage').status, 'fail');
    assert.equal(line(lines, 'subscription:A').status, 'pass');
  });
});
