/**
 * Rotation reminders on a calendar the operator chooses. Customer Key keys must not expire (an
 * expired key stops Microsoft 365 from using it), so Azure's near-expiry events can never drive a
 * roll; Keyward remembers when each pair was last rolled and reminds on its own schedule instead.
 *
 * Due date = the newest version of either key of the pair + the interval. A reminder goes out once
 * when it is due and then at most weekly until the pair is rolled (a roll moves the due date).
 */
import type { Clock } from '../core';
import type { AuditEventInput } from '../audit/auditRecord';
import type { JourneyOwner } from '../journeys/setupJourney';
import type { InventoryService } from './inventoryService';
import type { KeyPair, RotationSchedule } from './inventoryTypes';

const DAY_MS = 86_400_000;
/** While a due roll is not done, remind again at most this often. */
export const REMIND_AGAIN_MS = 7 * DAY_MS;

/** When the pair was last rolled (or created): the newest version Keyward knows of key A or B. */
export function lastRolledAt(pair: KeyPair): string {
  const times = [...pair.A.versions, ...pair.B.versions].map((v) => v.recordedAt).sort();
  return times[times.length - 1] ?? pair.A.updatedAt;
}

export function dueAt(schedule: Pick<RotationSchedule, 'everyDays' | 'setAt'>, pair: KeyPair): string {
  const base = Date.parse(lastRolledAt(pair));
  return new Date((Number.isNaN(base) ? Date.parse(schedule.setAt) : base) + schedule.everyDays * DAY_MS).toISOString();
}

/** Pure: should a reminder go out now? */
export function reminderDue(schedule: RotationSchedule, pair: KeyPair, now: Date): boolean {
  const due = Date.parse(dueAt(schedule, pair));
  if (now.getTime() < due) return false;
  if (!schedule.lastRemindedAt) return true;
  const last = Date.parse(schedule.lastRemindedAt);
  return last < due || now.getTime() - last >= REMIND_AGAIN_MS;
}

export interface DueReminder {
  schedule: RotationSchedule;
  pair: KeyPair;
  dueAt: string;
}

export class RotationReminders {
  constructor(private readonly deps: { inventory: InventoryService; clock: Clock; audit: { append(event: AuditEventInput): Promise<unknown> } }) {}

  async set(input: { pair: KeyPair; everyDays: number; reference: Record<string, unknown>; by: JourneyOwner }): Promise<RotationSchedule> {
    const now = this.deps.clock.now().toISOString();
    const draft: RotationSchedule = {
      id: input.pair.pairId,
      workload: input.pair.workload,
      keyUris: [input.pair.A.ref.versionlessUri, input.pair.B.ref.versionlessUri],
      everyDays: input.everyDays,
      nextDueAt: '',
      reference: input.reference,
      setBy: input.by.aadObjectId.toLowerCase(),
      setAt: now,
    };
    const schedule = { ...draft, nextDueAt: dueAt(draft, input.pair) };
    await this.deps.inventory.transaction(async () => {
      await this.deps.audit.append({
        actor: actorOf(input.by),
        action: 'rotation.schedule.set',
        target: `pair/${input.pair.pairId}`,
        outcome: 'success',
        details: { everyDays: input.everyDays, nextDueAt: schedule.nextDueAt },
      });
      await this.deps.inventory.putSchedule(schedule);
    });
    return schedule;
  }

  async clear(pairId: string, by: JourneyOwner): Promise<void> {
    await this.deps.inventory.transaction(async () => {
      await this.deps.audit.append({ actor: actorOf(by), action: 'rotation.schedule.cleared', target: `pair/${pairId}`, outcome: 'success', details: {} });
      await this.deps.inventory.deleteSchedule(pairId);
    });
  }

  /**
   * The reminders due now, marked as sent (so a second tick, or a second bot process after this
   * one committed, does not send them again). The caller posts the cards.
   */
  takeDue(): Promise<DueReminder[]> {
    return this.deps.inventory.transaction(() => this.markDue());
  }

  private async markDue(): Promise<DueReminder[]> {
    const now = this.deps.clock.now();
    const out: DueReminder[] = [];
    for (const schedule of await this.deps.inventory.schedules()) {
      const pair = await this.deps.inventory.pair(schedule.id);
      if (!pair) continue;
      if (!reminderDue(schedule, pair, now)) continue;
      const due = dueAt(schedule, pair);
      const next: RotationSchedule = { ...schedule, lastRemindedAt: now.toISOString(), nextDueAt: due };
      await this.deps.audit.append({
        actor: { objectId: 'system:keyward', name: 'Keyward' },
        action: 'rotation.reminded',
        target: `pair/${schedule.id}`,
        outcome: 'info',
        details: { dueAt: due, everyDays: schedule.everyDays },
      });
      await this.deps.inventory.putSchedule(next);
      out.push({ schedule: next, pair, dueAt: due });
    }
    return out;
  }
}

function actorOf(owner: JourneyOwner) {
  return { objectId: owner.aadObjectId.toLowerCase(), name: owner.name, tenantId: owner.tenantId };
}
