import assert from 'node:assert/strict';
import { IntlMessageFormat } from 'intl-messageformat';
import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { MESSAGES_EN, type MessageId } from '../../../src/bot/i18n/messagesEn';
import { MESSAGES_DE } from '../../../src/bot/i18n/messagesDe';
import { MESSAGES_FR } from '../../../src/bot/i18n/messagesFr';
import { isMessageId, localizer, resolveLanguage } from '../../../src/bot/i18n/localizer';
import { PSEUDO_CLOSE, PSEUDO_LOCALE, PSEUDO_OPEN } from '../../../src/bot/i18n/pseudoLocale';
import { DOC_LINKS, MANAGED_HSM_COST_ACKNOWLEDGMENT, PROTECTION_COMPARISON, WORKLOAD_INFO, WORKLOADS } from '../../../src/customerKey';
import { OPERATION_CLASS_TITLES, OPERATION_CLASSES } from '../../../src/approvals/approvalTypes';
import { COMPARISON_TOPICS } from '../../../src/bot/setup/setupCards';

interface Argument {
  type: string;
  options?: string[];
}

/** name → how it is used (plain, number, date, plural or select with its option keys). */
function argumentsOf(source: string): Map<string, Argument> {
  const out = new Map<string, Argument>();
  const walk = (elements: readonly MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.literal || element.type === TYPE.pound || element.type === TYPE.tag) continue;
      const type = TYPE[element.type];
      if (element.type === TYPE.select) {
        out.set(element.value, { type, options: Object.keys(element.options).sort() });
        for (const option of Object.values(element.options)) walk(option.value);
      } else if (element.type === TYPE.plural) {
        out.set(element.value, { type });
        for (const option of Object.values(element.options)) walk(option.value);
      } else if (!out.has(element.value)) {
        out.set(element.value, { type });
      }
    }
  };
  walk(new IntlMessageFormat(source, 'en', undefined, { ignoreTag: true }).getAst());
  return out;
}

const sampleValues = (args: Map<string, Argument>): Record<string, string | number> =>
  Object.fromEntries(
    [...args].map(([name, arg]) => [
      name,
      arg.type === 'plural' || arg.type === 'number' ? 3 : arg.type === 'select' ? (arg.options?.find((o) => o !== 'other') ?? 'other') : `‹${name}›`,
    ]),
  );

const TRANSLATIONS = { de: MESSAGES_DE, fr: MESSAGES_FR } as const;

describe('the message catalogue (English, German, French, pseudo-locale)', () => {
  it('when German and French are compared with English, then every message exists with the same placeholders used the same way', () => {
    const problems: string[] = [];
    for (const [language, catalogue] of Object.entries(TRANSLATIONS)) {
      for (const id of Object.keys(MESSAGES_EN) as MessageId[]) {
        const english = argumentsOf(MESSAGES_EN[id]);
        const source = catalogue[id];
        if (typeof source !== 'string' || source.trim() === '') {
          problems.push(`${language} ${id}: missing`);
          continue;
        }
        let translated: Map<string, Argument>;
        try {
          translated = argumentsOf(source);
        } catch (error) {
          problems.push(`${language} ${id}: does not parse (${(error as Error).message})`);
          continue;
        }
        const describe = (args: Map<string, Argument>) => JSON.stringify([...args].sort(([a], [b]) => a.localeCompare(b)));
        if (describe(english) !== describe(translated)) problems.push(`${language} ${id}: placeholders ${describe(translated)} differ from English ${describe(english)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('when every message is formatted in every language with sample values, then each value appears and no ICU syntax is left over (an apostrophe before { would swallow a placeholder)', () => {
    const problems: string[] = [];
    for (const language of ['en', 'de', 'fr', PSEUDO_LOCALE]) {
      const l = localizer(language);
      for (const id of Object.keys(MESSAGES_EN) as MessageId[]) {
        const args = argumentsOf(MESSAGES_EN[id]);
        const values = sampleValues(args);
        const out = l.t(id, values);
        for (const [name, value] of Object.entries(values))
          if (typeof value === 'string' && value.startsWith('‹') && !out.includes(value)) problems.push(`${language} ${id}: {${name}} is not in "${out}"`);
        if (/[{}]/.test(out)) problems.push(`${language} ${id}: ICU syntax left in "${out}"`);
        if (language !== 'en' && language !== PSEUDO_LOCALE && /'/.test(out)) problems.push(`${language} ${id}: ASCII apostrophe in "${out}" (use ’)`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('when a locale comes from an activity, then de-AT and fr-CA get German and French, and unknown, empty or malformed tags fall back to English', () => {
    assert.equal(resolveLanguage('de-AT'), 'de');
    assert.equal(resolveLanguage('fr-CA'), 'fr');
    assert.equal(resolveLanguage('FR_fr'), 'fr');
    assert.equal(resolveLanguage('en-GB'), 'en');
    assert.equal(resolveLanguage('es-ES'), 'en');
    assert.equal(resolveLanguage(''), 'en');
    assert.equal(resolveLanguage(undefined), 'en');
    assert.equal(resolveLanguage('not a tag!'), 'en');
    assert.equal(localizer('es-ES').t('approval.approve'), 'Approve');
    assert.equal(localizer('not a tag!').t('approval.approve'), 'Approve');
  });

  it('when dates, numbers and plurals are formatted, then each language uses its own forms (English keeps the ISO date), always in UTC', () => {
    const at = '2026-01-05T13:07:00Z';
    assert.equal(localizer('en-US').dateTime(at), '2026-01-05 13:07 UTC');
    assert.equal(localizer('de-DE').dateTime(at), '05.01.2026, 13:07 UTC');
    assert.match(localizer('fr-FR').dateTime(at), /^5 janv\. 2026,? 13:07 UTC$/);
    assert.equal(localizer('de-DE').number(1234.5), '1.234,5');
    assert.equal(localizer('fr-FR').number(1234.5).replace(/\s/g, ' '), '1 234,5');
    assert.match(localizer('de').t('common.fieldsNeedAttention', { count: 1 }), /^Ein Feld braucht/);
    assert.match(localizer('de').t('common.fieldsNeedAttention', { count: 3 }), /^3 Felder brauchen/);
    assert.match(localizer('fr').t('common.fieldsNeedAttention', { count: 1 }), /^Un champ demande/);
    assert.match(localizer('fr').t('common.fieldsNeedAttention', { count: 3 }), /^3 champs demandent/);
    assert.equal(localizer('de').duration(26 * 3600_000), '1\u00a0T.\u00a02\u00a0Std.');
  });

  it('when the pseudo-locale formats a message, then it is bracketed, accented and about 40% longer, with the placeholders kept as they are', () => {
    const l = localizer(PSEUDO_LOCALE);
    const out = l.t('approval.status.approved', { approvers: 'Alex Approver', until: '2026-01-05 13:00 UTC' });
    assert.ok(out.startsWith(PSEUDO_OPEN) && out.endsWith(PSEUDO_CLOSE), out);
    assert.match(out, /Alex Approver/);
    assert.match(out, /Åþþŕöṽéð/);
    const plain = localizer('en').t('setup.choice.intro');
    assert.ok(l.t('setup.choice.intro').length >= plain.length * 1.35, 'about 40% longer');
  });

  it('when the domain facts the catalogue repeats change, then this test says so (move the new text into the catalogue and its translations)', () => {
    const en = localizer('en');
    assert.equal(PROTECTION_COMPARISON.length, COMPARISON_TOPICS.length);
    PROTECTION_COMPARISON.forEach((row, i) => {
      const topic = COMPARISON_TOPICS[i]!;
      assert.equal(en.t(`setup.compare.${topic}.topic`), row.topic);
      assert.equal(en.t(`setup.compare.${topic}.premium`), row.keyVaultPremium);
      assert.equal(en.t(`setup.compare.${topic}.hsm`), row.managedHsm);
    });
    for (const w of WORKLOADS) {
      assert.equal(en.t(`workload.${w}.name`), WORKLOAD_INFO[w].displayName);
      assert.equal(en.t(`workload.${w}.covers`), WORKLOAD_INFO[w].covers);
    }
    assert.equal(en.t('setup.hsm.costAck'), MANAGED_HSM_COST_ACKNOWLEDGMENT);
    for (const c of OPERATION_CLASSES) assert.equal(en.t(`approval.class.${c}`), OPERATION_CLASS_TITLES[c]);
    for (const [key, link] of Object.entries(DOC_LINKS)) {
      const id = `doc.${key}`;
      assert.ok(isMessageId(id), `the catalogue has the title of ${link.url}`);
      assert.equal(en.t(id), link.title);
    }
  });
});
