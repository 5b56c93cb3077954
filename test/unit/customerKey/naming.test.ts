import assert from 'node:assert/strict';
import { say, textOf, type Message } from '../../../src/core';
import {
  validateDepPolicyName,
  validateKeyName,
  validateKeyVersion,
  validateMailboxIdentity,
  validateManagedHsmName,
  validateObjectId,
  validateResourceGroupName,
  validateSharePointAdminUrl,
  validateSubscriptionId,
  validateVaultName,
} from '../../../src/customerKey';

type Case = [input: string, expected: RegExp | null];

function table(name: string, validate: (value: string) => Message | null, cases: Case[]): void {
  describe(name, () => {
    for (const [input, expected] of cases) {
      const title = expected ? `when given ${JSON.stringify(input)}, then it explains ${expected.source}` : `when given ${JSON.stringify(input)}, then it accepts it`;
      it(title, () => {
        const result = validate(input);
        if (expected === null) assert.equal(result, null);
        else {
          assert.ok(result, 'expected a message');
          assert.match(result.text, expected);
        }
      });
    }
  });
}

describe('naming', () => {
  table('validateVaultName', validateVaultName, [
    ['contoso-ck-ex-a', null],
    ['Contoso-CK-EX-NA-VaultA1', null],
    ['abc', null],
    ['a23456789012345678901234', null],
    ['  padded-name  ', null],
    ['contoso_EastUSvault01', /underscore.*Microsoft's own Customer Key examples.*Try 'contoso-EastUSvault01'/],
    ['', /Enter a vault name/],
    ['ab', /has 2 characters/],
    ['a234567890123456789012345', /has 25 characters/],
    ['1contoso', /must start with a letter/],
    ['contoso-', /must end with a letter or digit/],
    ['con--toso', /two hyphens in a row/],
    ['con toso', /contains a space/],
    ['contoso.vault', /contains '\.'/],
    ["conto'so", /contains '''/],
    ['contoso\u2019s', /typographic quote/],
    ['contoso\nvault', /invisible or control character/],
  ]);

  table('validateManagedHsmName', validateManagedHsmName, [
    ['contoso-hsm-a', null],
    ['hsm_a01', /underscore.*Keyward applies the Key Vault rule to HSM names/],
    ['-hsm', /must start with a letter/],
    ['h', /has 1 characters.*Keyward applies the Key Vault rule/],
  ]);

  table('validateKeyName', validateKeyName, [
    ['ck-ex-a', null],
    ['Key001', null],
    ['a'.repeat(127), null],
    ['a'.repeat(128), /has 128 characters/],
    ['USA_key_01', /underscore.*'USA_key_01' do not work.*Try 'USA-key-01'/],
    ['key.01', /other than letters, digits and hyphens/],
    ['', /Enter a key name/],
  ]);

  table('validateResourceGroupName', validateResourceGroupName, [
    ['rg-contoso_ck.a(1)', null],
    ['rg-ümlaut', null],
    ['rg.', /ends with a period/],
    ['rg contoso', /contains a space/],
    ['rg/contoso', /contains '\/'/],
    ['r'.repeat(91), /has 91 characters/],
    ['', /Enter a resource group name/],
  ]);

  table('validateSubscriptionId', validateSubscriptionId, [
    ['0b1f6471-1bf0-4dda-aec3-000000000001', null],
    ['0B1F6471-1BF0-4DDA-AEC3-000000000001', null],
    ['Contoso CK Primary', /not a subscription id.*not the subscription's name/],
    ['', /Enter the subscription id/],
  ]);

  describe('validateObjectId', () => {
    it('when given an object id, then it accepts it', () => {
      assert.equal(validateObjectId('a1b2c3d4-0000-4000-8000-000000000002'), null);
    });
    it('when given the client id of a Microsoft 365 app, then it explains that Azure needs the object id', () => {
      const message = validateObjectId('00000002-0000-0ff1-ce00-000000000000', { role: say('name.role.initialAdministrator', 'initial administrator') });
      assert.match(textOf(message ?? ''), /application \(client\) id of Office 365 Exchange Online, not an object id/);
      assert.match(textOf(message ?? ''), /object id \(also called principal id\)/);
    });
    it("when given Keyward's own client id, then it names the identity", () => {
      const message = validateObjectId('5F1C0A2E-7D41-4B6A-9C3E-0000000000A1', { knownClientIds: { '5f1c0a2e-7d41-4b6a-9c3e-0000000000a1': 'keyward-writer' } });
      assert.match(textOf(message ?? ''), /client\) id of keyward-writer/);
    });
    it('when given an e-mail address, then it asks for the Object ID', () => {
      assert.match(
        textOf(validateObjectId('alex@contoso.com', { role: say('name.role.officer', 'security-domain officer') }) ?? ''),
        /not an object id.*security-domain officer's Object ID/,
      );
    });
  });

  table('validateDepPolicyName', validateDepPolicyName, [
    ['Contoso_Global', null],
    ['Contoso-EX.2026', null],
    ['Contoso Global', /contains a space.*Try 'Contoso-Global'/],
    ["x'; Remove-Item -Recurse C:\\ #", /contains a space/],
    ['x$(whoami)', /characters Keyward does not allow/],
    ['a'.repeat(65), /has 65 characters/],
  ]);

  table('validateMailboxIdentity', validateMailboxIdentity, [
    ['adele@contoso.com', null],
    ["o'brien@contoso.com", null],
    ['5f1c0a2e-7d41-4b6a-9c3e-0000000000a1', null],
    ['adele.vance', null],
    ['Adele Vance', /not a mailbox identity/],
    ['adele@contoso.com\r\nRemove-Mailbox', /invisible or control character/],
    ['a@b.com; Remove-Item', /not a mailbox identity/],
  ]);

  table('validateSharePointAdminUrl', validateSharePointAdminUrl, [
    ['https://contoso-admin.sharepoint.com', null],
    ['https://contosoeur-admin.sharepoint.com/', null],
    ['https://contoso.sharepoint.com', /not a SharePoint admin URL/],
    ["https://contoso-admin.sharepoint.com'; whoami", /not a SharePoint admin URL/],
  ]);

  table('validateKeyVersion', validateKeyVersion, [
    ['f635a23bd4a44b9996ff6aadd88d42ba', null],
    ['F635A23BD4A44B9996FF6AADD88D42BA', null],
    ['f635a23b-d4a4-4b99-96ff-6aadd88d42ba', /not a key version/],
  ]);
});
