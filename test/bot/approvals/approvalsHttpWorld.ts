import { LOCAL_TENANT_ID, sha256Hex, type LocalPerson } from '../../../src/core';
import type { ApprovalRequest, SubmitRequest } from '../../../src/approvals';
import { PLAYGROUND_CONVERSATIONS } from '../../../src/cli/playgroundConfig';
import type { KeywardOverrides } from '../../../src/main';
import type { ConnectorCall } from '../../helpers/fakeConnector';
import { invokeActivity, messageActivity, postActivity } from '../../helpers/activities';
import { startHarness, type Harness } from '../../helpers/keywardHarness';
import { collect } from '../../helpers/collect';

export const GROUP_CHAT = PLAYGROUND_CONVERSATIONS.groupChat.id;
export const PLAN_HASH = sha256Hex('setup plan v1');

export interface InvokeAnswer {
  status: number;
  /** The card the clicker gets back, if any. */
  card?: Record<string, unknown>;
  /** The notice on that card, or the plain message text. */
  text: string;
}

/**
 * The real Keyward server (restify + botbuilder + teams-ai + SQLite) with a fake Bot Connector,
 * plus the moves an approvals test makes: submit a plan as a journey would, click card buttons as
 * any local person, and read what reached the connector.
 */
export class ApprovalsHttpWorld {
  private constructor(readonly harness: Harness) {}

  static async start(env: Record<string, string> = {}, overrides: KeywardOverrides = {}): Promise<ApprovalsHttpWorld> {
    return new ApprovalsHttpWorld(await startHarness({ KEYWARD_APPROVALS_TICK_SECONDS: '0', ...env }, overrides));
  }

  get approvals() {
    return this.harness.keyward.approvals;
  }

  get connector() {
    return this.harness.connector;
  }

  origin(person: LocalPerson): Record<string, unknown> {
    return {
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      conversation: { id: `conv-${person.teamsId}`, conversationType: 'personal', tenantId: LOCAL_TENANT_ID },
      bot: { id: 'bot-keyward', name: 'Keyward' },
      user: { id: person.teamsId, name: person.displayName, aadObjectId: person.objectId },
    };
  }

  /** What the setup journey does when the operator clicks "Submit for approval". */
  async submit(requester: LocalPerson, overrides: Partial<SubmitRequest> = {}): Promise<ApprovalRequest> {
    const request = await this.approvals.service.submit({
      planHash: PLAN_HASH,
      operationClass: 'create',
      title: 'Set up Customer Key for Contoso (Key Vault Premium)',
      summaryLines: [
        'Create resource group rg-ck-a in West Europe',
        'Create vault kv-contoso-a (Premium, purge protection: cannot be undone)',
        'Create key ck-a (RSA-HSM 3072, no expiry)',
        'Cost: two Premium vaults, about 2 USD a month plus HSM key operations',
      ],
      targets: ['kv-contoso-a', 'kv-contoso-b'],
      requester: { aadObjectId: requester.objectId, channelUserId: requester.teamsId, name: requester.displayName, tenantId: LOCAL_TENANT_ID },
      reason: 'Compliance asks for our own keys by March.',
      origin: this.origin(requester),
      journeyId: 'journey-http-1',
      ...overrides,
    });
    await this.approvals.idle();
    return request;
  }

  /** The approval card message posted in the approvers' group chat for a request. */
  approverMessage(requestId: string): { messageId: string; card: Record<string, unknown> } {
    const post = this.connector.delivered().find((call) => call.method === 'POST' && call.conversationId === GROUP_CHAT && JSON.stringify(call.body).includes(requestId));
    if (!post) throw new Error(`no approval card for ${requestId} in the group chat`);
    return { messageId: this.messageIdOf(post), card: cardOf(post)! };
  }

  /** The id the fake connector answered for a post (as Teams answers with the new message's id). */
  messageIdOf(post: ConnectorCall): string {
    return post.answeredId ?? post.activityId ?? `activity-${this.connector.calls.indexOf(post) + 1}`;
  }

  /** The latest version of that message (last PUT, else the POST). */
  latestCard(requestId: string): Record<string, unknown> {
    const { messageId, card } = this.approverMessage(requestId);
    const updates = this.connector.delivered().filter((call) => call.method === 'PUT' && call.activityId === messageId);
    return updates.length > 0 ? cardOf(updates[updates.length - 1]!)! : card;
  }

  /** Clicks a button of the card as `person` (identity in `from`, as Teams sends it). */
  async click(
    person: LocalPerson,
    verb: string,
    data: Record<string, unknown>,
    options: { tenantId?: string; conversationId?: string; replyToId?: string; activity?: Record<string, unknown> } = {},
  ): Promise<InvokeAnswer> {
    const activity =
      options.activity ??
      invokeActivity(verb, data, {
        serviceUrl: this.connector.url,
        from: person,
        conversationId: options.conversationId ?? GROUP_CHAT,
        conversationType: 'groupChat',
        tenantId: options.tenantId,
        replyToId: options.replyToId,
      });
    const response = await postActivity(this.harness.url, activity);
    await this.approvals.idle();
    return answerOf(response);
  }

  async say(person: LocalPerson, text: string, conversationId = `conv-${person.teamsId}`, conversationType: 'personal' | 'groupChat' = 'personal'): Promise<ConnectorCall[]> {
    const before = this.connector.calls.length;
    await postActivity(this.harness.url, messageActivity(text, { serviceUrl: this.connector.url, from: person, conversationId, conversationType }));
    await this.approvals.idle();
    return this.connector.calls.slice(before).filter((call) => call.conversationId === conversationId);
  }

  async auditActions(requestId?: string): Promise<string[]> {
    return (await collect(this.approvals.audit.records())).filter((r) => !requestId || r.requestId === requestId).map((r) => r.action);
  }

  textsTo(conversationId: string): string[] {
    return this.connector.calls
      .filter((call) => call.method === 'POST' && call.conversationId === conversationId && typeof call.body.text === 'string')
      .map((call) => String(call.body.text));
  }

  close(): Promise<void> {
    return this.harness.close();
  }
}

export function cardOf(call: ConnectorCall): Record<string, unknown> | undefined {
  const attachments = (call.body.attachments as Array<{ contentType: string; content: Record<string, unknown> }> | undefined) ?? [];
  return attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

export function answerOf(response: { status: number; body: unknown }): InvokeAnswer {
  const body = (response.body ?? {}) as { type?: string; value?: unknown };
  if (body.type === 'application/vnd.microsoft.card.adaptive') {
    const card = body.value as Record<string, unknown>;
    const first = ((card.body as Array<{ text?: string }>)[0]?.text ?? '').toString();
    return { status: response.status, card, text: first };
  }
  return { status: response.status, text: typeof body.value === 'string' ? body.value : JSON.stringify(body) };
}

/** The data of the button with this verb on a card, exactly as a client would send it. */
export function buttonData(card: Record<string, unknown>, verb: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && record.verb === verb) found = record.data as Record<string, unknown>;
    Object.values(record).forEach(walk);
  };
  walk(card.body);
  if (!found) throw new Error(`no ${verb} button on the card`);
  return { ...found };
}
