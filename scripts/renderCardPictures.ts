/**
 * `npm run docs:cards`: draws every card with the official Adaptive Cards renderer in headless
 * Chromium and writes docs/cards/<name>.png (500 px, desktop), docs/cards/<name>-phone.png
 * (360 px, a phone: buttons stacked), a few representative cards in German and French
 * (docs/cards/de/, docs/cards/fr/, phone width), and docs/cards/README.md (the gallery the main
 * README links). Needs Debian's chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildCardGallery } from '../test/helpers/cardGallery';
import { launchChromium } from '../test/helpers/chromium';
import { measureCard, prepareCardPage } from './cards/renderPage';

const DESKTOP = 500;
const PHONE = 360;
/** The cards drawn in German and French: first contact, the decision, approval, trouble, destruction. */
const LOCALIZED = ['welcome', 'setup-1-choice', 'setup-2-sites-errors', 'setup-4-approvers', 'approval-1-pending', 'run-3-stopped', 'teardown-3-confirm'];
const LANGUAGES = [
  { dir: 'de', locale: 'de-DE', name: 'Deutsch' },
  { dir: 'fr', locale: 'fr-FR', name: 'Français' },
] as const;

async function main(): Promise<void> {
  const out = path.resolve(__dirname, '..', 'docs', 'cards');
  fs.mkdirSync(out, { recursive: true });
  const gallery = await buildCardGallery();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 700, height: 900 }, deviceScaleFactor: 1 });
    await prepareCardPage(page);
    const draw = async (card: unknown, width: number, file: string): Promise<number> => {
      const layout = await measureCard(page, card, width);
      if (layout.errors.length > 0) throw new Error(`${file}: ${layout.errors.join('; ')}`);
      await page.locator('#frame').screenshot({ path: file });
      return Math.round(layout.height);
    };
    const lines = [
      '# Keyward cards',
      '',
      'Drawn by the official Adaptive Cards renderer (npm `adaptivecards`) in headless Chromium with a Teams-like host config; regenerate with `npm run docs:cards`.',
      `Each card is shown at ${DESKTOP} px (desktop) and at a phone's ${PHONE} px, where the card's buttons are stacked (UNCONFIRMED: Teams mobile's own layout of card buttons is not documented). Long explanations, scripts, green checks and plan steps open in place with a "Show …" button; the pictures show the cards closed, as they arrive.`,
      '',
      `German and French: [Deutsch](#deutsch) · [Français](#français). The text comes from the message catalogue (src/bot/i18n); prose the domain writes (preflight lines, validation messages, plan steps) is still English.`,
      '',
    ];
    for (const entry of gallery) {
      const desktop = await draw(entry.card, DESKTOP, path.join(out, `${entry.name}.png`));
      const phone = await draw(entry.card, PHONE, path.join(out, `${entry.name}-phone.png`));
      lines.push(
        `## ${entry.title}`,
        '',
        `| ${DESKTOP} px (${desktop} px tall) | ${PHONE} px phone (${phone} px tall) |`,
        '| --- | --- |',
        `| ![${entry.title}](${entry.name}.png) | ![${entry.title}, phone](${entry.name}-phone.png) |`,
        '',
      );
      console.log(`drew ${entry.name} (${desktop} px; phone ${phone} px)`);
    }
    for (const language of LANGUAGES) {
      const dir = path.join(out, language.dir);
      fs.mkdirSync(dir, { recursive: true });
      const localized = await buildCardGallery(language.locale);
      lines.push(`## ${language.name}`, '', `${language.locale}, ${PHONE} px phone.`, '');
      for (const name of LOCALIZED) {
        const entry = localized.find((e) => e.name === name);
        if (!entry) throw new Error(`no card ${name} in the gallery`);
        await draw(entry.card, PHONE, path.join(dir, `${name}.png`));
        lines.push(`![${entry.title} (${language.locale})](${language.dir}/${name}.png)`, '');
      }
      console.log(`drew ${LOCALIZED.length} cards in ${language.locale}`);
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
