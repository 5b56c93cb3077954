import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { cryptoClient, keyClient } from './helpers';

export interface KeyContractTarget {
  vaultUrl: string;
  credential: TokenCredential;
  /** Managed HSM (RSA-HSM only) or vault. */
  hsm: boolean;
  /** Purge after the test (a real vault with purge protection cannot). */
  purge: boolean;
}

/**
 * Key behaviour every target must show the same way: the emulator always, and a real vault or
 * Managed HSM when KEYWARD_REAL_VAULT_URL / KEYWARD_REAL_HSM_URL are set. Key names are unique per
 * run so a real vault is never reused in a conflicting state.
 */
export function defineKeyContract(label: string, target: () => Promise<KeyContractTarget | undefined>): void {
  describe(`key contract: ${label}`, function keyContract() {
    this.timeout(120_000);
    let t: KeyContractTarget;
    const name = `keyward-contract-${randomBytes(4).toString('hex')}`;

    before(async function setup() {
      const resolved = await target();
      if (!resolved) {
        this.skip();
        return;
      }
      t = resolved;
    });

    after(async () => {
      if (!t) return;
      const keys = keyClient(t.vaultUrl, t.credential);
      try {
        await (await keys.beginDeleteKey(name, { intervalInMs: 1000 })).pollUntilDone();
      } catch {
        // already deleted or never created
      }
      if (t.purge) await keys.purgeDeletedKey(name).catch(() => undefined);
    });

    it('when an RSA key is created with tags, then its kid is <vault>/keys/<name>/<32 hex> and get/list return it with the tags', async () => {
      const keys = keyClient(t.vaultUrl, t.credential);
      const key = await keys.createRsaKey(name, { hsm: true, keySize: 2048, keyOps: ['wrapKey', 'unwrapKey'], tags: { requestId: name } });
      assert.match(key.id ?? '', new RegExp(`^${t.vaultUrl.replace(/\/$/, '')}/keys/${name}/[0-9a-f]{32}$`));
      assert.equal(key.keyType, 'RSA-HSM');
      assert.ok(key.properties.recoveryLevel?.startsWith('Recoverable') || key.properties.recoveryLevel?.startsWith('CustomizedRecoverable'));
      assert.equal((await keys.getKey(name)).id, key.id);
      let found: Record<string, string> | undefined;
      for await (const properties of keys.listPropertiesOfKeys()) if (properties.name === name) found = properties.tags;
      assert.deepEqual(found, { requestId: name });
    });

    it('when a 32-byte key is wrapped (RSA-OAEP locally, RSA-OAEP-256 remotely), then the service unwraps both', async () => {
      const key = await keyClient(t.vaultUrl, t.credential).getKey(name);
      const crypto = cryptoClient(key.id ?? '', t.credential);
      for (const algorithm of ['RSA-OAEP', 'RSA-OAEP-256'] as const) {
        const secret = randomBytes(32);
        const wrapped = await crypto.wrapKey(algorithm, secret);
        assert.deepEqual(Buffer.from((await crypto.unwrapKey(algorithm, wrapped.result)).result), secret);
      }
    });

    it('when the key is deleted, then it is recoverable and recovery brings the same version back', async () => {
      const keys = keyClient(t.vaultUrl, t.credential);
      const before = await keys.getKey(name);
      const deleted = await (await keys.beginDeleteKey(name, { intervalInMs: 1000 })).pollUntilDone();
      assert.ok(deleted.properties.recoveryId?.endsWith(`/deletedkeys/${name}`));
      const recovered = await (await keys.beginRecoverDeletedKey(name, { intervalInMs: 1000 })).pollUntilDone();
      assert.equal(recovered.properties.version, before.properties.version);
    });
  });
}
