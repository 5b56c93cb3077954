import type { ApprovalRequest, ClassRule, KeySides, Person, Vote } from './approvalTypes';

/** How far one ANDed requirement of a rule has come. */
export interface RequirementProgress {
  /** `group:<id>` for a policy factor, `keySide:A` / `keySide:B` for separation of duties. */
  id: string;
  label: string;
  needed: number;
  /** Approvers whose vote counts here. */
  counted: Person[];
  missing: number;
  /** Object ids who could still add an approval here (not voted yet, not excluded). */
  stillEligible: string[];
}

export interface RuleProgress {
  satisfied: boolean;
  requirements: RequirementProgress[];
}

type RequestFacts = Pick<ApprovalRequest, 'requester' | 'keySides' | 'votes'> & { rule: ClassRule };

function sidesInForce(rule: ClassRule, keySides: KeySides | undefined): Array<{ side: 'A' | 'B'; members: readonly string[]; needed: number }> {
  const perSide = rule.separationOfDuties?.approvalsPerKeySide ?? 0;
  if (!keySides || perSide === 0) return [];
  // Only members of the policy's custodian group count for a side, whoever the request names
  // (submit refuses others; this keeps a stored request that names them from counting them).
  const group = rule.separationOfDuties?.custodianGroup?.members;
  const custodians = (side: 'A' | 'B') => (group ? keySides[side].filter((id) => group.includes(id)) : keySides[side]);
  return (['A', 'B'] as const).filter((side) => custodians(side).length > 0).map((side) => ({ side, members: custodians(side), needed: perSide }));
}

/**
 * Evaluates a rule against the votes so far. Pure; the same function decides approval and draws
 * the "still needed" lines on the card.
 *
 * Semantics (Vault control groups, plus Keyward's separation of duties):
 * - every requirement must be met (factors are ANDed);
 * - one person's approval counts for every factor whose group they are in (OpenBao behaviour);
 * - the requester counts for no factor unless the rule allows self-approval, and for no key side ever;
 * - for the key sides, one person counts for at most ONE side, even if they are custodian of both.
 */
export function evaluateRule(request: RequestFacts): RuleProgress {
  const { rule, requester } = request;
  const approvals = request.votes.filter((vote) => vote.decision === 'approve');
  const voted = new Set(request.votes.map((vote) => vote.voter.objectId));
  const requirements: RequirementProgress[] = [];

  for (const factor of rule.factors) {
    const mayCount = (objectId: string) => factor.members.includes(objectId) && (objectId !== requester.objectId || rule.allowSelfApproval);
    const counted = approvals.filter((vote) => mayCount(vote.voter.objectId)).map((vote) => vote.voter);
    requirements.push({
      id: `group:${factor.groupId}`,
      label: factor.groupName,
      needed: factor.approvals,
      counted,
      missing: Math.max(0, factor.approvals - counted.length),
      stillEligible: factor.members.filter((id) => !voted.has(id) && mayCount(id)),
    });
  }

  const sides = sidesInForce(rule, request.keySides);
  if (sides.length > 0) {
    const inSide = (side: 'A' | 'B', id: string) => sides.find((s) => s.side === side)?.members.includes(id) ?? false;
    const voters = approvals.map((vote) => vote.voter).filter((voter) => voter.objectId !== requester.objectId);
    const assigned: Record<'A' | 'B', Person[]> = { A: [], B: [] };
    const flexible: Person[] = [];
    for (const voter of voters) {
      const a = inSide('A', voter.objectId);
      const b = inSide('B', voter.objectId);
      if (a && b) flexible.push(voter);
      else if (a) assigned.A.push(voter);
      else if (b) assigned.B.push(voter);
    }
    // Custodians of both keys go where they are missing most; two sides, so greedy is optimal.
    for (const voter of flexible) {
      const gap = (side: 'A' | 'B') => (sides.find((s) => s.side === side)?.needed ?? 0) - assigned[side].length;
      assigned[gap('A') >= gap('B') ? 'A' : 'B'].push(voter);
    }
    for (const { side, members, needed } of sides) {
      requirements.push({
        id: `keySide:${side}`,
        label: `Custodians of key ${side}`,
        needed,
        counted: assigned[side],
        missing: Math.max(0, needed - assigned[side].length),
        stillEligible: members.filter((id) => !voted.has(id) && id !== requester.objectId),
      });
    }
  }

  return { satisfied: requirements.every((requirement) => requirement.missing === 0), requirements };
}

/**
 * The requirements a person could ever count toward on this request (ignoring whether they have
 * voted). Empty = not an approver for it. The requester is reported separately by the caller.
 */
export function eligibleRequirements(request: Omit<RequestFacts, 'votes'>, objectId: string): string[] {
  const { rule, requester } = request;
  const ids: string[] = [];
  for (const factor of rule.factors) {
    if (factor.members.includes(objectId) && (objectId !== requester.objectId || rule.allowSelfApproval)) ids.push(`group:${factor.groupId}`);
  }
  if (objectId !== requester.objectId) {
    for (const { side, members } of sidesInForce(rule, request.keySides)) if (members.includes(objectId)) ids.push(`keySide:${side}`);
  }
  return ids;
}

/** True when somebody other than the requester sits in some requirement of the request. */
export function isNamedInRule(request: Omit<RequestFacts, 'votes'>, objectId: string): boolean {
  return request.rule.factors.some((factor) => factor.members.includes(objectId)) || sidesInForce(request.rule, request.keySides).some((side) => side.members.includes(objectId));
}

/**
 * Can this rule still be met by people other than the requester? Checked at submit, so a request
 * that nobody could ever approve is refused at once instead of waiting 24 h to expire.
 * Returns the reasons it cannot (empty = satisfiable).
 */
export function unsatisfiableReasons(request: Omit<RequestFacts, 'votes'>): Array<{ requirement: string; message: string }> {
  const progress = evaluateRule({ ...request, votes: [] });
  const reasons: Array<{ requirement: string; message: string }> = [];
  for (const requirement of progress.requirements) {
    if (requirement.stillEligible.length < requirement.needed) {
      reasons.push({
        requirement: requirement.id,
        message: `${requirement.label} needs ${requirement.needed} approval(s) but only ${requirement.stillEligible.length} person(s) other than the requester can give one`,
      });
    }
  }
  const sides = sidesInForce(request.rule, request.keySides);
  if (sides.length === 2) {
    const pool = new Set([...(sides[0]?.members ?? []), ...(sides[1]?.members ?? [])].filter((id) => id !== request.requester.objectId));
    const needed = (sides[0]?.needed ?? 0) + (sides[1]?.needed ?? 0);
    if (pool.size < needed)
      reasons.push({ requirement: 'keySides', message: `separation of duties needs ${needed} different custodians across keys A and B, but only ${pool.size} are named` });
  }
  return reasons;
}

/** Votes by the people who count (for the card), newest last. */
export function approvalsOf(votes: readonly Vote[]): Vote[] {
  return votes.filter((vote) => vote.decision === 'approve');
}
