/**
 * What the domain says to a person, as data: a stable message id of the bot's catalogue
 * (src/bot/i18n), the values it needs, and the English sentence itself.
 *
 * The card layer formats `id` with `values` in the reader's language. The English `text` is what
 * logs, the audit log, thrown errors and the hashed plan keep: the domain stays free of the bot's
 * catalogue, and what is stored, hashed or audited does not depend on who reads it. The card layer
 * shows a translation only when the catalogue's English for `id` and `values` is exactly `text`,
 * so nobody reads a translation of anything but what the domain said (and a test keeps the two
 * equal; see docs/designs/2026-12-05-compact-localised-cards.md).
 *
 * Values are data and are never translated: identifiers, names, GUIDs, cmdlets, paths, numbers.
 * A value that is itself a `Message` is translated; an array is a list ("a, b and c"); a date is
 * `{ date }` or `{ dateTime }` (ISO text) and shown in the reader's form.
 */
export interface Message {
  /** Catalogue id, e.g. `preflight.subscription.enabled`. Always a literal at the call site. */
  readonly id: string;
  /** The English sentence, as logs, audit and the hashed plan keep it. */
  readonly text: string;
  readonly values?: MessageValues;
}

export type MessageValue = string | number | Message | DateValue | readonly MessageValue[];
export type MessageValues = Readonly<Record<string, MessageValue>>;
export type DateValue = { readonly date: string } | { readonly dateTime: string };

/**
 * Something a person reads that the domain stored: a `Message`, or plain English written before
 * the domain spoke in messages (rows stored by older versions).
 */
export type Text = Message | string;

/** A message: catalogue id, its English text, and the values the catalogue's placeholders take. */
export function say(id: string, text: string, values?: Readonly<Record<string, MessageValue>>): Message {
  const message: Message = values === undefined ? { id, text } : { id, text, values };
  witness?.(message);
  return message;
}

let witness: ((message: Message) => void) | undefined;

/**
 * Shows every message made from now on to `see` (undefined: to nobody, the default). The test
 * suite uses it to hold each message the domain says during the tests against the catalogue: the
 * catalogue's English for its id and values must be exactly its English text.
 */
export function witnessMessages(see: ((message: Message) => void) | undefined): void {
  witness = see;
}

export function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).id === 'string' && typeof (value as Message).text === 'string';
}

/** The English of a stored text (for logs, audit and errors). */
export function textOf(value: Text | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.text;
}

/** Two or more messages read one after another, as one message (each keeps its own translation). */
export function sentences(first: Message, ...rest: ReadonlyArray<Message | undefined>): Message {
  return chain('text.sentences', ' ', [first, ...rest.filter((part): part is Message => part !== undefined)]);
}

/** Clauses joined by "; " (one per key, DEP or resource), as one message. */
export function semicolonList(parts: readonly Message[]): Message {
  if (parts.length === 0) throw new Error('semicolonList needs at least one part');
  return chain('text.semicolons', '; ', parts);
}

/** Items joined by ", " (no "and": a list of findings, not a sentence), as one message. */
export function commaList(parts: readonly Message[]): Message {
  if (parts.length === 0) throw new Error('commaList needs at least one part');
  return chain('text.commas', ', ', parts);
}

function chain(id: string, separator: string, parts: readonly Message[]): Message {
  const [first, ...rest] = parts;
  if (rest.length === 0) return first!;
  const second = chain(id, separator, rest);
  return say(id, `${first!.text}${separator}${second.text}`, { first: first!, second });
}

const ENGLISH_LIST = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

/** "a, b, and c", as the English catalogue writes a list value. */
export function englishList(items: readonly string[]): string {
  return ENGLISH_LIST.format(items);
}

/** `2026-01-05`, as English cards write a date value. */
export function englishDate(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : new Date(time).toISOString().slice(0, 10);
}

/** `2026-01-05 13:00 UTC`, as English cards write a date-and-time value. */
export function englishDateTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
