import assert from 'node:assert/strict';
import { DEFAULT_CONTAINER_NAME_PATTERN, containerNameFromPattern, namePatternProblem } from '../../../src/customerKey';

describe("vault and HSM names from the organisation's pattern", () => {
  it('when the default pattern is filled in, then vaults carry the workload and site, HSMs only the site, and {nn} counts attempts', () => {
    assert.equal(containerNameFromPattern(DEFAULT_CONTAINER_NAME_PATTERN, { kind: 'vault', workload: 'exchange', site: 'A', n: 1 }), 'kv-ck-ex-a-01');
    assert.equal(containerNameFromPattern(DEFAULT_CONTAINER_NAME_PATTERN, { kind: 'vault', workload: 'sharePoint', site: 'B', n: 12 }), 'kv-ck-sp-b-12');
    assert.equal(containerNameFromPattern(DEFAULT_CONTAINER_NAME_PATTERN, { kind: 'managedHsm', site: 'A', n: 1 }), 'hsm-ck-a-01', 'no empty workload part, no double hyphen');
    assert.equal(namePatternProblem(DEFAULT_CONTAINER_NAME_PATTERN), null);
  });

  it('when a pattern has no {nn}, then the first name is the bare pattern and later attempts get a number', () => {
    assert.equal(containerNameFromPattern('{kind}-Contoso_CK-{workload}{site}', { kind: 'vault', workload: 'multiWorkload', site: 'A', n: 1 }), 'kv-contoso-ck-mwa');
    assert.equal(containerNameFromPattern('{kind}-Contoso_CK-{workload}{site}', { kind: 'vault', workload: 'multiWorkload', site: 'A', n: 2 }), 'kv-contoso-ck-mwa-02');
  });

  it('when a pattern has an unknown token, gives names that are too long, or no {site}, then the problem is named', () => {
    assert.match(namePatternProblem('{kind}-{region}-{site}') ?? '', /unknown token\(s\) \{region\}/);
    assert.match(namePatternProblem('{kind}-contoso-customer-key-{workload}-{site}-{nn}') ?? '', /has \d+ characters/);
    assert.match(namePatternProblem('{kind}-ck-{workload}-{nn}') ?? '', /must contain \{site\}/);
  });
});
