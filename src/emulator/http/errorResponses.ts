import { type ServiceErrorKind, isServiceError } from '../model/serviceError';
import type { EmulatorResponse } from './emulatorRequest';

const STATUS: Record<ServiceErrorKind, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  PayloadTooLarge: 413,
  TooManyRequests: 429,
  Internal: 500,
  NotImplemented: 501,
  ServiceUnavailable: 503,
};

/** Azure's error envelope: `{error:{code,message,innererror?:{code}}}`. */
export function azureError(status: number, code: string, message: string, innerCode?: string, headers?: Record<string, string>): EmulatorResponse {
  return {
    status,
    body: { error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) } },
    ...(headers ? { headers } : {}),
  };
}

/** Turns anything a handler threw into Azure's error response; unknown errors become a 500. */
export function errorToResponse(error: unknown): { response: EmulatorResponse; unexpected: boolean } {
  if (isServiceError(error)) {
    return { response: azureError(STATUS[error.kind], error.code, error.message, error.innerCode), unexpected: false };
  }
  return {
    response: azureError(500, 'InternalServerError', 'The emulator failed unexpectedly while handling this request; the emulator log has the details.'),
    unexpected: true,
  };
}
