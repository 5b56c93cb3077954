import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { buildCardGallery, type GalleryCard } from '../helpers/cardGallery';
import { chromiumPath, launchChromium } from '../helpers/chromium';
import { assertValidCard } from '../helpers/cardRules';
import { expandAllDetails, layoutProblems } from '../helpers/cardLayout';
import { hardCodedText, visibleStrings } from '../helpers/hardCodedText';
import { measureCard, prepareCardPage } from '../../scripts/cards/renderPage';
import { PSEUDO_LOCALE } from '../../src/bot/i18n/pseudoLocale';

/**
 * Every card of the gallery in German, French and the pseudo-locale (accented, ~40% longer,
 * bracketed): no text outside the catalogue, and nothing clipped or broken inside a word on a
 * 320 px phone (German and French also at 360 and 500 px).
 */
describe('every card in German, French and the pseudo-locale', function () {
  this.timeout(600_000);
  const galleries = new Map<string, GalleryCard[]>();
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    for (const locale of ['de-DE', 'fr-FR', PSEUDO_LOCALE]) galleries.set(locale, await buildCardGallery(locale));
  });
  after(async () => {
    await browser?.close();
  });

  it("when every card is drawn in the pseudo-locale, then all its text comes from the catalogue, the domain's included (only names, ids, hashes, URLs and code stand outside the brackets)", () => {
    const gallery = galleries.get(PSEUDO_LOCALE)!;
    const findings = gallery.flatMap((entry) => hardCodedText(entry.name, entry.card).findings);
    assert.deepEqual(findings, []);
    assert.ok(gallery.length >= 40, `the gallery has every card (${gallery.length})`);
  });

  it('when a hard-coded English sentence or button sits on a card, then the pseudo-locale check finds it', () => {
    const card = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: '⟦Ţĥíš íš ƒíñé⟧ but this is not' }],
      actions: [{ type: 'Action.Execute', title: 'Next', verb: 'v' }],
    };
    assert.equal(hardCodedText('probe', card).findings.length, 2);
    assert.equal(
      hardCodedText('probe', { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: '⟦Ţĥíš⟧ kv-ck-ex-a-7h2q, Alex Approver, 2026-01-05 13:00' }] }).findings
        .length,
      0,
    );
    // Domain prose stored as a plain string (not a message) is a finding too, even inside a catalogue message.
    assert.equal(
      hardCodedText('probe', { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: '⟦Ţĥé ŕûñ šţöþþéð: ⟪Subscription X is Disabled.⟫⟧' }] }).findings.length,
      1,
    );
  });

  it('when every card is rendered in German and French, then it follows the card rules and no English catalogue text is left on it', () => {
    for (const locale of ['de-DE', 'fr-FR']) {
      for (const entry of galleries.get(locale)!) {
        assertValidCard(entry.card, `${entry.name} (${locale})`);
        const texts = visibleStrings(entry.card)
          .map((s) => s.text)
          .join('\n');
        assert.doesNotMatch(texts, /Show the|Submit for approval|Cancel setup|Where should the keys live|Approval needed/, `${entry.name} (${locale})`);
      }
    }
  });

  it('when every card is drawn in German and French at 320, 360 and 500 px and in the pseudo-locale at 320 px, closed and opened, then nothing is clipped and no word breaks inside its letters', async function () {
    if (!chromiumPath()) {
      if (process.env.CI) throw new Error('Chromium is required in CI (apt-get install chromium).');
      this.skip();
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 700, height: 900 } });
    await prepareCardPage(page);
    const problems: string[] = [];
    for (const [locale, widths] of [
      ['de-DE', [320, 360, 500]],
      ['fr-FR', [320, 360, 500]],
      [PSEUDO_LOCALE, [320]],
    ] as const) {
      for (const entry of galleries.get(locale)!) {
        for (const width of widths) {
          problems.push(...layoutProblems(`${entry.name} (${locale}) @${width}`, await measureCard(page, entry.card, width)));
          problems.push(...layoutProblems(`${entry.name} (${locale}) @${width} opened`, await measureCard(page, expandAllDetails(entry.card), width)));
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
