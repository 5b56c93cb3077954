import { OPERATION_CLASSES, OPERATION_CLASS_TITLES, type ClassRule } from '../../approvals/approvalTypes';
import type { ApprovalPolicy } from '../../approvals/approvalPolicy';
import type { TeamHealth } from '../../approvals/teamHealth';
import { card, container, facts, heading, notice, text, type AdaptiveCardJson, type CardElement } from './adaptiveCard';
import { formatUtc } from './approvalCard';

export interface PolicyCardView {
  policy: ApprovalPolicy;
  /** Where approval cards go right now, if Keyward knows the conversation. */
  approversConversation?: { conversationId: string; designatedBy: string; at: string };
  /** Can each rule still be met by approvers who are around? */
  health?: TeamHealth;
}

/** The approval policy in words (the `policy` command). Pure. */
export function renderPolicyCard(view: PolicyCardView): AdaptiveCardJson {
  const { policy } = view;
  const name = (id: string) => policy.people[id] ?? id;
  const body: CardElement[] = [
    heading('Approval policy'),
    text('Nothing privileged runs on one person\'s click. These rules decide who must approve each kind of change; they come from the policy file and change only with a restart.', { subtle: true }),
    facts([
      ['Tenant', policy.tenantId],
      ['Policy hash', `${policy.hash.slice(0, 12)}…`],
    ]),
  ];

  const groups = Object.values(policy.groups).map((group) => container([text(`**${group.name}** (${group.id})`), text(group.members.map((id) => `- ${name(id)}`).join('\n'), { spacing: 'None' })], { spacing: 'Small' }));
  body.push(container([text('**Approver groups**', { spacing: 'Medium' }), ...groups], { separator: true }));

  for (const operationClass of OPERATION_CLASSES) {
    const rule = policy.rules[operationClass];
    body.push(container([text(`**${OPERATION_CLASS_TITLES[operationClass]}**`), text(ruleLines(rule).map((line) => `- ${line}`).join('\n'), { spacing: 'None' })], { separator: true }));
  }

  const cards = policy.approvalCards;
  const where = cards.conversationId
    ? `The approvers' conversation is pinned by the policy to ${cards.conversationId}.`
    : 'An approver chooses the approvers\' conversation by typing "approvals here" in it (recorded in the audit log).';
  const now = view.approversConversation
    ? `Cards currently go to ${view.approversConversation.conversationId} (set ${view.approversConversation.designatedBy === 'policy' ? 'from the policy' : `by ${name(view.approversConversation.designatedBy)}`} on ${formatUtc(view.approversConversation.at)}).`
    : cards.conversationId
      ? 'Keyward has not seen that conversation yet; it is captured when Keyward is added there or someone @mentions it there.'
      : 'No approvers\' conversation is set yet.';
  const fallback = cards.fallback === 'personalChats' ? 'Without one, each approver gets the card in their personal chat with Keyward (once they have talked to Keyward).' : 'Without one, cards are not sent anywhere; approvers type "approvals".';
  body.push(container([text('**Where approval cards go**'), text(`${where} ${now} ${fallback}`, { spacing: 'None' })], { separator: true }));
  if (view.health) body.push(...teamHealthElements(view.health));
  return card(body, { fallbackText: 'Keyward approval policy' });
}

/** Team health in words: each rule against the approvers active lately, then each person. */
function teamHealthElements(health: TeamHealth): CardElement[] {
  const failing = health.rules.filter((r) => !r.ok);
  const ruleLines = health.rules.map((rule) => {
    const factors = rule.factors.map((f) => `${f.approvals} of ${f.members} from ${f.groupName}: ${f.activeMembers} active`).join('; ');
    return `- ${rule.ok ? '✅' : '⚠️'} ${OPERATION_CLASS_TITLES[rule.operationClass]} — ${factors}${rule.ok ? '' : ' — CANNOT be met by active approvers'}`;
  });
  const personLines = health.people.map((p) => {
    const last = p.lastActivity ? `last audited action ${formatUtc(p.lastActivity.at)} (${p.lastActivity.action})` : 'never acted in Keyward';
    return `- ${p.active ? '✅' : '❔'} ${p.name} — ${p.active ? 'active' : 'not active'}: ${last}; ${p.reachable ? 'Keyward can reach them' : 'Keyward cannot reach them yet (no approvers\' chat, no personal chat)'}`;
  });
  return [
    container(
      [
        text(`**Team health** (active = an audited action in the last ${health.activeDays} days)`),
        notice(
          health.ok ? 'success' : 'warning',
          health.ok
            ? 'Every rule can be met by approvers who have been active lately.'
            : `${failing.length} rule${failing.length === 1 ? '' : 's'} could not be met by the approvers active lately. Ask the quiet approvers to type "approvals" (or vote), or change the groups in the policy file before a key must be rolled or removed in a hurry.`,
        ),
        text(ruleLines.join('\n'), { spacing: 'Small' }),
        text(personLines.join('\n'), { spacing: 'Small', size: 'Small' }),
      ],
      { separator: true },
    ),
  ];
}

function ruleLines(rule: ClassRule): string[] {
  const lines = rule.factors.map((factor) => `${factor.approvals} of ${factor.members.length} from ${factor.groupName}`);
  if (rule.factors.length > 1) lines.push('All of the above must agree.');
  lines.push(rule.allowSelfApproval ? 'The requester may approve their own request (allowed by the policy for this kind).' : 'The requester never approves their own request.');
  if (rule.separationOfDuties) {
    lines.push(
      rule.separationOfDuties.approvalsPerKeySide > 0
        ? `Separation of duties: ${rule.separationOfDuties.approvalsPerKeySide} approval(s) from the custodians of key A and from those of key B; nobody counts for both keys, and the requester holds neither.`
        : 'Separation of duties: the requester may not be a custodian of either key.',
    );
  }
  lines.push(`Approval window: ${minutes(rule.approvalWindowMinutes)}; execution window after approval: ${minutes(rule.executionWindowMinutes)}.`);
  lines.push(rule.reasonRequired ? 'Approvers must give a reason (and always when rejecting).' : 'A reason is needed only to reject.');
  lines.push(rule.reminderBeforeMinutes > 0 ? `Reminder ${minutes(rule.reminderBeforeMinutes)} before the approval window ends.` : 'No reminder.');
  return lines;
}

function minutes(value: number): string {
  if (value % 1440 === 0) return `${value / 1440} d`;
  if (value % 60 === 0) return `${value / 60} h`;
  return `${value} min`;
}
