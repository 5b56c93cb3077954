import { z } from 'zod';
import { appError, isMessage, type Message } from '../core';
import { OPERATION_CLASSES, type ActorIdentity, type ConversationRef, type KeySides, type OperationClass } from './approvalTypes';

/**
 * What a journey (setup, key roll, teardown) hands to `ApprovalService.submit`. Everything the
 * approvers will see comes from here; everything that decides who may approve comes from the policy.
 */
export interface SubmitRequest {
  /** SHA-256 (hex) of the canonical plan; votes bind to it. */
  planHash: string;
  operationClass: OperationClass;
  /** One line, e.g. "Set up Customer Key for Contoso (Key Vault Premium)". */
  title: string;
  /** Plain sentences for the card: the steps, what cannot be undone, what it costs. */
  summaryLines: readonly string[];
  /**
   * The same title and lines as messages, so each approver's card speaks their language. A card
   * shows a message only where its English is exactly the line above (the lines are what is kept).
   */
  titleMessage?: Message;
  summaryMessages?: readonly Message[];
  /** Resource ids or names the plan touches. */
  targets: readonly string[];
  /** Object ids of the custodians of key A and key B (separation of duties). */
  keySides?: KeySides;
  /** The person asking, from the activity (bot `Actor` fits). */
  requester: ActorIdentity;
  /** Why (shown to approvers, kept in the audit log). */
  reason: string;
  /** Where the requester asked: they hear the decision there. */
  origin: ConversationRef;
  /** Same journey + new plan hash = the earlier request is superseded and its votes void. */
  journeyId?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const line = z.string().trim().min(1).max(500);
const objectIds = z
  .array(
    z
      .string()
      .regex(GUID, 'must be an Entra object id (GUID)')
      .transform((id) => id.toLowerCase()),
  )
  .max(20);

export const submitRequestSchema = z.object({
  planHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest (64 lower-case hex characters)'),
  operationClass: z.enum(OPERATION_CLASSES),
  title: z.string().trim().min(1, 'is required').max(200),
  summaryLines: z.array(line).min(1, 'must describe the plan in at least one line').max(60),
  titleMessage: z.custom<Message>(isMessage, 'must be a message').optional(),
  summaryMessages: z.array(z.custom<Message>(isMessage, 'must be a message')).max(60).optional(),
  targets: z.array(z.string().trim().min(1).max(400)).max(60),
  keySides: z.object({ A: objectIds, B: objectIds }).optional(),
  requester: z.object({ aadObjectId: z.string().optional(), channelUserId: z.string().optional(), name: z.string().optional(), tenantId: z.string().optional() }).passthrough(),
  reason: z.string().trim().min(1, 'is required: say why this change is needed').max(1000),
  origin: z.record(z.unknown()).refine((value) => Object.keys(value).length > 0, 'must be the conversation reference of the turn that asked'),
  journeyId: z.string().trim().min(1).max(200).optional(),
});

export type ValidSubmitRequest = z.infer<typeof submitRequestSchema>;

/** Validates a submission; ValidationFailed lists every problem. */
export function validateSubmitRequest(input: SubmitRequest): ValidSubmitRequest {
  const parsed = submitRequestSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`);
    throw appError('ValidationFailed', `The approval request is not valid: ${problems.join('; ')}`, { problems });
  }
  return parsed.data;
}
