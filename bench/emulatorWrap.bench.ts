/**
 * `npm run bench:emulator`: wrapKey / unwrapKey (RSA-OAEP-256) operations per second through the
 * real CryptographyClient with 16 concurrent callers, against the emulator and against a bare
 * node:https server doing the same node:crypto operation, in the same run; then memory with 10,000
 * keys stored and start times. The servers run in a child process so client and server each get a
 * core. Not a test: it prints figures (target: emulator ≥ 0.7 × bare).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ManagedIdentityCredential } from '@azure/identity';
import { CryptographyClient } from '@azure/keyvault-keys';
import { ensureCertificateAuthority } from '../src/emulator/tls/certificateAuthority';
import type { BenchServerReady, MemoryFigures } from './lib/emulatorBenchServer';
import { agentPolicy, localhostAgent } from './lib/localhostAgent';

const CALLERS = 16;
const WARMUP_MS = 1000;
const MEASURE_MS = Number(process.env.KEYWARD_BENCH_SECONDS ?? 3) * 1000;
const SIZES = [2048, 3072] as const;

async function main(): Promise<void> {
  // NODE_EXTRA_CA_CERTS is read once at start-up: re-run this script with it pointing at the bench CA.
  if (!process.env.KEYWARD_BENCH_CA) {
    const caDir = path.resolve('.bench/emulator-ca');
    const ca = await ensureCertificateAuthority(caDir);
    const child = spawn(process.execPath, [...process.execArgv, __filename, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.caCertPath, KEYWARD_BENCH_CA: caDir },
    });
    child.on('exit', (code) => process.exit(code ?? 1));
    return;
  }

  const server = fork(path.join(__dirname, 'lib', 'emulatorBenchServer.ts'), [], { execArgv: [...process.execArgv, '--expose-gc'], stdio: 'inherit' });
  const ready = await nextMessage<BenchServerReady>(server, 'ready');
  process.env.IDENTITY_ENDPOINT = ready.identityEndpoint;
  process.env.IDENTITY_HEADER = ready.identityHeader;
  const credential = new ManagedIdentityCredential();
  const agent = localhostAgent(CALLERS * 2);
  const options = { additionalPolicies: [{ position: 'perCall' as const, policy: agentPolicy(agent) }] };

  /** Throughput (wall clock) and the server process's CPU time per operation for one side. */
  const sample = async (operation: () => Promise<void>) => {
    await drive(operation, WARMUP_MS);
    server.send({ type: 'cpu-start' });
    await nextMessage(server, 'cpu-started');
    const result = await drive(operation, MEASURE_MS);
    server.send({ type: 'cpu-stop' });
    const { micros } = await nextMessage<{ type: 'cpu'; micros: number }>(server, 'cpu');
    return { opsPerSecond: result.opsPerSecond, cpuMicrosPerOp: micros / result.count };
  };
  const rows: Array<{ op: string; size: number; emulator: number; bare: number; emulatorCpu: number; bareCpu: number }> = [];
  for (const size of SIZES) {
    const clients = {
      emulator: new CryptographyClient(ready.emulatorKeyIds[size] as string, credential, options),
      bare: new CryptographyClient(ready.bareKeyIds[size] as string, credential, options),
    };
    const plaintext = Buffer.alloc(32, 7);
    const wrapped = {
      emulator: (await clients.emulator.wrapKey('RSA-OAEP-256', plaintext)).result,
      bare: (await clients.bare.wrapKey('RSA-OAEP-256', plaintext)).result,
    };
    for (const op of ['wrapKey', 'unwrapKey'] as const) {
      const run = (target: 'emulator' | 'bare') =>
        sample(async () => {
          if (op === 'wrapKey') await clients[target].wrapKey('RSA-OAEP-256', plaintext);
          else await clients[target].unwrapKey('RSA-OAEP-256', wrapped[target]);
        });
      // A-B-B-A: each side runs first once, so drift (turbo, GC, caches) does not favour either.
      const bare1 = await run('bare');
      const emulator1 = await run('emulator');
      const emulator2 = await run('emulator');
      const bare2 = await run('bare');
      rows.push({
        op,
        size,
        emulator: (emulator1.opsPerSecond + emulator2.opsPerSecond) / 2,
        bare: (bare1.opsPerSecond + bare2.opsPerSecond) / 2,
        emulatorCpu: (emulator1.cpuMicrosPerOp + emulator2.cpuMicrosPerOp) / 2,
        bareCpu: (bare1.cpuMicrosPerOp + bare2.cpuMicrosPerOp) / 2,
      });
    }
  }

  server.send({ type: 'memory' });
  const memory = await nextMessage<MemoryFigures>(server, 'memory');
  server.send({ type: 'exit' });

  const cpus = os.cpus();
  console.log(
    `\nKeyward emulator benchmark — Node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${CALLERS} concurrent callers, CryptographyClient, RSA-OAEP-256, 2 × ${MEASURE_MS / 1000} s per side per cell (A-B-B-A)`,
  );
  console.log('operation   key    emulator ops/s   bare ops/s   ratio   server CPU µs/op emulator / bare   CPU ratio');
  for (const row of rows) {
    const ratio = row.emulator / row.bare;
    const cpuRatio = row.bareCpu / row.emulatorCpu;
    console.log(
      `${row.op.padEnd(10)}  ${String(row.size).padEnd(5)}  ${row.emulator.toFixed(0).padStart(14)}   ${row.bare.toFixed(0).padStart(10)}   ${ratio.toFixed(2).padStart(5)}   ${row.emulatorCpu.toFixed(0).padStart(16)} / ${row.bareCpu.toFixed(0).padEnd(14)}   ${cpuRatio.toFixed(2)}${Math.min(ratio, cpuRatio) < 0.7 ? '  (below 0.7)' : ''}`,
    );
  }
  console.log(
    'ratio = emulator ÷ bare throughput (wall clock, sensitive to other load on the machine); CPU ratio = bare ÷ emulator server CPU per operation (the throughput ratio a CPU-bound server would reach).',
  );
  console.log(
    `\nStart time: ${ready.startMs.toFixed(0)} ms (new data dir, CA present); ${memory.freshStartMs.toFixed(0)} ms (second fresh start); ${memory.restartWithKeysMs.toFixed(0)} ms (restart with ${memory.keyCount.toLocaleString('en')} keys)`,
  );
  console.log(
    `Memory (after GC): empty ${memory.baseline.rssMb} MB RSS / ${memory.baseline.heapUsedMb} MB heap; with ${memory.keyCount.toLocaleString('en')} keys ${memory.withKeys.rssMb} MB RSS / ${memory.withKeys.heapUsedMb} MB heap; after restart (keys sealed until first use) ${memory.afterRestart.rssMb} MB RSS / ${memory.afterRestart.heapUsedMb} MB heap`,
  );
  console.log(
    `Storing ${memory.keyCount.toLocaleString('en')} keys over HTTP took ${memory.createSeconds.toFixed(1)} s (key pairs reused from a pool of 16); database ${memory.databaseMb} MB`,
  );
  agent.destroy();
}

/** CALLERS concurrent loops calling `operation` for `ms`; completed operations per second. */
async function drive(operation: () => Promise<void>, ms: number): Promise<{ opsPerSecond: number; count: number }> {
  let count = 0;
  const started = performance.now();
  const until = started + ms;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (performance.now() < until) {
        await operation();
        count += 1;
      }
    }),
  );
  return { opsPerSecond: count / ((performance.now() - started) / 1000), count };
}

function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type']): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`bench server exited (${code}) before '${type}'`)));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
