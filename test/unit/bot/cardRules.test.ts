import assert from 'node:assert/strict';
import { card, executeAction, text, textInput } from '../../../src/bot/cards/adaptiveCard';
import { renderWelcomeCard } from '../../../src/bot/cards/welcomeCard';
import { JOURNEYS } from '../../../src/bot/journeyCatalogue';
import { cardProblems } from '../../helpers/cardRules';

describe('card rules (the checker itself)', () => {
  it('when a card breaks each rule, then each break is reported', () => {
    const bad = {
      type: 'AdaptiveCard',
      version: '1.6',
      body: [
        { type: 'Input.Text', id: 'a' },
        { type: 'Input.Text', id: 'a', label: 'again' },
        { type: 'Image', url: 'https://example.invalid/x.png' },
        { type: 'ColumnSet', columns: [{ type: 'Column' }, { type: 'Column' }, { type: 'Column' }, { type: 'Column' }] },
        { type: 'TextBlock', text: '', color: 'Attention' },
        { type: 'Bogus' },
        { type: 'TextBlock', text: 'x'.repeat(50 * 1024) },
      ],
      actions: [{ type: 'Action.Execute', title: 'Go' }],
    };
    const problems = cardProblems(bad).join('\n');
    for (const expected of [
      /version 1.6/,
      /has no label/,
      /used twice/,
      /altText/,
      /4 columns/,
      /coloured TextBlock/,
      /Unknown element type "Bogus"/,
      /over 40960/,
      /without verb/,
    ]) {
      assert.match(problems, expected);
    }
  });

  it('when a card follows the rules, then nothing is reported', () => {
    const good = card([text('hello'), textInput('name', 'Name')], { actions: [executeAction('Go', 'verb.go', { a: 1 })] });
    assert.deepEqual(cardProblems(good), []);
  });
});

describe('welcome card', () => {
  const journeys = JOURNEYS.map((journey, index) => ({ ...journey, available: index < 2 }));

  it('when rendered, then it passes the card rules', () => {
    assert.deepEqual(cardProblems(renderWelcomeCard({ userName: 'Olivia', journeys, localMode: true })), []);
  });

  it('when a journey is not built yet, then it is marked and has no button', () => {
    const json = JSON.stringify(renderWelcomeCard({ journeys, localMode: false }));
    assert.match(json, /Data Encryption Policy\*\* — \*coming soon\*/);
    assert.match(json, /"command":"setup"/);
    assert.doesNotMatch(json, /"command":"teardown"/);
    assert.doesNotMatch(json, /Local mode/);
  });

  it('when every journey is offered, then all six appear in operator order', () => {
    const json = JSON.stringify(renderWelcomeCard({ journeys, localMode: true }));
    const order = ['Set up Customer Key', 'Status', 'Approvals', 'Data Encryption Policy', 'Key roll', 'Teardown'].map((title) => json.indexOf(title));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.ok(order.every((index) => index > 0));
  });
});
