import fs from 'node:fs';
import path from 'node:path';

export const APP_PACKAGE_DIR = path.resolve(__dirname, '..', '..', 'appPackage');

/** The `${{NAME}}` placeholders the manifest template uses, with what each must be. */
export const MANIFEST_PLACEHOLDERS = {
  TEAMS_APP_ID: 'the Teams app id (a GUID you choose once and keep)',
  BOT_ID: 'the bot id: for UserAssignedMSI the managed identity client id (same as MicrosoftAppId)',
  APP_VERSION: 'the app version, e.g. 1.0.0 (default: package.json version)',
  APP_NAME_SUFFIX: 'an optional suffix for the short name, e.g. " (dev)" (default: empty)',
} as const;

export type ManifestValues = Partial<Record<keyof typeof MANIFEST_PLACEHOLDERS, string>>;

/** Replaces every `${{NAME}}` in the template; lists every missing value at once. */
export function substituteManifest(template: string, values: ManifestValues): string {
  const missing = new Set<string>();
  const result = template.replace(/\$\{\{([A-Z_]+)\}\}/g, (_match, name: string) => {
    const value = values[name as keyof ManifestValues];
    if (value === undefined) {
      missing.add(name);
      return '';
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new Error(`Set ${[...missing].map((name) => `${name} (${MANIFEST_PLACEHOLDERS[name as keyof typeof MANIFEST_PLACEHOLDERS] ?? 'unknown placeholder'})`).join(', ')}.`);
  }
  return result;
}

export function readManifestTemplate(): string {
  return fs.readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8');
}

/**
 * Validates a substituted manifest against the Teams schema bundled in @microsoft/app-manifest
 * (offline: the library maps the $schema URL to its bundled copy). Returns the errors, [] if valid.
 */
export async function validateManifest(manifestJson: string): Promise<string[]> {
  // A dev-time tool: required lazily so production installs need not carry it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  const { AppManifestUtils } = require('@microsoft/app-manifest') as { AppManifestUtils: { validateAgainstSchema(manifest: unknown): Promise<string[]> } };
  return AppManifestUtils.validateAgainstSchema(JSON.parse(manifestJson));
}
