import { z } from 'zod';
import { appError } from '../core';

/** Bot Framework activity types a channel may send us; anything else is refused with 400. */
export const KNOWN_ACTIVITY_TYPES = [
  'message',
  'conversationUpdate',
  'invoke',
  'event',
  'installationUpdate',
  'messageReaction',
  'messageUpdate',
  'messageDelete',
  'typing',
  'endOfConversation',
  'contactRelationUpdate',
  'deleteUserData',
  'command',
  'commandResult',
  'trace',
  'handoff',
  'suggestion',
] as const;

export const MAX_ACTIVITY_BYTES = 256 * 1024;

const account = z.object({ id: z.string({ required_error: 'is required' }).min(1) }, { required_error: 'is required' }).passthrough();

const activitySchema = z
  .object({
    type: z.string({ required_error: 'is required' }).refine((value) => (KNOWN_ACTIVITY_TYPES as readonly string[]).includes(value), {
      message: `must be one of ${KNOWN_ACTIVITY_TYPES.join(', ')}`,
    }),
    channelId: z.string({ required_error: 'is required' }).min(1),
    serviceUrl: z.string({ required_error: 'is required' }).url('must be a URL'),
    from: account,
    recipient: account,
    conversation: account,
  })
  .passthrough();

export type ParsedActivity = z.infer<typeof activitySchema>;

/**
 * Checks the media type and parses and validates the JSON body of a POST to /api/messages.
 * Throws AppError with UnsupportedMediaType / BadRequest and a message that names what is wrong.
 */
export function parseActivityBody(contentType: string | undefined, raw: Buffer): ParsedActivity {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw appError('UnsupportedMediaType', `Content-Type must be application/json (got "${contentType ?? 'none'}").`);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw appError('BadRequest', `Body is not valid JSON: ${(error as Error).message}.`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw appError('BadRequest', 'Body must be a JSON object (a Bot Framework activity).');
  }
  const parsed = activitySchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'activity'} ${issue.message}`);
    throw appError('BadRequest', `Not a valid activity: ${problems.join('; ')}.`, { problems });
  }
  return parsed.data;
}

/** The tenant an activity claims to come from (Teams puts it in channelData). */
export function activityTenant(activity: ParsedActivity): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannel = channelData?.tenant?.id;
  if (typeof fromChannel === 'string' && fromChannel) return fromChannel.toLowerCase();
  const fromConversation = (activity.conversation as { tenantId?: unknown }).tenantId;
  return typeof fromConversation === 'string' && fromConversation ? fromConversation.toLowerCase() : undefined;
}
