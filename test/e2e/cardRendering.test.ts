import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { buildCardGallery, type GalleryCard } from '../helpers/cardGallery';
import { chromiumPath, launchChromium } from '../helpers/chromium';
import { assertValidCard } from '../helpers/cardRules';
import { expandAllDetails, layoutProblems } from '../helpers/cardLayout';
import { measureCard, prepareCardPage, renderCard } from '../../scripts/cards/renderPage';

/** A phone's first screen, in px from the card's top (a 360 × 740 screen less Teams' own bars). */
export const FIRST_SCREEN_PX = 640;
export const WIDTHS = [320, 360, 500] as const;

describe('every card as the official Adaptive Cards renderer draws it in headless Chromium', function () {
  this.timeout(300_000);
  let browser: Browser | undefined;
  let page: Page;
  let gallery: GalleryCard[];

  before(async function () {
    if (!chromiumPath()) {
      // CI installs Chromium (.ci/run); there a missing browser is a failure, not a skip.
      if (process.env.CI) throw new Error('Chromium is required in CI (apt-get install chromium).');
      this.skip();
    }
    gallery = await buildCardGallery();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 700, height: 900 } });
    await prepareCardPage(page);
  });
  after(async () => {
    await browser?.close();
  });

  it('when each card is rendered, then it follows the card rules, draws without renderer errors, and has height', async () => {
    assert.ok(gallery.length >= 10, 'the gallery covers the journey');
    for (const entry of gallery) {
      assertValidCard(entry.card, entry.name);
      const result = await renderCard(page, entry.card);
      assert.deepEqual(result.errors, [], `${entry.name} renders without errors`);
      assert.ok(result.height > 100, `${entry.name} has visible content (${result.height}px)`);
    }
  });

  it('when each card is drawn at 320, 360 and 500 px, closed and with every detail opened, then nothing is clipped and no word breaks inside its letters', async () => {
    const problems: string[] = [];
    for (const entry of gallery) {
      for (const width of WIDTHS) {
        problems.push(...layoutProblems(`${entry.name} @${width}`, await measureCard(page, entry.card, width)));
        problems.push(...layoutProblems(`${entry.name} @${width} opened`, await measureCard(page, expandAllDetails(entry.card), width)));
      }
    }
    assert.deepEqual(problems, []);
  });

  it("when each card is drawn at a phone's 320 and 360 px, then its first control (what to decide) is on the first screen", async () => {
    const late: string[] = [];
    for (const entry of gallery) {
      for (const width of [320, 360]) {
        const layout = await measureCard(page, entry.card, width);
        if (layout.firstControlTop > FIRST_SCREEN_PX)
          late.push(`${entry.name} @${width}: first control at ${Math.round(layout.firstControlTop)} px of ${Math.round(layout.height)}`);
      }
    }
    assert.deepEqual(late, []);
  });

  it('when the setup choice card is drawn at 360 px, then both options, the workloads and Next fit the first screen, with no label cut off (it was 1,744 px with the choice at the bottom)', async () => {
    const choice = gallery.find((entry) => entry.name === 'setup-1-choice');
    assert.ok(choice);
    const layout = await measureCard(page, choice.card, 360);
    assert.ok(layout.height <= FIRST_SCREEN_PX, `the choice card is ${Math.round(layout.height)} px tall at 360 px`);
    assert.ok(layout.primaryActionTop > 0 && layout.primaryActionTop < FIRST_SCREEN_PX, `Next sits at ${Math.round(layout.primaryActionTop)} px`);
    const labels = await page.locator('#frame label').allInnerTexts();
    assert.ok(
      labels.some((label) => /Managed HSM: single-tenant, you hold the security domain; billed hourly per HSM/.test(label.replace(/\s+/g, ' '))),
      `the second option's whole label is shown: ${labels.join(' | ')}`,
    );
    assert.deepEqual(layout.clipped, []);
    // "Premium" broke inside the word in the comparison table; the comparison opens in place now.
    const opened = await measureCard(page, expandAllDetails(choice.card), 360);
    assert.deepEqual(opened.brokenWords, []);
    assert.match(await page.locator('#frame').innerText(), /Key Vault Premium:/);
  });

  it('when a card breaks a word in a narrow FactSet column or cuts a choice label, then the layout check reports both (the check can fail)', async () => {
    const broken = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        {
          type: 'FactSet',
          facts: [
            { title: 'Datenverschlüsselungsrichtlinie', value: 'Eine sehr lange Beschreibung, die die Titelspalte der FactSet auf einem Telefon zusammendrückt und weiterläuft.' },
          ],
        },
        {
          type: 'Input.ChoiceSet',
          id: 'p',
          label: 'Protection',
          style: 'expanded',
          wrap: false,
          choices: [{ title: 'Azure Managed HSM (single-tenant, your security domain), billed hourly per HSM', value: 'b' }],
        },
      ],
    };
    const layout = await measureCard(page, broken, 320);
    assert.ok(
      layout.brokenWords.some((b) => b.word === 'Datenverschlüsselungsrichtlinie'),
      JSON.stringify(layout.brokenWords),
    );
    assert.ok(
      layout.clipped.some((c) => c.text.startsWith('Azure Managed HSM')),
      JSON.stringify(layout.clipped),
    );
  });

  it('when the preview card is drawn, then the plan hash and the submit button are visible on the page', async () => {
    const preview = gallery.find((entry) => entry.name === 'setup-7-preview');
    assert.ok(preview);
    await renderCard(page, preview.card);
    const textContent = await page.locator('#frame').innerText();
    assert.match(textContent, /[0-9a-f]{64}/);
    assert.match(textContent, /Submit for approval/);
  });
});
