/**
 * `npm run demo` (and `npm run demo -- --hsm`): drives a whole Customer Key setup through the
 * running local stack (`npm start`) via the Agents Playground's HTTP API, with the operator and
 * the approvers as different people. `npm run demo -- --teardown` removes what the last setup demo
 * created (deleted, purged, billing stopped). Exits 0 when the scenario reached its end, 1 otherwise.
 */
import { PlaygroundClient } from './playgroundClient';
import { followExecution, runSetupScenario } from './demoScenario';
import { runTeardownScenario } from './demoTeardown';

async function main(): Promise<void> {
  const hsm = process.argv.includes('--hsm');
  const url = process.env.KEYWARD_DEMO_PLAYGROUND_URL ?? `http://127.0.0.1:${process.env.KEYWARD_PLAYGROUND_PORT ?? '56150'}`;
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  let client: PlaygroundClient;
  try {
    client = await new PlaygroundClient(url).connect();
  } catch {
    console.error(`Cannot reach the Agents Playground at ${url}. Start the local stack first: npm start`);
    process.exit(1);
  }
  try {
    if (process.argv.includes('--teardown')) {
      await runTeardownScenario(client, { log, dataDir: process.env.KEYWARD_DATA_DIR ?? '.data' });
      log('Demo complete: what the setup demo created is deleted and purged.');
      return;
    }
    const result = await runSetupScenario(client, { hsm, log });
    log(`Approved: request ${result.requestId} (plan ${result.planHash.slice(0, 12)}…); Keyward's managed identity now runs it`);
    await followExecution(client, result, { hsm, log });
    log('Demo complete: the plan was approved, executed exactly once and verified.');
    // Issue 14: the whole Premium setup with no typed GUID and at most 8 operator actions.
    const tally = result.tally;
    console.log(tally.line());
    const budget = hsm ? 9 : 8;
    if (tally.typedGuids > 0 || tally.actions.length > budget) {
      console.error(`Demo failed its goal: at most ${budget} operator actions and no typed GUID.`);
      process.exitCode = 1;
    }
  } finally {
    client.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
