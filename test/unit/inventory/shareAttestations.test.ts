import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/core';
import { custodyOf, ShareAttestations, type AttestationStatement, type HeldShare } from '../../../src/inventory/shareAttestations';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const iso = (days: number) => new Date(T0 + days * DAY).toISOString();

function shares(storedAtDay: number, names = ['Alex', 'Bruno', 'Chen']): HeldShare[] {
  return names.map((name) => ({
    hsmName: 'hsm-a',
    officerObjectId: `id-${name.toLowerCase()}`,
    officerName: name,
    thumbprint: `t-${name}`,
    quorum: 2,
    storedAt: iso(storedAtDay),
    requestId: 'r1',
  }));
}
const said = (name: string, status: 'confirmed' | 'lost', day: number): AttestationStatement => ({ hsmName: 'hsm-a', holder: `id-${name.toLowerCase()}`, status, at: iso(day) });

describe('security-domain custody (pure)', () => {
  it('when the ceremony has just happened, then every holder counts as confirmed and the next request is one interval later', () => {
    const custody = custodyOf({ shares: shares(0), statements: [], now: new Date(iso(1)), everyDays: 90 })!;
    assert.deepEqual([custody.health, custody.confirmed, custody.nextDueAt], ['healthy', 3, iso(90)]);
  });

  it('when the interval has passed without answers, then the custody is unproven (not lost), and answers bring it back', () => {
    assert.equal(custodyOf({ shares: shares(0), statements: [], now: new Date(iso(91)), everyDays: 90 })!.health, 'unproven');
    const back = custodyOf({
      shares: shares(0),
      statements: [said('Alex', 'confirmed', 91), said('Bruno', 'confirmed', 92)],
      lastRequestedAt: iso(90),
      now: new Date(iso(93)),
      everyDays: 90,
    })!;
    assert.deepEqual([back.health, back.confirmed, back.nextDueAt], ['healthy', 2, iso(180)]);
  });

  it('when holders say their share is lost, then fewer than the quorum left is broken; a holder who finds it again counts again', () => {
    const lost = [said('Bruno', 'lost', 10), said('Chen', 'lost', 11)];
    assert.equal(custodyOf({ shares: shares(0), statements: lost, now: new Date(iso(12)), everyDays: 90 })!.health, 'broken');
    const found = custodyOf({ shares: shares(0), statements: [...lost, said('Chen', 'confirmed', 12)], now: new Date(iso(13)), everyDays: 90 })!;
    assert.deepEqual([found.health, found.holders.map((h) => h.state)], ['healthy', ['confirmed', 'lost', 'confirmed']]);
  });

  it("when the security domain was downloaded again, then only the newest ceremony's holders count, and older answers do not", () => {
    const custody = custodyOf({ shares: [...shares(0), ...shares(50, ['Dana', 'Erin'])], statements: [said('Alex', 'confirmed', 40)], now: new Date(iso(51)), everyDays: 90 })!;
    assert.deepEqual(
      custody.holders.map((h) => h.name),
      ['Dana', 'Erin'],
    );
    assert.equal(custody.storedAt, iso(50));
    assert.equal(custodyOf({ shares: [], statements: [], now: new Date(iso(1)), everyDays: 90 }), undefined);
  });

  it("when attestations are off (0 days), then nobody is asked and nobody's confirmation goes stale", async () => {
    const statements: AttestationStatement[] = [];
    const store = {
      statements: async () => statements,
      putStatement: async (st: AttestationStatement) => void statements.push(st),
      lastRequestedAt: async () => undefined,
      setRequestedAt: async () => undefined,
      transaction: <T>(work: () => Promise<T>) => work(),
    };
    const clock = new ManualClock(T0 + 400 * DAY);
    const off = new ShareAttestations({ store, shares: async () => shares(0), activeHsms: async () => ['hsm-a'], audit: { append: async () => undefined }, clock, everyDays: 0 });
    assert.deepEqual(await off.takeDue(), []);
    assert.equal((await off.custody('hsm-a'))?.health, 'healthy');
    const on = new ShareAttestations({ store, shares: async () => shares(0), activeHsms: async () => ['hsm-a'], audit: { append: async () => undefined }, clock, everyDays: 90 });
    assert.deepEqual(
      (await on.takeDue()).map((c) => c.health),
      ['unproven'],
    );
  });
});
