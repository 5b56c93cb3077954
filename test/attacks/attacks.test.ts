import assert from 'node:assert/strict';
import { ATTACKS, type Attack } from './attackCatalogue';
import { assertUnchanged, AttackWorld, type Protected } from './attackWorld';

/**
 * Issue 12 item 11: every attack of the catalogue against the running Keyward — real HTTP into
 * /api/messages, real SQLite (tampered with directly for the database-writer attacks), the
 * emulator over HTTPS. For each: refused, audited, nothing changed. The order is the catalogue's.
 * The database writer's attacks run again with Keyward on PostgreSQL (rows changed with plain SQL).
 */
const runtimeTitle = (attack: Attack) =>
  `when ${attack.title} (${attack.against}), then it is refused, audited as ${attack.audit!.action}${attack.audit!.reason ? ` (${attack.audit!.reason})` : ''}, and nothing changes`;

/** One runtime attack: prepared, tried, refused, its audit record left, the protected state unchanged. */
async function tryAttack(world: AttackWorld, attack: Attack): Promise<void> {
  const matching = async () => (await world.audit()).filter((r) => r.action === attack.audit!.action && (attack.audit!.reason === '' || r.reason === attack.audit!.reason)).length;
  const prepared = (await attack.prepare?.(world)) ?? {};
  const before = await world.snapshot();
  const recordsBefore = await matching();
  const answer = await attack.attempt(world, prepared);
  attack.refused(answer);
  assert.ok((await matching()) > recordsBefore, `no new ${attack.audit!.action} record`);
  const after = await world.snapshot();
  const keep = (p: Protected) => Object.fromEntries(Object.entries(p).filter(([key]) => !(attack.ignore ?? []).includes(key as keyof Protected)));
  assertUnchanged(keep(before) as unknown as Protected, keep(after) as unknown as Protected, attack.id);
  await attack.alsoUnchanged?.(world, prepared, before, after);
}

describe('attacks: refused, audited, nothing changed', function () {
  this.timeout(240_000);
  let world: AttackWorld;
  before(async () => {
    world = await AttackWorld.start();
  });
  after(async () => {
    await world?.close();
  });

  for (const attack of ATTACKS.filter((a) => a.kind === 'runtime')) {
    it(runtimeTitle(attack), () => tryAttack(world, attack));
  }

  for (const attack of ATTACKS.filter((a) => a.kind === 'emulator')) {
    it(`when ${attack.title} (${attack.against}), then the emulator refuses`, async () => {
      attack.refused(await attack.attempt(world, {}));
    });
  }

  for (const attack of ATTACKS.filter((a) => a.kind === 'startup')) {
    it(`when ${attack.title} (${attack.against}), then Keyward refuses to start`, async () => {
      const answer = await attack.attempt(undefined, {});
      attack.refused(answer);
      assert.notEqual(answer.text, 'started');
    });
  }
});

describe('attacks by a database writer with Keyward on PostgreSQL: refused, audited, nothing changed', function () {
  this.timeout(240_000);
  let world: AttackWorld;
  before(async () => {
    world = await AttackWorld.start({ engine: 'postgres' });
  });
  after(async () => {
    await world?.close();
  });

  for (const attack of ATTACKS.filter((a) => a.kind === 'runtime' && a.writesStore)) {
    it(`${runtimeTitle(attack)} (PostgreSQL)`, () => tryAttack(world, attack));
  }
});
