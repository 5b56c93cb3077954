import { OPERATION_CLASSES, type ClassRule } from '../../approvals/approvalTypes';
import type { ApprovalPolicy } from '../../approvals/approvalPolicy';
import type { TeamHealth } from '../../approvals/teamHealth';
import { localizer, type Localizer } from '../i18n/localizer';
import { card, container, details, facts, heading, notice, text, type AdaptiveCardJson, type CardElement } from './adaptiveCard';
import { operationClassTitle } from './approvalCard';

export interface PolicyCardView {
  policy: ApprovalPolicy;
  /** Where approval cards go right now, if Keyward knows the conversation. */
  approversConversation?: { conversationId: string; designatedBy: string; at: string };
  /** Can each rule still be met by approvers who are around? */
  health?: TeamHealth;
  /** The activity's locale (BCP 47); English when absent or unknown. */
  locale?: string;
}

/**
 * The approval policy in words (the `policy` command). Pure. Team health (can every rule still be
 * met?) comes first; the rules, groups and where cards go open in place.
 */
export function renderPolicyCard(view: PolicyCardView): AdaptiveCardJson {
  const l = localizer(view.locale);
  const { policy } = view;
  const name = (id: string) => policy.people[id] ?? id;
  const body: CardElement[] = [heading(l.t('policy.title')), text(l.t('policy.intro'), { subtle: true, size: 'Small' })];
  if (view.health) body.push(...teamHealthElements(l, view.health));

  for (const operationClass of OPERATION_CLASSES) {
    const rule = policy.rules[operationClass];
    body.push(
      container(
        [
          text(`**${operationClassTitle(l, operationClass)}**`),
          text(
            ruleLines(l, rule)
              .map((line) => `- ${line}`)
              .join('\n'),
            { spacing: 'None', size: 'Small' },
          ),
        ],
        { separator: true },
      ),
    );
  }

  const groups = Object.values(policy.groups).map((group) =>
    container([text(`**${group.name}** (${group.id})`), text(group.members.map((id) => `- ${name(id)}`).join('\n'), { spacing: 'None', size: 'Small' })], { spacing: 'Small' }),
  );
  const cards = policy.approvalCards;
  const where = cards.conversationId ? l.t('policy.where.pinned', { conversation: cards.conversationId }) : l.t('policy.where.chosen');
  const now = view.approversConversation
    ? view.approversConversation.designatedBy === 'policy'
      ? l.t('policy.where.nowPolicy', { conversation: view.approversConversation.conversationId, at: l.dateTime(view.approversConversation.at) })
      : l.t('policy.where.nowPerson', {
          conversation: view.approversConversation.conversationId,
          who: name(view.approversConversation.designatedBy),
          at: l.dateTime(view.approversConversation.at),
        })
    : cards.conversationId
      ? l.t('policy.where.notSeen')
      : l.t('policy.where.none');
  const fallback = cards.fallback === 'personalChats' ? l.t('policy.where.fallbackPersonal') : l.t('policy.where.fallbackNone');
  // Who may start journeys and see inventory and runs: said outside the toggle, whichever applies.
  body.push(
    container(
      [
        text(l.t('policy.operators.title')),
        text(policy.operators ? l.t('policy.operators.group', { group: `${policy.operators.name} (${policy.operators.id})` }) : l.t('policy.operators.everyone'), {
          spacing: 'None',
          size: 'Small',
        }),
      ],
      { separator: true },
    ),
  );
  body.push(
    ...details(
      'policy.more',
      l.t('policy.moreToggle'),
      [
        facts(l, [
          [l.t('policy.tenant'), policy.tenantId],
          [l.t('policy.hash'), `${policy.hash.slice(0, 12)}…`],
        ]),
        text(l.t('policy.groups'), { spacing: 'Medium' }),
        ...groups,
        text(l.t('policy.where.title'), { spacing: 'Medium' }),
        text(`${where} ${now} ${fallback}`, { spacing: 'None', size: 'Small' }),
      ],
      { separator: true },
    ),
  );
  return card(body, { fallbackText: l.t('policy.fallback') });
}

/** Team health in words: each rule against the approvers active lately, then each person. */
function teamHealthElements(l: Localizer, health: TeamHealth): CardElement[] {
  const failing = health.rules.filter((r) => !r.ok);
  const ruleLines = health.rules.map((rule) => {
    const factors = rule.factors.map((f) => l.t('policy.health.factor', { approvals: f.approvals, members: f.members, group: f.groupName, active: f.activeMembers })).join('; ');
    return `- ${l.t(rule.ok ? 'policy.health.ruleOk' : 'policy.health.ruleNot', { title: operationClassTitle(l, rule.operationClass), factors })}`;
  });
  const personLines = health.people.map((p) => {
    const last = p.lastActivity ? l.t('policy.health.last', { at: l.dateTime(p.lastActivity.at), action: p.lastActivity.action }) : l.t('policy.health.never');
    return `- ${l.t(p.active ? 'policy.health.active' : 'policy.health.quiet', { name: p.name, last })}; ${p.reachable ? l.t('policy.health.reachable') : l.t('policy.health.unreachable')}`;
  });
  return [
    container(
      [
        text(l.t('policy.health.title', { days: health.activeDays })),
        notice(l, health.ok ? 'success' : 'warning', health.ok ? l.t('policy.health.ok') : l.t('policy.health.notOk', { count: failing.length })),
        text(ruleLines.join('\n'), { spacing: 'Small', size: 'Small' }),
        ...details('policy.people', l.t('policy.health.peopleToggle', { count: health.people.length }), [text(personLines.join('\n'), { size: 'Small' })]),
      ],
      { separator: true },
    ),
  ];
}

function ruleLines(l: Localizer, rule: ClassRule): string[] {
  const lines = rule.factors.map((factor) => l.t('policy.rule.factor', { approvals: factor.approvals, members: factor.members.length, group: factor.groupName }));
  if (rule.factors.length > 1) lines.push(l.t('policy.rule.allAgree'));
  lines.push(rule.allowSelfApproval ? l.t('policy.rule.selfAllowed') : l.t('policy.rule.noSelf'));
  if (rule.separationOfDuties) {
    lines.push(rule.separationOfDuties.approvalsPerKeySide > 0 ? l.t('policy.rule.sod', { count: rule.separationOfDuties.approvalsPerKeySide }) : l.t('policy.rule.sodRequester'));
    if (rule.separationOfDuties.custodianGroup) lines.push(l.t('policy.rule.custodianGroup', { group: rule.separationOfDuties.custodianGroup.name }));
  }
  lines.push(l.t('policy.rule.windows', { approval: minutes(l, rule.approvalWindowMinutes), execution: minutes(l, rule.executionWindowMinutes) }));
  lines.push(rule.reasonRequired ? l.t('policy.rule.reasonAlways') : l.t('policy.rule.reasonReject'));
  lines.push(rule.reminderBeforeMinutes > 0 ? l.t('policy.rule.reminder', { before: minutes(l, rule.reminderBeforeMinutes) }) : l.t('policy.rule.noReminder'));
  return lines;
}

function minutes(l: Localizer, value: number): string {
  return l.duration(value * 60_000);
}
