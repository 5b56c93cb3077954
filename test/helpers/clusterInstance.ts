/**
 * One Keyward instance of the multi-instance test, as its own process: the real start-up
 * (startKeyward with the configuration from the environment: KEYWARD_STORE=postgres and a shared
 * KEYWARD_POSTGRES_URL), logging JSON lines to stdout. Its clock is the system clock moved by the
 * number of milliseconds in the file KEYWARD_TEST_CLOCK_FILE (read at most every 100 ms), so the
 * test can move every instance to a reminder's or an expiry's time together. Prints
 * `READY <url>` once listening; SIGTERM stops it gracefully, SIGKILL is the crash.
 *
 *   node --require tsx/cjs clusterInstance.ts
 */
import fs from 'node:fs';
import type { Clock } from '../../src/core';
import { loadConfig } from '../../src/config';
import { startKeyward } from '../../src/main';

function offsetClock(file: string | undefined): Clock {
  let offset = 0;
  let readAt = 0;
  return {
    now() {
      if (file && Date.now() - readAt > 100) {
        readAt = Date.now();
        try {
          offset = Number(fs.readFileSync(file, 'utf8').trim()) || 0;
        } catch {
          offset = 0;
        }
      }
      return new Date(Date.now() + offset);
    },
  };
}

async function main(): Promise<void> {
  const keyward = await startKeyward(loadConfig(process.env), { clock: offsetClock(process.env.KEYWARD_TEST_CLOCK_FILE) });
  process.stdout.write(`READY ${keyward.server.url}\n`);
  const stop = () =>
    void keyward.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
