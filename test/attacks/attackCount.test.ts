import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ATTACKS, attackSummaryLine } from './attackCatalogue';

describe('attack count in the README', () => {
  it('when the README is read, then its attack line is exactly the one the suite generates (npm run docs:attacks)', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('Attack suite (test/attacks):'));
    assert.equal(line, attackSummaryLine(), 'run "npm run docs:attacks" after changing the attack catalogue');
  });

  it('when the catalogue is read, then every attack has a unique id, says what it attacks, and a runtime attack names the record it must leave', () => {
    assert.equal(new Set(ATTACKS.map((a) => a.id)).size, ATTACKS.length);
    for (const attack of ATTACKS) {
      assert.match(attack.against, /^(approval rule|issue 12 item \d+)/, attack.id);
      if (attack.kind === 'runtime') assert.ok(attack.audit?.action, attack.id);
    }
    for (const item of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12])
      assert.ok(
        ATTACKS.some((a) => a.against.startsWith(`issue 12 item ${item}:`)),
        `issue 12 item ${item} has an attack`,
      );
  });
});
