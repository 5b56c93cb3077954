import { randomUUID } from 'node:crypto';
import { LOCAL_PEOPLE, LOCAL_TENANT_ID, type LocalPerson } from '../../src/core';

export interface ActivityOptions {
  serviceUrl: string;
  from?: LocalPerson;
  conversationId?: string;
  conversationType?: 'personal' | 'groupChat' | 'channel';
  tenantId?: string;
  /** The client's locale (BCP 47), as Teams sends it in activity.locale. */
  locale?: string;
}

function base(options: ActivityOptions) {
  const person = options.from ?? LOCAL_PEOPLE.operator;
  const tenantId = options.tenantId ?? LOCAL_TENANT_ID;
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: person.teamsId, name: person.displayName, aadObjectId: person.objectId },
    recipient: { id: 'bot-keyward', name: 'Keyward' },
    conversation: { id: options.conversationId ?? `conv-${person.teamsId}`, conversationType: options.conversationType ?? 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    ...(options.locale ? { locale: options.locale } : {}),
  };
}

export function messageActivity(text: string, options: ActivityOptions): Record<string, unknown> {
  return { ...base(options), type: 'message', text, textFormat: 'plain' };
}

/**
 * An Action.Execute invoke as Teams sends it. `trigger: 'automatic'` is the user-specific refresh
 * Teams sends by itself for the people in `refresh.userIds`; 'manual' (default) is a click, or
 * Refresh chosen in the message's menu.
 */
export function invokeActivity(
  verb: string,
  data: Record<string, unknown>,
  options: ActivityOptions & { replyToId?: string; trigger?: 'manual' | 'automatic' },
): Record<string, unknown> {
  return {
    ...base(options),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: options.replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: options.trigger ?? 'manual' },
  };
}

export function membersAddedActivity(options: ActivityOptions): Record<string, unknown> {
  const activity = base(options);
  return { ...activity, type: 'conversationUpdate', membersAdded: [{ id: activity.recipient.id }, { id: activity.from.id }] };
}

export async function postActivity(botUrl: string, activity: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // keep text
  }
  return { status: response.status, body };
}
