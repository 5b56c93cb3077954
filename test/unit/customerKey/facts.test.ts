import assert from 'node:assert/strict';
import { isGuid } from '../../../src/core';
import {
  CUSTOMER_KEY_LIMITS,
  mandatoryRetentionCommands,
  M365_SERVICE_PRINCIPALS,
  PROTECTION_COMPARISON,
  ROLES,
  servicePrincipalFor,
  WORKLOAD_INFO,
} from '../../../src/customerKey';

describe('Customer Key facts', () => {
  it('when each workload is looked up, then it maps to its Microsoft 365 service principal', () => {
    assert.equal(servicePrincipalFor('exchange').appId, '00000002-0000-0ff1-ce00-000000000000');
    assert.equal(servicePrincipalFor('sharePoint').appId, '00000003-0000-0ff1-ce00-000000000000');
    assert.equal(servicePrincipalFor('multiWorkload').appId, 'c066d759-24ae-40e7-a56f-027002b5d3e4');
    assert.equal(M365_SERVICE_PRINCIPALS.length, 3);
    assert.equal(WORKLOAD_INFO.sharePoint.keyForm, 'vaultKeyVersion');
    assert.equal(WORKLOAD_INFO.exchange.keyForm, 'keyUris');
  });

  it('when role ids are listed, then each is a GUID and the encryption roles have their documented ids', () => {
    for (const role of Object.values(ROLES)) assert.ok(isGuid(role.id), role.name);
    assert.equal(ROLES.keyVaultCryptoServiceEncryptionUser.id, 'e147488a-f6f5-4113-8e2d-b22465e65bf6');
    assert.equal(ROLES.managedHsmCryptoServiceEncryptionUser.id, '33413926-3206-4cdd-b39a-83574fe37a17');
    assert.equal(ROLES.keyVaultCryptoOfficer.id, '14b46e9e-c2b7-41b4-b07b-48a6ebf60603');
    assert.equal(ROLES.managedHsmCryptoUser.id, '21dbd100-6940-42c2-9190-5d6cb909625b');
    assert.equal(ROLES.managedHsmAdministrator.id, 'a290e904-7015-4bba-90c8-60543313cdb4');
    assert.equal(ROLES.managedHsmCryptoOfficer.id, '515eb02d-2335-4d2d-92f2-b1cbdf9c3778');
  });

  it('when the comparison is rendered, then every row has both sides and a Microsoft link', () => {
    for (const row of PROTECTION_COMPARISON) {
      assert.ok(row.keyVaultPremium && row.managedHsm, row.topic);
      assert.ok(
        row.links.every((l) => /^https:\/\/(learn|azure)\.microsoft\.com\//.test(l.url)),
        row.topic,
      );
    }
    const fips = PROTECTION_COMPARISON.find((r) => r.topic === 'FIPS validation');
    assert.match(fips?.keyVaultPremium ?? '', /140-3 Level 3 per current Azure Key Vault docs.*hsmPlatform/);
    assert.match(PROTECTION_COMPARISON.find((r) => r.topic === 'Billing')?.managedHsm ?? '', /soft-deleted/);
  });

  it('when the mandatory retention commands are built, then they use Microsoft.Resources and mark the CLI form as undocumented', () => {
    const [ps, cli] = mandatoryRetentionCommands('0b1f6471-1bf0-4dda-aec3-000000000001');
    assert.match(ps?.script ?? '', /-ProviderNamespace Microsoft\.Resources/);
    assert.doesNotMatch(ps?.script ?? '', /Microsoft\.KeyVault/);
    assert.equal(ps?.documentedForCustomerKey, true);
    assert.equal(cli?.documentedForCustomerKey, false);
  });

  it('when limits are read, then they match the fact sheet', () => {
    assert.equal(CUSTOMER_KEY_LIMITS.managedHsmsPerSubscriptionPerRegion, 5);
    assert.deepEqual([...CUSTOMER_KEY_LIMITS.keySizes], [2048, 3072, 4096]);
    assert.equal(CUSTOMER_KEY_LIMITS.defaultKeySize, 3072);
  });
});
