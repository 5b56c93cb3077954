import assert from 'node:assert/strict';
import {
  evaluateReadiness,
  keyRefsOf,
  ROLES,
  summarizeChecklist,
  validateSpec,
  type ChecklistLine,
  type CustomerKeySpec,
  type KeyReadinessObservation,
  type KeyRef,
  type ReadinessKey,
} from '../../../src/customerKey';
import { hsmDraft, premiumDraft, SP_OBJECT_IDS } from './fixtures/specs';
import { textOf } from '../../../src/core';

const NOW = new Date('2026-11-29T12:00:00Z');
const VERSION = '0123456789abcdef0123456789abcdef';

function spec(draft = premiumDraft()): CustomerKeySpec {
  const result = validateSpec(draft);
  assert.ok(result.ok, JSON.stringify(result.errors));
  return result.spec;
}

function principalFor(ref: KeyRef): string {
  const appId =
    ref.workload === 'exchange'
      ? '00000002-0000-0ff1-ce00-000000000000'
      : ref.workload === 'sharePoint'
        ? '00000003-0000-0ff1-ce00-000000000000'
        : 'c066d759-24ae-40e7-a56f-027002b5d3e4';
  return SP_OBJECT_IDS[appId]!;
}

/** Observations of a key that meets every rule. */
function healthy(ref: KeyRef): KeyReadinessObservation {
  const principal = principalFor(ref);
  const hsm = ref.containerKind === 'managedHsm';
  return {
    key: {
      ok: true,
      value: {
        kid: `${ref.versionlessUri}/${VERSION}`,
        kty: 'RSA-HSM',
        keyOps: ['wrapKey', 'unwrapKey'],
        enabled: true,
        expires: null,
        recoveryLevel: 'Recoverable+ProtectedSubscription',
        ...(hsm ? {} : { hsmPlatform: '2' }),
      },
    },
    container: {
      ok: true,
      value: hsm
        ? { kind: 'managedHsm', subscriptionId: ref.subscriptionId, region: ref.region, softDeleteRetentionDays: 90, purgeProtectionEnabled: true, activationStatus: 'Active' }
        : {
            kind: 'vault',
            subscriptionId: ref.subscriptionId,
            region: ref.region,
            sku: 'premium',
            softDeleteEnabled: true,
            softDeleteRetentionDays: 90,
            purgeProtectionEnabled: true,
            enableRbacAuthorization: true,
          },
    },
    access: {
      ok: true,
      value: {
        roleAssignments: [
          hsm
            ? {
                principalId: principal,
                roleDefinitionId: `/keys/${ref.keyName}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.managedHsmCryptoServiceEncryptionUser.id}`,
                scope: `/keys/${ref.keyName}`,
              }
            : {
                principalId: principal.toUpperCase(),
                roleDefinitionId: `/subscriptions/${ref.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.keyVaultCryptoServiceEncryptionUser.id}`,
                scope: `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.KeyVault/vaults/${ref.containerName}`,
              },
        ],
      },
    },
    backup: { ok: true, value: { present: true, keyVersion: VERSION, takenAt: '2026-11-29T11:00:00Z' } },
  };
}

function keysOf(s: CustomerKeySpec, tweak?: (ref: KeyRef, obs: KeyReadinessObservation) => KeyReadinessObservation): ReadinessKey[] {
  return keyRefsOf(s).map((ref) => ({ ref, principalObjectId: principalFor(ref), observed: tweak ? tweak(ref, healthy(ref)) : healthy(ref) }));
}

function line(lines: ChecklistLine[], id: string): ChecklistLine {
  const found = lines.find((l) => l.id === id);
  assert.ok(found, `no line ${id}`);
  return found;
}

/** Changes key A of Exchange only. */
function onExchangeA(change: (obs: KeyReadinessObservation, ref: KeyRef) => KeyReadinessObservation) {
  return (ref: KeyRef, obs: KeyReadinessObservation) => (ref.site === 'A' && ref.workload === 'exchange' ? change(obs, ref) : obs);
}

function withKey(obs: KeyReadinessObservation, patch: Record<string, unknown>): KeyReadinessObservation {
  assert.ok(obs.key?.ok);
  return { ...obs, key: { ok: true, value: { ...obs.key.value, ...patch } } };
}

describe('readiness', () => {
  for (const [label, draft] of [
    ['Premium (RBAC)', premiumDraft()],
    ['Managed HSM', hsmDraft()],
  ] as const) {
    it(`when every key of a ${label} setup meets the rules, then every line passes`, () => {
      const lines = evaluateReadiness({ keys: keysOf(spec(draft)), now: NOW });
      assert.deepEqual(
        lines.filter((l) => l.status !== 'pass').map((l) => `${l.id}: ${l.detail}`),
        [],
      );
      assert.equal(summarizeChecklist(lines).ready, true);
    });
  }

  const FAILURES: Array<{
    when: string;
    change: (obs: KeyReadinessObservation, ref: KeyRef) => KeyReadinessObservation;
    id: string;
    status: string;
    detail?: RegExp;
    fix?: RegExp;
  }> = [
    { when: 'the key is an EC key', change: (o) => withKey(o, { kty: 'EC-HSM' }), id: 'kty', status: 'fail', detail: /needs RSA keys/ },
    { when: 'the key is software-protected RSA', change: (o) => withKey(o, { kty: 'RSA', hsmPlatform: '0' }), id: 'kty', status: 'warn', fix: /RSA-HSM/ },
    { when: 'the key is on the older HSM platform', change: (o) => withKey(o, { hsmPlatform: '1' }), id: 'fips', status: 'warn', detail: /140-2 Level 2/ },
    { when: 'unwrapKey is missing', change: (o) => withKey(o, { keyOps: ['wrapKey', 'encrypt'] }), id: 'ops', status: 'fail', fix: /--ops wrapKey unwrapKey/ },
    { when: 'extra operations are allowed', change: (o) => withKey(o, { keyOps: ['wrapKey', 'unwrapKey', 'sign'] }), id: 'ops', status: 'warn', detail: /sign/ },
    { when: 'the key is disabled', change: (o) => withKey(o, { enabled: false }), id: 'enabled', status: 'fail', fix: /--enabled true/ },
    { when: 'an expiry is set', change: (o) => withKey(o, { expires: Date.parse('2028-01-01T00:00:00Z') / 1000 }), id: 'expiry', status: 'fail', fix: /9999-12-31/ },
    { when: 'the key has expired', change: (o) => withKey(o, { expires: '2026-01-01T00:00:00Z' }), id: 'expiry', status: 'fail', detail: /EXPIRED/ },
    { when: 'the expiry is exactly 9999-12-31', change: (o) => withKey(o, { expires: Date.parse('9999-12-31T00:00:00Z') / 1000 }), id: 'expiry', status: 'pass' },
    {
      when: 'the recovery level lacks the mandatory retention period',
      change: (o) => withKey(o, { recoveryLevel: 'Recoverable' }),
      id: 'recoveryLevel',
      status: 'fail',
      fix: /mandatory retention period/,
    },
    {
      when: 'retention is under 90 days',
      change: (o) => withKey(o, { recoveryLevel: 'CustomizedRecoverable+ProtectedSubscription' }),
      id: 'recoveryLevel',
      status: 'warn',
      detail: /not confirmed/,
    },
    {
      when: 'purge protection is off',
      change: (o) => (o.container?.ok ? { ...o, container: { ok: true, value: { ...o.container.value, purgeProtectionEnabled: false } } } : o),
      id: 'purgeProtection',
      status: 'fail',
      fix: /--enable-purge-protection true/,
    },
    {
      when: 'the vault is Standard',
      change: (o) => (o.container?.ok && o.container.value.kind === 'vault' ? { ...o, container: { ok: true, value: { ...o.container.value, sku: 'standard' } } } : o),
      id: 'sku',
      status: 'warn',
    },
    {
      when: 'the role assignment is missing',
      change: (o) => ({ ...o, access: { ok: true, value: { roleAssignments: [] } } }),
      id: 'access',
      status: 'fail',
      fix: /Key Vault Crypto Service Encryption User.*not the app id/,
    },
    {
      when: 'an access policy exists but the vault uses RBAC',
      change: (o, ref) => ({ ...o, access: { ok: true, value: { accessPolicies: [{ objectId: principalFor(ref), keyPermissions: ['get', 'wrapKey', 'unwrapKey'] }] } } }),
      id: 'access',
      status: 'fail',
      detail: /ignores access policies/,
    },
    { when: 'there is no backup', change: (o) => ({ ...o, backup: { ok: true, value: { present: false } } }), id: 'backup', status: 'fail', fix: /az keyvault key backup/ },
    {
      when: 'the backup predates the current version',
      change: (o) => ({ ...o, backup: { ok: true, value: { present: true, keyVersion: 'f'.repeat(32) } } }),
      id: 'backup',
      status: 'warn',
    },
    {
      when: 'the key is not found',
      change: (o) => ({ ...o, key: { ok: false, error: { code: 'KeyNotFound', message: 'A key with (name/id) ck-ex-a was not found' } } }),
      id: 'exists',
      status: 'fail',
    },
    {
      when: 'the key lookup is forbidden',
      change: (o) => ({ ...o, key: { ok: false, error: { code: 'Forbidden', message: 'Caller is not authorized' } } }),
      id: 'exists',
      status: 'unknown',
    },
    { when: 'the emulator wrap probe fails', change: (o) => ({ ...o, wrapProbe: { ok: true, value: { wrapped: true, unwrapped: false } } }), id: 'probe', status: 'fail' },
  ];
  for (const f of FAILURES) {
    it(`when ${f.when}, then line ${f.id} is ${f.status}${f.status === 'fail' ? ' with a fix' : ''}`, () => {
      const lines = evaluateReadiness({ keys: keysOf(spec(), onExchangeA(f.change)), now: NOW });
      const l = line(lines, `key:A:exchange:${f.id}`);
      assert.equal(l.status, f.status, textOf(l.detail));
      if (f.detail) assert.match(textOf(l.detail), f.detail);
      if (f.status === 'fail') assert.ok(l.fix, 'red lines carry a fix');
      if (f.fix) assert.match(`${textOf(l.fix?.text)} ${(l.fix?.commands ?? []).map((c) => c.script).join(' ')}`, f.fix);
    });
  }

  it('when the vault uses access policies with extra permissions, then it warns about least privilege', () => {
    const lines = evaluateReadiness({
      keys: keysOf(
        spec(),
        onExchangeA((o, ref) => ({
          ...o,
          container: o.container?.ok && o.container.value.kind === 'vault' ? { ok: true, value: { ...o.container.value, enableRbacAuthorization: false } } : o.container,
          access: { ok: true, value: { accessPolicies: [{ objectId: principalFor(ref), keyPermissions: ['get', 'wrapKey', 'unwrapKey', 'delete'] }] } },
        })),
      ),
      now: NOW,
    });
    assert.equal(line(lines, 'key:A:exchange:access').status, 'warn');
  });

  it('when an HSM role covers every key, then it warns; when the HSM is not activated, then it fails', () => {
    const lines = evaluateReadiness({
      keys: keysOf(spec(hsmDraft()), (ref, o) =>
        ref.site === 'B' && ref.workload === 'exchange'
          ? {
              ...o,
              access: { ok: true, value: { roleAssignments: [{ principalId: principalFor(ref), roleDefinitionId: ROLES.managedHsmCryptoServiceEncryptionUser.id, scope: '/' }] } },
              container: o.container?.ok && o.container.value.kind === 'managedHsm' ? { ok: true, value: { ...o.container.value, activationStatus: 'NotActivated' } } : o.container,
            }
          : o,
      ),
      now: NOW,
    });
    assert.equal(line(lines, 'key:B:exchange:access').status, 'warn');
    assert.equal(line(lines, 'key:B:exchange:activated').status, 'fail');
  });

  it('when the activation status of an HSM was not read, then the activated line is unknown, never a pass', () => {
    const lines = evaluateReadiness({
      keys: keysOf(spec(hsmDraft()), (ref, o) => {
        if (!(ref.site === 'A' && ref.workload === 'exchange' && o.container?.ok && o.container.value.kind === 'managedHsm')) return o;
        const { activationStatus: _dropped, ...rest } = o.container.value;
        return { ...o, container: { ok: true, value: rest } };
      }),
      now: NOW,
    });
    assert.equal(line(lines, 'key:A:exchange:activated').status, 'unknown');
    assert.equal(line(lines, 'key:B:exchange:activated').status, 'pass');
  });

  it('when the activation status reads Unknown, then the activated line is unknown with what to do', () => {
    const lines = evaluateReadiness({
      keys: keysOf(spec(hsmDraft()), (ref, o) =>
        o.container?.ok && o.container.value.kind === 'managedHsm' ? { ...o, container: { ok: true, value: { ...o.container.value, activationStatus: 'Unknown' } } } : o,
      ),
      now: NOW,
    });
    const activated = line(lines, 'key:A:exchange:activated');
    assert.equal(activated.status, 'unknown');
    assert.ok(activated.fix?.text);
  });

  it('when both keys of a workload sit in one subscription and region, then the subscriptions line fails and the regions line only warns', () => {
    const lines = evaluateReadiness({
      keys: keysOf(spec(), (ref, o) =>
        ref.site === 'B' && ref.workload === 'multiWorkload' && o.container?.ok
          ? { ...o, container: { ok: true, value: { ...o.container.value, subscriptionId: keyRefsOf(spec())[0]!.subscriptionId, region: 'westeurope' } } }
          : o,
      ),
      now: NOW,
    });
    assert.equal(line(lines, 'pair:multiWorkload:subscriptions').status, 'fail');
    assert.equal(line(lines, 'pair:multiWorkload:regions').status, 'warn');
    assert.match(textOf(line(lines, 'pair:multiWorkload:regions').detail), /recommend/);
    assert.equal(line(lines, 'pair:exchange:regions').status, 'pass');
  });

  it('when the keys are in paired regions, then the pair line warns', () => {
    const draft = premiumDraft();
    draft.sites!.B!.region = 'northeurope';
    const lines = evaluateReadiness({ keys: keysOf(spec(draft)), now: NOW });
    assert.equal(line(lines, 'pair:exchange:regions').status, 'warn');
  });
});
