import { say, type Message } from './message';

/**
 * Stable error codes shared by every folder. Domain code matches on `code`, never on message text;
 * each code has one sentence an operator can act on (see `describeErrorCode`).
 */
export const ERROR_CODES = [
  // input and configuration
  'ValidationFailed',
  'ConfigInvalid',
  'BadRequest',
  'PayloadTooLarge',
  'UnsupportedMediaType',
  'MisdirectedRequest',
  'TenantNotAllowed',
  'Unauthenticated',
  'NotFound',
  // journeys and cards
  'StaleCard',
  'NotYourJourney',
  'JourneyClosed',
  'ConcurrentUpdate',
  // Customer Key preflight
  'NameUnavailable',
  'NameSoftDeleted',
  'SubscriptionNotEnabled',
  'FeatureNotRegistered',
  'MissingPermission',
  'QuotaExceeded',
  'RegionUnavailable',
  'ServicePrincipalMissing',
  // approvals
  'SelfApprovalForbidden',
  'NotAnApprover',
  'AlreadyVoted',
  'RequestExpired',
  'RequestAlreadyDecided',
  'RequestNotPending',
  'PlanChanged',
  'ReasonRequired',
  'SeparationOfDuties',
  'ExecutionWindowClosed',
  'PolicyInvalid',
  'ApprovalNotVerified',
  'SigningFailed',
  'NotInConversation',
  // audit
  'AuditWriteFailed',
  'AuditChainBroken',
  // executor / Azure
  'AzureThrottled',
  'AzureTransient',
  'AzureConflict',
  'AzureNotFound',
  'AzureForbidden',
  'AzureUnauthorized',
  'AzureBadRequest',
  'AzureFailed',
  'ProviderCollectionError',
  'HsmNotActivated',
  'HsmProvisioningFailed',
  'KeyInUseByDep',
  'RunFailed',
  'NotImplementedByEmulator',
  // process
  'PortInUse',
  'StoreUnavailable',
  'BackupRefused',
  'DeliveryDeferred',
  'Internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Optional structured detail; never put secrets, tokens or key material here. */
export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  override readonly name = 'AppError';
  /** What to tell a person, when the error was raised with a `Message` (`message` is its English). */
  readonly said?: Message;
  constructor(
    readonly code: ErrorCode,
    message: string | Message,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(typeof message === 'string' ? message : message.text, options);
    if (typeof message !== 'string') this.said = message;
  }
}

/** An AppError; a `Message` lets the card layer say it in the reader's language (logs keep the English). */
export function appError(code: ErrorCode, message: string | Message, details?: ErrorDetails, cause?: unknown): AppError {
  return new AppError(code, message, details ?? {}, cause === undefined ? undefined : { cause });
}

export function isAppError(value: unknown, code?: ErrorCode): value is AppError {
  return value instanceof AppError && (code === undefined || value.code === code);
}

/** Wraps anything thrown into an AppError without losing the original as `cause`. */
export function toAppError(value: unknown, fallback: ErrorCode = 'Internal'): AppError {
  if (value instanceof AppError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return appError(fallback, message, {}, value);
}

const DESCRIPTIONS: Record<ErrorCode, string> = {
  ValidationFailed: 'Some values are not valid. Fix the fields marked on the card and submit again.',
  ConfigInvalid: 'The configuration is not valid. Fix the listed variables and start again.',
  BadRequest: 'The request is malformed. Check the body and headers and send it again.',
  PayloadTooLarge: 'The request body is too large. Send a smaller body.',
  UnsupportedMediaType: 'The request must be JSON (Content-Type: application/json).',
  MisdirectedRequest: 'This local-mode Keyward answers only requests addressed to 127.0.0.1 or localhost on this machine.',
  TenantNotAllowed: 'This Keyward installation serves another Microsoft 365 tenant.',
  Unauthenticated: 'The request carries no Bot Framework token Keyward accepts (missing, forged, expired, or for another bot).',
  NotFound: 'Nothing with that id exists. Check the id or start again.',
  StaleCard: 'This card is out of date. The current state is shown instead; act on the new card.',
  NotYourJourney: 'This card belongs to someone else\'s journey. Start your own with "setup".',
  JourneyClosed: 'This journey is closed. Start a new one with "setup" or see "status".',
  ConcurrentUpdate: 'Someone else changed this at the same moment. The card shows the current state; try again.',
  NameUnavailable: 'That name is taken in Azure (names are global). Choose another name.',
  NameSoftDeleted: 'That name belongs to a soft-deleted resource. Recover or purge it, or choose another name.',
  SubscriptionNotEnabled: 'The subscription is not Enabled. Re-enable it in the Azure portal (Cost Management + Billing) first.',
  FeatureNotRegistered: 'The mandatory retention period is not registered on this subscription. Register it and wait for Microsoft to confirm.',
  MissingPermission: "Keyward's identity lacks a role it needs. Grant the named role at the named scope.",
  QuotaExceeded: 'The Azure quota for this resource type in that region is used up. Choose another region or free a slot.',
  RegionUnavailable: 'That region cannot host this resource now. Choose another region.',
  ServicePrincipalMissing: 'A Microsoft 365 service principal is missing from the tenant. Register it with New-AzADServicePrincipal.',
  SelfApprovalForbidden: 'You asked for this change, so you cannot approve it. Another approver must decide.',
  NotAnApprover: 'You are not an approver for this kind of request. Ask an approver in the policy.',
  AlreadyVoted: 'You have already voted on this request. Each person votes once.',
  RequestExpired: 'This request expired before it was decided. Submit the plan again.',
  RequestAlreadyDecided: 'This request has already been decided. The card shows the outcome.',
  RequestNotPending: 'This request is no longer waiting for votes.',
  PlanChanged: 'The plan changed after the votes were cast, so the votes no longer count. Review the new plan.',
  ReasonRequired: 'The policy requires a reason. Type a reason and vote again.',
  SeparationOfDuties: 'Separation of duties: the same person cannot approve both keys of a policy.',
  ExecutionWindowClosed: 'The approval window for running this plan has closed. Submit the plan again.',
  ApprovalNotVerified: 'This approval is not backed by votes Keyward signed (the stored request was changed). Nothing runs; submit the plan again and investigate the store.',
  NotInConversation:
    "This approval card was not posted in this conversation (or this personal chat is not yours). Use the card in the approvers' conversation or your own chat with Keyward.",
  SigningFailed: 'Keyward could not sign with its key (Key Vault unreachable, or its identity lacks the sign permission). Nothing was recorded; try again.',
  PolicyInvalid: 'The approval policy is not valid. Fix the listed settings.',
  AuditWriteFailed: 'The audit log could not be written, so nothing was run (fail closed). Check the store.',
  AuditChainBroken: 'The audit chain does not verify. Investigate the named record before trusting the log.',
  AzureThrottled: 'Azure is throttling requests. Keyward will retry after the time Azure asked for.',
  AzureTransient: 'Azure returned a temporary error. Keyward will retry.',
  AzureConflict: 'Azure reports a conflict with an existing resource. See the details for which one.',
  AzureNotFound: 'Azure could not find the resource. Check the name, subscription and resource group.',
  AzureForbidden: 'Azure refused the operation: a role or permission is missing. See the details for the role and scope.',
  AzureUnauthorized: "Azure did not accept Keyward's credential. Check the managed identity configuration.",
  AzureBadRequest: 'Azure rejected the request parameters. See the details.',
  AzureFailed: 'The Azure operation failed. See the details.',
  ProviderCollectionError: 'Azure failed to list deleted Managed HSMs (a known transient fault). Keyward retries and falls back to a per-location lookup.',
  HsmNotActivated: 'The Managed HSM is not activated yet. Complete the security-domain ceremony first.',
  HsmProvisioningFailed: 'The Managed HSM could not be provisioned. See the details; try another region if capacity is the cause.',
  KeyInUseByDep: 'A Data Encryption Policy still uses this key. Remove or move the policy first.',
  RunFailed: 'The run stopped. Everything already done is intact; fix the cause and retry.',
  NotImplementedByEmulator: 'The local emulator does not implement this Azure operation yet.',
  PortInUse: 'A port is already in use. Free it or set the named variable to another port.',
  StoreUnavailable: "Keyward's store (SQLite file or PostgreSQL server) cannot be reached or refused the sign-in. Check the named setting and the server.",
  BackupRefused: 'Keyward refused to back up or restore its state. The message says why and what to do; nothing was changed.',
  DeliveryDeferred: 'The Teams message could not go out yet. Keyward keeps it and sends it as soon as it can (after a restart at the latest).',
  Internal: 'Something unexpected went wrong. The details are in the log.',
};

export function describeErrorCode(code: ErrorCode): string {
  return DESCRIPTIONS[code];
}

/** The code's sentence as a message (catalogue id `error.<code>`), for cards and chat. */
export function describeError(code: ErrorCode): Message {
  return say(`error.${code}`, DESCRIPTIONS[code]);
}
