import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isAppError, textOf } from '../../../src/core';
import { buildOnboardingScript, businessDaysBetween, mandatoryRetentionWait, onboardingStateFrom, parseOnboardingRequests } from '../../../src/customerKey';
import { SUB_A, SUB_B, TENANT } from './fixtures/specs';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

/** Issue 11 item 8: the onboarding request, its state, and the mandatory-retention wait. */
describe('Customer Key onboarding', () => {
  it('when the pasted output shows a request in progress, done, or failed, then the state is requested, onboarded or failed with the failed validations', () => {
    const requested = parseOnboardingRequests(fixture('onboarding-requested.txt'));
    assert.deepEqual(onboardingStateFrom(requested.value, 'multiWorkload'), { requestId: '3c1e6a52-90f4-4b1e-8d0e-7a4f2b9c1d11', state: 'requested', problems: [] });
    assert.equal(onboardingStateFrom(parseOnboardingRequests(fixture('onboarding-done.txt')).value, 'multiWorkload').state, 'onboarded');
    const failed = onboardingStateFrom(parseOnboardingRequests(fixture('onboarding-failed.txt')).value, 'multiWorkload');
    assert.equal(failed.state, 'failed');
    assert.deepEqual(failed.problems, ['MandatoryRetentionPeriod', 'KeyPermissions']);
  });

  it('when the output is JSON (ConvertTo-Json), then it is read the same; when it is something else, Keyward says what it could not find', () => {
    const json = JSON.stringify([{ ID: 'r1', Scenario: 'MDEP', ValidationResult: 'Success', EnablementResult: 'Success' }]);
    assert.equal(onboardingStateFrom(parseOnboardingRequests(json).value, 'multiWorkload').state, 'onboarded');
    const nothing = parseOnboardingRequests('Name : Contoso-MW\nEnabled : True');
    assert.equal(nothing.value.length, 0);
    assert.match(nothing.problems.map(textOf).join(' '), /no onboarding request/);
  });

  it('when only validation has passed, then the state is validated (the request itself is not filed)', () => {
    assert.equal(onboardingStateFrom([{ requestId: 'x', scenario: 'MDEP', validationResult: 'Success', failedValidations: [] }], 'multiWorkload').state, 'validated');
  });

  it('when a script is asked for with a hostile scenario or a bad subscription, then none is written', () => {
    const keys = [
      { uri: 'https://contoso-ck-mw-a.vault.azure.net/keys/ck-mw-a', subscriptionId: SUB_A },
      { uri: 'https://contoso-ck-mw-b.vault.azure.net/keys/ck-mw-b', subscriptionId: SUB_B },
    ] as const;
    assert.throws(
      () => buildOnboardingScript({ tenantId: TENANT, workload: 'multiWorkload', keys, scenario: "MDEP'; whoami" }),
      (e: unknown) => isAppError(e, 'ValidationFailed'),
    );
    assert.throws(
      () => buildOnboardingScript({ tenantId: TENANT, workload: 'multiWorkload', keys: [keys[0], { ...keys[1], subscriptionId: 'x' }] }),
      (e: unknown) => isAppError(e, 'ValidationFailed'),
    );
    const script = buildOnboardingScript({ tenantId: TENANT, workload: 'multiWorkload', keys });
    assert.ok(script.script.indexOf("-OnboardingMode 'Validate'") < script.script.indexOf("-OnboardingMode 'Enable'"), 'validate before the request');
    assert.match(script.script, /throw 'The onboarding validation did not report Success/);
  });

  it('when business days are counted, then weekends do not count, and the advice turns to "contact Microsoft" after five', () => {
    const friday = new Date(Date.UTC(2026, 11, 4, 12));
    assert.equal(businessDaysBetween(friday, new Date(Date.UTC(2026, 11, 7, 8))), 1, 'Friday → Monday');
    assert.equal(mandatoryRetentionWait(SUB_B, 'Pending', friday, new Date(Date.UTC(2026, 11, 10, 8))).escalate, false);
    const late = mandatoryRetentionWait(SUB_B, 'Pending', friday, new Date(Date.UTC(2026, 11, 11, 8)));
    assert.equal(late.escalate, true);
    assert.match(textOf(late.advice), /Contact Microsoft now/);
  });
});
