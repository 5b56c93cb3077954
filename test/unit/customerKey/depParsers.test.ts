import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  depPolicyUsesKeys,
  parseDataEncryptionPolicies,
  parseFormatList,
  parseM365DataAtRestEncryptionPolicies,
  parseM365DataAtRestEncryptionPolicyAssignment,
  parseSpoDataEncryptionPolicy,
} from '../../../src/customerKey';
import { textOf } from '../../../src/core';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const MW_A = 'https://contoso-ck-mw-a.vault.azure.net/keys/ck-mw-a';
const MW_B = 'https://contoso-ck-mw-b.vault.azure.net/keys/ck-mw-b';

describe('DEP output parsers', () => {
  describe('parseFormatList', () => {
    it('when values wrap at console width, then continuation lines are joined back', () => {
      const [record] = parseFormatList(fixture('m365-policy.txt'));
      assert.equal(record?.AzureKeyIDs, `{${MW_A}, ${MW_B}}`);
      assert.equal(record?.Name, 'Contoso-MW');
    });

    it('when spacing around the colon varies and a value is empty, then every property is read', () => {
      const records = parseFormatList('Name:A\nDescription :\nEnabled   :   True  \n');
      assert.deepEqual(records, [{ Name: 'A', Description: '', Enabled: 'True' }]);
    });

    it('when two records follow without a blank line, then a repeated name starts a new record', () => {
      assert.equal(parseFormatList('Name : A\nEnabled : True\nName : B\nEnabled : False').length, 2);
    });

    it('when given nothing readable, then there are no records', () => {
      assert.deepEqual(parseFormatList('The term is not recognized as a cmdlet.'), []);
    });
  });

  describe('Get-M365DataAtRestEncryptionPolicy', () => {
    it('when a console sample is pasted, then the policy, its two keys and Enabled are read', () => {
      const { value, problems } = parseM365DataAtRestEncryptionPolicies(fixture('m365-policy.txt'));
      assert.deepEqual(problems, []);
      assert.equal(value.length, 1);
      const policy = value[0]!;
      assert.equal(policy.name, 'Contoso-MW');
      assert.equal(policy.description, 'Tenant-wide multi-workload policy (Keyward)');
      assert.deepEqual(policy.normalizedKeyUris, [MW_A, MW_B]);
      assert.equal(policy.enabled, true);
      assert.ok(depPolicyUsesKeys(policy, [`${MW_B}/f635a23bd4a44b9996ff6aadd88d42ba`, MW_A.toUpperCase().replace('HTTPS', 'https')]));
    });

    it('when a Teams paste lost the indentation and uses CRLF, then both policies are still read', () => {
      const { value, problems } = parseM365DataAtRestEncryptionPolicies(fixture('m365-policies-teams-paste.txt'));
      assert.deepEqual(problems, []);
      assert.deepEqual(
        value.map((p) => [p.name, p.enabled, p.normalizedKeyUris.length, p.description]),
        [
          ['Contoso-MW', true, 2, 'Tenant-wide multi-workload policy'],
          ['Contoso-MW-Old', false, 2, null],
        ],
      );
      assert.deepEqual(value[0]?.normalizedKeyUris, [MW_A, MW_B]);
    });

    it('when the paste is empty or unrelated, then the problem says what to paste', () => {
      const { value, problems } = parseM365DataAtRestEncryptionPolicies('');
      assert.deepEqual(value, []);
      assert.match(textOf(problems[0] ?? ''), /Get-M365DataAtRestEncryptionPolicy \| Format-List/);
    });
  });

  describe('Get-M365DataAtRestEncryptionPolicyAssignment', () => {
    it('when the assignment is pasted, then the assigned policy name is read', () => {
      assert.deepEqual(parseM365DataAtRestEncryptionPolicyAssignment(fixture('m365-assignment.txt')), { value: { assignedPolicyName: 'Contoso-MW' }, problems: [] });
    });
  });

  describe('Get-DataEncryptionPolicy', () => {
    it('when a sample with a WARNING line and Managed HSM keys is pasted, then the policy is read', () => {
      const { value, problems } = parseDataEncryptionPolicies(fixture('exchange-policy.txt'));
      assert.deepEqual(problems, []);
      const policy = value[0]!;
      assert.equal(policy.name, 'Contoso-EX');
      assert.deepEqual(policy.normalizedKeyUris, ['https://contoso-hsm-a.managedhsm.azure.net/keys/ck-ex', 'https://contoso-hsm-b.managedhsm.azure.net/keys/ck-ex']);
      assert.equal(policy.permanentDataPurgeRequested, false);
    });

    it('when PowerShell cut the key list short, then the problem says how to see all of it', () => {
      const { value, problems } = parseDataEncryptionPolicies(fixture('exchange-truncated.txt'));
      assert.equal(value[0]?.keyListTruncated, true);
      assert.match(problems.map(textOf).join(' '), /\$FormatEnumerationLimit = -1/);
    });
  });

  describe('Get-SPODataEncryptionPolicy', () => {
    it('when the geo is Registering, then the state, the percentage and both keys with versions are read', () => {
      const { value, problems } = parseSpoDataEncryptionPolicy(fixture('spo-registering.txt'));
      assert.deepEqual(problems, []);
      assert.equal(value.state, 'Registering');
      assert.equal(value.percentComplete, 42);
      assert.deepEqual(value.primaryKey, {
        uri: 'https://contoso-ck-sp-a.vault.azure.net/keys/ck-sp-a/f635a23bd4a44b9996ff6aadd88d42ba',
        vaultName: 'contoso-ck-sp-a',
        keyName: 'ck-sp-a',
        version: 'f635a23bd4a44b9996ff6aadd88d42ba',
      });
      assert.equal(value.secondaryKey?.vaultName, 'contoso-ck-sp-b');
    });

    it('when the geo is Rolling with a separate percentage and GUID-formatted version, then both are read', () => {
      const { value } = parseSpoDataEncryptionPolicy(fixture('spo-rolling.txt'));
      assert.equal(value.state, 'Rolling');
      assert.equal(value.percentComplete, 63);
      assert.equal(value.secondaryKey?.version, '2b3e8f1d754f438dacdec1f0945f251a');
    });

    it('when the output comes through ConvertTo-Json, then it is read the same way', () => {
      const { value, problems } = parseSpoDataEncryptionPolicy(fixture('spo-registered.json'));
      assert.deepEqual(problems, []);
      assert.equal(value.state, 'Registered');
      assert.equal(value.percentComplete, null);
    });

    it('when the state is Unregistered, then it is not mistaken for Registered', () => {
      assert.equal(parseSpoDataEncryptionPolicy('State : Unregistered').value.state, 'Unregistered');
    });

    it('when the state is unknown, then the problem names the known states', () => {
      const { value, problems } = parseSpoDataEncryptionPolicy('State : Exploding');
      assert.equal(value.state, null);
      assert.match(problems.map(textOf).join(' '), /Unregistered, Registering, Registered, Rolling/);
    });
  });
});
