import type { LocalPerson } from '../../src/core';
import type { SqlDatabase } from '../../src/store/sqlDatabase';
import { localizer } from '../../src/bot/i18n/localizer';
import type { ConnectorCall } from './fakeConnector';
import { invokeActivity, postActivity } from './activities';
import { answerOf, cardOf, GROUP_CHAT, type ApprovalsHttpWorld, type InvokeAnswer } from '../bot/approvals/approvalsHttpWorld';

/** Which view a card was drawn for, read from its words (the English catalogue), not from its data. */
export type ViewName = 'shared' | 'approver' | 'voter' | 'requester' | 'observer' | 'none';

const en = localizer('en');
/** A catalogue message as a pattern; values given as ANY match any text. */
const ANY = '\u0000';
const pattern = (id: Parameters<typeof en.t>[0], values: Record<string, string> = {}) =>
  new RegExp(
    en
      .t(id, values as never)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .split(ANY)
      .join('.+'),
  );
const VIEW_LINES: Array<[ViewName, RegExp]> = [
  ['shared', pattern('approval.viewer.shared')],
  ['approver', pattern('approval.viewer.approver')],
  ['voter', pattern('approval.viewer.voter', { decision: 'approve', at: ANY })],
  ['voter', pattern('approval.viewer.voter', { decision: 'reject', at: ANY })],
  ['requester', pattern('approval.viewer.requesterOpen')],
  ['requester', pattern('approval.viewer.requester')],
  ['observer', pattern('approval.viewer.observer')],
];

export function viewOf(card: Record<string, unknown> | undefined): ViewName {
  if (!card) return 'none';
  const texts = textsOf(card);
  for (const [view, line] of VIEW_LINES) if (texts.some((text) => line.test(text))) return view;
  // Once decided, the shared view has no viewer line; its Cancel button says who may use it.
  const sharedOnly = [en.t('approval.cancelShared'), en.t('approval.cancelBeforeRunShared')];
  if (buttonTitles(card).some((title) => sharedOnly.includes(title))) return 'shared';
  return 'none';
}

/** Titles of the card's Action.Execute buttons (the refresh action is not a button). */
export function buttonTitles(card: Record<string, unknown> | undefined): string[] {
  const titles: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && typeof record.title === 'string') titles.push(record.title);
    for (const [key, value] of Object.entries(record)) if (key !== 'refresh' && key !== 'fallback') walk(value);
  };
  walk(card?.body);
  walk(card?.actions);
  return titles;
}

function textsOf(card: Record<string, unknown>): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (record.type === 'TextBlock' && typeof record.text === 'string') texts.push(record.text);
    Object.values(record).forEach(walk);
  };
  walk(card.body);
  return texts;
}

/** Every row of every table: what "nothing changed" means for the store. */
export async function storeSnapshot(db: SqlDatabase): Promise<Record<string, unknown[]>> {
  const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  const snapshot: Record<string, unknown[]> = {};
  for (const { name } of tables) snapshot[name] = await db.all(`SELECT * FROM "${name}" ORDER BY 1`);
  return snapshot;
}

export interface RefreshOptions {
  /** automatic: what Teams sends by itself for people in refresh.userIds; manual: Refresh chosen in the message's menu. */
  trigger: 'automatic' | 'manual';
  /** The same activity (same id) this many times, as Teams does when it thinks an invoke went unanswered. */
  deliveries?: number;
}

/**
 * Plays Teams' side of user-specific views against the real server: the refresh invoke exactly as
 * the card's `refresh.action` says, sent as a given person through POST /api/messages, and clicks
 * on the shared message. Reads what reached the Bot Connector to tell whether the shared message
 * was ever replaced with one person's view.
 */
export class UserSpecificViews {
  constructor(
    private readonly world: ApprovalsHttpWorld,
    readonly requestId: string,
  ) {}

  get messageId(): string {
    return this.world.approverMessage(this.requestId).messageId;
  }

  /** The shared message as everyone sees it now (last update, else the post). */
  shared(): Record<string, unknown> {
    return this.world.latestCard(this.requestId);
  }

  refreshUserIds(): string[] {
    return ((this.shared() as { refresh?: { userIds?: string[] } }).refresh?.userIds ?? []).slice();
  }

  /** The refresh invoke for `person`; resolves to the last delivery's answer. */
  async refresh(person: LocalPerson, options: RefreshOptions): Promise<InvokeAnswer> {
    const refresh = (this.shared() as { refresh?: { action: { verb: string; data: Record<string, unknown> } } }).refresh;
    if (!refresh) throw new Error('the shared card asks for no refresh');
    const activity = invokeActivity(refresh.action.verb, refresh.action.data, {
      serviceUrl: this.world.connector.url,
      from: person,
      conversationId: GROUP_CHAT,
      conversationType: 'groupChat',
      replyToId: this.messageId,
      trigger: options.trigger,
    });
    let answer: InvokeAnswer | undefined;
    for (let i = 0; i < (options.deliveries ?? 1); i += 1) {
      answer = answerOf(await postActivity(this.world.harness.url, activity));
      await this.world.approvals.idle();
    }
    return answer!;
  }

  /** A button on the shared message, clicked by `person` (one delivery unless told). */
  async click(person: LocalPerson, verb: string, extra: Record<string, unknown> = {}, deliveries = 1): Promise<InvokeAnswer> {
    const data = { ...buttonDataOf(this.shared(), verb), ...extra };
    const activity = invokeActivity(verb, data, {
      serviceUrl: this.world.connector.url,
      from: person,
      conversationId: GROUP_CHAT,
      conversationType: 'groupChat',
      replyToId: this.messageId,
    });
    let answer: InvokeAnswer | undefined;
    for (let i = 0; i < deliveries; i += 1) {
      answer = answerOf(await postActivity(this.world.harness.url, activity));
      await this.world.approvals.idle();
    }
    return answer!;
  }

  /** Every update of the shared message, with the view it carried. */
  updates(): Array<{ call: ConnectorCall; view: ViewName }> {
    const id = this.messageId;
    return this.world.connector.calls.filter((call) => call.method === 'PUT' && call.activityId === id).map((call) => ({ call, view: viewOf(cardOf(call)) }));
  }
}

function buttonDataOf(card: Record<string, unknown>, verb: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && record.verb === verb) found = record.data as Record<string, unknown>;
    else Object.values(record).forEach(walk);
  };
  walk(card.body);
  if (!found) throw new Error(`no ${verb} button on the shared card`);
  return { ...found };
}
