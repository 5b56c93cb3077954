import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PlaygroundClient } from '../../src/cli/playgroundClient';
import { followExecution, runSetupScenario } from '../../src/cli/demoScenario';
import { runTeardownScenario } from '../../src/cli/demoTeardown';
import { startHarness, type Harness } from '../helpers/keywardHarness';
import { startPlayground, type PlaygroundProcess } from '../helpers/playgroundProcess';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';

/**
 * `npm run demo -- --teardown` through the real Agents Playground: after the setup demo, the
 * teardown demo finds what it created in Keyward's inventory, gets it approved (destructive rule),
 * waits out the cooling-off, and ends on the card that says the vaults are purged.
 */
describe('teardown demo end to end: real Agents Playground, real server, Azure emulator', function () {
  this.timeout(240_000);
  let emulator: TestEmulator;
  let harness: Harness;
  let playground: PlaygroundProcess;
  let client: PlaygroundClient;
  let dataDir: string;

  before(async () => {
    emulator = await startTestEmulator();
    harness = await startHarness({
      ...emulator.keywardEnv,
      KEYWARD_APPROVALS_TICK_SECONDS: '0',
      KEYWARD_EXECUTOR_POLL_SECONDS: '0.2',
      KEYWARD_TEARDOWN_COOLING_OFF_SECONDS: '2',
      KEYWARD_OPS_TICK_SECONDS: '1',
      KEYWARD_HEALTH_CHECK_MINUTES: '0',
    });
    playground = await startPlayground(`${harness.url}/api/messages`);
    client = await new PlaygroundClient(playground.url).connect();
    // What `npm start` writes for the demo: where the emulator's control API is.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-demo-'));
    fs.mkdirSync(path.join(dataDir, 'emulator'));
    fs.writeFileSync(
      path.join(dataDir, 'emulator', 'emulator.json'),
      JSON.stringify({
        armEndpoint: emulator.emulator.armEndpoint,
        graphEndpoint: emulator.emulator.graphEndpoint,
        tenantId: emulator.emulator.tenantId,
        caCertPath: emulator.emulator.caCertPath,
      }),
    );
  });
  after(async () => {
    client?.close();
    await playground?.stop();
    await harness?.close();
    await emulator?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (dataDir) fs.rmSync(`${dataDir}-audit-digests`, { recursive: true, force: true });
  });

  it("when the teardown demo runs after the setup demo, then the setup's vaults are deleted, purged after the retention period, and the final card says so", async () => {
    const lines: string[] = [];
    const setup = await runSetupScenario(client, { hsm: false, log: () => undefined });
    await followExecution(client, setup, { hsm: false, log: () => undefined });
    await runTeardownScenario(client, { log: (line) => lines.push(line), dataDir, timeoutMs: 60_000 });
    assert.ok(
      lines.some((line) => /Preflight: subscriptions Enabled/.test(line)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) => /Teardown complete: vaults never billed hourly/.test(line)),
      lines.join('\n'),
    );
    const journey = (await harness.keyward.operations.teardown.list())[0]!;
    assert.equal(journey.stage, 'done');
    const request = (await harness.keyward.approvals.service.get(journey.requestId!))!;
    assert.equal(request.status, 'succeeded');
    assert.deepEqual(
      request.votes.map((vote) => vote.voter.name),
      ['Alex Approver', 'Bruno Approver', 'Chen Custodian'],
    );
    const created = await harness.keyward.operations.inventory.containersOfRequest(setup.requestId);
    assert.equal(created.length, 2);
    assert.ok(created.every((c) => c.status === 'purged'));
    assert.equal((await harness.keyward.approvals.audit.verify()).ok, true);
  });
});
