import assert from 'node:assert/strict';
import { isWellFormedText, truncateText, wellFormedText } from '../../../src/core';

describe('well-formed text and cutting between characters', () => {
  it('when a string holds lone high or low surrogates, then each becomes U+FFFD and pairs stay', () => {
    assert.equal(wellFormedText('a\ud800b'), 'a\ufffdb');
    assert.equal(wellFormedText('\udc00'), '\ufffd');
    assert.equal(wellFormedText('😀'), '😀');
    assert.equal(wellFormedText('😀'.slice(0, 1) + '😀'), '\ufffd😀');
    assert.equal(isWellFormedText('ok 😀'), true);
    assert.equal(isWellFormedText('😀'.slice(1)), false);
    assert.equal(isWellFormedText('fine'), true, 'the check has no state left over from the last call');
  });

  const cases: Array<{ title: string; text: string; max: number; expected: string }> = [
    { title: 'a surrogate pair at the limit', text: `${'a'.repeat(4)}😀`, max: 5, expected: 'aaaa' },
    { title: 'an emoji with a skin-tone modifier', text: 'ab👍🏽', max: 5, expected: 'ab' },
    { title: 'a zero-width-joiner family', text: 'a👩‍👩‍👧b', max: 6, expected: 'a' },
    { title: 'a flag (two regional indicators)', text: 'x🇩🇪', max: 4, expected: 'x' },
    { title: 'a letter with a combining accent', text: 'cafe\u0301s', max: 4, expected: 'caf' },
    { title: 'text within the limit', text: 'short', max: 10, expected: 'short' },
  ];
  for (const c of cases) {
    it(`when text is cut through ${c.title}, then the cut falls before the whole character`, () => {
      const cut = truncateText(c.text, c.max);
      assert.equal(cut, c.expected);
      assert.ok(cut.length <= c.max);
      assert.equal(isWellFormedText(cut), true);
    });
  }

  it('when an ellipsis is asked for, then it fits within the limit and only appears when the text was cut', () => {
    assert.equal(truncateText('abcdef', 4, '…'), 'abc…');
    assert.equal(truncateText('abcd', 4, '…'), 'abcd');
  });
});
