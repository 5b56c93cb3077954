import { IntlMessageFormat } from 'intl-messageformat';
import { isMessage, type Message, type MessageValue, type Text } from '../../core';
import { MESSAGES_EN, type MessageId } from './messagesEn';
import { MESSAGES_DE } from './messagesDe';
import { MESSAGES_FR } from './messagesFr';
import { pseudoCatalogue, PSEUDO_LOCALE, UNTRANSLATED_CLOSE, UNTRANSLATED_OPEN } from './pseudoLocale';

export type { MessageId } from './messagesEn';
export type Catalogue = Readonly<Record<MessageId, string>>;
export type MessageValues = Readonly<Record<string, string | number | Date>>;

/** The languages Keyward's cards speak; anything else falls back to English. */
export const CARD_LANGUAGES = ['en', 'de', 'fr'] as const;
export type CardLanguage = (typeof CARD_LANGUAGES)[number] | typeof PSEUDO_LOCALE;

const CATALOGUES: Readonly<Record<CardLanguage, () => Catalogue>> = {
  en: () => MESSAGES_EN,
  de: () => MESSAGES_DE,
  fr: () => MESSAGES_FR,
  [PSEUDO_LOCALE]: () => pseudoCatalogue(MESSAGES_EN) as unknown as Catalogue,
};

/**
 * Everything a renderer needs to say things in one person's language. Built from the activity's
 * locale (`activity.locale`, a BCP 47 tag such as `de-DE`) and handed to the pure renderers as
 * data; there is no global "current locale". Identifiers, GUIDs, resource names, cmdlets and
 * PowerShell are passed in as values and never translated.
 */
export interface Localizer {
  /** The catalogue in use: en, de, fr, or the pseudo-locale. */
  readonly language: CardLanguage;
  /** The tag dates and numbers are formatted with (the activity's own, e.g. en-GB or fr-CA). */
  readonly locale: string;
  /** A catalogue message, ICU MessageFormat (plurals, select, numbers). */
  t(id: MessageId, values?: MessageValues): string;
  /** Date and time in UTC, in the locale's own form, with "UTC" said: approvers sit in many time zones. */
  dateTime(iso: string): string;
  /** A date without time (UTC). */
  date(iso: string): string;
  number(value: number): string;
  /** "a, b and c" in the locale's words. */
  list(items: readonly string[]): string;
  /** A duration such as "2 d 3 h" or "less than a minute". */
  duration(ms: number): string;
  /**
   * Prose written by the domain (preflight lines, validation messages, plan steps) that has no
   * catalogue entry yet: shown as it is. The pseudo-locale marks it, so the pseudo-locale test can
   * tell it apart from a string hard-coded in a renderer.
   */
  domain(text: string): string;
  /**
   * What the domain said (a `Message`: id, values, English text), in this language. The
   * translation is used only when the catalogue's English for the id and values is exactly the
   * domain's English; otherwise, and for plain strings stored before the domain spoke in messages,
   * the English text is shown as it is (marked in the pseudo-locale, like `domain`).
   */
  say(value: Text | undefined): string;
  /** Plan text kept as English inside the hashed plan, in this language when `message` says the same. */
  sayStored(stored: string, message: Message | undefined): string;
}

/**
 * The catalogue language for a BCP 47 tag: `de-AT` → de, `fr-CA` → fr, `en-GB` → en; unknown
 * languages, empty and malformed tags → en.
 */
/** Whether a message id exists (for ids built at run time, e.g. a command's summary). */
export function isMessageId(id: string): id is MessageId {
  return Object.prototype.hasOwnProperty.call(MESSAGES_EN, id);
}

export function resolveLanguage(tag: string | undefined): CardLanguage {
  const clean = (tag ?? '').trim().toLowerCase().replace(/_/g, '-');
  if (clean === PSEUDO_LOCALE) return PSEUDO_LOCALE;
  const language = clean.split('-')[0] ?? '';
  return (CARD_LANGUAGES as readonly string[]).includes(language) ? (language as CardLanguage) : 'en';
}

const cache = new Map<string, Localizer>();

/** The localizer for a BCP 47 tag (memoised: building one compiles nothing until a message is used). */
export function localizer(tag?: string): Localizer {
  const key = (tag ?? '').trim();
  const known = cache.get(key);
  if (known) return known;
  const made = build(key);
  if (cache.size > 200) cache.clear();
  cache.set(key, made);
  return made;
}

function build(tag: string): Localizer {
  const language = resolveLanguage(tag);
  // Dates and numbers follow the person's own tag when it is one of our languages (en-GB writes
  // 05/12/2026, en-US 12/5/2026); otherwise the catalogue's language decides.
  const locale = language === PSEUDO_LOCALE ? 'en-US' : supportedTag(tag, language);
  const catalogue = CATALOGUES[language]();
  const compiled = new Map<MessageId, IntlMessageFormat>();
  const format = (id: MessageId): IntlMessageFormat => {
    let message = compiled.get(id);
    if (!message) {
      const source = catalogue[id] ?? MESSAGES_EN[id];
      message = new IntlMessageFormat(source, locale, undefined, { ignoreTag: true });
      compiled.set(id, message);
    }
    return message;
  };
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC', hourCycle: 'h23' });
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const numberFormat = new Intl.NumberFormat(locale);
  // English cards keep the ISO form (2026-01-05 13:00 UTC): an operations team reads it the same in
  // every English-speaking country. German and French get their own forms (05.01.2026, 5 janv. 2026).
  const isoStyle = language === 'en' || language === PSEUDO_LOCALE;
  const listFormat = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
  const self: Localizer = {
    language,
    locale,
    t(id, values) {
      const out = format(id).format(values as Record<string, string | number | Date> | undefined);
      return typeof out === 'string' ? out : String(out);
    },
    dateTime(iso) {
      const time = Date.parse(iso);
      if (Number.isNaN(time)) return iso;
      return self.t('common.utc', { time: isoStyle ? new Date(time).toISOString().slice(0, 16).replace('T', ' ') : dateTimeFormat.format(time) });
    },
    date(iso) {
      const time = Date.parse(iso);
      if (Number.isNaN(time)) return iso;
      return isoStyle ? new Date(time).toISOString().slice(0, 10) : dateFormat.format(time);
    },
    number: (value) => numberFormat.format(value),
    list: (items) => listFormat.format(items),
    duration(ms) {
      if (ms <= 0) return self.t('duration.none');
      const minutes = Math.floor(ms / 60_000);
      if (minutes < 1) return self.t('duration.underMinute');
      const days = Math.floor(minutes / 1440);
      const hours = Math.floor((minutes % 1440) / 60);
      const rest = minutes % 60;
      if (days > 0) return hours === 0 ? self.t('duration.days', { days }) : self.t('duration.daysHours', { days, hours });
      if (hours > 0) return rest === 0 ? self.t('duration.hours', { hours }) : self.t('duration.hoursMinutes', { hours, minutes: rest });
      return self.t('duration.minutes', { minutes: rest });
    },
    domain: (text) => (language === PSEUDO_LOCALE && text.trim() !== '' ? `${UNTRANSLATED_OPEN}${text}${UNTRANSLATED_CLOSE}` : text),
    say(value) {
      if (value === undefined) return '';
      if (typeof value === 'string') return self.domain(value);
      return self.sayStored(value.text, value);
    },
    sayStored(stored, message) {
      if (!message || formatMessage(english(), message) !== stored) return self.domain(stored);
      return formatMessage(self, message) ?? self.domain(stored);
    },
  };
  return self;
}

/** The catalogue English that domain messages are compared with (plain `en`: ISO dates, "a, b, and c"). */
const english = (): Localizer => localizer('en');

/** A message in a localizer's language, or undefined when the catalogue cannot say it (unknown id, a value missing). */
export function formatMessage(l: Localizer, message: Message): string | undefined {
  if (!isMessageId(message.id)) return undefined;
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(message.values ?? {})) {
    const formatted = formatValue(l, value);
    if (formatted === undefined) return undefined;
    values[name] = formatted;
  }
  try {
    return l.t(message.id, values);
  } catch {
    // A placeholder without a value: the domain and the catalogue disagree; the English is shown.
    return undefined;
  }
}

function formatValue(l: Localizer, value: MessageValue): string | number | undefined {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (isList(value)) {
    const items = value.map((item) => formatValue(l, item));
    if (items.some((item) => item === undefined)) return undefined;
    return l.list(items.map((item) => (typeof item === 'number' ? l.number(item) : (item as string))));
  }
  if (isMessage(value)) return formatMessage(l, value);
  if ('dateTime' in value) return l.dateTime(value.dateTime);
  return l.date(value.date);
}

const isList = (value: MessageValue): value is readonly MessageValue[] => Array.isArray(value);

function supportedTag(tag: string, language: CardLanguage): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.replace(/_/g, '-'));
    if (canonical && resolveLanguage(canonical) === language && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0) return canonical;
  } catch {
    // A malformed tag from a client: fall back to the language alone.
  }
  return language;
}

/**
 * The locale of a stored conversation reference (botbuilder keeps the activity's `locale` in it),
 * for cards posted or updated later without an activity; undefined (English) when it has none.
 */
export function referenceLocale(reference: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const locale = reference?.locale;
  return typeof locale === 'string' && locale !== '' ? locale : undefined;
}
