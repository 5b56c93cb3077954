import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core';
import { MasterKey } from '../../../src/emulator/crypto/masterKey';
import { EmulatorModel } from '../../../src/emulator/model/emulatorModel';
import { EmulatorState } from '../../../src/emulator/model/emulatorState';
import { vaultContainer, hsmContainer } from '../../../src/emulator/model/keyContainer';
import { pooledKeyGenerator } from '../../../src/emulator/model/keyGenerator';
import type { Caller } from '../../../src/emulator/model/modelContext';
import { isServiceError } from '../../../src/emulator/model/serviceError';
import { defaultSeed } from '../../../src/emulator/seed';

const DAY_MS = 86_400_000;
const SUB = '0b1f6471-1bf0-4dda-aec3-000000000001';
const caller: Caller = { objectId: '5f1c0a2e-7d41-4b6a-9c3e-0000000000b1', tenantId: '8f0c5e1a-7b3d-4c2e-9a61-3d2b1c0e4f5a', kind: 'ManagedIdentity' };
const generator = pooledKeyGenerator(1);

function newModel(hsmProvisioningMs = 0) {
  const clock = new ManualClock(Date.UTC(2026, 10, 29));
  const state = new EmulatorState({ tenantId: caller.tenantId, disabledHsmRegions: [], identityHeader: 'h', clockOffsetMs: 0 });
  const model = new EmulatorModel({ state, clock, keyGenerator: generator, sealer: MasterKey.ephemeral(), hsmProvisioningMs });
  model.seed(defaultSeed());
  model.subscriptions.putResourceGroup(SUB, 'rg', { location: 'westeurope' });
  return { model, clock, state };
}

function vault(model: EmulatorModel, name: string, properties: Record<string, unknown> = {}) {
  return model.vaults.createOrUpdate(
    SUB,
    'rg',
    name,
    {
      location: 'westeurope',
      properties: { tenantId: caller.tenantId, sku: { family: 'A', name: 'premium' }, enablePurgeProtection: true, ...properties },
    },
    caller,
  ).vault;
}

describe('emulator model (no HTTP)', () => {
  it('when a deleted key outlives its retention, then the sweep purges it and its name is free again', async () => {
    const { model, clock } = newModel();
    const container = vaultContainer(vault(model, 'kvmodel', { softDeleteRetentionInDays: 7 }));
    await model.keys.create(container, 'k1', { kty: 'RSA-HSM' });
    model.keys.delete(container, 'k1');
    await assert.rejects(model.keys.create(container, 'k1', { kty: 'RSA' }), (error: unknown) => isServiceError(error) && error.innerCode === 'ObjectIsDeletedButRecoverable');
    clock.advance(7 * DAY_MS + 1);
    await model.advance(true);
    assert.throws(() => model.keys.getDeleted(container, 'k1'), /Deleted Key not found/);
    await model.keys.create(container, 'k1', { kty: 'RSA' });
  });

  it('when a rotation policy is due, then the sweep adds a version with the policy expiry', async () => {
    const { model, clock } = newModel();
    const container = vaultContainer(vault(model, 'kvrotate'));
    await model.keys.create(container, 'k', { kty: 'RSA' });
    model.keys.setRotationPolicy(container, 'k', { lifetimeActions: [{ trigger: { timeAfterCreate: 'P30D' }, action: { type: 'rotate' } }], attributes: { expiryTime: 'P90D' } });
    clock.advance(29 * DAY_MS);
    await model.advance(true);
    assert.equal(model.keys.listVersions(container, 'k').versions.length, 1);
    clock.advance(2 * DAY_MS);
    await model.advance(true);
    const { versions } = model.keys.listVersions(container, 'k');
    assert.equal(versions.length, 2);
    assert.equal(versions[1]?.expires, clock.now().getTime() + 90 * DAY_MS);
  });

  it('when an HSM takes time to provision and delete, then its state moves only as the clock passes each transition', () => {
    const { model, clock } = newModel(60_000);
    const { hsm, operation } = model.hsms.createOrUpdate(
      SUB,
      'rg',
      'hsmmodel',
      {
        location: 'westeurope',
        sku: { family: 'B', name: 'Standard_B1' },
        properties: { tenantId: caller.tenantId, initialAdminObjectIds: [caller.objectId] },
      },
      caller,
    );
    assert.equal(hsm.provisioningState, 'Provisioning');
    assert.ok(operation && !model.hsms.isOperationDone(operation));
    assert.equal(model.hsms.findServing('hsmmodel'), undefined);
    clock.advance(60_000);
    model.hsms.advance(clock.now().getTime());
    assert.equal(hsm.provisioningState, 'Succeeded');
    assert.equal(hsmContainer(hsm).hsmCapable, true);
    model.hsms.delete(SUB, 'rg', 'hsmmodel');
    assert.equal(hsm.provisioningState, 'Deleting');
    clock.advance(60_000);
    model.hsms.advance(clock.now().getTime());
    assert.ok(model.hsms.getDeleted(SUB, 'westeurope', 'hsmmodel').deleted);
  });

  it('when state changes, then exactly the touched rows are marked for the store', async () => {
    const { model, state } = newModel();
    state.takeDirty();
    const container = vaultContainer(vault(model, 'kvdirty'));
    await model.keys.create(container, 'k', { kty: 'RSA' });
    const dirty = state
      .takeDirty()
      .map((entry) => entry.collection)
      .sort();
    assert.deepEqual(dirty, ['key', 'vault']);
    assert.deepEqual(state.takeDirty(), []);
  });
});
