import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { METRICS } from '../../../src/telemetry';

describe('metrics documentation', () => {
  it("when the README's metrics table is read, then it lists exactly the metrics Keyward records, with their type, unit and meaning", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const section = /<!-- metrics:start -->\n([\s\S]*?)\n<!-- metrics:end -->/.exec(readme)?.[1];
    assert.ok(section, 'README has a metrics table');
    const rows = section
      .split('\n')
      .slice(2)
      .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?|`| ?\|$/g, '')));
    assert.deepEqual(
      rows.map(([name, type, unit, description]) => ({ name, type, unit, description })),
      Object.values(METRICS).map(({ name, type, unit, description }) => ({ name, type, unit, description })),
    );
  });

  it('when the alerts are read, then each metric they name exists', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const alerts = /Alerts \(Azure Monitor[\s\S]*?\n\n### Health/.exec(readme)?.[0] ?? '';
    const named = [...alerts.matchAll(/`(keyward\.[a-z_.]+)`/g)].map((m) => m[1]!).filter((name) => !/^keyward\.(outcome|error\.code)$/.test(name));
    assert.ok(named.length >= 8, named.join(', '));
    const known = new Set<string>(Object.values(METRICS).map((m) => m.name));
    for (const name of named) assert.ok(known.has(name), `${name} is a metric Keyward records`);
  });
});
