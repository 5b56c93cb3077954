import { SETTINGS } from './settings';

/** Renders .env.sample from the settings table (`npm run env:sample`); a test checks they agree. */
export function renderEnvSample(): string {
  const lines = [
    '# Keyward configuration. Copy to .env (never commit .env) or set these in the environment.',
    '# Every variable is optional for `npm start` (local mode). Generated from src/config/settings.ts.',
    '#',
    '# The Azure SDKs also read their own standard variables (IDENTITY_ENDPOINT, IDENTITY_HEADER,',
    '# AZURE_CLIENT_ID, NODE_EXTRA_CA_CERTS, ...); npm start sets those for the local emulator.',
    '',
  ];
  for (const setting of SETTINGS) {
    lines.push(`# ${setting.doc}${'secret' in setting && setting.secret ? ' (secret)' : ''}`);
    lines.push(`${setting.name}=${setting.example ?? ''}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The README's configuration table (between its `config:start`/`config:end` markers); a test keeps them equal. */
export function renderConfigTable(): string {
  const rows = SETTINGS.map((setting) => {
    const parsed = (setting.schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(undefined);
    const fallback = parsed.success && parsed.data !== undefined && !(Array.isArray(parsed.data) && parsed.data.length === 0) ? `\`${String(parsed.data)}\`` : '—';
    return `| \`${setting.name}\` | ${fallback} | ${setting.doc.replace(/\|/g, '\\|').replace(/</g, '&lt;')}${'secret' in setting && setting.secret ? ' **Secret.**' : ''} |`;
  });
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

/** Variable names assigned in a .env-style text. */
export function envFileNames(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

if (require.main === module) process.stdout.write(renderEnvSample());
