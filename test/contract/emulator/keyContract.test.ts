import { DefaultAzureCredential } from '@azure/identity';
import { defineKeyContract } from './keyContract';
import { type TestEmulator, WRITER_OBJECT_ID, createVault, keyPolicy, managedIdentity, startTestEmulator } from './helpers';

/**
 * The same key contract against the emulator and, when configured, against real Azure:
 *   KEYWARD_REAL_VAULT_URL=https://<vault>.vault.azure.net/   (a Premium vault the credential can use)
 *   KEYWARD_REAL_HSM_URL=https://<hsm>.managedhsm.azure.net/  (an activated Managed HSM)
 *   KEYWARD_REAL_PURGE=true                                    (purge test keys afterwards; not with purge protection)
 * The credential is DefaultAzureCredential (az login, environment or managed identity).
 */
describe('emulator key contract targets', () => {
  let emulator: TestEmulator | undefined;
  after(async () => {
    await emulator?.dispose();
  });

  defineKeyContract('the emulator (premium vault)', async () => {
    emulator = await startTestEmulator();
    const credential = await managedIdentity();
    const vault = await createVault(emulator, credential, { properties: { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['all'])] } });
    return { vaultUrl: vault.vaultUri, credential, hsm: false, purge: false };
  });

  for (const [label, variable, hsm] of [
    ['a real Key Vault', 'KEYWARD_REAL_VAULT_URL', false],
    ['a real Managed HSM', 'KEYWARD_REAL_HSM_URL', true],
  ] as const) {
    defineKeyContract(label, async () => {
      const vaultUrl = process.env[variable];
      if (!vaultUrl) return undefined;
      return { vaultUrl, credential: new DefaultAzureCredential(), hsm, purge: process.env.KEYWARD_REAL_PURGE === 'true' };
    });
  }
});
