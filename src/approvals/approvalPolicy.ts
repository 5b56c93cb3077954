import { appError, hashCanonical } from '../core';
import { OPERATION_CLASSES, type ClassRule, type CustodianGroup, type FactorRule, type OperationClass } from './approvalTypes';

export interface ApproverGroup {
  id: string;
  name: string;
  members: readonly string[];
}

/** Where approval cards go. */
export interface ApprovalCardsSetting {
  /**
   * The approvers' group chat or channel, pinned by id. When set, Keyward captures that
   * conversation as soon as it sees it and nobody can move the cards elsewhere from chat. When
   * absent, an approver designates one by typing "approvals here" in it (audited).
   */
  conversationId?: string;
  /** When no approvers' conversation is known: post to each approver's personal chat with Keyward, or nowhere. */
  fallback: 'personalChats' | 'none';
}

/** The validated approval policy (KEYWARD_POLICY_FILE). Frozen; changes need a restart. */
export interface ApprovalPolicy {
  version: 1;
  /** The only tenant whose people may request or vote. */
  tenantId: string;
  groups: Readonly<Record<string, ApproverGroup>>;
  /** Display names for object ids (cards and the policy card); optional. */
  people: Readonly<Record<string, string>>;
  rules: Readonly<Record<OperationClass, ClassRule>>;
  approvalCards: ApprovalCardsSetting;
  /**
   * Who may start journeys (setup, DEP, key roll, teardown) and see the inventory and runs: the
   * members of this group (the approvers and custodians may see too). Absent: everyone in an
   * allowed tenant, as before (issue 12 item 6).
   */
  operators?: ApproverGroup;
  /** SHA-256 of the canonical policy JSON; snapshotted into each request and audited at start. */
  hash: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GROUP_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const ROOT_KEYS = new Set(['$schema', '$comment', 'version', 'tenantId', 'people', 'groups', 'defaults', 'operations', 'approvalCards', 'operators']);
const RULE_KEYS = new Set([
  '$comment',
  'require',
  'allowSelfApproval',
  'separationOfDuties',
  'approvalWindowMinutes',
  'executionWindowMinutes',
  'reasonRequired',
  'reminderBeforeMinutes',
]);
const DEFAULT_KEYS = new Set(['$comment', 'approvalWindowMinutes', 'executionWindowMinutes', 'reasonRequired', 'reminderBeforeMinutes', 'allowSelfApproval']);
const LIMITS = {
  approvalWindowMinutes: { min: 5, max: 43_200, fallback: 1440 },
  executionWindowMinutes: { min: 1, max: 10_080, fallback: 240 },
  reminderBeforeMinutes: { min: 0, max: 43_199, fallback: 120 },
} as const;
const MAX_MEMBERS = 100;
const MAX_PER_SIDE = 5;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a parsed policy document and returns the frozen policy. Every problem is collected
 * and reported at once (AppError `PolicyInvalid`, `details.problems` = one sentence each, naming
 * the JSON path), so an administrator fixes the file in one go. Pure.
 */
export function parseApprovalPolicy(raw: unknown): ApprovalPolicy {
  const problems: string[] = [];
  const problem = (path: string, message: string) => problems.push(`${path}: ${message}`);
  if (!isObject(raw)) throw appError('PolicyInvalid', 'The approval policy must be a JSON object.', { problems: ['(root): must be a JSON object'] });

  for (const key of Object.keys(raw)) if (!ROOT_KEYS.has(key)) problem(key, `unknown setting (allowed: ${[...ROOT_KEYS].filter((k) => !k.startsWith('$')).join(', ')})`);
  if (raw.version !== 1) problem('version', 'must be 1');
  const tenantId = typeof raw.tenantId === 'string' && GUID.test(raw.tenantId) ? raw.tenantId.toLowerCase() : '';
  if (!tenantId) problem('tenantId', 'must be the Entra tenant id (a GUID) whose people may request and approve');

  // people
  const people: Record<string, string> = {};
  if (raw.people !== undefined) {
    if (!isObject(raw.people)) problem('people', 'must be an object of objectId → display name');
    else
      for (const [id, name] of Object.entries(raw.people)) {
        if (!GUID.test(id)) problem(`people.${id}`, 'key must be an Entra object id (GUID)');
        else if (typeof name !== 'string' || name.trim() === '') problem(`people.${id}`, 'must be a display name');
        else people[id.toLowerCase()] = name.trim();
      }
  }

  // groups
  const groups: Record<string, ApproverGroup> = {};
  if (!isObject(raw.groups) || Object.keys(raw.groups).length === 0)
    problem('groups', 'must name at least one approver group: { "<id>": { "name": "…", "members": ["<object id>", …] } }');
  else
    for (const [id, value] of Object.entries(raw.groups)) {
      const path = `groups.${id}`;
      if (!GROUP_ID.test(id)) problem(path, 'group id must start with a letter and use letters, digits, - or _ (≤ 64)');
      if (!isObject(value)) {
        problem(path, 'must be an object with name and members');
        continue;
      }
      for (const key of Object.keys(value)) if (!['name', 'members', '$comment'].includes(key)) problem(`${path}.${key}`, 'unknown setting (allowed: name, members)');
      const name = typeof value.name === 'string' && value.name.trim() ? value.name.trim() : '';
      if (!name) problem(`${path}.name`, 'must be a display name such as "Key approvers"');
      const members: string[] = [];
      if (!Array.isArray(value.members) || value.members.length === 0) problem(`${path}.members`, 'must list at least one Entra object id');
      else {
        if (value.members.length > MAX_MEMBERS) problem(`${path}.members`, `at most ${MAX_MEMBERS} members`);
        value.members.forEach((member, index) => {
          if (typeof member !== 'string' || !GUID.test(member)) problem(`${path}.members[${index}]`, 'must be an Entra object id (GUID), not a name or e-mail');
          else if (members.includes(member.toLowerCase())) problem(`${path}.members[${index}]`, `${member} is listed twice`);
          else members.push(member.toLowerCase());
        });
      }
      groups[id] = { id, name: name || id, members };
    }

  // defaults
  const defaults = isObject(raw.defaults) ? raw.defaults : {};
  if (raw.defaults !== undefined && !isObject(raw.defaults)) problem('defaults', 'must be an object');
  for (const key of Object.keys(defaults))
    if (!DEFAULT_KEYS.has(key)) problem(`defaults.${key}`, `unknown setting (allowed: ${[...DEFAULT_KEYS].filter((k) => !k.startsWith('$')).join(', ')})`);
  const defaultNumber = (key: keyof typeof LIMITS): number => readMinutes(defaults[key], `defaults.${key}`, LIMITS[key], LIMITS[key].fallback, problem);
  const baseline = {
    approvalWindowMinutes: defaultNumber('approvalWindowMinutes'),
    executionWindowMinutes: defaultNumber('executionWindowMinutes'),
    reminderBeforeMinutes: defaultNumber('reminderBeforeMinutes'),
    reasonRequired: readBoolean(defaults.reasonRequired, 'defaults.reasonRequired', true, problem),
    allowSelfApproval: readBoolean(defaults.allowSelfApproval, 'defaults.allowSelfApproval', false, problem),
  };
  if (baseline.allowSelfApproval) problem('defaults.allowSelfApproval', 'self-approval cannot be a default; allow it per non-destructive operation if you must');

  // operations
  const rules = {} as Record<OperationClass, ClassRule>;
  const operations = isObject(raw.operations) ? raw.operations : undefined;
  if (!operations) problem('operations', `must be an object with a rule for each of ${OPERATION_CLASSES.join(', ')}`);
  else {
    for (const key of Object.keys(operations))
      if (!(OPERATION_CLASSES as readonly string[]).includes(key)) problem(`operations.${key}`, `unknown operation class (allowed: ${OPERATION_CLASSES.join(', ')})`);
    for (const operationClass of OPERATION_CLASSES) {
      const path = `operations.${operationClass}`;
      const value = operations[operationClass];
      if (!isObject(value)) {
        problem(path, 'is missing: every operation class needs a rule (nothing privileged runs without one)');
        continue;
      }
      for (const key of Object.keys(value))
        if (!RULE_KEYS.has(key)) problem(`${path}.${key}`, `unknown setting (allowed: ${[...RULE_KEYS].filter((k) => !k.startsWith('$')).join(', ')})`);
      const factors: FactorRule[] = [];
      if (!Array.isArray(value.require) || value.require.length === 0) problem(`${path}.require`, 'must list at least one { "group": "<id>", "approvals": <M> }');
      else
        value.require.forEach((factor, index) => {
          const fpath = `${path}.require[${index}]`;
          if (!isObject(factor)) return problem(fpath, 'must be { "group": "<id>", "approvals": <M> }');
          for (const key of Object.keys(factor)) if (!['group', 'approvals'].includes(key)) problem(`${fpath}.${key}`, 'unknown setting (allowed: group, approvals)');
          const groupId = typeof factor.group === 'string' ? factor.group : '';
          const group = groups[groupId];
          if (!group) problem(`${fpath}.group`, `"${String(factor.group)}" is not a group defined under "groups"`);
          if (factors.some((f) => f.groupId === groupId)) problem(`${fpath}.group`, `group "${groupId}" is required twice; use one entry with a higher "approvals"`);
          const approvals = factor.approvals;
          if (typeof approvals !== 'number' || !Number.isInteger(approvals) || approvals < 1) problem(`${fpath}.approvals`, 'must be a whole number ≥ 1');
          else if (group && group.members.length > 0 && approvals > group.members.length)
            problem(`${fpath}.approvals`, `needs ${approvals} approvals but group "${groupId}" has only ${group.members.length} member(s): it could never be met`);
          if (group && typeof approvals === 'number') factors.push({ groupId, groupName: group.name, members: group.members, approvals });
        });
      const allowSelfApproval = readBoolean(value.allowSelfApproval, `${path}.allowSelfApproval`, baseline.allowSelfApproval, problem);
      if (operationClass === 'destructive' && allowSelfApproval)
        problem(`${path}.allowSelfApproval`, 'self-approval is never allowed for destructive operations (delete, purge, disable)');
      let separationOfDuties: ClassRule['separationOfDuties'] = null;
      if (value.separationOfDuties !== undefined && value.separationOfDuties !== null) {
        const sod = value.separationOfDuties;
        if (!isObject(sod)) problem(`${path}.separationOfDuties`, 'must be { "approvalsPerKeySide": <0–5>, "custodianGroup": "<group id>" } or null');
        else {
          for (const key of Object.keys(sod))
            if (key !== 'approvalsPerKeySide' && key !== 'custodianGroup')
              problem(`${path}.separationOfDuties.${key}`, 'unknown setting (allowed: approvalsPerKeySide, custodianGroup)');
          const n = sod.approvalsPerKeySide ?? 0;
          // Custodians who vote for a key side must come from a group the policy names; otherwise the
          // requester, who names the custodians, would choose voters (issue 12 item 5).
          let custodianGroup: CustodianGroup | undefined;
          if (sod.custodianGroup !== undefined) {
            const group = typeof sod.custodianGroup === 'string' ? groups[sod.custodianGroup] : undefined;
            if (!group) problem(`${path}.separationOfDuties.custodianGroup`, `"${String(sod.custodianGroup)}" is not a group defined under "groups"`);
            else custodianGroup = { id: group.id, name: group.name, members: group.members };
          } else if (typeof n === 'number' && n > 0) {
            problem(
              `${path}.separationOfDuties.custodianGroup`,
              'is required when custodians approve (approvalsPerKeySide > 0): name the group the key custodians must belong to, e.g. "keyCustodians"',
            );
          }
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_PER_SIDE)
            problem(`${path}.separationOfDuties.approvalsPerKeySide`, `must be a whole number from 0 to ${MAX_PER_SIDE}`);
          else separationOfDuties = { approvalsPerKeySide: n, ...(custodianGroup ? { custodianGroup } : {}) };
        }
      }
      const minutes = (key: keyof typeof LIMITS) => readMinutes(value[key], `${path}.${key}`, LIMITS[key], baseline[key], problem);
      const rule: ClassRule = {
        operationClass,
        factors,
        allowSelfApproval,
        separationOfDuties,
        approvalWindowMinutes: minutes('approvalWindowMinutes'),
        executionWindowMinutes: minutes('executionWindowMinutes'),
        reasonRequired: readBoolean(value.reasonRequired, `${path}.reasonRequired`, baseline.reasonRequired, problem),
        reminderBeforeMinutes: minutes('reminderBeforeMinutes'),
      };
      if (rule.reminderBeforeMinutes >= rule.approvalWindowMinutes) {
        problem(
          `${path}.reminderBeforeMinutes`,
          `(${rule.reminderBeforeMinutes}) must be shorter than the approval window (${rule.approvalWindowMinutes} minutes), or 0 for no reminder`,
        );
      }
      rules[operationClass] = rule;
    }
  }

  // approval cards
  let approvalCards: ApprovalCardsSetting = { fallback: 'personalChats' };
  if (raw.approvalCards !== undefined) {
    if (!isObject(raw.approvalCards)) problem('approvalCards', 'must be { "conversationId"?: "<id>", "fallback": "personalChats" | "none" }');
    else {
      const cards = raw.approvalCards;
      for (const key of Object.keys(cards))
        if (!['conversationId', 'fallback', '$comment'].includes(key)) problem(`approvalCards.${key}`, 'unknown setting (allowed: conversationId, fallback)');
      if (cards.conversationId !== undefined && (typeof cards.conversationId !== 'string' || cards.conversationId.trim() === '' || cards.conversationId.length > 400)) {
        problem('approvalCards.conversationId', "must be the Teams conversation id of the approvers' group chat or channel");
      }
      if (cards.fallback !== undefined && cards.fallback !== 'personalChats' && cards.fallback !== 'none') problem('approvalCards.fallback', 'must be "personalChats" or "none"');
      approvalCards = {
        conversationId: typeof cards.conversationId === 'string' && cards.conversationId.trim() ? cards.conversationId.trim() : undefined,
        fallback: cards.fallback === 'none' ? 'none' : 'personalChats',
      };
    }
  }

  // operators (optional): a group name; only its members start journeys and see inventory and runs.
  let operators: ApproverGroup | undefined;
  if (raw.operators !== undefined) {
    const group = typeof raw.operators === 'string' ? groups[raw.operators] : undefined;
    if (!group) problem('operators', `must name a group defined under "groups" (its members may start journeys and see inventory and runs); "${String(raw.operators)}" is not one`);
    else operators = group;
  }

  if (problems.length > 0) {
    throw appError('PolicyInvalid', ['The approval policy is not valid; fix these settings:', ...problems.map((p) => `  - ${p}`)].join('\n'), { problems });
  }
  return deepFreeze({ version: 1, tenantId, groups, people, rules, approvalCards, ...(operators ? { operators } : {}), hash: hashCanonical(raw) });
}

function readMinutes(value: unknown, path: string, limits: { min: number; max: number }, fallback: number, problem: (path: string, message: string) => void): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < limits.min || value > limits.max) {
    problem(path, `must be a whole number of minutes from ${limits.min} to ${limits.max}`);
    return fallback;
  }
  return value;
}

function readBoolean(value: unknown, path: string, fallback: boolean, problem: (path: string, message: string) => void): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    problem(path, 'must be true or false');
    return fallback;
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const member of Object.values(value as Record<string, unknown>)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/** Display name for an object id: from the policy's people, else the id. */
export function personName(policy: Pick<ApprovalPolicy, 'people'>, objectId: string, fallback?: string): string {
  return policy.people[objectId.toLowerCase()] ?? fallback ?? objectId;
}

/** Everyone the current policy names in any group: losing membership revokes a pending vote right at once. */
export function policyMembers(policy: Pick<ApprovalPolicy, 'groups'>): ReadonlySet<string> {
  return new Set(Object.values(policy.groups).flatMap((group) => group.members));
}

/**
 * Who may be named a key custodian (issue 12 item 5): members of `groups` — of every one of them
 * (`every`) or of any one.
 */
export interface CustodianRule {
  groups: ReadonlyArray<{ id: string; name: string; members: readonly string[] }>;
  every: boolean;
  allows(objectId: string): boolean;
}

/**
 * THE custodian rule, the one the setup journey (its people check and picker), submit, voting and
 * Retry all apply. Custodians become voters on their key's changes, so the policy, not the
 * requester, says who they can be:
 * - for one kind of request: a member of its rule's `separationOfDuties.custodianGroup`; where that
 *   rule names none, a member of any group of the policy;
 * - for a key being set up (no kind given: its custodians are named on every later request about
 *   the key): a member of every custodian group the policy's rules name, so no later request
 *   refuses them; where no rule names one, a member of any group of the policy.
 */
export function custodianRule(policy: Pick<ApprovalPolicy, 'groups' | 'rules'>, operationClass?: OperationClass): CustodianRule {
  const named = new Map<string, CustodianGroup>();
  for (const kind of operationClass ? [operationClass] : OPERATION_CLASSES) {
    const group = policy.rules[kind].separationOfDuties?.custodianGroup;
    if (group) named.set(group.id, group);
  }
  const rule = (groups: CustodianRule['groups'], every: boolean): CustodianRule => ({
    groups,
    every,
    allows: (objectId) => {
      const id = objectId.toLowerCase();
      return every ? groups.every((group) => group.members.includes(id)) : groups.some((group) => group.members.includes(id));
    },
  });
  return named.size > 0 ? rule([...named.values()], true) : rule(Object.values(policy.groups), false);
}

/** May this person start journeys (setup, DEP, key roll, teardown)? Everyone when the policy names no operators. */
export function mayOperate(policy: Pick<ApprovalPolicy, 'operators'>, objectId: string | undefined): boolean {
  if (!policy.operators) return true;
  return objectId !== undefined && policy.operators.members.includes(objectId.toLowerCase());
}

/** May this person see the inventory and runs? Operators, and everyone the policy names in a group (approvers, custodians). */
export function maySeeOperations(policy: Pick<ApprovalPolicy, 'operators' | 'groups'>, objectId: string | undefined): boolean {
  if (!policy.operators) return true;
  return objectId !== undefined && (mayOperate(policy, objectId) || policyMembers(policy).has(objectId.toLowerCase()));
}
