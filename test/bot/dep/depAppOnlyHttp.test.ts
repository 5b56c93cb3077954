import assert from 'node:assert/strict';
import { throughOnboarding } from '../../helpers/onboardingClicks';
import { LOCAL_IDENTITIES, LOCAL_PEOPLE, sha256Hex } from '../../../src/core';
import { DEP_VERBS } from '../../../src/bot/dep/depVerbs';
import { PwshRunner, type PowerShellRunner } from '../../../src/executor/steps/powershellRunner';
import { premiumPlan } from '../../executor/executorFixtures';
import { addressOf, startOpsWorld, type OpsWorld } from '../inventory/opsWorld';

/**
 * Exchange app-only (KEYWARD_DEP_APP_ONLY): the DEP goes through approval and Keyward's executor
 * runs the exact approved script with `pwsh` and Connect-ExchangeOnline -ManagedIdentity. There is
 * no PowerShell on the test machine, so `pwsh` is a fake that records what it was given and prints
 * what Exchange Online would; everything else (approval, run, parsing, inventory) is real.
 */
describe('DEP run by Keyward with Exchange app-only (fake pwsh) through HTTP', function () {
  this.timeout(120_000);
  let world: OpsWorld;
  const scripts: string[] = [];
  // The fake `pwsh` handed to Keyward at start; each test says what Exchange Online answers.
  let answer: PowerShellRunner['run'] = async () => ({ exitCode: 1, stdout: '', stderr: 'no answer set' });
  const fakePwsh: PowerShellRunner = { run: (script, options) => answer(script, options) };

  before(async () => {
    world = await startOpsWorld({ env: { KEYWARD_DEP_APP_ONLY: 'true', KEYWARD_EXCHANGE_ORGANIZATION: 'contoso.onmicrosoft.com' }, powershell: fakePwsh });
  });
  after(async () => {
    await world?.close();
  });

  it('when the operator lets Keyward run an Exchange DEP, then the approved script (by its SHA-256) runs with the managed identity after two approvals and the policy is recorded from its output', async () => {
    const plan = premiumPlan({ workloads: ['exchange'] });
    await world.finishedSetup(plan);
    const [a, b] = plan.keys.map((k) => k.versionlessUri);
    answer = async (script) => {
      scripts.push(script);
      return { exitCode: 0, stderr: '', stdout: `\nName        : Contoso-EX\nAzureKeyIDs : {${a}, ${b}}\nEnabled     : True\n` };
    };
    const chat = world.conversationOf(LOCAL_PEOPLE.operator);
    const pairId = (await world.harness.keyward.operations.inventory.pairs()).find((p) => p.A.ref.containerName === plan.keys[0]!.containerName)!.pairId;
    await world.say('dep');
    let card = world.cardIn(chat, /Which policy, and which keys\?/).card;
    const onboarding = await throughOnboarding(
      await world.click(DEP_VERBS.submitScope, { ...addressOf(card), scope: 'exchange', source: 'inventory', pairId }),
      (verb, data) => world.click(verb, data),
      addressOf,
      'EXO',
    );
    assert.equal(onboarding.onboarded, true, 'a fresh tenant is onboarded before its first policy');
    card = onboarding.card!;
    const review = await world.click(DEP_VERBS.submitDetails, { ...addressOf(card), policyName: 'Contoso-EX', mailboxScope: 'all', validate: 'true' });
    assert.match(review.text, /Or let Keyward run it/);
    const submitted = await world.click(DEP_VERBS.keyward, { ...addressOf(review.card!), reason: 'All mailboxes under our keys.' });
    assert.match(submitted.text, /Waiting for approval/);
    const journey = await world.harness.keyward.operations.dep.get(addressOf(review.card!).journeyId);
    const apply = journey.plan!.steps.find((s) => s.kind === 'applyDep')!;
    assert.equal((await world.harness.keyward.approvals.service.get(journey.requestId!))?.operationClass, 'create');

    await world.approveAs(journey.requestId!, [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno]);
    await world.settle();
    const run = (await world.harness.keyward.executor.service.getByRequest(journey.requestId!))!;
    assert.equal(run.status, 'succeeded', JSON.stringify(run.lastError));
    assert.equal(scripts.length, 1);
    assert.equal(apply.kind === 'applyDep' && sha256Hex(scripts[0]!), apply.kind === 'applyDep' ? apply.params.scriptSha256 : '', 'exactly the approved script ran');
    // Keyward's writer is a user-assigned identity: the script must name it by client id.
    assert.match(
      scripts[0]!,
      new RegExp(
        `Connect-ExchangeOnline -ManagedIdentity -ManagedIdentityAccountId '${LOCAL_IDENTITIES.writer.clientId}' -Organization 'contoso\\.onmicrosoft\\.com' -ShowBanner:\\$false`,
      ),
    );
    assert.equal((await world.harness.keyward.operations.dep.get(journey.id)).stage, 'recorded');
    assert.equal((await world.harness.keyward.operations.inventory.dep('exchange:contoso-ex'))?.state, 'Registered');
  });

  it('when PowerShell is not installed on the host, then the runner says so plainly instead of failing obscurely', async () => {
    await assert.rejects(
      new PwshRunner('/nonexistent/keyward-pwsh').run('Get-Date', { timeoutMs: 5000 }),
      /PowerShell \(\/nonexistent\/keyward-pwsh\) is not installed on the Keyward host/,
    );
  });
});
