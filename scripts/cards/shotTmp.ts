import { buildCardGallery } from '../../test/helpers/cardGallery';
import { launchChromium } from '../../test/helpers/chromium';
import { prepareCardPage, measureCard } from './renderPage';
async function main() {
  const gallery = await buildCardGallery();
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 700, height: 900 } });
  await prepareCardPage(page);
  const width = Number(process.argv[3] ?? 360);
  for (const e of gallery.filter((g) => process.argv[2]!.split(',').includes(g.name))) {
    await measureCard(page, e.card, width);
    await page.locator('#frame').screenshot({ path: `/tmp/shot-${e.name}-${width}.png` });
  }
  await browser.close();
}
void main();
