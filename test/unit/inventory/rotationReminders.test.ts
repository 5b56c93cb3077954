import assert from 'node:assert/strict';
import { dueAt, REMIND_AGAIN_MS, reminderDue, RotationReminders } from '../../../src/inventory/rotationReminders';
import type { RotationSchedule } from '../../../src/inventory/inventoryTypes';
import { inventoryWorld, OPERATOR } from './inventoryFixtures';

const DAY = 86_400_000;

describe('rotation reminders', () => {
  it('when a 90-day schedule is set, then the due date counts from the newest version of either key, not from any Azure expiry', async () => {
    const world = await inventoryWorld();
    const pair = (await world.inventory.pairs())[0]!;
    const reminders = new RotationReminders({ inventory: world.inventory, clock: world.clock, audit: { append: async () => undefined } });
    const schedule = await reminders.set({ pair, everyDays: 90, reference: { conversation: { id: 'c' } }, by: OPERATOR });
    const newest = Math.max(...[...pair.A.versions, ...pair.B.versions].map((v) => Date.parse(v.recordedAt)));
    assert.equal(Date.parse(schedule.nextDueAt), newest + 90 * DAY);
    assert.equal(Date.parse(dueAt(schedule, pair)), newest + 90 * DAY);
    assert.equal(pair.A.ref.keyName.length > 0 && 'expires' in pair.A, false, 'the inventory holds no expiry to drive reminders');
  });

  it('when the clock reaches the due date, then one reminder goes out, none on the next tick, and again only after a week while the roll is not done', async () => {
    const world = await inventoryWorld();
    const pair = (await world.inventory.pairs())[0]!;
    const reminders = new RotationReminders({ inventory: world.inventory, clock: world.clock, audit: { append: async () => undefined } });
    await reminders.set({ pair, everyDays: 30, reference: {}, by: OPERATOR });
    assert.equal((await reminders.takeDue()).length, 0);
    world.clock.advance(30 * DAY);
    assert.equal((await reminders.takeDue()).length, 1);
    assert.equal((await reminders.takeDue()).length, 0, 'not twice for one due date');
    world.clock.advance(REMIND_AGAIN_MS - 1);
    assert.equal((await reminders.takeDue()).length, 0);
    world.clock.advance(1);
    assert.equal((await reminders.takeDue()).length, 1, 'a weekly nudge while it stays due');
  });

  it('when the pair is rolled, then the due date moves with the new version', async () => {
    const world = await inventoryWorld();
    const pair = (await world.inventory.pairs())[0]!;
    const schedule: RotationSchedule = {
      id: pair.pairId,
      workload: pair.workload,
      keyUris: [pair.A.ref.versionlessUri, pair.B.ref.versionlessUri],
      everyDays: 10,
      nextDueAt: '',
      reference: {},
      setBy: 'x',
      setAt: world.clock.now().toISOString(),
      lastRemindedAt: new Date(world.clock.now().getTime() + 10 * DAY).toISOString(),
    };
    const rolled = {
      ...pair,
      B: {
        ...pair.B,
        versions: [...pair.B.versions, { version: 'f'.repeat(32), recordedAt: new Date(world.clock.now().getTime() + 12 * DAY).toISOString(), how: 'roll' as const }],
      },
    };
    assert.equal(reminderDue(schedule, rolled, new Date(world.clock.now().getTime() + 13 * DAY)), false);
    assert.equal(reminderDue(schedule, rolled, new Date(world.clock.now().getTime() + 22 * DAY)), true);
  });
});
