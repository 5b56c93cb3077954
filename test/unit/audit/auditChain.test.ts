import assert from 'node:assert/strict';
import { chainRecord, computeAuditHash, GENESIS_HASH, parseAnchor, verifyAuditChain, type AuditAnchor, type AuditProblem, type AuditRecord } from '../../../src/audit';

/**
 * A small scenario language, after the AWS CLI's CloudTrail digest-validation tests: build an
 * honest chain, apply one tampering step, and say what `verify` must report (first bad record
 * and why). Each step is what an attacker with write access to the store could do.
 */
function honestChain(length: number, from = 1): AuditRecord[] {
  const records: AuditRecord[] = [];
  let head: AuditAnchor | undefined;
  for (let i = 0; i < length; i += 1) {
    const record = chainRecord(
      {
        actor: { objectId: `person-${i % 3}`, name: `Person ${i % 3}`, tenantId: 't' },
        action: 'approval.vote.recorded',
        target: `vault-${i}`,
        requestId: 'req-1',
        outcome: 'success',
        reason: `reason ${i}`,
        details: { i },
      },
      new Date(Date.UTC(2026, 0, 1, 0, from + i)),
      head,
    );
    records.push(record);
    head = { sequence: record.sequence, hash: record.hash };
  }
  return records;
}

const head = (records: AuditRecord[]): AuditAnchor => ({ sequence: records[records.length - 1]!.sequence, hash: records[records.length - 1]!.hash });

type Step = (records: AuditRecord[]) => { records: AuditRecord[]; expectedHead?: AuditAnchor; anchors?: AuditAnchor[] };

interface Scenario {
  title: string;
  step: Step;
  expect: { ok: true } | { ok: false; sequence: number; problem: AuditProblem };
}

const scenarios: Scenario[] = [
  { title: 'the chain is untouched', step: (r) => ({ records: r, expectedHead: head(r) }), expect: { ok: true } },
  { title: 'the log is empty', step: () => ({ records: [] }), expect: { ok: true } },
  {
    title: 'record 3 is modified in place (reason changed, hash kept)',
    step: (r) => ({ records: r.map((x) => (x.sequence === 3 ? { ...x, reason: 'approved, honest' } : x)) }),
    expect: { ok: false, sequence: 3, problem: 'hashMismatch' },
  },
  {
    title: 'record 3 has its actor swapped',
    step: (r) => ({ records: r.map((x) => (x.sequence === 3 ? { ...x, actor: { ...x.actor, objectId: 'someone-else' } } : x)) }),
    expect: { ok: false, sequence: 3, problem: 'hashMismatch' },
  },
  {
    title: 'record 3 is modified and re-hashed (its successor no longer links)',
    step: (r) => ({
      records: r.map((x) => {
        if (x.sequence !== 3) return x;
        const changed = { ...x, outcome: 'denied' as const };
        return { ...changed, hash: computeAuditHash(changed) };
      }),
    }),
    expect: { ok: false, sequence: 4, problem: 'brokenLink' },
  },
  { title: 'record 3 is deleted', step: (r) => ({ records: r.filter((x) => x.sequence !== 3) }), expect: { ok: false, sequence: 3, problem: 'sequenceGap' } },
  { title: 'the first record is deleted', step: (r) => ({ records: r.slice(1) }), expect: { ok: false, sequence: 1, problem: 'sequenceGap' } },
  {
    title: 'a record is inserted after 2 with a duplicate sequence number',
    step: (r) => {
      const forged = chainRecord({ actor: { objectId: 'intruder' }, action: 'approval.vote.recorded', target: 'x', outcome: 'success' }, new Date(), {
        sequence: 2,
        hash: r[1]!.hash,
      });
      return { records: [...r.slice(0, 2), forged, ...r.slice(2)] };
    },
    expect: { ok: false, sequence: 3, problem: 'sequenceOutOfOrder' },
  },
  {
    title: 'a well-forged record is inserted after 2 and the rest renumbered',
    step: (r) => {
      const forged = chainRecord({ actor: { objectId: 'intruder' }, action: 'approval.vote.recorded', target: 'x', outcome: 'success' }, new Date(), {
        sequence: 2,
        hash: r[1]!.hash,
      });
      const renumbered = r.slice(2).map((x) => ({ ...x, sequence: x.sequence + 1 }));
      return { records: [...r.slice(0, 2), forged, ...renumbered] };
    },
    expect: { ok: false, sequence: 4, problem: 'brokenLink' },
  },
  {
    title: 'records 3 and 4 are swapped',
    step: (r) => ({ records: [r[0]!, r[1]!, r[3]!, r[2]!, ...r.slice(4)] }),
    expect: { ok: false, sequence: 3, problem: 'sequenceGap' },
  },
  {
    title: 'records 3 and 4 are swapped and renumbered',
    step: (r) => ({ records: [r[0]!, r[1]!, { ...r[3]!, sequence: 3 }, { ...r[2]!, sequence: 4 }, ...r.slice(4)] }),
    expect: { ok: false, sequence: 3, problem: 'brokenLink' },
  },
  {
    title: 'the last two records are cut off (the stored head remembers 6)',
    step: (r) => ({ records: r.slice(0, 4), expectedHead: head(r) }),
    expect: { ok: false, sequence: 5, problem: 'truncated' },
  },
  {
    title: 'the log is cut after 4 and two well-formed records appended (caught by the stored head)',
    step: (r) => {
      const kept = r.slice(0, 4);
      const appended = honestChain(6, 100)
        .slice(4)
        .map((x) => x);
      let previous: AuditAnchor = head(kept);
      const rebuilt = appended.map((x) => {
        const record = chainRecord({ actor: { objectId: 'intruder' }, action: x.action, target: x.target, outcome: 'success' }, new Date(x.time), previous);
        previous = { sequence: record.sequence, hash: record.hash };
        return record;
      });
      return { records: [...kept, ...rebuilt], expectedHead: head(r) };
    },
    expect: { ok: false, sequence: 6, problem: 'anchorMismatch' },
  },
  {
    title: 'the log is cut after 4, two records appended AND the head moved (caught only by an anchor kept elsewhere)',
    step: (r) => {
      const kept = r.slice(0, 4);
      let previous: AuditAnchor = head(kept);
      const rebuilt = [5, 6].map((n) => {
        const record = chainRecord({ actor: { objectId: 'intruder' }, action: 'approval.approved', target: `t${n}`, outcome: 'success' }, new Date(Date.UTC(2026, 1, n)), previous);
        previous = { sequence: record.sequence, hash: record.hash };
        return record;
      });
      const all = [...kept, ...rebuilt];
      return { records: all, expectedHead: head(all), anchors: [{ sequence: 5, hash: r[4]!.hash }] };
    },
    expect: { ok: false, sequence: 5, problem: 'anchorMismatch' },
  },
  {
    title: 'the same rewrite happens and no anchor was kept (undetectable: why anchors must leave the store)',
    step: (r) => {
      const kept = r.slice(0, 4);
      let previous: AuditAnchor = head(kept);
      const rebuilt = [5, 6].map((n) => {
        const record = chainRecord({ actor: { objectId: 'intruder' }, action: 'approval.approved', target: `t${n}`, outcome: 'success' }, new Date(Date.UTC(2026, 1, n)), previous);
        previous = { sequence: record.sequence, hash: record.hash };
        return record;
      });
      const all = [...kept, ...rebuilt];
      return { records: all, expectedHead: head(all) };
    },
    expect: { ok: true },
  },
  {
    title: 'an anchor names a record the log no longer has',
    step: (r) => ({ records: r.slice(0, 4), anchors: [{ sequence: 6, hash: r[5]!.hash }] }),
    expect: { ok: false, sequence: 6, problem: 'anchorMissing' },
  },
  {
    title: 'the first record claims a predecessor (no genesis link)',
    step: (r) => {
      const first = { ...r[0]!, prevHash: 'f'.repeat(64) };
      return { records: [{ ...first, hash: computeAuditHash(first) }, ...r.slice(1)] };
    },
    expect: { ok: false, sequence: 1, problem: 'brokenLink' },
  },
  {
    title: 'a row is not a record at all',
    step: (r) => ({ records: [r[0]!, { sequence: 2, nonsense: true } as unknown as AuditRecord, ...r.slice(2)] }),
    expect: { ok: false, sequence: 2, problem: 'malformed' },
  },
];

describe('audit chain verification (CloudTrail-style tamper scenarios)', () => {
  for (const scenario of scenarios) {
    it(`when ${scenario.title}, then verify ${scenario.expect.ok ? 'passes' : `names record ${scenario.expect.sequence} (${scenario.expect.problem})`}`, () => {
      const { records, expectedHead, anchors } = scenario.step(honestChain(6));
      const result = verifyAuditChain(records, { expectedHead, anchors });
      if (scenario.expect.ok) {
        assert.equal(result.ok, true, JSON.stringify(result.firstBad));
        return;
      }
      assert.equal(result.ok, false);
      assert.equal(result.firstBad?.problem, scenario.expect.problem, result.firstBad?.message);
      assert.equal(result.firstBad?.sequence, scenario.expect.sequence, result.firstBad?.message);
      assert.match(result.firstBad!.message, /record/);
    });
  }

  it('when a chain starts, then the first record links to the genesis hash and each record to the one before', () => {
    const records = honestChain(3);
    assert.equal(records[0]!.prevHash, GENESIS_HASH);
    assert.equal(records[1]!.prevHash, records[0]!.hash);
    assert.equal(records[2]!.prevHash, records[1]!.hash);
    assert.deepEqual(
      records.map((r) => r.sequence),
      [1, 2, 3],
    );
  });

  it('when verify passes, then it reports the head to keep as an anchor, and an anchor string round-trips', () => {
    const records = honestChain(4);
    const result = verifyAuditChain(records);
    assert.deepEqual(result.head, head(records));
    assert.deepEqual(parseAnchor(`4:${records[3]!.hash}`), head(records));
    assert.equal(parseAnchor('4:nothex'), undefined);
  });
});
