import { buildCardGallery } from './test/helpers/cardGallery';
import { visibleStrings, outsideCatalogue, hardCodedText } from './test/helpers/hardCodedText';
(async () => {
  const gallery = await buildCardGallery('qps-ploc');
  let total = 0;
  for (const entry of gallery) {
    const r = hardCodedText(entry.name, entry.card);
    if (r.findings.length) console.log('FINDING', entry.name, JSON.stringify(r.findings));
    for (const { field, text } of visibleStrings(entry.card)) {
      const m = text.match(/⟪[^⟫]*⟫/g);
      if (m) { total += m.length; for (const x of m) console.log(entry.name, '|', x.slice(0, 140)); }
    }
  }
  console.log('cards', gallery.length, 'untranslated', total);
  process.exit(0);
})();
