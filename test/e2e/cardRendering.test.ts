import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { buildCardGallery, type GalleryCard } from '../helpers/cardGallery';
import { chromiumPath, launchChromium } from '../helpers/chromium';
import { assertValidCard } from '../helpers/cardRules';
import { prepareCardPage, renderCard } from '../../scripts/cards/renderPage';

describe('every card as the official Adaptive Cards renderer draws it in headless Chromium', function () {
  this.timeout(120_000);
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
    page = await browser.newPage({ viewport: { width: 560, height: 800 } });
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

  it('when the preview card is drawn, then the plan hash and the submit button are visible on the page', async () => {
    const preview = gallery.find((entry) => entry.name === 'setup-7-preview');
    assert.ok(preview);
    await renderCard(page, preview.card);
    const textContent = await page.locator('#frame').innerText();
    assert.match(textContent, /[0-9a-f]{64}/);
    assert.match(textContent, /Submit for approval/);
  });
});
