/**
 * What the model throws when Azure would answer with an error. It carries Azure's own `code`,
 * message and optional inner code; the kind says which class of failure it is and the HTTP layer
 * alone turns it into a status (the model never sees HTTP).
 */
export type ServiceErrorKind =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'Conflict'
  | 'PayloadTooLarge'
  | 'TooManyRequests'
  | 'Internal'
  | 'NotImplemented'
  | 'ServiceUnavailable';

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly kind: ServiceErrorKind,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
  ) {
    super(message);
  }
}

export function isServiceError(value: unknown): value is ServiceError {
  return value instanceof ServiceError;
}

export const badRequest = (code: string, message: string, innerCode?: string) => new ServiceError('BadRequest', code, message, innerCode);
export const notFound = (code: string, message: string, innerCode?: string) => new ServiceError('NotFound', code, message, innerCode);
export const conflict = (code: string, message: string, innerCode?: string) => new ServiceError('Conflict', code, message, innerCode);
export const forbidden = (code: string, message: string, innerCode?: string) => new ServiceError('Forbidden', code, message, innerCode);
export const unauthorized = (code: string, message: string) => new ServiceError('Unauthorized', code, message);

/** Key Vault data plane: every malformed parameter is `400 BadParameter`. */
export const badParameter = (message: string) => badRequest('BadParameter', message);

/** Loud gap: something Azure does that this emulator does not. */
export function notImplemented(what: string): ServiceError {
  return new ServiceError(
    'NotImplemented',
    'NotImplementedByEmulator',
    `The Keyward Azure emulator does not implement ${what}. This is a gap in the emulator, not an Azure error; see docs/emulator.md.`,
  );
}
