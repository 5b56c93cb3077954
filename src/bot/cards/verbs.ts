/**
 * Every Action.Execute verb Keyward's cards use. Constants, so a renamed verb is a compile error
 * rather than a dead button. Features add theirs here.
 */
export const VERBS = {
  /** Welcome card: start one of the journeys by name (data.command). */
  runCommand: 'keyward.command',
  /** Approval card: approve (data: requestId, planHash, cardVersion, verb; input: reason). */
  approvalApprove: 'keyward.approval.approve',
  /** Approval card: reject (reason required). */
  approvalReject: 'keyward.approval.reject',
  /** Approval card: the requester withdraws the request. */
  approvalCancel: 'keyward.approval.cancel',
  /** Approval card: refresh (automatic, user-specific view) or "show my options". Changes nothing. */
  approvalView: 'keyward.approval.view',
  /** Run card: restart a stopped run at its failed step (data: runId, cardVersion, verb). */
  runRetry: 'keyward.run.retry',
  /** Run card: a security-domain officer hands in their public certificate (input: certificatePem). */
  runCertificate: 'keyward.run.certificate',
  /** Run card: show the current state. Changes nothing. */
  runView: 'keyward.run.view',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
