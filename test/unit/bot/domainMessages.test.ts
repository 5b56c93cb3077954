import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeError, describeErrorCode, ERROR_CODES } from '../../../src/core';
import { planHash, planText } from '../../../src/customerKey';
import { formatMessage, isMessageId, localizer } from '../../../src/bot/i18n/localizer';
import { planWords } from '../../../src/bot/i18n/planWords';
import { CHECKS_EN } from '../../../src/bot/i18n/domain/checksEn';
import { ERRORS_EN } from '../../../src/bot/i18n/domain/errorsEn';
import { JOURNEYS_EN } from '../../../src/bot/i18n/domain/journeysEn';
import { PLAN_EN } from '../../../src/bot/i18n/domain/planEn';
import { SPEC_EN } from '../../../src/bot/i18n/domain/specEn';
import { MESSAGES_DE } from '../../../src/bot/i18n/messagesDe';
import { MESSAGES_FR } from '../../../src/bot/i18n/messagesFr';
import { planFixtures } from '../customerKey/fixtures/planFixtures';

/**
 * The hashes of the fixture plans as Keyward computed them before the domain spoke in messages
 * (commit 574cd9f, plain English strings): approvals made then still verify, and how a plan's
 * sentences are shown can never change what is approved.
 */
const PINNED_HASHES: Readonly<Record<string, string>> = {
  'setup premium rbac exchange 3072': '2fdf237cda6f478fa775fdfc9a33faf839e5ab142bd75a9d9581a943d18f483f',
  'setup premium rbac custom role, three workloads 4096': 'c82ee03d0b0edfc9e529461e28e648beb5a8499f6b98e313a0f54c46b76b9acf',
  'setup premium access policies, multi-workload and SharePoint 2048': '89173d1062a10850232b9083d28c577262928b631a481d981d71b056937455bd',
  'setup hsm one human administrator': '3c5ca279fd6426488b08bf68ec9f4ce909cce438e49a33af8f231a37b0e9ffb8',
  'setup hsm two human administrators, five officers': '62baa8c9554b9ea8d2d8a9c6a4ec8d86c1a1cd3b98c0bd9bf7c3f85bdefb089f',
  'setup hsm only Keyward as administrator': '2ec92aa979aab3a9bcc4c1886cde1f28f67bd43793bb142c8828ea022e1a0e3a',
  'roll exchange key A, no DEP': '05fca0e2c9bd15676f050a6905fa14f60167d80350d8df7b5c79b3eec39d1be3',
  'roll exchange key B, two DEPs, Keyward runs': '399f63f2043e65bb2078f35ce9145bfe4768fa7a70bb7385961d71bdecf2914d',
  'roll multi-workload key A, operator runs': 'a96f356438ccd3faa9acd20df1e59efaa126e788f7794fdb7bcf8529218056c9',
  'roll SharePoint key A and B': '6baa6f2e5220d80cdba140623ba3ed6e0e56148ce30cc18edf08069ddd8da383',
  'roll HSM key': '57540e03f670724e74086dff4161710b39372c2f7e7d256317792b0dbc93e8c1',
  'teardown vault with purge protection': 'a849bc37ff7c5fff51aeb8b692ac3267de4b3e763f98d29d5142bdeb95ae4c2c',
  'teardown two HSMs, one without purge protection, one without keys': 'ad9018cf057de694581a1c79da8ac5c3df352798802cb027b43bf9e427becd7e',
  'teardown vault and HSM': 'c654af8f5bb4f18be89aad8fcc403ebccf0be4231a893d2ce116aedd8f7ab95b',
  'dep multi-workload, operator': 'e98eacfaa04a54083ad6ac0fb701210932336ff69accbd0ddfb051d7dde2badc',
  'dep multi-workload, Keyward runs app-only': '7734a6ed7c3cd405cff5444bf76aa813fe48b59d51db760eccd647ce577b5cca',
  'dep exchange listed mailboxes, no onboarding validation': '878aef6a53a92b960037f0b9c6e552d273823370b537815683c7c6e60e8d9483',
  'dep exchange all mailboxes, no keys checked': 'e3af534ea4170059cb8093d7aeb0b6d651721487720586a44f77aca4cbe40463',
  'dep SharePoint two geos': '40c7607ef7ad0deecb312be271b88409fd54e221de62a1fe491e7ca99425aee1',
};

const DOMAIN_CATALOGUES = { ...CHECKS_EN, ...SPEC_EN, ...PLAN_EN, ...JOURNEYS_EN, ...ERRORS_EN };

/** Technical words a translation keeps as they are (a cmdlet property, an API field). */
const KEPT_AS_IS = new Set(['hsmPlatform']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('what the domain says, in every language', () => {
  it('when the fixture plans are built, then each hash is exactly the one Keyward computed when plans held plain English', () => {
    const plans = planFixtures();
    assert.deepEqual(Object.keys(plans).sort(), Object.keys(PINNED_HASHES).sort());
    for (const [name, plan] of Object.entries(plans)) assert.equal(planHash(plan), PINNED_HASHES[name], name);
  });

  it('when a plan is shown, then every sentence it keeps is re-derived as a message whose English is that sentence, so German and French cards translate all of it', () => {
    const en = localizer('en');
    for (const [name, plan] of Object.entries(planFixtures())) {
      const said = planText(plan);
      const pairs: Array<[string, ReturnType<typeof planText>['title'] | undefined]> = [
        [plan.title, said.title],
        ...plan.steps.map((s, i) => [s.summary, said.steps[i]] as [string, typeof said.title]),
        ...plan.irreversible.map((line, i) => [line, said.irreversible[i]] as [string, typeof said.title]),
        ...plan.costNotes.map((line, i) => [line, said.costNotes[i]] as [string, typeof said.title]),
        ...(plan.keywardRights ?? []).map((line, i) => [line, said.keywardRights[i]] as [string, typeof said.title]),
      ];
      for (const [stored, message] of pairs) {
        assert.ok(message, `${name}: no message for "${stored}"`);
        assert.equal(message.text, stored, name);
        assert.equal(formatMessage(en, message), stored, `${name}: the catalogue's English`);
      }
      for (const tag of ['de-DE', 'fr-FR']) {
        const words = planWords(localizer(tag), plan);
        words.steps.forEach((line, i) => assert.notEqual(line, plan.steps[i]!.summary, `${name} (${tag}) step ${i + 1} is still English`));
        assert.notEqual(words.title, plan.title, `${name} (${tag}) title`);
      }
    }
  });

  it('when the domain names a message id, then the catalogue has it (every say(...) in src, including the ones no test reaches)', () => {
    const missing: string[] = [];
    for (const file of sourceFiles(path.resolve('src'))) {
      if (file.includes(`${path.sep}i18n${path.sep}`)) continue;
      const source = readFileSync(file, 'utf8');
      // Only the core's say (a file may have a helper of its own by that name).
      if (!/import\s*\{[^}]*\bsay\b[^}]*\}\s*from\s*'(?:\.\.?\/)+(?:core|core\/index|message)'/.test(source)) continue;
      for (const match of source.matchAll(/\bsay\(\s*'([A-Za-z0-9_.]+)'/g)) {
        if (!isMessageId(match[1]!)) missing.push(`${path.relative(process.cwd(), file)}: ${match[1]}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('when an error code is described, then the catalogue says exactly what src/core says, in English, German and French', () => {
    const en = localizer('en');
    for (const code of ERROR_CODES) {
      assert.equal(formatMessage(en, describeError(code)), describeErrorCode(code), code);
      for (const tag of ['de', 'fr']) {
        const said = formatMessage(localizer(tag), describeError(code));
        assert.ok(said && said !== describeErrorCode(code), `${code} in ${tag}`);
      }
    }
  });

  it('when German and French domain messages are compared with English, then none is a copy (only placeholders and technical words may stay the same)', () => {
    const copies: string[] = [];
    for (const [id, english] of Object.entries(DOMAIN_CATALOGUES)) {
      const words =
        english
          .replace(/\{[^{}]*\}/g, ' ')
          .replace(/\{[^{}]*\}/g, ' ')
          .match(/[A-Za-z]{4,}/g) ?? [];
      if (words.every((w) => KEPT_AS_IS.has(w))) continue;
      for (const [language, catalogue] of [
        ['de', MESSAGES_DE],
        ['fr', MESSAGES_FR],
      ] as const) {
        if ((catalogue as Readonly<Record<string, string>>)[id] === english) copies.push(`${language} ${id}`);
      }
    }
    assert.deepEqual(copies, []);
  });
});
