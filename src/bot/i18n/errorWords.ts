import { describeError, ERROR_CODES, type AppError, type ErrorCode, type Message } from '../../core';
import type { Localizer } from './localizer';

/** What an error code means, in the reader's language. */
export function errorMeaning(l: Localizer, code: ErrorCode): string {
  return l.say(describeError(code));
}

/**
 * An error for chat: what its code means, then what went wrong — in the reader's language when the
 * error was raised with a `Message`, else its English text. `Internal` errors say no more than their
 * code's sentence (the details are in the log, under the reference).
 */
export function explainError(l: Localizer, error: AppError): string {
  const meaning = errorMeaning(l, error.code);
  if (error.code === 'Internal') return meaning;
  return `${meaning} ${error.said ? l.say(error.said) : error.message}`.trim();
}

/**
 * A stored failure (a run's last error) in the reader's language: what Keyward said, when it said it
 * as a message; otherwise what the error's code means. The English text of an error that is not a
 * message (Azure's own words around the operation) is shown separately as data (`errorDetails`).
 */
export function errorSentence(l: Localizer, error: { readonly code: string; readonly message: string; readonly said?: Message }): string {
  if (error.said) return l.say(error.said);
  return isErrorCode(error.code) ? errorMeaning(l, error.code) : l.say(error.message);
}

/** The English text of a failure Keyward did not say as a message, for a details block; undefined when it did. */
export function errorDetails(error: { readonly message: string; readonly said?: Message }): string | undefined {
  return error.said ? undefined : error.message;
}

function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}
