import assert from 'node:assert/strict';
import {
  draftFromForm,
  formValuesFromDraft,
  mergeDraft,
  parseSetupForm,
  SETUP_STEP_FIELDS,
  validateSetupStep,
  validateSpec,
  type CustomerKeyDraft,
} from '../../../src/customerKey';
import { deepFreeze, hsmDraft, PEOPLE, premiumDraft, SUB_A, WRITER_CLIENT_ID } from './fixtures/specs';
import { textOf } from '../../../src/core';

type Mutate = (draft: CustomerKeyDraft) => void;

/** Bad-input cases from issue 4 and the brief: mutation → field → expected message. */
const KNOWN_CLIENT_IDS = { [WRITER_CLIENT_ID]: 'keyward-writer' };

const ERROR_CASES: Array<{ name: string; base: () => CustomerKeyDraft; mutate: Mutate; field: string; message: RegExp }> = [
  { name: 'no protection is chosen', base: premiumDraft, mutate: (d) => (d.protection = ''), field: 'protection', message: /Key Vault Premium or Managed HSM/ },
  { name: 'an unknown protection is submitted', base: premiumDraft, mutate: (d) => (d.protection = 'cloudHsm'), field: 'protection', message: /not a choice/ },
  { name: 'no workload is chosen', base: premiumDraft, mutate: (d) => (d.workloads = []), field: 'workloads', message: /at least one workload/ },
  { name: 'an unknown workload is submitted', base: premiumDraft, mutate: (d) => (d.workloads = ['exchange', 'teams']), field: 'workloads', message: /'teams'/ },
  {
    name: 'both sites use the same subscription',
    base: premiumDraft,
    mutate: (d) => (d.sites!.B!.subscriptionId = SUB_A.toUpperCase()),
    field: 'sites.B.subscriptionId',
    message: /different subscription from site A/,
  },
  {
    name: 'a subscription name is typed instead of its id',
    base: premiumDraft,
    mutate: (d) => (d.sites!.A!.subscriptionId = 'Contoso CK Primary'),
    field: 'sites.A.subscriptionId',
    message: /not a subscription id/,
  },
  {
    name: 'a region is unknown',
    base: premiumDraft,
    mutate: (d) => (d.sites!.A!.region = 'Atlantis North'),
    field: 'sites.A.region',
    message: /not an Azure region Keyward knows/,
  },
  {
    name: 'a resource group name is invalid',
    base: premiumDraft,
    mutate: (d) => (d.sites!.B!.resourceGroup = 'rg ck b'),
    field: 'sites.B.resourceGroup',
    message: /contains a space/,
  },
  {
    name: 'a vault name has an underscore (as in Microsoft examples)',
    base: premiumDraft,
    mutate: (d) => (d.sites!.A!.vaultNames!.exchange = 'contoso_EastUSvault01'),
    field: 'sites.A.vaultName.exchange',
    message: /underscore/,
  },
  {
    name: 'the same vault name is used for two workloads',
    base: premiumDraft,
    mutate: (d) => (d.sites!.B!.vaultNames!.sharePoint = 'CONTOSO-CK-EX-A'),
    field: 'sites.B.vaultName.sharePoint',
    message: /already used for Exchange mailboxes in site A.*one vault per workload per subscription/,
  },
  { name: 'a key name is missing', base: premiumDraft, mutate: (d) => delete d.sites!.A!.keyNames!.sharePoint, field: 'sites.A.keyName.sharePoint', message: /Enter a key name/ },
  { name: 'the key size is not allowed', base: premiumDraft, mutate: (d) => (d.keySize = '1024'), field: 'keySize', message: /3072 \(recommended\), 4096 or 2048/ },
  { name: 'the access model is unknown', base: premiumDraft, mutate: (d) => (d.accessModel = 'acl'), field: 'accessModel', message: /Azure RBAC \(rbac\) or access policies/ },
  { name: 'the HSM names are equal', base: hsmDraft, mutate: (d) => (d.sites!.B!.hsmName = 'Contoso-HSM-A'), field: 'sites.B.hsmName', message: /already HSM A's/ },
  {
    name: 'two workloads share a key name in one HSM',
    base: hsmDraft,
    mutate: (d) => (d.sites!.A!.keyNames!.exchange = 'CK-MW'),
    field: 'sites.A.keyName.exchange',
    message: /already used for Multi-workload/,
  },
  {
    name: 'no initial administrator is named',
    base: hsmDraft,
    mutate: (d) => (d.hsm!.initialAdminObjectIds = []),
    field: 'hsm.initialAdminObjectIds',
    message: /at least one initial administrator/,
  },
  {
    name: "an administrator is given by Keyward's client id instead of object id",
    base: hsmDraft,
    mutate: (d) => (d.hsm!.initialAdminObjectIds = [WRITER_CLIENT_ID]),
    field: 'hsm.initialAdminObjectIds',
    message: /client\) id of keyward-writer, not an object id.*Azure grants roles to the object id/,
  },
  {
    name: 'an administrator is given by a Microsoft app id',
    base: hsmDraft,
    mutate: (d) => (d.hsm!.initialAdminObjectIds = ['00000003-0000-0ff1-ce00-000000000000']),
    field: 'hsm.initialAdminObjectIds',
    message: /Office 365 SharePoint Online, not an object id/,
  },
  { name: 'the retention is out of range', base: hsmDraft, mutate: (d) => (d.hsm!.softDeleteRetentionDays = '120'), field: 'hsm.softDeleteRetentionDays', message: /from 7 to 90/ },
  {
    name: 'there are too few officers',
    base: hsmDraft,
    mutate: (d) => (d.hsm!.officers = d.hsm!.officers!.slice(0, 2)),
    field: 'hsm.officers',
    message: /at least 3 security-domain officers \(you have 2\)/,
  },
  {
    name: 'the quorum is above the number of officers',
    base: hsmDraft,
    mutate: (d) => (d.hsm!.quorum = '5'),
    field: 'hsm.quorum',
    message: /quorum \(5\) is larger than the number of officers \(4\)/,
  },
  { name: 'the quorum is 1', base: hsmDraft, mutate: (d) => (d.hsm!.quorum = '1'), field: 'hsm.quorum', message: /from 2 to 10/ },
  {
    name: 'an officer is listed twice',
    base: hsmDraft,
    mutate: (d) => (d.hsm!.officers![3] = { displayName: 'Alex again', objectId: PEOPLE.approverAlex.objectId.toUpperCase() }),
    field: 'hsm.officers.3.objectId',
    message: /already an officer/,
  },
  {
    name: 'an officer has no display name',
    base: hsmDraft,
    mutate: (d) => (d.hsm!.officers![1] = { objectId: PEOPLE.approverBruno.objectId }),
    field: 'hsm.officers.1.displayName',
    message: /display name/,
  },
  {
    name: 'the HSM cost is not acknowledged',
    base: hsmDraft,
    mutate: (d) => (d.hsm!.costAcknowledged = 'false'),
    field: 'hsm.costAcknowledged',
    message: /billed hourly from the moment it is provisioned/,
  },
  { name: 'an approver is not an object id', base: premiumDraft, mutate: (d) => (d.approvers!.A = ['alex@contoso.com']), field: 'approvers.A', message: /not an object id/ },
];

describe('validateSpec', () => {
  it('when a valid Premium draft is validated, then it yields a normalised spec', () => {
    const result = validateSpec(premiumDraft());
    assert.equal(result.ok, true, JSON.stringify(result.errors));
    assert.ok(result.spec);
    assert.equal(result.spec.protection, 'keyVaultPremium');
    assert.equal(result.spec.sites.A.region, 'westeurope');
    assert.deepEqual(result.spec.workloads, ['multiWorkload', 'exchange', 'sharePoint']);
    assert.equal(result.spec.keySize, 3072);
  });

  it('when a valid Managed HSM draft is validated, then it yields a spec with the HSM settings', () => {
    const result = validateSpec(hsmDraft());
    assert.equal(result.ok, true, JSON.stringify(result.errors));
    assert.ok(result.spec && result.spec.protection === 'managedHsm');
    assert.equal(result.spec.hsm.quorum, 3);
    assert.equal(result.spec.hsm.officers.length, 4);
    assert.deepEqual(result.spec.workloads, ['multiWorkload', 'exchange'], 'workloads come out in canonical order');
  });

  for (const c of ERROR_CASES) {
    it(`when ${c.name}, then ${c.field} says so and no spec is produced`, () => {
      const draft = c.base();
      c.mutate(draft);
      const result = validateSpec(deepFreeze(draft), { knownClientIds: KNOWN_CLIENT_IDS });
      assert.equal(result.ok, false);
      assert.equal(result.spec, undefined);
      assert.match(textOf(result.errors[c.field] ?? '(no message)'), c.message);
    });
  }

  it('when many fields are wrong at once, then every one of them gets its message', () => {
    const draft = premiumDraft();
    draft.sites!.A!.vaultNames!.exchange = 'bad_name';
    draft.sites!.B!.subscriptionId = SUB_A;
    draft.sites!.B!.region = 'nowhere';
    draft.keySize = '1000';
    const result = validateSpec(draft);
    assert.deepEqual(Object.keys(result.errors).sort(), ['keySize', 'sites.A.vaultName.exchange', 'sites.B.region', 'sites.B.subscriptionId']);
  });

  it('when validation runs on a frozen draft, then it neither mutates nor drops the values', () => {
    const draft = premiumDraft();
    draft.sites!.A!.vaultNames!.exchange = '  bad_name  ';
    const snapshot = JSON.stringify(draft);
    validateSpec(deepFreeze(draft));
    assert.equal(JSON.stringify(draft), snapshot);
  });

  const WARNING_CASES: Array<{ name: string; base: () => CustomerKeyDraft; mutate: Mutate; field: string; message: RegExp }> = [
    // Issue 11 item 2: two regions are a recommendation ("if possible"), not a requirement; single-region countries must go on.
    {
      name: 'both keys are in one region',
      base: premiumDraft,
      mutate: (d) => (d.sites!.B!.region = 'westeurope'),
      field: 'sites.B.region',
      message: /not required.*recommends.*single Azure region/,
    },
    {
      name: 'both keys are in Italy North (a single-region country)',
      base: premiumDraft,
      mutate: (d) => ((d.sites!.A!.region = 'italynorth'), (d.sites!.B!.region = 'Italy North')),
      field: 'sites.B.region',
      message: /not required/,
    },
    {
      name: 'the regions are an Azure pair',
      base: premiumDraft,
      mutate: (d) => (d.sites!.B!.region = 'North Europe'),
      field: 'sites.B.region',
      message: /region pair.*four regions/,
    },
    { name: 'the key size is 2048', base: premiumDraft, mutate: (d) => (d.keySize = '2048'), field: 'keySize', message: /3072 or 4096/ },
    {
      name: 'the HSM region is not on the conservative list',
      base: hsmDraft,
      mutate: (d) => (d.sites!.B!.region = 'westus3'),
      field: 'sites.B.region',
      message: /conservative list/,
    },
    {
      name: 'the retention is below 90 days',
      base: hsmDraft,
      mutate: (d) => (d.hsm!.softDeleteRetentionDays = '30'),
      field: 'hsm.softDeleteRetentionDays',
      message: /CustomizedRecoverable/,
    },
    { name: 'the quorum equals the number of officers', base: hsmDraft, mutate: (d) => (d.hsm!.quorum = '4'), field: 'hsm.quorum', message: /any one officer's key is lost/ },
    { name: 'the quorum is 2', base: hsmDraft, mutate: (d) => (d.hsm!.quorum = '2'), field: 'hsm.quorum', message: /at least 3/ },
    {
      name: 'one person is custodian of both keys',
      base: premiumDraft,
      mutate: (d) => (d.approvers!.B = [PEOPLE.approverAlex.objectId]),
      field: 'approvers.B',
      message: /custodian of both keys/,
    },
    { name: 'no custodian is named', base: premiumDraft, mutate: (d) => (d.approvers = {}), field: 'approvers.A', message: /No key custodians/ },
    { name: 'an access model is given for an HSM', base: hsmDraft, mutate: (d) => (d.accessModel = 'rbac'), field: 'accessModel', message: /ignored/ },
  ];
  for (const c of WARNING_CASES) {
    it(`when ${c.name}, then ${c.field} warns but the spec is still valid`, () => {
      const draft = c.base();
      c.mutate(draft);
      const result = validateSpec(draft);
      assert.equal(result.ok, true, JSON.stringify(result.errors));
      assert.match(textOf(result.warnings[c.field] ?? '(no warning)'), c.message);
    });
  }

  it('when an authoritative HSM region list omits the region, then it is an error', () => {
    const result = validateSpec(hsmDraft(), { managedHsmRegions: ['West Europe'] });
    assert.equal(result.ok, false);
    assert.match(textOf(result.errors['sites.B.region'] ?? ''), /not offered in East US 2/);
  });

  describe('when the approval policy requires key custodians', () => {
    it('then an empty custodian list is an error', () => {
      const draft = premiumDraft();
      draft.approvers = { A: [PEOPLE.approverAlex.objectId] };
      const result = validateSpec(draft, { requireKeyCustodians: true });
      assert.match(textOf(result.errors['approvers.B'] ?? ''), /at least one custodian for key B/);
    });
    it('then the same person on both keys is an error', () => {
      const draft = premiumDraft();
      draft.approvers = { A: [PEOPLE.approverAlex.objectId, PEOPLE.approverChen.objectId], B: [PEOPLE.approverChen.objectId.toUpperCase()] };
      const result = validateSpec(draft, { requireKeyCustodians: true });
      assert.match(textOf(result.errors['approvers.B'] ?? ''), /separation of duties/);
    });
  });
});

describe('validateSetupStep', () => {
  it('when the sites card has an error and a later card is empty, then only the sites error is reported for that card', () => {
    const draft: CustomerKeyDraft = {
      protection: 'keyVaultPremium',
      workloads: ['exchange'],
      sites: { A: { subscriptionId: SUB_A, resourceGroup: 'rg', region: 'westeurope' }, B: { subscriptionId: SUB_A, resourceGroup: 'rg', region: 'northeurope' } },
    };
    const result = validateSetupStep('sites', draft);
    assert.equal(result.ok, false);
    assert.deepEqual(Object.keys(result.errors), ['sites.B.subscriptionId']);
    assert.ok(result.warnings['sites.B.region']);
  });

  it('when the choice card is invalid, then later cards are not ok either and show why', () => {
    const result = validateSetupStep('names', { protection: 'nope' });
    assert.equal(result.ok, false);
    assert.ok(result.errors.protection);
  });

  it('when the HSM card is validated for a Premium journey, then it has nothing to say', () => {
    assert.deepEqual(validateSetupStep('hsm', premiumDraft()), { ok: true, errors: {}, warnings: {} });
  });

  it('when every card of a valid draft is validated, then each is ok', () => {
    for (const step of ['choice', 'sites', 'names', 'hsm', 'approvers'] as const) {
      assert.equal(validateSetupStep(step, hsmDraft()).ok, true, step);
    }
  });
});

describe('setup forms', () => {
  it('when a card submits its values plus card metadata, then the metadata is dropped and the values kept', () => {
    const parsed = parseSetupForm('choice', { verb: 'setup.next', version: 3, protection: 'managedHsm', workloads: 'exchange,sharePoint' });
    assert.deepEqual(parsed, { ok: true, values: { protection: 'managedHsm', workloads: 'exchange,sharePoint' } });
  });

  it('when a hand-edited payload puts an object in a field, then that field gets a message', () => {
    const parsed = parseSetupForm('sites', { 'sites.A.region': { evil: true } });
    assert.equal(parsed.ok, false);
    assert.ok(!parsed.ok && parsed.errors['sites.A.region']);
  });

  it('when the payload is not an object at all, then the form gets one message', () => {
    const parsed = parseSetupForm('sites', 'nonsense');
    assert.ok(!parsed.ok && parsed.errors._form);
  });

  it('when a value is absurdly long, then it is refused', () => {
    const parsed = parseSetupForm('names', { 'sites.A.hsmName': 'x'.repeat(5000) });
    assert.ok(!parsed.ok && /2000/.test(textOf(parsed.errors['sites.A.hsmName'] ?? '')));
  });

  it('when numbers and booleans arrive from Input.Number/Input.Toggle, then they become strings', () => {
    const parsed = parseSetupForm('hsm', { 'hsm.quorum': 3, 'hsm.costAcknowledged': true });
    assert.deepEqual(parsed, { ok: true, values: { 'hsm.quorum': '3', 'hsm.costAcknowledged': 'true' } });
  });

  it('when every card is filled in from a draft and read back, then the same draft results', () => {
    const original = hsmDraft();
    const values = formValuesFromDraft(original);
    let rebuilt: CustomerKeyDraft = {};
    for (const step of ['choice', 'sites', 'names', 'hsm', 'approvers'] as const) {
      const own = Object.fromEntries(Object.entries(values).filter(([k]) => SETUP_STEP_FIELDS[step].includes(k)));
      const parsed = parseSetupForm(step, own);
      assert.ok(parsed.ok);
      rebuilt = mergeDraft(rebuilt, draftFromForm(step, parsed.values));
    }
    assert.equal(validateSpec(rebuilt).ok, true);
    assert.deepEqual(validateSpec(rebuilt).spec, validateSpec(original).spec);
  });

  it('when officer rows have a gap, then messages still land on the row the operator typed in', () => {
    const draft = draftFromForm('hsm', {
      'hsm.officers.0.displayName': 'A',
      'hsm.officers.0.objectId': PEOPLE.approverAlex.objectId,
      'hsm.officers.2.displayName': 'C',
      'hsm.officers.2.objectId': 'not-a-guid',
    });
    assert.equal(draft.hsm?.officers?.length, 3);
    const result = validateSpec({ ...hsmDraft(), hsm: { ...hsmDraft().hsm, officers: draft.hsm!.officers! } });
    assert.match(textOf(result.errors['hsm.officers.2.objectId'] ?? ''), /not an object id/);
    assert.equal(result.errors['hsm.officers.1.objectId'], undefined);
  });

  it('when a later card is merged, then earlier values stay and nested names merge per workload', () => {
    const base = mergeDraft({}, { sites: { A: { subscriptionId: SUB_A, vaultNames: { exchange: 'v-ex' } } } });
    const merged = mergeDraft(base, { sites: { A: { vaultNames: { sharePoint: 'v-sp' } } } });
    assert.deepEqual(merged.sites?.A, { subscriptionId: SUB_A, vaultNames: { exchange: 'v-ex', sharePoint: 'v-sp' } });
  });
});
