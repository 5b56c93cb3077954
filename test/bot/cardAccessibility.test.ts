import assert from 'node:assert/strict';
import { buildCardGallery, type GalleryCard } from '../helpers/cardGallery';
import { localizer } from '../../src/bot/i18n/localizer';

type Node = Record<string, unknown>;

/** Every element with the items array it sits in, so a test can look at its neighbours. */
function elements(card: unknown): Array<{ node: Node; siblings: Node[]; index: number }> {
  const out: Array<{ node: Node; siblings: Node[]; index: number }> = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (item && typeof item === 'object') out.push({ node: item as Node, siblings: value as Node[], index });
        visit(item);
      });
    } else if (value && typeof value === 'object') {
      for (const child of Object.values(value)) visit(child);
    }
  };
  visit(card);
  return out;
}

const typeOf = (node: Node) => (typeof node.type === 'string' ? node.type : '');

describe('accessibility of every card in the gallery (English, German, French)', function () {
  this.timeout(120_000);
  const galleries = new Map<string, GalleryCard[]>();
  before(async () => {
    for (const locale of ['en-US', 'de-DE', 'fr-FR']) galleries.set(locale, await buildCardGallery(locale));
  });

  it('when any card has an input, then it carries a visible label, and a required input says in words what is wrong', () => {
    const problems: string[] = [];
    for (const [locale, gallery] of galleries) {
      for (const entry of gallery) {
        for (const { node } of elements(entry.card)) {
          if (!typeOf(node).startsWith('Input.')) continue;
          if (typeof node.label !== 'string' || node.label.trim().length < 2) problems.push(`${entry.name} (${locale}): ${String(node.id)} has no label`);
          if (node.isRequired === true && (typeof node.errorMessage !== 'string' || node.errorMessage.trim() === ''))
            problems.push(`${entry.name} (${locale}): required ${String(node.id)} has no errorMessage`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('when a field has a problem, then the message sits right under that field and starts with the word for it ("Problem:", "Problème :"), not only a colour', () => {
    for (const [locale, gallery] of galleries) {
      const l = localizer(locale);
      const withErrors = gallery.find((entry) => entry.name === 'setup-2-sites-errors')!;
      const all = elements(withErrors.card);
      const messages = all.filter(({ node }) => typeof node.id === 'string' && /\.(error|warning)$/.test(node.id));
      assert.ok(messages.length >= 2, `${locale}: the sites card shows its two mistakes`);
      for (const { node, siblings, index } of messages) {
        const inputId = String(node.id).replace(/\.(error|warning)$/, '');
        const input = all.find(({ node: n }) => n.id === inputId && typeOf(n).startsWith('Input.'));
        if (input) assert.equal(siblings[index - 1]?.id, inputId, `${locale}: the message for ${inputId} follows its field`);
        const label = String(node.id).endsWith('.error') ? l.t('notice.error') : l.t('notice.warning');
        assert.ok(String(node.text).startsWith(`**${label}`), `${locale}: "${String(node.text)}" starts with "${label}"`);
      }
    }
  });

  it('when any card shows state in colour, then words say the same thing (a bold label or a status word first)', () => {
    const problems: string[] = [];
    for (const [locale, gallery] of galleries) {
      for (const entry of gallery) {
        for (const { node } of elements(entry.card)) {
          if (typeOf(node) !== 'TextBlock' || node.color === undefined) continue;
          const text = String(node.text ?? '');
          if (!/^(\*\*[^*]{2,}\*\*|[^\p{L}\s]*\s*\p{L}{2,})/u.test(text)) problems.push(`${entry.name} (${locale}): coloured "${text.slice(0, 60)}" does not start with words`);
        }
        for (const { node } of elements(entry.card)) {
          if (typeOf(node) === 'Container' && typeof node.style === 'string' && ['good', 'attention', 'warning'].includes(node.style)) {
            const words = elements(node.items).some(({ node: n }) => typeOf(n) === 'TextBlock' && /\p{L}{2,}/u.test(String(n.text ?? '')));
            if (!words) problems.push(`${entry.name} (${locale}): a ${node.style} container without words`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('when any card has an image or a button, then the image has alt text and every button a title', () => {
    const problems: string[] = [];
    for (const [locale, gallery] of galleries) {
      for (const entry of gallery) {
        for (const { node } of elements(entry.card)) {
          if (typeOf(node) === 'Image' && (typeof node.altText !== 'string' || node.altText.trim() === '')) problems.push(`${entry.name} (${locale}): image without altText`);
          if (typeOf(node).startsWith('Action.') && (typeof node.title !== 'string' || node.title.trim() === ''))
            problems.push(`${entry.name} (${locale}): ${typeOf(node)} without a title`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('when any card is read aloud, then it has a plain-text speak in its own language: the heading and the status, no Markdown or emoji', () => {
    const english = new Map(galleries.get('en-US')!.map((entry) => [entry.name, (entry.card as { speak?: string }).speak]));
    const problems: string[] = [];
    for (const [locale, gallery] of galleries) {
      for (const entry of gallery) {
        const speak = (entry.card as { speak?: string }).speak;
        if (typeof speak !== 'string' || speak.trim().length < 5) problems.push(`${entry.name} (${locale}): no speak`);
        else if (/\*\*|[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}]/u.test(speak)) problems.push(`${entry.name} (${locale}): speak has Markdown or emoji: ${speak}`);
        else if (locale !== 'en-US' && speak === english.get(entry.name)) problems.push(`${entry.name} (${locale}): speak is still English`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
