import assert from 'node:assert/strict';
import { teamHealth } from '../../../src/approvals/teamHealth';
import { renderPolicyCard } from '../../../src/bot/cards/approvalPolicyCard';
import { assertValidCard } from '../../helpers/cardRules';
import { P, policyWith } from './approvalFixtures';

const NOW = new Date(Date.UTC(2026, 10, 29, 12));
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

describe('approver team health', () => {
  const policy = policyWith();

  it('when every rule has enough approvers active lately, then all is well; quiet approvers are named', () => {
    const seen: Record<string, string> = { [P.approverAlex.objectId]: daysAgo(3), [P.approverBruno.objectId]: daysAgo(10), [P.approverChen.objectId]: daysAgo(30) };
    const health = teamHealth({
      policy,
      lastActivity: (id) => (seen[id] ? { at: seen[id]!, action: 'approval.vote.recorded' } : undefined),
      reachable: () => true,
      now: NOW,
      activeDays: 90,
    });
    assert.equal(health.ok, true);
    assert.deepEqual(
      health.people.filter((p) => !p.active).map((p) => p.name),
      ['Dana Custodian'],
    );
  });

  it('when an approver has been quiet longer than the window, then the rules needing both key approvers cannot be met, and the policy card says so in words', () => {
    const seen: Record<string, string> = { [P.approverAlex.objectId]: daysAgo(3), [P.approverBruno.objectId]: daysAgo(120), [P.approverDana.objectId]: daysAgo(1) };
    const health = teamHealth({
      policy,
      lastActivity: (id) => (seen[id] ? { at: seen[id]!, action: 'approval.requested' } : undefined),
      reachable: (id) => id !== P.approverDana.objectId,
      now: NOW,
      activeDays: 90,
    });
    assert.equal(health.ok, false);
    assert.deepEqual(
      health.rules.filter((r) => !r.ok).map((r) => r.operationClass),
      ['create', 'destructive'],
    );
    const card = renderPolicyCard({ policy, health });
    assertValidCard(card, 'policy card with team health');
    const json = JSON.stringify(card);
    assert.match(json, /2 rules could not be met by the approvers active lately/);
    assert.match(json, /Destructive \(delete, purge, disable\) — 2 of 2 from Key approvers: 1 active; 1 of 2 from Key custodians: 1 active — CANNOT be met by active approvers/);
    assert.match(json, /Bruno Approver — not active: last audited action/);
    assert.match(json, /Dana Custodian — active: .*Keyward cannot reach them yet/);
  });
});
