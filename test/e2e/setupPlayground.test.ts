import assert from 'node:assert/strict';
import { PlaygroundClient } from '../../src/cli/playgroundClient';
import type { SetupJourney } from '../../src/journeys/setupJourney';
import { followExecution, runSetupScenario } from '../../src/cli/demoScenario';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { startPlayground, type PlaygroundProcess } from '../helpers/playgroundProcess';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';

describe('setup journey end to end: real Agents Playground, real server, Azure emulator', function () {
  this.timeout(180_000);
  let emulator: TestEmulator;
  let harness: Harness;
  let playground: PlaygroundProcess;
  let client: PlaygroundClient;

  before(async () => {
    emulator = await startTestEmulator();
    harness = await startHarness({ ...emulator.keywardEnv, KEYWARD_APPROVALS_TICK_SECONDS: '0', KEYWARD_EXECUTOR_POLL_SECONDS: '0.2' });
    playground = await startPlayground(`${harness.url}/api/messages`);
    client = await new PlaygroundClient(playground.url).connect();
  });
  after(async () => {
    client?.close();
    await playground?.stop();
    await harness?.close();
    await emulator?.close();
  });

  it('when the operator answers the cards and two approvers approve in the group chat, then the plan the operator previewed is approved, executed once and verified', async () => {
    const lines: string[] = [];
    const result = await runSetupScenario(client, { hsm: false, log: (line) => lines.push(line) });
    await followExecution(client, result, { hsm: false, log: (line) => lines.push(line) });
    assert.match(result.planHash, /^[0-9a-f]{64}$/);
    const request = await harness.keyward.approvals.service.get(result.requestId);
    assert.ok(request);
    assert.equal(request.planHash, result.planHash);
    assert.equal(request.status, 'succeeded');
    assert.ok(
      lines.some((line) => /Verify: Ready: all/.test(line)),
      lines.join('\n'),
    );
    assert.deepEqual(
      request.votes.map((vote) => vote.voter.name),
      ['Alex Approver', 'Bruno Approver'],
    );
    assert.ok(lines.some((line) => /SelfApprovalForbidden/.test(line)));
    assert.equal((await harness.keyward.approvals.audit.verify()).ok, true);
    // Issue 14: the whole Premium setup with no typed GUID and at most 8 operator actions (every submit and typed command counted, the refused self-approval and "verify" too).
    assert.equal(result.tally.typedGuids, 0, result.tally.line());
    assert.ok(result.tally.actions.length <= 8, result.tally.line());
    assert.match(
      result.tally.line(),
      /^8 operator actions, 0 typed GUIDs \(setup, choice card, sites card, names card, custodians card \(runs the checks\), submit for approval, own approval \(refused\), verify\)$/,
    );
  });

  it("when the operator chooses Managed HSM, then the cost acknowledgment, the approval and the officers' certificates lead to two activated HSMs and green readiness", async () => {
    const lines: string[] = [];
    const result = await runSetupScenario(client, { hsm: true, log: (line) => lines.push(line) });
    await followExecution(client, result, { hsm: true, log: (line) => lines.push(line) });
    assert.equal((await harness.keyward.approvals.service.get(result.requestId))?.status, 'succeeded');
    assert.equal(lines.filter((line) => /handed in a public certificate/.test(line)).length, 3);
    assert.equal(result.tally.typedGuids, 0, result.tally.line());
    assert.equal(
      officersOf(await harness.keyward.setup.get(result.journeyId)),
      'Chen Custodian, Dana Custodian, Alex Approver',
      'officers picked from the people picker, names from the directory',
    );
    const journey = await harness.keyward.setup.get(result.journeyId);
    assert.equal(journey.plan?.protection, 'managedHsm');
    assert.ok(journey.plan?.costNotes.some((note) => /hourly/i.test(note)));
    assert.ok(await harness.keyward.approvals.service.get(result.requestId));
  });
});

/** The officers picked on the HSM card, by the names the directory gave them. */
function officersOf(journey: SetupJourney): string {
  return (journey.draft.hsm?.officerIds ?? []).map((id) => journey.choices?.people?.[id] ?? id).join(', ');
}
