import { buildCardGallery } from '../../test/helpers/cardGallery';
import { launchChromium } from '../../test/helpers/chromium';
import { prepareCardPage, measureCard } from './renderPage';
async function main() {
  const gallery = await buildCardGallery();
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 700, height: 900 } });
  await prepareCardPage(page);
  const only = process.argv[2];
  for (const e of gallery) {
    if (only && !e.name.startsWith(only)) continue;
    for (const w of [320, 360, 500]) {
      const m = await measureCard(page, e.card, w);
      const bad = m.clipped.length + m.brokenWords.length;
      console.log(`${e.name} @${w}: h=${Math.round(m.height)} first=${Math.round(m.firstControlTop)} lastBtn=${Math.round(m.primaryActionTop)} clipped=${m.clipped.length} broken=${m.brokenWords.length}`);
      if (bad && w !== 500 || bad && process.env.V) { for (const c of m.clipped.slice(0,4)) console.log('   CLIP', JSON.stringify(c)); for (const b of m.brokenWords.slice(0,4)) console.log('   BREAK', JSON.stringify(b)); }
    }
  }
  await browser.close();
}
main();
