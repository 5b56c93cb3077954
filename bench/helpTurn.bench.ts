/**
 * Benchmark (not a test): what a Keyward "help" turn costs over HTTP, against a bare botbuilder
 * echo bot measured in the same process and run. Both reply to the same local connector, so both
 * turns include parsing, the adapter, routing, state (Keyward: SQLite) and the outbound reply.
 * Rounds alternate between the two bots to cancel drift on a shared, noisy machine; only ratios
 * are meaningful. Target: Keyward ≤ 1.5× the echo bot (median latency and throughput).
 *
 * Tracing: Keyward is measured with OpenTelemetry off (the API's no-ops, as KEYWARD_TELEMETRY=none)
 * and on (the SDK registered as in production, exporters encoding and dropping), in alternating
 * rounds of one run. Target: tracing costs under 10 % (median latency and throughput).
 *
 *   npm run bench:turn            (BENCH_TURNS, BENCH_CONCURRENCY to change the load)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import restify from 'restify';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { silentLogger } from '../src/core';
import { loadConfig } from '../src/config';
import { startKeyward } from '../src/main';
import { FakeConnector } from '../test/helpers/fakeConnector';
import { messageActivity } from '../test/helpers/activities';
import { startBenchTelemetry } from './lib/tracingToggle';

const TURNS = Number(process.env.BENCH_TURNS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function startEchoBot(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req as never, res as never, async (context) => {
      if (context.activity.type === 'message') await context.sendActivity(`Echo: ${context.activity.text}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  await response.arrayBuffer();
}

/** CPU time of this process (bot, connector and client together: the same for every bot measured) per sequential turn, in ms. */
const cpuPerTurn: Record<string, number[]> = {};

async function latencies(url: string, connectorUrl: string, turns: number, name?: string): Promise<number[]> {
  const out: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < turns; i += 1) {
    const body = JSON.stringify(messageActivity('help', { serviceUrl: connectorUrl, conversationId: `lat-${i % 8}` }));
    const started = process.hrtime.bigint();
    await post(url, body);
    out.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const used = process.cpuUsage(cpu);
  if (name) (cpuPerTurn[name] ??= []).push((used.user + used.system) / 1000 / turns);
  return out;
}

async function throughput(url: string, connectorUrl: string, turns: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < turns) {
        next += 1;
        await post(url, JSON.stringify(messageActivity('help', { serviceUrl: connectorUrl, conversationId: `tp-${worker}` })));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return turns / seconds;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-bench-'));
  const connector = await new FakeConnector().start();
  const keyward = await startKeyward(loadConfig({ PORT: '0', KEYWARD_DATA_DIR: dataDir }), { logger: silentLogger });
  const echo = await startEchoBot();
  const bots = [
    { name: 'echo', url: echo.url, traced: false },
    { name: 'keyward', url: keyward.server.url, traced: false },
    { name: 'keywardTraced', url: keyward.server.url, traced: true },
  ];
  const results: Record<string, { lat: number[]; tps: number[] }> = { echo: { lat: [], tps: [] }, keyward: { lat: [], tps: [] }, keywardTraced: { lat: [], tps: [] } };
  let spans = 0;
  for (const bot of bots) await latencies(bot.url, connector.url, 50); // warm-up
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const bot of round % 2 === 0 ? bots : [...bots].reverse()) {
      const telemetry = bot.traced ? startBenchTelemetry() : undefined;
      connector.reset();
      results[bot.name]!.lat.push(...(await latencies(bot.url, connector.url, TURNS, bot.name)));
      connector.reset();
      results[bot.name]!.tps.push(await throughput(bot.url, connector.url, TURNS * 2, CONCURRENCY));
      if (telemetry) {
        await telemetry.flush();
        spans += telemetry.spans();
        await telemetry.shutdown();
      }
    }
  }
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, r]) => [
      name,
      { medianMs: percentile(r.lat, 50), p99Ms: percentile(r.lat, 99), turnsPerSecond: r.tps.reduce((a, b) => a + b, 0) / r.tps.length },
    ]),
  );
  const k = summary.keyward!;
  const e = summary.echo!;
  console.log(JSON.stringify({ turns: TURNS, rounds: ROUNDS, concurrency: CONCURRENCY, node: process.version, cpus: os.cpus().length, summary }, null, 2));
  const t = summary.keywardTraced!;
  console.log(
    `ratio keyward/echo: median latency ${(k.medianMs / e.medianMs).toFixed(2)}×, p99 ${(k.p99Ms / e.p99Ms).toFixed(2)}×, throughput ${(e.turnsPerSecond / k.turnsPerSecond).toFixed(2)}× slower (target ≤ 1.5×)`,
  );
  const cpu = (name: string) => percentile(cpuPerTurn[name] ?? [], 50);
  console.log(
    `CPU per turn (this process: bot, connector and client): echo ${cpu('echo').toFixed(2)} ms, keyward ${cpu('keyward').toFixed(2)} ms, keyward traced ${cpu('keywardTraced').toFixed(2)} ms (median of ${ROUNDS} rounds; less sensitive than latency to other processes on a shared machine)`,
  );
  console.log(
    `ratio tracing on/off: CPU per turn ${(cpu('keywardTraced') / cpu('keyward')).toFixed(3)}×, median latency ${(t.medianMs / k.medianMs).toFixed(3)}×, p99 ${(t.p99Ms / k.p99Ms).toFixed(3)}×, throughput ${(k.turnsPerSecond / t.turnsPerSecond).toFixed(3)}× slower (target < 1.10×; ${spans} spans exported)`,
  );
  await echo.close();
  await keyward.stop();
  await connector.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
