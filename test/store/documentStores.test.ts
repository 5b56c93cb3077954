import assert from 'node:assert/strict';
import { LOCAL_PEOPLE, LOCAL_TENANT_ID, ManualClock } from '../../src/core';
import { InventoryService } from '../../src/inventory/inventoryService';
import type { OpsJourneyBase } from '../../src/inventory/opsJourney';
import type { SetupJourney } from '../../src/journeys/setupJourney';
import { KeyValueBotStorage } from '../../src/bot/botStorage';
import { buildKeyRollPlan } from '../../src/customerKey';
import { finishedSetupRun, setupPlanOf } from '../unit/inventory/inventoryFixtures';
import { premiumDraft, SP_OBJECT_IDS, TENANT } from '../unit/customerKey/fixtures/specs';
import { ENGINES, openTestStore } from '../helpers/storeEngines';

const owner = { aadObjectId: LOCAL_PEOPLE.operator.objectId, name: 'Olivia', tenantId: LOCAL_TENANT_ID };

function setupJourney(id: string, conversationId = 'conv-1'): SetupJourney {
  return {
    id,
    kind: 'setup',
    owner,
    conversationId,
    origin: {},
    status: 'collecting',
    stage: 'choice',
    draft: {},
    errors: {},
    warnings: {},
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: `2026-01-01T00:00:0${id.length % 10}.000Z`,
  };
}

function opsJourney(id: string, kind: OpsJourneyBase['kind'], requestId?: string): OpsJourneyBase {
  return {
    id,
    kind,
    owner,
    conversationId: 'conv-1',
    origin: {},
    status: 'open',
    stage: 'choose',
    errors: {},
    warnings: {},
    ...(requestId ? { requestId } : {}),
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

for (const engine of ENGINES) {
  describe(`journey, inventory and conversation-state stores contract (${engine})`, function () {
    this.timeout(30_000);

    it('when setup and ops journeys are stored and changed, then each change is a compare-and-set and the lists find them by owner, conversation, kind and request', async () => {
      const t = await openTestStore(engine);
      try {
        const journeys = t.store.journeys;
        await journeys.insert(setupJourney('setup_1'));
        await journeys.insert(setupJourney('setup_22', 'conv-2'));
        assert.equal(await journeys.compareAndSet({ ...setupJourney('setup_1'), version: 2, stage: 'sites' }, 1), true);
        assert.equal(await journeys.compareAndSet({ ...setupJourney('setup_1'), version: 2, stage: 'names' }, 1), false, 'stale');
        assert.equal((await journeys.get('setup_1'))?.stage, 'sites');
        assert.deepEqual((await journeys.listByOwner(owner.aadObjectId.toUpperCase())).map((j) => j.id).sort(), ['setup_1', 'setup_22']);
        assert.deepEqual(
          (await journeys.listByConversation('conv-2')).map((j) => j.id),
          ['setup_22'],
        );
        const dep = t.store.opsJourneys<OpsJourneyBase>('dep');
        const roll = t.store.opsJourneys<OpsJourneyBase>('roll');
        await dep.insert(opsJourney('dep_1', 'dep', 'req-1'));
        await roll.insert(opsJourney('roll_1', 'roll', 'req-2'));
        assert.equal(await dep.get('roll_1'), undefined, 'each kind sees only its own');
        assert.equal((await roll.findByRequest('req-2'))?.id, 'roll_1');
        assert.equal(await dep.compareAndSet({ ...opsJourney('dep_1', 'dep', 'req-1'), version: 2, status: 'waiting' }, 1), true);
        assert.deepEqual(
          (await dep.list({ statuses: ['waiting'] })).map((j) => j.id),
          ['dep_1'],
        );
        assert.deepEqual(
          (await dep.listByOwner(owner.aadObjectId)).map((j) => j.id),
          ['dep_1'],
        );
      } finally {
        await t.close();
      }
    });

    it('when two instances fold different runs into the inventory at once, then no key version is lost and a run recorded twice changes nothing', async () => {
      const t = await openTestStore(engine);
      try {
        const clock = new ManualClock(Date.UTC(2026, 10, 29, 9));
        const a = new InventoryService({ store: t.store.inventory, clock });
        const b = new InventoryService({ store: (await t.second()).inventory, clock });
        const plan = setupPlanOf(premiumDraft());
        await a.recordRun(finishedSetupRun(plan, '11111111-1111-4111-8111-111111111111'));
        const pair = (await a.pairs()).find((p) => p.workload === 'exchange')!;
        const roll = (version: string, requestId: string) => ({
          id: `run_${requestId}`,
          requestId,
          version: 5,
          status: 'succeeded',
          plan: buildKeyRollPlan({
            tenantId: TENANT,
            key: pair.A.ref,
            keySize: 3072,
            depsToRefresh: [],
            servicePrincipalObjectId: SP_OBJECT_IDS['00000002-0000-0ff1-ce00-000000000000']!,
          }),
          steps: [] as Array<{ index: number; kind: string; status: string; output?: Record<string, unknown> }>,
        });
        const r1 = roll('1'.repeat(32), 'req-roll-1');
        const r2 = roll('2'.repeat(32), 'req-roll-2');
        r1.steps = r1.plan.steps.map((s) => ({ index: s.index, kind: s.kind, status: 'done', output: s.kind === 'rollKey' ? { version: '1'.repeat(32) } : {} }));
        r2.steps = r2.plan.steps.map((s) => ({ index: s.index, kind: s.kind, status: 'done', output: s.kind === 'rollKey' ? { version: '2'.repeat(32) } : {} }));
        await Promise.all([a.recordRun(r1), b.recordRun(r2), a.recordRun(r2), b.recordRun(r1)]);
        const versions = (await a.key(pair.A.ref.versionlessUri))!.versions.map((v) => v.version);
        assert.deepEqual(versions.slice(1).sort(), ['1'.repeat(32), '2'.repeat(32)], JSON.stringify(versions));
        assert.equal(versions.length, 3, 'the setup version and each rolled version once');
      } finally {
        await t.close();
      }
    });

    it('when the bot saves conversation state with eTags from two instances, then a stale eTag is refused, "*" and no eTag write, and a deleted item is gone', async () => {
      const t = await openTestStore(engine);
      try {
        const one = new KeyValueBotStorage(t.store.kv);
        const two = new KeyValueBotStorage((await t.second()).kv);
        await one.write({ 'conv/1': { turn: 1 } });
        const read = (await one.read(['conv/1']))['conv/1'] as { turn: number; eTag: string };
        assert.equal(read.turn, 1);
        await two.write({ 'conv/1': { turn: 2, eTag: read.eTag } });
        await assert.rejects(one.write({ 'conv/1': { turn: 3, eTag: read.eTag } }), /eTag conflict/);
        assert.equal(((await one.read(['conv/1']))['conv/1'] as { turn: number }).turn, 2);
        const racing = (await two.read(['conv/1']))['conv/1'] as { eTag: string };
        const outcomes = await Promise.allSettled([one.write({ 'conv/1': { turn: 4, eTag: racing.eTag } }), two.write({ 'conv/1': { turn: 5, eTag: racing.eTag } })]);
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, 'one of two writers with the same eTag wins');
        await one.write({ 'conv/1': { turn: 6, eTag: '*' } });
        assert.equal(((await two.read(['conv/1']))['conv/1'] as { turn: number }).turn, 6);
        await two.delete(['conv/1']);
        assert.deepEqual(await one.read(['conv/1']), {});
      } finally {
        await t.close();
      }
    });

    it('when the approval directory is asked for many people at once, then it answers those it met (over the per-statement slice) and leaves out the others', async () => {
      const t = await openTestStore(engine);
      try {
        const directory = t.store.directory;
        const ids = Array.from({ length: 1_200 }, (_, i) => `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
        for (const [i, objectId] of ids.entries())
          if (i % 2 === 0) await directory.rememberPerson({ objectId, tenantId: LOCAL_TENANT_ID, name: `Person ${i}`, channelUserId: `29:${i}` });
        const found = await directory.people([...ids, ids[0]!]);
        assert.equal(found.size, 600);
        assert.equal(found.get(ids[1_198]!)?.channelUserId, '29:1198');
        assert.equal(found.has(ids[1]!), false, 'never met');
        assert.equal((await directory.people([])).size, 0);
        assert.deepEqual(found.get(ids[0]!), await directory.person(ids[0]!), 'the same person as one by one');
      } finally {
        await t.close();
      }
    });
  });
}
