/**
 * `npm run docs:cards`: draws every card with the official Adaptive Cards renderer in headless
 * Chromium and writes docs/cards/<name>.png plus docs/cards/README.md (the gallery the main README
 * links). Needs Debian's chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildCardGallery } from '../test/helpers/cardGallery';
import { launchChromium } from '../test/helpers/chromium';
import { prepareCardPage, renderCard } from './cards/renderPage';

async function main(): Promise<void> {
  const out = path.resolve(__dirname, '..', 'docs', 'cards');
  fs.mkdirSync(out, { recursive: true });
  const gallery = await buildCardGallery();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 560, height: 800 }, deviceScaleFactor: 1 });
    await prepareCardPage(page);
    const lines = ['# Keyward cards', '', 'Drawn by the official Adaptive Cards renderer (npm `adaptivecards`) in headless Chromium with a Teams-like host config; regenerate with `npm run docs:cards`.', ''];
    for (const entry of gallery) {
      const result = await renderCard(page, entry.card);
      if (result.errors.length > 0) throw new Error(`${entry.name}: ${result.errors.join('; ')}`);
      await page.locator('#frame').screenshot({ path: path.join(out, `${entry.name}.png`) });
      lines.push(`## ${entry.title}`, '', `![${entry.title}](${entry.name}.png)`, '');
      console.log(`drew ${entry.name} (${Math.round(result.height)} px)`);
    }
    fs.writeFileSync(path.join(out, 'README.md'), lines.join('\n'));
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
