import assert from 'node:assert/strict';
import { buildCardGallery, type GalleryCard } from '../../helpers/cardGallery';
import { cardProblems } from '../../helpers/cardRules';

/** Issue 11 item 10: the availability key is explained where a person chooses keys and rolls them. */
describe('availability key on the cards', () => {
  let gallery: GalleryCard[];
  before(async function () {
    this.timeout(60_000);
    gallery = await buildCardGallery();
  });
  const cardText = (name: string) => {
    const found = gallery.find((c) => c.name === name);
    assert.ok(found, `no card ${name}`);
    assert.deepEqual(cardProblems(found.card), []);
    return JSON.stringify(found.card);
  };

  it('when the protection choice card is shown, then it says what the availability key is, that Microsoft holds and rolls it, and when Microsoft uses it', () => {
    const text = cardText('setup-1-choice');
    assert.match(text, /availability key/);
    assert.match(text, /Microsoft creates and holds it/);
    assert.match(text, /Rolling key A or key B never touches the availability key: Microsoft rolls it/);
    assert.match(text, /when neither of your keys can be reached/);
    assert.match(text, /customer-key-availability-key-understand/);
  });

  for (const name of ['roll-1-choose', 'roll-2-preview', 'roll-4-done']) {
    it(`when the ${name} card is shown, then it says the roll never touches the availability key`, () => {
      assert.match(cardText(name), /never touches the availability key/);
    });
  }
});
