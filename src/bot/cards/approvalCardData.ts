import { z } from 'zod';
import type { ApprovalRequest } from '../../approvals/approvalTypes';
import { VERBS } from './verbs';

export const APPROVAL_VERBS = [VERBS.approvalApprove, VERBS.approvalReject, VERBS.approvalCancel, VERBS.approvalView] as const;
export type ApprovalVerb = (typeof APPROVAL_VERBS)[number];

/**
 * The only data an approval card carries: which request, which plan, which card version, which
 * verb. Never who is clicking — identity comes from the activity. Client-supplied, so it is parsed
 * strictly; unknown members (say, an injected "aadObjectId") are dropped, never read.
 * `reason` is the card's text input, merged in by Teams.
 */
export const approvalCardDataSchema = z.object({
  requestId: z.string().uuid('is not a request id'),
  planHash: z.string().regex(/^[0-9a-f]{64}$/, 'is not a SHA-256 plan hash'),
  cardVersion: z.coerce.number().int().min(1).max(1_000_000_000),
  verb: z.enum(APPROVAL_VERBS),
  reason: z.string().max(2000).optional(),
});

export type ApprovalCardData = z.infer<typeof approvalCardDataSchema>;

export function approvalActionData(request: Pick<ApprovalRequest, 'id' | 'planHash' | 'version'>, verb: ApprovalVerb): Record<string, unknown> {
  return { requestId: request.id, planHash: request.planHash, cardVersion: request.version, verb };
}

/** Parses card data for `verb` (the verb Teams routed on must be the verb inside the data). */
export function parseApprovalCardData(data: Record<string, unknown>, verb: ApprovalVerb): { ok: true; data: ApprovalCardData } | { ok: false; problems: string[] } {
  const parsed = approvalCardDataSchema.safeParse(data);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'data'} ${issue.message}`) };
  if (parsed.data.verb !== verb) return { ok: false, problems: [`verb in the data (${parsed.data.verb}) is not the button's verb (${verb})`] };
  return { ok: true, data: parsed.data };
}
