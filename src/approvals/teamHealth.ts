/**
 * Approver team health (after AWS multi-party approval's team health): can each rule of the
 * policy still be met by people who are actually around? An M-of-N rule whose members have left
 * or gone quiet is found out when a key must be rolled in a hurry; the `policy` card says it
 * beforehand. "Active" means the person did something Keyward audited (a request, a vote, a
 * refusal, "approvals here", a certificate, a share attestation) within `activeDays`.
 */
import { OPERATION_CLASSES, type OperationClass } from './approvalTypes';
import type { ApprovalPolicy } from './approvalPolicy';
import { policyMembers } from './approvalPolicy';

export interface PersonActivity {
  /** ISO time of the person's newest audit record. */
  at: string;
  action: string;
}

export interface PersonHealth {
  objectId: string;
  name: string;
  lastActivity?: PersonActivity;
  active: boolean;
  /** Keyward can put a card in front of them (the approvers' conversation, or their personal chat). */
  reachable: boolean;
}

export interface FactorHealth {
  groupName: string;
  approvals: number;
  members: number;
  activeMembers: number;
  /** At least `approvals` members are active (a requester in the group needs one more). */
  ok: boolean;
}

export interface RuleHealth {
  operationClass: OperationClass;
  factors: FactorHealth[];
  ok: boolean;
}

export interface TeamHealth {
  activeDays: number;
  people: PersonHealth[];
  rules: RuleHealth[];
  ok: boolean;
}

/** Pure. */
export function teamHealth(input: {
  policy: Pick<ApprovalPolicy, 'groups' | 'people' | 'rules'>;
  lastActivity(objectId: string): PersonActivity | undefined;
  reachable(objectId: string): boolean;
  now: Date;
  activeDays: number;
}): TeamHealth {
  const since = input.now.getTime() - input.activeDays * 86_400_000;
  const people: PersonHealth[] = [...policyMembers(input.policy)].sort().map((objectId) => {
    const lastActivity = input.lastActivity(objectId);
    return {
      objectId,
      name: input.policy.people[objectId] ?? objectId,
      ...(lastActivity ? { lastActivity } : {}),
      active: lastActivity !== undefined && Date.parse(lastActivity.at) >= since,
      reachable: input.reachable(objectId),
    };
  });
  const active = new Set(people.filter((p) => p.active).map((p) => p.objectId));
  const rules = OPERATION_CLASSES.map((operationClass): RuleHealth => {
    const factors = input.policy.rules[operationClass].factors.map((factor): FactorHealth => {
      const activeMembers = factor.members.filter((m) => active.has(m)).length;
      return { groupName: factor.groupName, approvals: factor.approvals, members: factor.members.length, activeMembers, ok: activeMembers >= factor.approvals };
    });
    return { operationClass, factors, ok: factors.every((f) => f.ok) };
  });
  return { activeDays: input.activeDays, people, rules, ok: rules.every((r) => r.ok) };
}
