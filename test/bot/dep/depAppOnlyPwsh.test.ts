import assert from 'node:assert/strict';
import { LOCAL_PEOPLE } from '../../../src/core';
import { DEP_VERBS } from '../../../src/bot/dep/depVerbs';
import { premiumPlan } from '../../executor/executorFixtures';
import { installFakePwsh, type FakePwsh } from '../../helpers/fakePwsh';
import { addressOf, startOpsWorld, type OpsWorld } from '../inventory/opsWorld';
import { throughOnboarding } from '../../helpers/onboardingClicks';

/**
 * Issue 12, item 2: Keyward's own PwshRunner (no test override) runs the approved Exchange DEP
 * script with a fake `pwsh` first on the PATH that behaves as the real CLI does. When a command
 * fails under $ErrorActionPreference = 'Stop', the script must stop there: nothing after it runs,
 * and the run records failure. (Piped to `pwsh -Command -`, a stopping error ended only its own
 * statement, the rest ran, and the run said it succeeded.)
 *
 * Issue 11, item 12: the script Keyward runs itself has no onboarding validation (the onboarding
 * module signs a person in); onboarding is the journey's own step before any DEP step. So the
 * failing command here is the policy's creation, and the first test also checks the validation is
 * not in the unattended script. Item 6: "all mailboxes" assigns licensed user mailboxes and shared
 * mailboxes only.
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
    const pairId = (await world.harness.keyward.operations.inventory.pairs()).find((p) => p.A.ref.containerName === workloadsPlan.keys[0]!.containerName)!.pairId;
    await world.say('dep');
    let card = world.cardIn(chat, /Which policy, and which keys\?/).card;
    card = (
      await throughOnboarding(
        await world.click(DEP_VERBS.submitScope, { ...addressOf(card), scope: 'exchange', source: 'inventory', pairId }),
        (verb, data) => world.click(verb, data),
        addressOf,
        'EXO',
      )
    ).card!;
    const review = await world.click(DEP_VERBS.submitDetails, { ...addressOf(card), policyName, mailboxScope: 'all', validate: 'true' });
    const submitted = await world.click(DEP_VERBS.keyward, { ...addressOf(review.card!), reason: 'All mailboxes under our keys.' });
    assert.match(submitted.text, /Waiting for approval/);
    const journey = await world.harness.keyward.operations.dep.get(addressOf(review.card!).journeyId);
    await world.approveAs(journey.requestId!, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno]);
    await world.settle();
    return journey.requestId!;
  }

  it('when creating the policy fails, then the script stops there: no mailbox is assigned, and the run records failure; the unattended script has no onboarding validation', async () => {
    const plan = premiumPlan({ workloads: ['exchange'] });
    await world.finishedSetup(plan);
    pwsh.configure({ failCmdlet: 'New-DataEncryptionPolicy' });
    const before = pwsh.calls().length;
    const requestId = await approvedExchangeDep('Contoso-Refused', plan);

    const calls = pwsh.calls().slice(before);
    assert.equal(calls.length, 1, 'pwsh ran once');
    const names = calls[0]!.cmdlets.map((c) => c.name);
    assert.ok(
      names.includes('New-DataEncryptionPolicy'),
      `the creation ran: ${JSON.stringify(calls)} ${JSON.stringify((await world.harness.keyward.executor.service.getByRequest(requestId))?.lastError)}`,
    );
    assert.ok(!names.includes('New-CustomerKeyOnboardingRequest'), 'no interactive onboarding step in the script Keyward runs');
    assert.ok(!names.includes('Set-Mailbox'), `no mailbox was assigned (ran: ${names.join(', ')})`);
    assert.equal(calls[0]!.mode, 'file');
    assert.equal(calls[0]!.fileMode, 0o600);

    const run = (await world.harness.keyward.executor.service.getByRequest(requestId))!;
    assert.equal(run.status === 'succeeded', false, 'the run does not record success');
    assert.match(JSON.stringify(run.lastError), /exit code 1/);
    assert.equal((await world.harness.keyward.operations.inventory.dep('exchange:contoso-refused'))?.state === 'Registered', false);
  });

  it('when the validation succeeds, then the same runner creates and assigns the policy and Keyward records it', async () => {
    const plan = premiumPlan({ workloads: ['exchange'] });
    await world.finishedSetup(plan);
    pwsh.configure({ failCmdlet: '', unlicensed: ['carol@contoso.com'], shared: ['shared-legal@contoso.com'] });
    const before = pwsh.calls().length;
    const requestId = await approvedExchangeDep('Contoso-EX2', plan);
    const cmdlets = pwsh
      .calls()
      .slice(before)
      .flatMap((c) => c.cmdlets);
    const names = cmdlets.map((x) => x.name);
    assert.ok(names.includes('New-DataEncryptionPolicy'));
    const assigned = cmdlets.filter((c) => c.name === 'Set-Mailbox').map((c) => String(c.params.Identity));
    assert.deepEqual(assigned, ['adele@contoso.com', 'ben@contoso.com', 'shared-legal@contoso.com'], 'licensed user mailboxes and the shared mailbox, not the unlicensed one');
    const run = (await world.harness.keyward.executor.service.getByRequest(requestId))!;
    assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
    assert.equal((await world.harness.keyward.operations.inventory.dep('exchange:contoso-ex2'))?.state, 'Registered');
  });
});
