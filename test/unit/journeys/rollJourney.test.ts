import assert from 'node:assert/strict';
import { LOCAL_PEOPLE, textOf } from '../../../src/core';
import { currentVersion } from '../../../src/inventory/inventoryTypes';
import { inventoryWorld, OPERATOR, type InventoryWorld } from '../inventory/inventoryFixtures';
import { servicesFor } from '../inventory/opsGallery';

const CUSTODIANS = { custodiansA: LOCAL_PEOPLE.approverChen.objectId, custodiansB: LOCAL_PEOPLE.approverDana.objectId };
const at = (j: { id: string; version: number }) => ({ journeyId: j.id, version: j.version });

describe('key roll journey', () => {
  let world: InventoryWorld;
  let s: ReturnType<typeof servicesFor>;
  beforeEach(async () => {
    world = await inventoryWorld();
    s = servicesFor(world);
  });
  const pairOf = async (workload: string) => (await world.inventory.pairs()).find((p) => p.workload === workload && p.A.ref.containerKind === 'vault')!;
  const dep = async (scope: 'exchange' | 'sharePoint' | 'multiWorkload', pairWorkload = scope) => {
    const pair = await pairOf(pairWorkload);
    const ref = scope === 'sharePoint' ? { scope, adminUrl: 'https://contoso-admin.sharepoint.com' } : { scope, policyName: `Contoso-${scope}` };
    const d = await world.inventory.scriptDep({
      dep: ref as never,
      keyUris: [pair.A.ref.versionlessUri, pair.B.ref.versionlessUri],
      scriptSha256: 'a'.repeat(64),
      journeyId: 'dep',
    });
    return await world.inventory.recordDepEvidence(d.id, { state: 'Registered', evidence: { at: 'x', by: 'y', sha256: 'b'.repeat(64), summary: 's', problems: [] } });
  };

  async function preview(workload: string, site: 'A' | 'B', extra: Record<string, unknown> = CUSTODIANS) {
    const j = await s.roll.start(OPERATOR, 'c', {});
    return s.roll.choose(at(j), OPERATOR, { pairId: (await pairOf(workload)).pairId, site, ...extra });
  }

  it('when no custodians are named while the key-roll rule requires them, then the card asks for both', async () => {
    const j = await preview('exchange', 'A', {});
    assert.equal(j.stage, 'choose');
    assert.match(textOf(j.errors.custodiansA ?? ''), /custodian of key A and one of key B/);
  });

  it('when the Exchange and multi-workload keys are rolled, then the plan refreshes each DEP that uses the key with its own cmdlet, and Set-DataEncryptionPolicy -Refresh follows the new version', async () => {
    await dep('exchange');
    let j = await preview('exchange', 'A');
    assert.equal(j.stage, 'preview', JSON.stringify(j.errors));
    assert.deepEqual(
      j.plan!.steps.map((step) => step.kind),
      ['rollKey', 'backupKey', 'verifyReadiness', 'refreshDep', 'recordDep'],
    );
    j = await s.roll.submit(at(j), OPERATOR, 'Rotation.', {});
    j = (await s.roll.onRequestChanged({ id: j.requestId!, status: 'succeeded' }, { steps: [{ kind: 'rollKey', status: 'done', output: { version: '1'.repeat(32) } }] }))!;
    assert.equal(j.stage, 'refresh');
    assert.match(j.refresh![0]!.script, /^Set-DataEncryptionPolicy -Identity 'Contoso-exchange' -Refresh$/m);
    await dep('multiWorkload');
    let m = await preview('multiWorkload', 'B');
    m = await s.roll.submit(at(m), OPERATOR, 'Rotation.', {});
    m = (await s.roll.onRequestChanged({ id: m.requestId!, status: 'succeeded' }, { steps: [{ kind: 'rollKey', status: 'done', output: { version: '2'.repeat(32) } }] }))!;
    assert.match(m.refresh![0]!.script, /^Set-M365DataAtRestEncryptionPolicy -Identity 'Contoso-multiWorkload' -Refresh$/m);
  });

  it('when a roll of a pair is waiting for approval, then a second roll of the same pair is refused; once the first is rejected, it is allowed', async () => {
    let first = await preview('exchange', 'A');
    first = await s.roll.submit(at(first), OPERATOR, 'Rotation.', {});
    const second = await preview('exchange', 'B');
    assert.match(textOf(second.errors.pairId ?? ''), /already in progress .*Roll one key at a time/);
    await s.roll.onRequestChanged({ id: first.requestId!, status: 'rejected', closedReason: 'not now' });
    assert.equal((await s.roll.get(first.id)).status, 'cancelled');
    const third = await preview('exchange', 'B');
    assert.equal(third.stage, 'preview');
  });

  it('when SharePoint shows the old version or is still Rolling, then the roll stays open and the pair locked; Registered with the new version ends it', async () => {
    await dep('sharePoint');
    const pair = await pairOf('sharePoint');
    let j = await preview('sharePoint', 'A');
    j = await s.roll.submit(at(j), OPERATOR, 'Rotation.', {});
    const fresh = '9'.repeat(32);
    j = (await s.roll.onRequestChanged({ id: j.requestId!, status: 'succeeded' }, { steps: [{ kind: 'rollKey', status: 'done', output: { version: fresh } }] }))!;
    assert.match(j.refresh![0]!.script, new RegExp(`Update-SPODataEncryptionPolicy -KeyVaultName 'contoso-ck-sp-a' -KeyName 'ck-sp-a' -KeyVersion '${fresh}' -KeyType 'Primary'`));
    const out = (version: string, state: string) =>
      `PrimaryKeyVaultName : contoso-ck-sp-a\nPrimaryKeyName : ck-sp-a\nPrimaryKeyVersion : ${version}\nSecondaryKeyVaultName : contoso-ck-sp-b\nSecondaryKeyName : ck-sp-b\nSecondaryKeyVersion : ${currentVersion(pair.B)}\nState : ${state}`;
    j = await s.roll.submitEvidence(at(j), OPERATOR, { 'evidence.0': out(currentVersion(pair.A)!, 'Registered') });
    assert.match(textOf(j.errors['evidence.0'] ?? ''), /still uses version .* not the new/);
    j = await s.roll.submitEvidence(at(j), OPERATOR, { 'evidence.0': out(fresh, 'Rolling') });
    assert.equal(j.stage, 'refresh');
    const other = await preview('sharePoint', 'B');
    assert.match(textOf(other.errors.pairId ?? ''), /already in progress/);
    j = await s.roll.submitEvidence(at(j), OPERATOR, { 'evidence.0': out(fresh, 'Registered') });
    assert.equal(j.stage, 'done');
    assert.equal((await world.inventory.dep('sharepoint:https://contoso-admin.sharepoint.com'))?.state, 'Registered');
  });

  it('when a DEP starts using the key between preview and submit, then the changed plan is shown again with its new hash instead of being submitted', async () => {
    let j = await preview('exchange', 'A');
    const hash = j.planHash;
    await dep('exchange');
    j = await s.roll.submit(at(j), OPERATOR, 'Rotation.', {});
    assert.equal(j.stage, 'preview');
    assert.notEqual(j.planHash, hash);
    assert.match(textOf(j.notice ?? ''), /plan changed/);
    assert.equal(s.submitted.length, 0);
  });

  it('when someone asks to retire an old version, then the answer refuses and names the DEPs that use the key', async () => {
    await dep('exchange');
    const key = (await pairOf('exchange')).A;
    const answer = await s.roll.refuseRetirement(OPERATOR, `${key.ref.versionlessUri}/${currentVersion(key)}`);
    assert.match(textOf(answer), /will not disable or delete version/);
    assert.match(textOf(answer), /Exchange mailbox DEP 'Contoso-exchange' uses this key/);
    assert.match(textOf(answer), /That is also the current version/);
    assert.ok(world.audit.some((e) => e.action === 'key.version.retire.refused'));
  });
});
