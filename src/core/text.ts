/**
 * Text that survives storage unchanged. JavaScript strings are UTF-16 and may hold lone surrogates
 * (half of a pair: a cut through an emoji, or `\ud800` typed into a hand-made activity); UTF-8
 * cannot encode those, so SQLite, PostgreSQL and every file store something else in their place.
 * Anything hashed or signed must first be made well-formed, so the hash covers what is stored.
 */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const REPLACEMENT = '\ufffd';

/**
 * The string with every lone surrogate replaced by U+FFFD, as a UTF-8 encoder would (the same as
 * ES2024 `String.prototype.toWellFormed`, which Node 20's TypeScript lib does not declare).
 */
export function wellFormedText(value: string): string {
  return value.replace(LONE_SURROGATE, REPLACEMENT);
}

/** True when the string holds no lone surrogate. */
export function isWellFormedText(value: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return !LONE_SURROGATE.test(value);
}

let segmenter: Intl.Segmenter | undefined | null;
function graphemes(): Intl.Segmenter | undefined {
  if (segmenter === undefined) {
    try {
      segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    } catch {
      segmenter = null; // a Node built without Intl.Segmenter: cut by code point instead
    }
  }
  return segmenter ?? undefined;
}

/**
 * `value` cut to at most `maxUnits` UTF-16 code units (the unit `.length` and the old `.slice`
 * counted, so stored limits stay the same), never inside a user-perceived character: not through
 * a surrogate pair, and not between an emoji and its modifier or zero-width joiner, or a letter
 * and its combining accent. When the text is cut, `ellipsis` is appended within the limit.
 */
export function truncateText(value: string, maxUnits: number, ellipsis = ''): string {
  if (value.length <= maxUnits) return value;
  const budget = Math.max(0, maxUnits - ellipsis.length);
  let end = 0;
  const segments = graphemes()?.segment(value);
  if (segments) {
    for (const { segment, index } of segments) {
      if (index + segment.length > budget) break;
      end = index + segment.length;
    }
  } else {
    for (const char of value) {
      if (end + char.length > budget) break;
      end += char.length;
    }
  }
  return `${value.slice(0, end)}${ellipsis}`;
}
