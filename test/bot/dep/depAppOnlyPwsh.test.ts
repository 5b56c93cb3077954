import assert from 'node:assert/strict';
import { LOCAL_PEOPLE } from '../../../src/core';
import { DEP_VERBS } from '../../../src/bot/dep/depVerbs';
import { premiumPlan } from '../../executor/executorFixtures';
import { installFakePwsh, type FakePwsh } from '../../helpers/fakePwsh';
import { addressOf, startOpsWorld, type OpsWorld } from '../inventory/opsWorld';

/**
 * Issue 12, item 2: Keyward's own PwshRunner (no test override) runs the approved Exchange DEP
 * script with a fake `pwsh` first on the PATH that behaves as the real CLI does. When the
 * onboarding validation fails, the script's `throw` must stop it: no policy is created or
 * assigned, and the run records failure. (Piped to `pwsh -Command -`, the throw ended only its own
 * statement, the policy was created and assigned, and the run said it succeeded.)
 */
describe('DEP run by Keyward with Exchange app-only, through its real pwsh runner (fake pwsh on the PATH)', function () {
  this.timeout(180_000);
  let world: OpsWorld;
  let pwsh: FakePwsh;
  let restorePath: () => void;

  before(async () => {
    pwsh = installFakePwsh();
    restorePath = pwsh.firstOnPath();
    world = await startOpsWorld({ env: { KEYWARD_DEP_APP_ONLY: 'true', KEYWARD_EXCHANGE_ORGANIZATION: 'contoso.onmicrosoft.com' } });
  });
  after(async () => {
    await world?.close();
    restorePath?.();
    pwsh?.remove();
  });

  async function approvedExchangeDep(policyName: string, workloadsPlan: ReturnType<typeof premiumPlan>): Promise<string> {
    const chat = world.conversationOf(LOCAL_PEOPLE.operator);
    const pairId = world.harness.keyward.operations.inventory.pairs().find((p) => p.A.ref.containerName === workloadsPlan.keys[0]!.containerName)!.pairId;
    await world.say('dep');
    let card = world.cardIn(chat, /Which policy, and which keys\?/).card;
    card = (await world.click(DEP_VERBS.submitScope, { ...addressOf(card), scope: 'exchange', source: 'inventory', pairId })).card!;
    const review = await world.click(DEP_VERBS.submitDetails, { ...addressOf(card), policyName, mailboxScope: 'all', validate: 'true' });
    const submitted = await world.click(DEP_VERBS.keyward, { ...addressOf(review.card!), reason: 'All mailboxes under our keys.' });
    assert.match(submitted.text, /Waiting for approval/);
    const journey = world.harness.keyward.operations.dep.get(addressOf(review.card!).journeyId);
    await world.approveAs(journey.requestId!, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno]);
    await world.settle();
    return journey.requestId!;
  }

  it('when the onboarding validation fails, then the script stops at its throw: no policy is created or assigned, and the run records failure', async () => {
    const plan = premiumPlan({ workloads: ['exchange'] });
    await world.finishedSetup(plan);
    pwsh.configure({ validationResult: 'Failed' });
    const before = pwsh.calls().length;
    const requestId = await approvedExchangeDep('Contoso-Refused', plan);

    const calls = pwsh.calls().slice(before);
    assert.equal(calls.length, 1, 'pwsh ran once');
    const names = calls[0]!.cmdlets.map((c) => c.name);
    assert.ok(names.includes('New-CustomerKeyOnboardingRequest'), `the validation ran: ${JSON.stringify(calls)} ${JSON.stringify(world.harness.keyward.executor.service.getByRequest(requestId)?.lastError)}`);
    assert.ok(!names.includes('New-DataEncryptionPolicy'), `no policy was created (ran: ${names.join(', ')})`);
    assert.ok(!names.includes('Set-Mailbox'), 'no mailbox was assigned');
    assert.equal(calls[0]!.mode, 'file');
    assert.equal(calls[0]!.fileMode, 0o600);

    const run = world.harness.keyward.executor.service.getByRequest(requestId)!;
    assert.equal(run.status === 'succeeded', false, 'the run does not record success');
    assert.match(JSON.stringify(run.lastError), /exit code 1/);
    assert.equal(world.harness.keyward.operations.inventory.dep('exchange:contoso-refused')?.state === 'Registered', false);
  });

  it('when the validation succeeds, then the same runner creates and assigns the policy and Keyward records it', async () => {
    const plan = premiumPlan({ workloads: ['exchange'] });
    await world.finishedSetup(plan);
    pwsh.configure({ validationResult: 'Success' });
    const before = pwsh.calls().length;
    const requestId = await approvedExchangeDep('Contoso-EX2', plan);
    const names = pwsh.calls().slice(before).flatMap((c) => c.cmdlets.map((x) => x.name));
    assert.ok(names.includes('New-DataEncryptionPolicy'));
    assert.equal(names.filter((n) => n === 'Set-Mailbox').length, 2, 'both mailboxes assigned');
    const run = world.harness.keyward.executor.service.getByRequest(requestId)!;
    assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
    assert.equal(world.harness.keyward.operations.inventory.dep('exchange:contoso-ex2')?.state, 'Registered');
  });
});
