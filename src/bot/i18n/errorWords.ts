import { describeError, type AppError, type ErrorCode } from '../../core';
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
