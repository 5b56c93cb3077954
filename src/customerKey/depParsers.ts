/**
 * Parsers for the Get- cmdlet output an operator pastes back after running a DEP script:
 * `Get-M365DataAtRestEncryptionPolicy`, `Get-M365DataAtRestEncryptionPolicyAssignment`,
 * `Get-DataEncryptionPolicy` and `Get-SPODataEncryptionPolicy`, as `Format-List` text (or as
 * `ConvertTo-Json` output).
 *
 * Lenient by design, because chat mangles console text: any spacing around the colon, wrapped
 * values (indented or not), Windows line endings, prompt lines and WARNING lines, several records
 * with or without blank lines between them. Exact property sets of these objects are not
 * documented (Microsoft says "the output includes" the key URIs and the state), so the parsers
 * look for the documented facts by name and report what they could not find instead of guessing.
 */
import { say, type Message } from '../core';
import { parseKeyIdentifier } from './keyUris';

/** One `Format-List` record: property name → raw value, names in output order. */
export type FormatListRecord = Readonly<Record<string, string>>;

// `Name : Value` with any spacing; a colon followed by `//` is a URL (a wrapped value), not a name.
const KEY_LINE = /^[ \t]{0,3}([A-Za-z][A-Za-z0-9_.-]*)[ \t]*:(?!\/\/)[ \t]*(.*?)[ \t]*$/;
const NOISE_LINE = /^\s*(?:PS [^>]*>|>>|(?:WARNING|VERBOSE|DEBUG|INFO)\s*:)/i;

/** Splits console text into records. JSON (an object or an array of objects) is accepted too. */
export function parseFormatList(text: string): FormatListRecord[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = tryJson(trimmed);
    if (json) return json;
  }
  const records: Record<string, string>[] = [];
  let current: Record<string, string> = {};
  let lastKey: string | undefined;
  const flush = () => {
    if (Object.keys(current).length > 0) records.push(current);
    current = {};
    lastKey = undefined;
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (NOISE_LINE.test(line)) continue;
    const match = KEY_LINE.exec(line);
    if (match && match[1]) {
      const key = match[1];
      if (Object.keys(current).some((k) => k.toLowerCase() === key.toLowerCase())) flush();
      current[key] = match[2] ?? '';
      lastKey = key;
    } else if (lastKey !== undefined) {
      current[lastKey] = `${current[lastKey] ?? ''}${line.trim()}`;
    }
  }
  flush();
  return records;
}

function tryJson(text: string): FormatListRecord[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const items = Array.isArray(value) ? value : [value];
  const records: FormatListRecord[] = [];
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const record: Record<string, string> = {};
    for (const [key, member] of Object.entries(item as Record<string, unknown>)) {
      if (member === null || member === undefined) record[key] = '';
      else if (Array.isArray(member)) record[key] = `{${member.map((m) => (typeof m === 'object' ? JSON.stringify(m) : String(m))).join(', ')}}`;
      else if (typeof member === 'object') record[key] = JSON.stringify(member);
      else record[key] = String(member);
    }
    records.push(record);
  }
  return records;
}

/** A property by name, case-insensitively; the first name that exists wins. */
export function field(record: FormatListRecord, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const [key, value] of Object.entries(record)) if (key.toLowerCase() === name.toLowerCase()) return value.trim();
  }
  return undefined;
}

/** `{a, b}` (or `a, b`) → ['a', 'b']; `truncated` when PowerShell cut the list with "...". */
export function parseListValue(value: string): { items: string[]; truncated: boolean } {
  let v = value.trim();
  if (v.startsWith('{') && v.endsWith('}')) v = v.slice(1, -1);
  else if (v.startsWith('{')) v = v.slice(1);
  let truncated = false;
  const items = v
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => {
      if (s === '...' || s === '…' || s.endsWith('...') || s.endsWith('…')) {
        truncated = true;
        return false;
      }
      return s !== '';
    });
  return { items, truncated };
}

function parseBool(value: string | undefined): boolean | null {
  if (value === undefined) return null;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  return null;
}

/** The state of a multi-workload or Exchange mailbox DEP. */
export interface DepPolicyState {
  readonly name: string;
  readonly description: string | null;
  /** Key identifiers as printed. */
  readonly azureKeyIds: readonly string[];
  /** The same, normalised to the versionless form (unparseable ones are left out and reported). */
  readonly normalizedKeyUris: readonly string[];
  readonly keyListTruncated: boolean;
  readonly enabled: boolean | null;
  /** Exchange only: a permanent data purge was requested (the DEP can no longer be assigned). */
  readonly permanentDataPurgeRequested: boolean | null;
  readonly raw: FormatListRecord;
}

export interface ParseOutcome<T> {
  readonly value: T;
  /** What could not be read, as sentences for the operator. Empty when everything was found. */
  readonly problems: readonly Message[];
}

const NOTHING_FOUND = (cmd: string) =>
  say('depParsers.nothingFound', `Keyward found no "Name : Value" lines. Paste the output of ${cmd} | Format-List exactly as PowerShell printed it.`, {
    command: `${cmd} | Format-List`,
    form: 'Name : Value',
  });

function policiesFrom(text: string, cmd: string): ParseOutcome<DepPolicyState[]> {
  const records = parseFormatList(text);
  const problems: Message[] = [];
  if (records.length === 0) return { value: [], problems: [NOTHING_FOUND(cmd)] };
  const value: DepPolicyState[] = [];
  records.forEach((record, i) => {
    const name = field(record, 'Name', 'Identity');
    if (!name) {
      problems.push(say('depParsers.noName', `Record ${i + 1} has no Name; it was skipped.`, { n: i + 1 }));
      return;
    }
    const keysRaw = field(record, 'AzureKeyIDs', 'AzureKeyIds', 'AzureKeyID');
    const list = keysRaw === undefined ? { items: [], truncated: false } : parseListValue(keysRaw);
    if (keysRaw === undefined) problems.push(say('depParsers.noKeyIds', `Policy ${name}: no AzureKeyIDs line was found.`, { name }));
    if (list.truncated) {
      problems.push(
        say('depParsers.truncated', `Policy ${name}: PowerShell shortened the key list ("..."); run $FormatEnumerationLimit = -1 first and paste again.`, {
          name,
          command: '$FormatEnumerationLimit = -1',
        }),
      );
    }
    const normalized: string[] = [];
    for (const item of list.items) {
      const parsed = parseKeyIdentifier(item);
      if (parsed.ok) normalized.push(parsed.key.versionlessUri);
      else problems.push(say('depParsers.badKeyId', `Policy ${name}: '${item}' is not a key identifier Keyward can read.`, { name, value: `'${item}'` }));
    }
    const description = field(record, 'Description');
    value.push({
      name,
      description: description === undefined || description === '' ? null : description,
      azureKeyIds: list.items,
      normalizedKeyUris: normalized,
      keyListTruncated: list.truncated,
      enabled: parseBool(field(record, 'Enabled')),
      permanentDataPurgeRequested: parseBool(field(record, 'PermanentDataPurgeRequested')),
      raw: record,
    });
  });
  return { value, problems };
}

/** `Get-M365DataAtRestEncryptionPolicy [-Identity …] | Format-List` → multi-workload DEPs. */
export function parseM365DataAtRestEncryptionPolicies(text: string): ParseOutcome<DepPolicyState[]> {
  return policiesFrom(text, 'Get-M365DataAtRestEncryptionPolicy');
}

/** `Get-DataEncryptionPolicy [-Identity …] | Format-List` → Exchange mailbox DEPs. */
export function parseDataEncryptionPolicies(text: string): ParseOutcome<DepPolicyState[]> {
  return policiesFrom(text, 'Get-DataEncryptionPolicy');
}

/** `Get-M365DataAtRestEncryptionPolicyAssignment | Format-List` → the assigned policy's name. */
export function parseM365DataAtRestEncryptionPolicyAssignment(text: string): ParseOutcome<{ readonly assignedPolicyName: string | null }> {
  const records = parseFormatList(text);
  if (records.length === 0) return { value: { assignedPolicyName: null }, problems: [NOTHING_FOUND('Get-M365DataAtRestEncryptionPolicyAssignment')] };
  const record = records[0] ?? {};
  // Microsoft365DSC reads the assigned policy from `.Name`; other shapes seen in guides use
  // DataEncryptionPolicy or Identity, so all are accepted.
  const name = field(record, 'Name', 'DataEncryptionPolicy', 'DataEncryptionPolicyName', 'Identity');
  if (!name) return { value: { assignedPolicyName: null }, problems: [say('depParsers.noAssignmentName', 'No Name line was found in the assignment output.')] };
  return { value: { assignedPolicyName: name }, problems: [] };
}

/** SharePoint geo DEP states Microsoft documents. */
export type SpoDepStateName = 'Unregistered' | 'Registering' | 'Registered' | 'Rolling';

/** One SharePoint key as printed (URI, or vault/key/version parts). */
export interface SpoKeyState {
  readonly uri: string | null;
  readonly vaultName: string | null;
  readonly keyName: string | null;
  readonly version: string | null;
}

export interface SpoDepState {
  /** null when the output had no recognisable state. */
  readonly state: SpoDepStateName | null;
  /** Percentage of sites done while Registering or Rolling. */
  readonly percentComplete: number | null;
  readonly primaryKey: SpoKeyState | null;
  readonly secondaryKey: SpoKeyState | null;
  readonly raw: FormatListRecord;
}

const SPO_STATES: readonly SpoDepStateName[] = ['Unregistered', 'Registering', 'Registered', 'Rolling'];

function spoKey(record: FormatListRecord, which: 'Primary' | 'Secondary'): SpoKeyState | null {
  let uri: string | null = null;
  let vaultName = field(record, `${which}KeyVaultName`) ?? null;
  let keyName = field(record, `${which}KeyName`) ?? null;
  let version = field(record, `${which}KeyVersion`) ?? null;
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase().startsWith(which.toLowerCase()) && /https:\/\//i.test(value)) {
      const candidate = value.trim().split(/\s+/)[0] ?? '';
      const parsed = parseKeyIdentifier(candidate);
      uri = parsed.ok ? parsed.key.uri : candidate;
      if (parsed.ok) {
        vaultName ??= parsed.key.containerName;
        keyName ??= parsed.key.keyName;
        version ??= parsed.key.version ?? null;
      }
      break;
    }
  }
  if (!uri && !vaultName && !keyName && !version) return null;
  return { uri, vaultName, keyName, version: version ? version.replace(/-/g, '').toLowerCase() : null };
}

/** `Get-SPODataEncryptionPolicy | Format-List` → the geo's state, progress and keys. */
export function parseSpoDataEncryptionPolicy(text: string): ParseOutcome<SpoDepState> {
  const records = parseFormatList(text);
  const empty: SpoDepState = { state: null, percentComplete: null, primaryKey: null, secondaryKey: null, raw: {} };
  if (records.length === 0) return { value: empty, problems: [NOTHING_FOUND('Get-SPODataEncryptionPolicy')] };
  const record = records[0] ?? {};
  const problems: Message[] = [];
  if (records.length > 1) problems.push(say('depParsers.manyRecords', 'The output holds more than one record; Keyward read the first. Paste one geo at a time.'));
  const stateRaw = field(record, 'State', 'Status', 'EncryptionState') ?? '';
  // "Registered" must not match inside "Unregistered": compare whole words, longest first.
  const state = SPO_STATES.find((s) => new RegExp(`(^|[^A-Za-z])${s}([^A-Za-z]|$)`, 'i').test(stateRaw)) ?? null;
  if (!state) {
    problems.push(
      stateRaw === ''
        ? say('depParsers.noState', 'No State line was found.')
        : say('depParsers.unknownState', `The state '${stateRaw}' is not one Keyward knows (Unregistered, Registering, Registered, Rolling).`, { value: `'${stateRaw}'` }),
    );
  }
  let percent: number | null = null;
  const candidates = [
    stateRaw,
    ...Object.entries(record)
      .filter(([k]) => /percent|progress|complete/i.test(k))
      .map(([, v]) => v),
  ];
  for (const candidate of candidates) {
    const m = /(\d{1,3}(?:\.\d+)?)\s*%?/.exec(candidate);
    if (m && m[1] && (candidate.includes('%') || candidate !== stateRaw)) {
      const n = Number(m[1]);
      if (n >= 0 && n <= 100) {
        percent = n;
        break;
      }
    }
  }
  const primaryKey = spoKey(record, 'Primary');
  const secondaryKey = spoKey(record, 'Secondary');
  if (!primaryKey) problems.push(say('depParsers.noPrimaryKey', 'No primary key was found in the output.'));
  if (!secondaryKey) problems.push(say('depParsers.noSecondaryKey', 'No secondary key was found in the output.'));
  return { value: { state, percentComplete: percent, primaryKey, secondaryKey, raw: record }, problems };
}

/** True when a parsed policy uses exactly these two keys (order and version ignored). */
export function depPolicyUsesKeys(policy: DepPolicyState, keyUris: readonly string[]): boolean {
  const want = keyUris.map((u) => {
    const parsed = parseKeyIdentifier(u);
    return (parsed.ok ? parsed.key.versionlessUri : u).toLowerCase();
  });
  const have = policy.normalizedKeyUris.map((u) => u.toLowerCase());
  return want.length === have.length && want.every((u) => have.includes(u));
}
