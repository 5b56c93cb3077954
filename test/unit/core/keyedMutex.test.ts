import assert from 'node:assert/strict';
import { KeyedMutex } from '../../../src/core';

describe('KeyedMutex: work on one key takes turns, other keys do not wait', () => {
  it('when work on a key is running, then later work on that key waits for it and work on another key does not; nothing is kept afterwards', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = mutex.runExclusive('request-a', async () => {
      order.push('a1 start');
      await gate;
      order.push('a1 end');
    });
    const second = mutex.runExclusive('request-a', () => void order.push('a2'));
    await mutex.runExclusive('request-b', () => void order.push('b'));
    assert.deepEqual(order, ['a1 start', 'b'], 'b ran while a1 held request-a; a2 waited');
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['a1 start', 'b', 'a1 end', 'a2']);
    assert.equal(mutex.size, 0);
  });

  it('when work throws, then the next in line still runs and the error reaches its caller', async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.runExclusive('k', () => Promise.reject(new Error('boom')));
    const next = mutex.runExclusive('k', () => 'ran');
    await assert.rejects(failing, /boom/);
    assert.equal(await next, 'ran');
    assert.equal(mutex.size, 0);
  });
});
