import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core';
import { messageActivity, postActivity } from '../helpers/activities';
import { startHarness, type Harness } from '../helpers/keywardHarness';

/**
 * Issue 12, item 7: every refused request used to write a log line, so a flood of bad requests
 * flooded the log. Refusal lines are limited per minute; what was dropped is counted and said.
 */
describe('refused requests are logged at a bounded rate', function () {
  this.timeout(60_000);
  let harness: Harness;
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  before(async () => {
    harness = await startHarness({}, { clock });
  });
  after(async () => {
    await harness?.close();
  });

  const refusalLines = () => harness.logs.filter((line) => line.message === 'refused /api/messages request');
  const summaries = () => harness.logs.filter((line) => /refused requests were not logged/.test(line.message));
  const bad = () => postActivity(harness.url, 'not json at all', { 'content-type': 'text/plain' });

  it('when 100 bad requests arrive within a minute, then 20 are logged and the rest are counted and reported once the minute is over', async () => {
    for (let i = 0; i < 100; i += 1) assert.equal((await bad()).status, 415);
    const logged = refusalLines().length;
    assert.equal(logged, 20);
    assert.match(String(refusalLines().at(-1)!.fields.note), /further refusals .* counted/);
    assert.equal(summaries().length, 0, 'nothing is reported while the minute lasts');

    clock.advance(61_000);
    const good = await postActivity(harness.url, messageActivity('help', { serviceUrl: harness.connector.url, conversationId: 'conv-refusal-log' }));
    assert.equal(good.status, 200);
    assert.equal((await bad()).status, 415);
    const summary = summaries();
    assert.equal(summary.length, 1);
    assert.equal(summary[0]!.level, 'warn');
    assert.equal(summary[0]!.fields.dropped, 80);
    assert.deepEqual(summary[0]!.fields.byCode, { UnsupportedMediaType: 80 });
    assert.equal(refusalLines().length, 21, 'the new minute logs again');
  });

  it('when Keyward stops with refusals still uncounted in the log, then the count is written at stop', async () => {
    clock.advance(61_000);
    for (let i = 0; i < 25; i += 1) await bad();
    await harness.keyward.stop();
    const last = summaries().at(-1)!;
    assert.equal(last.fields.dropped, 5);
  });
});
