import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAppError, LOCAL_PEOPLE, LOCAL_TENANT_ID, silentLogger } from '../../../src/core';
import { loadConfig } from '../../../src/config';
import { custodianRule, parseApprovalPolicy } from '../../../src/approvals';
import { localPolicyPath, readPolicyFile, resolvePolicyPath } from '../../../src/approvals/policyFile';
import { startKeyward } from '../../../src/main';
import { LOCAL_POLICY_JSON } from './approvalFixtures';

function problemsOf(raw: unknown): string[] {
  try {
    parseApprovalPolicy(raw);
  } catch (error) {
    if (isAppError(error, 'PolicyInvalid')) return error.details.problems as string[];
    throw error;
  }
  return [];
}

describe('approval policy', () => {
  it('when the shipped local policy is read, then it is valid, names the local tenant, and a setup needs exactly Alex and Bruno', () => {
    const policy = readPolicyFile(localPolicyPath());
    assert.equal(policy.tenantId, LOCAL_TENANT_ID);
    const create = policy.rules.create;
    assert.deepEqual(
      create.factors.map((f) => [f.groupId, f.approvals, [...f.members]]),
      [['keyApprovers', 2, [LOCAL_PEOPLE.approverAlex.objectId, LOCAL_PEOPLE.approverBruno.objectId]]],
    );
    assert.equal(create.allowSelfApproval, false);
    assert.deepEqual(policy.rules.keyRoll.separationOfDuties, {
      approvalsPerKeySide: 1,
      custodianGroup: { id: 'keyCustodians', name: 'Key custodians', members: [LOCAL_PEOPLE.approverChen.objectId, LOCAL_PEOPLE.approverDana.objectId] },
    });
    assert.equal(policy.rules.destructive.allowSelfApproval, false);
    assert.equal(policy.approvalCards.conversationId, 'group-chat-key-approvers');
    assert.match(policy.hash, /^[0-9a-f]{64}$/);
    assert.ok(Object.isFrozen(policy) && Object.isFrozen(policy.rules.create));
  });

  it('when a policy has many mistakes, then every one is reported at once with its path', () => {
    const problems = problemsOf({
      version: 2,
      tenantId: 'contoso.onmicrosoft.com',
      groups: {
        approvers: { name: 'Approvers', members: ['alex@contoso.com', LOCAL_PEOPLE.approverAlex.objectId, LOCAL_PEOPLE.approverAlex.objectId] },
        '9bad': { name: '', members: [] },
      },
      defaults: { approvalWindowMinutes: 0, allowSelfApproval: true },
      operations: {
        create: { require: [{ group: 'approvers', approvals: 3 }], reasonRequired: 'yes' },
        keyRoll: { require: [{ group: 'nobody', approvals: 1 }], separationOfDuties: { approvalsPerKeySide: 9 } },
        destructive: { require: [{ group: 'approvers', approvals: 1 }], allowSelfApproval: true, reminderBeforeMinutes: 5000, approvalWindowMinutes: 60 },
        rename: {},
      },
      approvalCards: { conversationId: '', fallback: 'email' },
      colour: 'blue',
    });
    const expected = [
      'colour: unknown setting',
      'version: must be 1',
      'tenantId: must be the Entra tenant id',
      'groups.approvers.members[0]: must be an Entra object id',
      'groups.approvers.members[2]:',
      'groups.9bad: group id must start with a letter',
      'groups.9bad.name: must be a display name',
      'groups.9bad.members: must list at least one',
      'defaults.approvalWindowMinutes: must be a whole number of minutes from 5',
      'defaults.allowSelfApproval: self-approval cannot be a default',
      'operations.rename: unknown operation class',
      'operations.create.require[0].approvals: needs 3 approvals but group "approvers" has only 1 member',
      'operations.create.reasonRequired: must be true or false',
      'operations.keyRoll.require[0].group: "nobody" is not a group',
      'operations.keyRoll.separationOfDuties.approvalsPerKeySide: must be a whole number from 0 to 5',
      'operations.permissionChange: is missing',
      'operations.destructive.allowSelfApproval: self-approval is never allowed for destructive',
      'operations.destructive.reminderBeforeMinutes:',
      'approvalCards.conversationId:',
      'approvalCards.fallback: must be "personalChats" or "none"',
    ];
    for (const start of expected)
      assert.ok(
        problems.some((p) => p.startsWith(start)),
        `missing problem "${start}" in:\n${problems.join('\n')}`,
      );
    assert.ok(problems.length >= expected.length);
  });

  it('when a rule gives key custodians votes but names no custodian group (or an unknown one), then the policy is refused', () => {
    // Issue 12 item 5: without a group the requester would choose the custodians, and so the voters.
    const withRoll = (separationOfDuties: unknown) => {
      const json = JSON.parse(JSON.stringify(LOCAL_POLICY_JSON)) as { operations: { keyRoll: Record<string, unknown> } };
      json.operations.keyRoll.separationOfDuties = separationOfDuties;
      return problemsOf(json);
    };
    assert.ok(
      withRoll({ approvalsPerKeySide: 1 }).some((p) => p.startsWith('operations.keyRoll.separationOfDuties.custodianGroup: is required')),
      withRoll({ approvalsPerKeySide: 1 }).join('\n'),
    );
    assert.ok(
      withRoll({ approvalsPerKeySide: 1, custodianGroup: 'nobody' }).some((p) => p.startsWith('operations.keyRoll.separationOfDuties.custodianGroup: "nobody" is not a group')),
    );
    assert.deepEqual(withRoll({ approvalsPerKeySide: 1, custodianGroup: 'keyCustodians' }), []);
    assert.deepEqual(withRoll({ approvalsPerKeySide: 0 }), [], 'custodians without votes need no group');
  });

  it("when who may be a custodian is asked (setup, a key roll, a setup request), then one rule answers: the rule's custodian group, every named custodian group for a key being set up, any policy group where none is named", () => {
    const P = LOCAL_PEOPLE;
    const policy = parseApprovalPolicy(LOCAL_POLICY_JSON);
    // The shipped policy: the key roll names "Key custodians"; setup and teardown name none.
    const forSetup = custodianRule(policy);
    assert.deepEqual(
      forSetup.groups.map((g) => g.id),
      ['keyCustodians'],
    );
    assert.deepEqual(
      [P.approverChen, P.approverDana, P.approverAlex, P.observer].map((p) => forSetup.allows(p.objectId)),
      [true, true, false, false],
      'an approver is no custodian',
    );
    assert.equal(custodianRule(policy, 'keyRoll').allows(P.approverAlex.objectId), false);
    assert.equal(custodianRule(policy, 'create').allows(P.approverAlex.objectId), true, 'a request whose rule names no custodian group: any policy group');
    assert.equal(custodianRule(policy, 'create').allows(P.observer.objectId), false, 'but someone in no group at all is no custodian');
    // Two rules naming two groups: a key's custodians must be in both, or one of its requests would refuse them.
    const json = JSON.parse(JSON.stringify(LOCAL_POLICY_JSON)) as { groups: Record<string, unknown>; operations: { destructive: Record<string, unknown> } };
    json.groups.seniorCustodians = { name: 'Senior custodians', members: [P.approverChen.objectId] };
    json.operations.destructive.separationOfDuties = { approvalsPerKeySide: 1, custodianGroup: 'seniorCustodians' };
    const two = custodianRule(parseApprovalPolicy(json));
    assert.deepEqual([two.every, two.groups.map((g) => g.id).sort()], [true, ['keyCustodians', 'seniorCustodians']]);
    assert.deepEqual(
      [P.approverChen, P.approverDana].map((p) => two.allows(p.objectId)),
      [true, false],
    );
  });

  it('when the policy is not an object, then the answer says so', () => {
    assert.deepEqual(problemsOf([]), ['(root): must be a JSON object']);
  });

  it('when the policy file is missing or not JSON, then Keyward reports PolicyInvalid naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-policy-'));
    const broken = path.join(dir, 'policy.json');
    fs.writeFileSync(broken, '{ "version": 1, ');
    assert.throws(
      () => readPolicyFile(broken),
      (error: unknown) => isAppError(error, 'PolicyInvalid') && error.message.includes(broken) && /not valid JSON/.test(error.message),
    );
    assert.throws(
      () => readPolicyFile(path.join(dir, 'absent.json')),
      (error: unknown) => isAppError(error, 'PolicyInvalid') && /cannot be read/.test(error.message),
    );
    const invalid = path.join(dir, 'invalid.json');
    fs.writeFileSync(invalid, JSON.stringify({ ...LOCAL_POLICY_JSON, version: 3 }));
    assert.throws(
      () => readPolicyFile(invalid),
      (error: unknown) => isAppError(error, 'PolicyInvalid') && (error.details.problems as string[]).some((p) => p.startsWith('version')),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when local mode has no policy file set, then the shipped local policy applies; production without one refuses', () => {
    assert.equal(resolvePolicyPath('local', undefined), localPolicyPath());
    assert.ok(fs.existsSync(localPolicyPath()));
    assert.equal(resolvePolicyPath('production', 'my/policy.json'), path.resolve('my/policy.json'));
    assert.throws(
      () => resolvePolicyPath('production', undefined),
      (error: unknown) => isAppError(error, 'PolicyInvalid') && /KEYWARD_POLICY_FILE/.test(error.message),
    );
  });

  it('when Keyward starts in production without a policy file, then it refuses to start with a clear message and opens nothing', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-prod-'));
    const config = loadConfig({
      MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: LOCAL_TENANT_ID,
      KEYWARD_HOST: '127.0.0.1',
      PORT: '0',
      KEYWARD_DATA_DIR: dataDir,
      KEYWARD_SIGNING_KEY_ID: 'https://kv-keyward.vault.azure.net/keys/keyward-signing',
    });
    await assert.rejects(
      startKeyward(config, { logger: silentLogger }),
      (error: unknown) => isAppError(error, 'PolicyInvalid') && /KEYWARD_POLICY_FILE is not set/.test(error.message),
    );
    assert.equal(fs.existsSync(path.join(dataDir, 'keyward.sqlite')), false);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(`${dataDir}-audit-digests`, { recursive: true, force: true });
  });

  it('when the policy names a tenant Keyward does not serve, then start is refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-tenant-'));
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify({ ...LOCAL_POLICY_JSON, tenantId: '99999999-9999-4999-8999-999999999999' }));
    const config = loadConfig({ PORT: '0', KEYWARD_DATA_DIR: dir, KEYWARD_POLICY_FILE: file });
    await assert.rejects(startKeyward(config, { logger: silentLogger }), (error: unknown) => isAppError(error, 'PolicyInvalid') && /does not serve/.test(error.message));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
