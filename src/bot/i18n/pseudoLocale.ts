import { IntlMessageFormat } from 'intl-messageformat';
import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/**
 * The pseudo-locale (Microsoft's tag for it): English with accents, every word about 40% longer,
 * each message in ⟦ ⟧. A card drawn in it shows at a glance (and to a test) which text did not
 * come from the catalogue, and whether a layout survives the longer words of German or French.
 */
export const PSEUDO_LOCALE = 'qps-ploc';
export const PSEUDO_OPEN = '⟦';
export const PSEUDO_CLOSE = '⟧';
/** Around domain prose that has no catalogue entry yet (see Localizer.domain). */
export const UNTRANSLATED_OPEN = '⟪';
export const UNTRANSLATED_CLOSE = '⟫';

const ACCENTS: Readonly<Record<string, string>> = {
  a: 'á',
  b: 'ƀ',
  c: 'ç',
  d: 'ð',
  e: 'é',
  f: 'ƒ',
  g: 'ĝ',
  h: 'ĥ',
  i: 'í',
  j: 'ĵ',
  k: 'ķ',
  l: 'ļ',
  m: 'ɱ',
  n: 'ñ',
  o: 'ö',
  p: 'þ',
  q: 'ǫ',
  r: 'ŕ',
  s: 'š',
  t: 'ţ',
  u: 'û',
  v: 'ṽ',
  w: 'ŵ',
  x: 'ẋ',
  y: 'ý',
  z: 'ž',
  A: 'Å',
  B: 'Ɓ',
  C: 'Ç',
  D: 'Ð',
  E: 'É',
  F: 'Ƒ',
  G: 'Ĝ',
  H: 'Ĥ',
  I: 'Î',
  J: 'Ĵ',
  K: 'Ķ',
  L: 'Ļ',
  M: 'Ṁ',
  N: 'Ñ',
  O: 'Ö',
  P: 'Þ',
  Q: 'Ǫ',
  R: 'Ŕ',
  S: 'Š',
  T: 'Ţ',
  U: 'Û',
  V: 'Ṽ',
  W: 'Ŵ',
  X: 'Ẋ',
  Y: 'Ý',
  Z: 'Ž',
};

/** Markdown link targets and bare URLs stay as they are: they must still work. */
const PROTECTED = /(\]\([^)]*\)|https?:\/\/\S+)/g;

/** One literal run in pseudo form: accented letters, each word ~40% longer. */
export function pseudoText(text: string): string {
  return text
    .split(PROTECTED)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/[A-Za-z]+/g, (word) => {
            const accented = [...word].map((ch) => ACCENTS[ch] ?? ch).join('');
            const extra = Math.ceil(word.length * 0.4);
            const pad = [...accented.toLowerCase()].filter((ch) => 'áéíöûý'.includes(ch));
            return (
              accented +
              (pad.length > 0 ? pad : ['ë'])
                .join('')
                .repeat(Math.ceil(extra / Math.max(1, pad.length)))
                .slice(0, extra)
            );
          }),
    )
    .join('');
}

function transform(elements: readonly MessageFormatElement[]): MessageFormatElement[] {
  return elements.map((element) => {
    if (element.type === TYPE.literal) return { ...element, value: pseudoText(element.value) };
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      return {
        ...element,
        options: Object.fromEntries(Object.entries(element.options).map(([key, option]) => [key, { ...option, value: transform(option.value) }])),
      } as MessageFormatElement;
    }
    return element;
  });
}

/** The pseudo catalogue, made from the English one (placeholders and plurals kept). */
export function pseudoCatalogue<T extends Record<string, string>>(english: T): Record<keyof T, string> & Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [id, source] of Object.entries(english)) {
    const ast = new IntlMessageFormat(source, 'en', undefined, { ignoreTag: true }).getAst();
    out[id] = [{ type: TYPE.literal, value: PSEUDO_OPEN }, ...transform(ast), { type: TYPE.literal, value: PSEUDO_CLOSE }];
  }
  return out as Record<keyof T, string> & Record<string, unknown>;
}
