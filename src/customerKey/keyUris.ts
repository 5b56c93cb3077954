/**
 * Key identifiers: parse, validate and normalise `https://<vault>.vault.azure.net/keys/<key>[/<version>]`
 * and `https://<hsm>.managedhsm.azure.net/keys/<key>[/<version>]` (facts §1.11).
 *
 * The normal form is what the Exchange and multi-workload DEP cmdlets are shown with: https, lower
 * case host, no `:443`, no trailing slash, no version. Whether the cmdlets also accept versioned
 * or `:443` forms is UNCONFIRMED, so Keyward always hands them the normal form. Identifiers compare
 * case-insensitively (Key Vault names are not case-sensitive); the key name keeps the case it was
 * created with because that is what the portal and `Get-AzKeyVaultKey` show.
 */
import { appError, say, sentences, type Message } from '../core';
import { validateKeyName, validateManagedHsmName, validateVaultName } from './naming';

export type KeyContainerKind = 'vault' | 'managedHsm';

/** DNS suffixes of key containers in Azure's public cloud. */
export const KEY_HOST_SUFFIXES: Readonly<Record<KeyContainerKind, string>> = {
  vault: 'vault.azure.net',
  managedHsm: 'managedhsm.azure.net',
};

/** A parsed key identifier. */
export interface KeyIdentifier {
  readonly kind: KeyContainerKind;
  /** Vault or HSM name, lower case (it is a DNS label). */
  readonly containerName: string;
  /** Host with the port when it is not 443 (local emulator only), lower case. */
  readonly host: string;
  readonly keyName: string;
  /** 32 lower-case hex characters, when the identifier names a version. */
  readonly version?: string;
  /** `https://<host>/keys/<keyName>`: the form DEP cmdlets get. */
  readonly versionlessUri: string;
  /** The normal form including the version when there is one. */
  readonly uri: string;
}

export interface KeyUriOptions {
  /**
   * Extra accepted host suffixes, for the local emulator (`vault.localhost`,
   * `managedhsm.localhost`). Ports are kept for these hosts; Azure hosts never carry one.
   */
  readonly extraHostSuffixes?: Partial<Record<KeyContainerKind, readonly string[]>>;
}

export type KeyUriParse = { readonly ok: true; readonly key: KeyIdentifier } | { readonly ok: false; readonly error: Message };

const SHAPE = /^https:\/\/([A-Za-z0-9._-]+)(?::([0-9]{1,5}))?(\/[^?#\s]*)?$/i;
const EXAMPLE = 'https://contoso-ck-ex-a.vault.azure.net/keys/contoso-ck-ex-a-key';

/** Parses and normalises a key identifier; never throws. */
export function parseKeyIdentifier(input: string, options: KeyUriOptions = {}): KeyUriParse {
  const raw = input.trim();
  const fail = (why: Message): KeyUriParse => ({
    ok: false,
    error: sentences(why, say('keyUri.example', `A key identifier looks like ${EXAMPLE} (optionally followed by /<version>).`, { example: EXAMPLE, version: '/<version>' })),
  });
  const shown = `'${shorten(raw)}'`;
  if (raw === '') return fail(say('keyUri.empty', 'Enter a key identifier.'));
  if (/[\s\\%]|\.\.|\/\.\//.test(raw)) return fail(say('keyUri.characters', `${shown} contains spaces, backslashes, percent-escapes or dot segments.`, { value: shown }));
  const match = SHAPE.exec(raw);
  if (!match) return fail(say('keyUri.notHttps', `${shown} is not an https key identifier (no query, fragment or user name allowed).`, { value: shown }));
  const hostName = (match[1] ?? '').toLowerCase();
  const port = match[2];
  const path = (match[3] ?? '').replace(/\/+$/, '');

  let kind: KeyContainerKind | undefined;
  let containerName = '';
  let local = false;
  for (const k of ['vault', 'managedHsm'] as const) {
    const suffixes = [KEY_HOST_SUFFIXES[k], ...(options.extraHostSuffixes?.[k] ?? [])];
    for (const suffix of suffixes) {
      if (hostName.endsWith(`.${suffix.toLowerCase()}`)) {
        kind = k;
        containerName = hostName.slice(0, -(suffix.length + 1));
        local = suffix.toLowerCase() !== KEY_HOST_SUFFIXES[k];
        break;
      }
    }
    if (kind) break;
  }
  if (!kind) {
    return fail(
      say('keyUri.host', `The host '${hostName}' is neither a Key Vault (<name>.vault.azure.net) nor a Managed HSM (<name>.managedhsm.azure.net).`, {
        host: `'${hostName}'`,
        vault: '<name>.vault.azure.net',
        hsm: '<name>.managedhsm.azure.net',
      }),
    );
  }
  const nameProblem = kind === 'vault' ? validateVaultName(containerName) : validateManagedHsmName(containerName);
  if (nameProblem) return fail(nameProblem);
  if (port !== undefined && port !== '443' && !local)
    return fail(say('keyUri.port', `Azure key identifiers do not carry a port other than 443 (found :${port}).`, { port: `:${port}` }));

  const segments = path.split('/').slice(1);
  if (segments[0]?.toLowerCase() !== 'keys' || segments.length < 2 || segments.length > 3) {
    return fail(
      say('keyUri.path', `${shown} does not point at a key (the path must be /keys/<name> or /keys/<name>/<version>).`, {
        value: shown,
        short: '/keys/<name>',
        long: '/keys/<name>/<version>',
      }),
    );
  }
  const keyName = segments[1] ?? '';
  const keyProblem = validateKeyName(keyName);
  if (keyProblem) return fail(keyProblem);
  const versionRaw = segments[2];
  if (versionRaw !== undefined && !/^[0-9a-fA-F]{32}$/.test(versionRaw)) {
    return fail(say('keyUri.version', `'${versionRaw}' is not a key version (32 hexadecimal characters).`, { value: `'${versionRaw}'` }));
  }
  const host = port !== undefined && port !== '443' ? `${hostName}:${port}` : hostName;
  const versionlessUri = `https://${host}/keys/${keyName}`;
  const version = versionRaw?.toLowerCase();
  const key: KeyIdentifier = version
    ? { kind, containerName, host, keyName, version, versionlessUri, uri: `${versionlessUri}/${version}` }
    : { kind, containerName, host, keyName, versionlessUri, uri: versionlessUri };
  return { ok: true, key };
}

function shorten(value: string): string {
  return value.length > 120 ? `${value.slice(0, 117)}...` : value;
}

/**
 * The versionless normal form of a key identifier.
 * @throws AppError `ValidationFailed` with the reason when the input is not a key identifier.
 */
export function normalizeKeyUri(input: string, options: KeyUriOptions = {}): string {
  const parsed = parseKeyIdentifier(input, options);
  if (!parsed.ok) throw appError('ValidationFailed', parsed.error.text, { field: 'keyUri', message: parsed.error });
  return parsed.key.versionlessUri;
}

/** Builds the versionless identifier of a key in Azure's public cloud. */
export function versionlessKeyUri(kind: KeyContainerKind, containerName: string, keyName: string): string {
  return `https://${containerName.toLowerCase()}.${KEY_HOST_SUFFIXES[kind]}/keys/${keyName}`;
}

/** True when two identifiers name the same key (versions ignored, case-insensitive). */
export function sameKey(a: KeyIdentifier, b: KeyIdentifier): boolean {
  return a.versionlessUri.toLowerCase() === b.versionlessUri.toLowerCase();
}
