/**
 * `npm run audit:deps` (and .ci/run): the production dependencies against known advisories, with
 * a documented allow-list (security/audit-allowlist.json).
 *
 * 1. `npm audit --omit=dev --json` when the registry's audit endpoint answers.
 * 2. Otherwise (offline, or a registry mirror that refuses the audit POST, as here) the same check
 *    over package-lock.json against security/dependency-advisories.json, a snapshot of the
 *    advisories known for this tree; an online run with --update-snapshot refreshes it.
 *
 * Fails (exit 1) on an advisory that is not allow-listed, or an allow-list entry past its review
 * date. Prints which source it used, so an offline pass is never mistaken for a full audit.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Advisory {
  id: string;
  package: string;
  range: string;
  severity: string;
  title: string;
  url: string;
}

export interface AllowListEntry {
  id: string;
  package: string;
  reason: string;
  reviewBy: string;
}

export interface Finding {
  id: string;
  package: string;
  version?: string;
  severity: string;
  title: string;
  url: string;
}

export interface AuditOutcome {
  ok: boolean;
  findings: Finding[];
  /** Findings not on the allow-list: each fails the audit. */
  unexpected: Finding[];
  /** Allow-list entries past their review date: each fails the audit. */
  overdue: AllowListEntry[];
  /** Allow-list entries no finding needs any more (remove them). */
  unused: AllowListEntry[];
}

// ------------------------------------------------------------------ versions and ranges (npm semver subset)

function parseVersion(version: string): { parts: number[]; pre: string } | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(version.trim());
  if (!m) return undefined;
  return { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] ?? '' };
}

/** Negative when a < b. A prerelease sorts before its release (1.0.0-rc < 1.0.0). */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) throw new Error(`not a version: ${!va ? a : b}`);
  for (let i = 0; i < 3; i += 1) if (va.parts[i] !== vb.parts[i]) return va.parts[i]! - vb.parts[i]!;
  if (va.pre === vb.pre) return 0;
  if (!va.pre) return 1;
  if (!vb.pre) return -1;
  return va.pre < vb.pre ? -1 : 1;
}

/** `version` within an npm range made of comparators (`>=1.2.0 <2.0.0`), alternatives (`||`), `*` or an exact version. */
export function satisfies(version: string, range: string): boolean {
  return range.split('||').some((alternative) => {
    const comparators = alternative.trim().split(/\s+/).filter(Boolean);
    if (comparators.length === 0 || (comparators.length === 1 && comparators[0] === '*')) return true;
    return comparators.every((comparator) => {
      const m = /^(>=|<=|>|<|=)?\s*(.+)$/.exec(comparator);
      if (!m) throw new Error(`unsupported range ${range}`);
      const d = compareVersions(version, m[2]!);
      switch (m[1] ?? '=') {
        case '>=':
          return d >= 0;
        case '<=':
          return d <= 0;
        case '>':
          return d > 0;
        case '<':
          return d < 0;
        default:
          return d === 0;
      }
    });
  });
}

// ------------------------------------------------------------------ the two sources of findings

/** Production packages of a lockfile v2/v3 (what `npm audit --omit=dev` looks at). */
export function productionPackages(lock: {
  packages?: Record<string, { version?: string; dev?: boolean; devOptional?: boolean; link?: boolean }>;
}): Array<{ name: string; version: string; path: string }> {
  const out: Array<{ name: string; version: string; path: string }> = [];
  for (const [location, entry] of Object.entries(lock.packages ?? {})) {
    if (!location || entry.dev || entry.devOptional || entry.link || !entry.version) continue;
    out.push({ name: location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length), version: entry.version, path: location });
  }
  return out;
}

/** Offline: every production package whose version falls in an advisory's range. */
export function findingsFromLock(lock: Parameters<typeof productionPackages>[0], advisories: readonly Advisory[]): Finding[] {
  const findings: Finding[] = [];
  for (const pkg of productionPackages(lock)) {
    for (const advisory of advisories) {
      const seen = findings.some((f) => f.id === advisory.id && f.package === pkg.name && f.version === pkg.version);
      if (!seen && advisory.package === pkg.name && satisfies(pkg.version, advisory.range)) {
        findings.push({ id: advisory.id, package: pkg.name, version: pkg.version, severity: advisory.severity, title: advisory.title, url: advisory.url });
      }
    }
  }
  return findings;
}

interface NpmAuditVia {
  name?: string;
  title?: string;
  url?: string;
  severity?: string;
  range?: string;
}

/** Online: the advisories `npm audit --json` (report version 2) names; a package only "via" another is not a finding of its own. */
export function findingsFromNpmAudit(report: { vulnerabilities?: Record<string, { via?: Array<NpmAuditVia | string> }> }): { findings: Finding[]; advisories: Advisory[] } {
  const findings: Finding[] = [];
  const advisories: Advisory[] = [];
  for (const vulnerability of Object.values(report.vulnerabilities ?? {})) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via === 'string' || !via.url || !via.name) continue;
      const id = /GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/i.exec(via.url)?.[0] ?? via.url;
      if (findings.some((f) => f.id === id && f.package === via.name)) continue;
      findings.push({ id, package: via.name, severity: via.severity ?? 'unknown', title: via.title ?? '', url: via.url });
      advisories.push({ id, package: via.name, range: via.range ?? '*', severity: via.severity ?? 'unknown', title: via.title ?? '', url: via.url });
    }
  }
  return { findings, advisories };
}

/** Compares findings with the allow-list. */
export function judge(findings: readonly Finding[], allowList: readonly AllowListEntry[], today: string): AuditOutcome {
  const allowed = (f: Finding) => allowList.some((entry) => entry.id === f.id && entry.package === f.package);
  const unexpected = findings.filter((f) => !allowed(f));
  const overdue = allowList.filter((entry) => entry.reviewBy < today);
  const unused = allowList.filter((entry) => !findings.some((f) => f.id === entry.id && f.package === entry.package));
  return { ok: unexpected.length === 0 && overdue.length === 0, findings: [...findings], unexpected, overdue, unused };
}

// ------------------------------------------------------------------ command line

const ROOT = path.resolve(__dirname, '..');

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as T;
}

function runNpmAudit(): { report?: Parameters<typeof findingsFromNpmAudit>[0]; problem?: string } {
  const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (result.error) return { problem: result.error.message };
  try {
    const parsed = JSON.parse(result.stdout) as { vulnerabilities?: unknown; error?: { summary?: string; code?: string }; message?: string };
    if (parsed.vulnerabilities && typeof parsed.vulnerabilities === 'object') return { report: parsed as Parameters<typeof findingsFromNpmAudit>[0] };
    return { problem: parsed.message ?? parsed.error?.summary ?? parsed.error?.code ?? 'no report' };
  } catch {
    return { problem: (result.stderr || result.stdout).trim().split('\n')[0] ?? 'no output' };
  }
}

function main(argv: string[]): number {
  const today = new Date().toISOString().slice(0, 10);
  const allowList = readJson<{ entries: AllowListEntry[] }>('security/audit-allowlist.json').entries;
  const snapshotFile = 'security/dependency-advisories.json';
  const snapshot = readJson<{ takenAt: string; advisories: Advisory[] } & Record<string, unknown>>(snapshotFile);
  let findings: Finding[];
  const online = argv.includes('--offline') ? { problem: 'asked to stay offline (--offline)' } : runNpmAudit();
  if (online.report) {
    const result = findingsFromNpmAudit(online.report);
    findings = result.findings;
    console.log(`Dependency audit: npm audit --omit=dev (registry), ${findings.length} advisories in production dependencies.`);
    if (argv.includes('--update-snapshot')) {
      fs.writeFileSync(
        path.join(ROOT, snapshotFile),
        `${JSON.stringify({ ...snapshot, takenAt: today, source: 'npm audit --omit=dev', advisories: result.advisories }, null, 2)}\n`,
      );
      console.log(`Wrote ${result.advisories.length} advisories to ${snapshotFile}.`);
    }
  } else {
    const lock = readJson<Parameters<typeof productionPackages>[0]>('package-lock.json');
    findings = findingsFromLock(lock, snapshot.advisories);
    console.log(
      `Dependency audit: the registry's audit endpoint is not available (${online.problem}); checked ${productionPackages(lock).length} production packages in package-lock.json OFFLINE against the ${snapshot.advisories.length} advisories recorded on ${snapshot.takenAt} in ${snapshotFile}. Advisories published since are not seen: run it online when you can.`,
    );
  }
  const outcome = judge(findings, allowList, today);
  for (const f of outcome.findings) {
    const entry = allowList.find((e) => e.id === f.id && e.package === f.package);
    console.log(`  ${entry ? 'allowed' : 'NOT ALLOWED'}  ${f.severity.padEnd(8)} ${f.package}${f.version ? `@${f.version}` : ''}  ${f.id}  ${f.title}`);
  }
  for (const entry of outcome.overdue) console.log(`  REVIEW OVERDUE  ${entry.package} ${entry.id}: its allow-list entry was to be reviewed by ${entry.reviewBy}.`);
  for (const entry of outcome.unused) console.log(`  note: allow-list entry ${entry.package} ${entry.id} matches nothing any more; remove it.`);
  if (!outcome.ok) {
    console.log(
      `Dependency audit FAILED: ${outcome.unexpected.length} advisory(ies) not on security/audit-allowlist.json, ${outcome.overdue.length} entry(ies) overdue for review. Upgrade the package, or add an entry that says why Keyward cannot reach the vulnerable code.`,
    );
    return 1;
  }
  console.log('Dependency audit passed.');
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
