import assert from 'node:assert/strict';
import { createHttpHeaders } from '@azure/core-rest-pipeline';
import { retryAfterMs } from '../../../src/core';

const NOW = Date.parse('2026-12-05T12:00:00Z');

describe('retryAfterMs: one reading of Retry-After for the Bot Connector and Azure', () => {
  const table: Array<{ title: string; headers: Record<string, string | number>; expected: number | undefined }> = [
    { title: 'delay-seconds', headers: { 'retry-after': '7' }, expected: 7_000 },
    { title: 'zero seconds', headers: { 'retry-after': '0' }, expected: 0 },
    { title: 'seconds with spaces around', headers: { 'retry-after': ' 5 ' }, expected: 5_000 },
    { title: 'decimal seconds (tolerated, rounded to whole ms)', headers: { 'retry-after': '1.5' }, expected: 1_500 },
    { title: 'a number value (a plain object from a client that parsed it)', headers: { 'retry-after': 3 }, expected: 3_000 },
    { title: 'an IMF-fixdate 90 s ahead', headers: { 'retry-after': 'Sat, 05 Dec 2026 12:01:30 GMT' }, expected: 90_000 },
    { title: 'an RFC 850 date 30 s ahead', headers: { 'retry-after': 'Saturday, 05-Dec-26 12:00:30 GMT' }, expected: 30_000 },
    { title: 'an asctime date 60 s ahead (no zone: GMT)', headers: { 'retry-after': 'Sat Dec  5 12:01:00 2026' }, expected: 60_000 },
    { title: 'a date in the past', headers: { 'retry-after': 'Sat, 05 Dec 2026 11:00:00 GMT' }, expected: 0 },
    { title: 'retry-after-ms (Azure, milliseconds)', headers: { 'retry-after-ms': '250' }, expected: 250 },
    { title: 'x-ms-retry-after-ms (Azure, milliseconds)', headers: { 'x-ms-retry-after-ms': '1200' }, expected: 1_200 },
    { title: 'retry-after-ms before Retry-After', headers: { 'retry-after-ms': '250', 'retry-after': '9' }, expected: 250 },
    { title: 'retry-after-ms before x-ms-retry-after-ms', headers: { 'x-ms-retry-after-ms': '900', 'retry-after-ms': '100' }, expected: 100 },
    { title: 'an unreadable ms header falls through to Retry-After', headers: { 'retry-after-ms': 'soon', 'retry-after': '2' }, expected: 2_000 },
    { title: 'a capitalised key in a plain object', headers: { 'Retry-After': '4' }, expected: 4_000 },
    { title: 'an upper-case key in a plain object', headers: { 'RETRY-AFTER': '4' }, expected: 4_000 },
    { title: 'no such header', headers: { 'content-type': 'application/json' }, expected: undefined },
    { title: 'an empty value', headers: { 'retry-after': '' }, expected: undefined },
    { title: 'only spaces', headers: { 'retry-after': '   ' }, expected: undefined },
    { title: 'a negative number', headers: { 'retry-after': '-5' }, expected: undefined },
    { title: 'an exponent', headers: { 'retry-after': '1e3' }, expected: undefined },
    { title: 'hexadecimal', headers: { 'retry-after': '0x10' }, expected: undefined },
    { title: 'words', headers: { 'retry-after': 'soon' }, expected: undefined },
  ];

  for (const { title, headers, expected } of table) {
    it(`when the answer carries ${title}, then the wait is ${String(expected)} ms, from a plain object, fetch Headers and Azure's HttpHeaders alike`, () => {
      assert.equal(retryAfterMs(headers, NOW), expected, 'plain object');
      const strings = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
      assert.equal(retryAfterMs(new Headers(strings), NOW), expected, 'fetch Headers');
      assert.equal(retryAfterMs(createHttpHeaders(strings), NOW), expected, "Azure's HttpHeaders");
    });
  }

  it('when there are no headers at all, then there is no wait to honour', () => {
    for (const headers of [undefined, null, 'retry-after: 5', 42]) assert.equal(retryAfterMs(headers, NOW), undefined);
  });

  it('when a header value is neither text nor a finite number, then it is not read', () => {
    assert.equal(retryAfterMs({ 'retry-after': ['5'] }, NOW), undefined);
    assert.equal(retryAfterMs({ 'retry-after': Number.POSITIVE_INFINITY }, NOW), undefined);
    assert.equal(retryAfterMs({ 'retry-after': Number.NaN }, NOW), undefined);
  });
});
