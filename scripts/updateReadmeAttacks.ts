/**
 * `npm run docs:attacks`: writes the attack suite's count line into the README (between the
 * attack markers), from the catalogue itself, so the README cannot drift from the suite
 * (test/attacks/attackCount.test.ts checks it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { attackSummaryLine } from '../test/attacks/attackCatalogue';

const README = path.resolve(__dirname, '..', 'README.md');
const START = '<!-- attack-count:start -->';
const END = '<!-- attack-count:end -->';

const text = fs.readFileSync(README, 'utf8');
const from = text.indexOf(START);
const to = text.indexOf(END);
if (from < 0 || to < from) {
  console.error(`README.md has no ${START} … ${END} block.`);
  process.exit(1);
}
fs.writeFileSync(README, `${text.slice(0, from + START.length)}\n${attackSummaryLine()}\n${text.slice(to)}`);
console.log('README attack count updated');
