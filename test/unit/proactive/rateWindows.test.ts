import assert from 'node:assert/strict';
import { SlidingWindows, TEAMS_GLOBAL_LIMITS, TEAMS_PER_CONVERSATION_LIMITS } from '../../../src/proactive/rateWindows';

/** Sends `count` operations as early as the windows allow; returns their times. */
function greedy(windows: SlidingWindows, count: number, start = 0): number[] {
  const times: number[] = [];
  let now = start;
  for (let i = 0; i < count; i += 1) {
    now += windows.waitMs(now);
    windows.record(now);
    times.push(now);
  }
  return times;
}

const maxIn = (times: number[], windowMs: number) => Math.max(...times.map((t) => times.filter((u) => u > t - windowMs && u <= t).length));

describe("sliding rate windows (Teams' bot limits)", () => {
  it("when a bot sends as fast as Teams' per-conversation limits allow, then no window ever holds more than Teams allows (7/1 s, 8/2 s, 60/30 s, 1800/h)", () => {
    const times = greedy(new SlidingWindows(TEAMS_PER_CONVERSATION_LIMITS), 200);
    assert.equal(maxIn(times, 1_000), 7);
    assert.equal(maxIn(times, 2_000), 8);
    assert.ok(maxIn(times, 30_000) <= 60);
    assert.equal(
      times.slice(0, 7).every((t) => t === 0),
      true,
      'a burst of 7 goes at once',
    );
    assert.equal(times[7], 1_000, 'the 8th waits for the first second to pass');
    assert.equal(times[8], 2_000, 'the 9th waits for the 2-second window');
    assert.ok(times[60]! >= 30_000, 'the 61st waits for the 30-second window');
  });

  it('when the hourly window is full, then the next operation waits until the oldest leaves it', () => {
    const windows = new SlidingWindows([{ windowMs: 3_600_000, max: 1_800 }]);
    for (let i = 0; i < 1_800; i += 1) windows.record(i);
    assert.equal(windows.waitMs(2_000), 3_600_000 - 2_000, 'until the first (t = 0) is an hour old');
  });

  it('when the global limit is reached by many conversations together, then the 31st operation in a second waits', () => {
    const global = new SlidingWindows(TEAMS_GLOBAL_LIMITS);
    const times = greedy(global, 31);
    assert.equal(times[29], 0);
    assert.equal(times[30], 1_000);
  });
});
