import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FORBIDDEN_KEYWARD_DATA_ACTIONS, KEYWARD_HSM_KEY_ROLE, KEYWARD_VAULT_KEY_DATA_ACTIONS, KEYWARD_VAULT_KEY_ROLE_NAME } from '../../../src/customerKey';

/** Issue 11 item 7: the custom roles in infra/ are what Keyward's plans grant, and leave out delete and purge. */
const infra = (file: string) => fs.readFileSync(path.join(__dirname, '../../../infra', file), 'utf8');

describe('Keyward roles in infra/', () => {
  it('when the Azure custom role in keywardRoles.bicep is read, then its data actions are exactly read, create and backup of keys', () => {
    const bicep = infra('keywardRoles.bicep');
    const block = /dataActions: \[([\s\S]*?)\]/.exec(bicep)?.[1] ?? '';
    const actions = [...block.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(actions, [...KEYWARD_VAULT_KEY_DATA_ACTIONS]);
    for (const forbidden of FORBIDDEN_KEYWARD_DATA_ACTIONS) assert.ok(!bicep.includes(`'${forbidden}'`), forbidden);
    assert.match(bicep, new RegExp(`var roleName = '${KEYWARD_VAULT_KEY_ROLE_NAME}'`));
    assert.match(bicep, /targetScope = 'subscription'/);
  });

  it('when the Managed HSM custom role file is read, then it is the role the HSM plan creates, without delete, purge or role management', () => {
    const role = JSON.parse(infra('managedHsmKeywardRole.json')) as { roleDefinitionName: string; roleName: string; dataActions: string[] };
    assert.equal(role.roleDefinitionName, KEYWARD_HSM_KEY_ROLE.id);
    assert.equal(role.roleName, KEYWARD_HSM_KEY_ROLE.name);
    assert.deepEqual(role.dataActions, [...KEYWARD_HSM_KEY_ROLE.dataActions]);
    const granted: readonly string[] = role.dataActions;
    for (const forbidden of FORBIDDEN_KEYWARD_DATA_ACTIONS) assert.ok(!granted.includes(forbidden), forbidden);
  });

  it("when infra/README.md describes Keyward's rights, then it no longer claims no delete and no purge while granting Crypto Officer, and says what Keyward keeps", () => {
    const readme = infra('README.md');
    assert.doesNotMatch(readme, /nothing more: no key delete, no purge/);
    assert.match(readme, /Key Vault Crypto Officer, which \*\*includes key delete and purge\*\*/);
    assert.match(readme, /removes its own Managed HSM Administrator assignment/);
    assert.match(readme, /### What Keyward keeps afterwards/);
  });
});
