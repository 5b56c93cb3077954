import assert from 'node:assert/strict';
import { compareVersions, findingsFromLock, findingsFromNpmAudit, judge, readJson, satisfies, type Advisory, type AllowListEntry } from '../../../scripts/dependencyAudit';

const lock = {
  packages: {
    '': { version: '0.1.0' },
    'node_modules/send': { version: '0.18.0' },
    'node_modules/restify/node_modules/send': { version: '0.19.1' },
    'node_modules/mocha-only': { version: '1.0.0', dev: true },
    'node_modules/pre': { version: '4.23.3-preview' },
  },
};
const SEND: Advisory = {
  id: 'GHSA-m6fv-jmcg-4jfg',
  package: 'send',
  range: '<0.19.0',
  severity: 'low',
  title: 'send XSS',
  url: 'https://github.com/advisories/GHSA-m6fv-jmcg-4jfg',
};

describe('dependency audit (issue 12, item 12)', () => {
  it('when versions and npm ranges are compared, then comparators, alternatives and prereleases follow npm semver', () => {
    assert.ok(compareVersions('0.18.0', '0.19.0') < 0);
    assert.ok(compareVersions('4.23.3-preview', '4.23.3') < 0);
    assert.equal(satisfies('7.7.0', '>=5.5.0 <8.2.2'), true);
    assert.equal(satisfies('8.2.2', '>=5.5.0 <8.2.2'), false);
    assert.equal(satisfies('9.0.0', '>=5.5.0 <8.2.2 || >=9.0.0 <9.0.1'), true);
    assert.equal(satisfies('1.2.6', '<3.2.4'), true);
    assert.equal(satisfies('2.0.0', '*'), true);
  });

  it("when the lock file is checked offline, then only production packages in an advisory's range are findings", () => {
    const findings = findingsFromLock(lock, [SEND, { ...SEND, id: 'GHSA-dev', package: 'mocha-only', range: '*' }]);
    assert.deepEqual(
      findings.map((f) => `${f.package}@${f.version}`),
      ['send@0.18.0'],
    );
  });

  it('when npm audit answers, then each advisory it names (not the packages only "via" another) is a finding', () => {
    const report = {
      auditReportVersion: 2,
      vulnerabilities: {
        send: {
          name: 'send',
          severity: 'low',
          via: [
            { source: 1100093, name: 'send', dependency: 'send', title: 'send XSS', url: 'https://github.com/advisories/GHSA-m6fv-jmcg-4jfg', severity: 'low', range: '<0.19.0' },
          ],
        },
        restify: { name: 'restify', severity: 'low', via: ['send'] },
      },
    };
    const { findings, advisories } = findingsFromNpmAudit(report);
    assert.deepEqual(
      findings.map((f) => `${f.package} ${f.id}`),
      ['send GHSA-m6fv-jmcg-4jfg'],
    );
    assert.equal(advisories[0]!.range, '<0.19.0');
  });

  it('when a finding is not allow-listed or an entry is past its review date, then the audit fails; an entry nothing needs is reported', () => {
    const finding = findingsFromLock(lock, [SEND]);
    const entry: AllowListEntry = { id: SEND.id, package: 'send', reason: 'unreachable', reviewBy: '2027-06-30' };
    assert.equal(judge(finding, [], '2026-12-05').ok, false);
    assert.equal(judge(finding, [entry], '2026-12-05').ok, true);
    assert.deepEqual(judge(finding, [entry], '2027-07-01').overdue, [entry]);
    assert.equal(judge([], [entry], '2026-12-05').unused.length, 1);
  });

  it("when Keyward's own package-lock.json is checked offline, then restify's formidable and send are found, every finding is allow-listed with a reason, and nothing is overdue", () => {
    const advisories = readJson<{ advisories: Advisory[] }>('security/dependency-advisories.json').advisories;
    const allowList = readJson<{ entries: AllowListEntry[] }>('security/audit-allowlist.json').entries;
    const findings = findingsFromLock(readJson('package-lock.json'), advisories);
    assert.ok(
      findings.some((f) => f.package === 'formidable'),
      'formidable (restify) is in the tree and known',
    );
    assert.ok(
      findings.some((f) => f.package === 'send'),
      'send (restify) is in the tree and known',
    );
    const outcome = judge(findings, allowList, new Date().toISOString().slice(0, 10));
    assert.deepEqual(outcome.unexpected, []);
    assert.deepEqual(outcome.overdue, []);
    for (const entry of allowList) assert.ok(entry.reason.length > 80, `${entry.package}: the allow-list says why`);
  });
});
