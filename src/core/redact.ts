/**
 * Key names whose values are secrets. Used by the logger binding and by tests that scan logs,
 * cards and audit events for leaks.
 */
const SECRET_KEY = /(authorization|token|secret|password|private|^d$|^p$|^q$|^dp$|^dq$|^qi$|^k$|cookie|identity[-_]?header|clientsecret|security_?domain_?value|key_?material)/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Deep copy with secret-looking members replaced by "[redacted]". */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    out[key] = isSecretKey(key) ? '[redacted]' : redactSecrets(member, depth + 1);
  }
  return out;
}

/** Bearer tokens and JWT-shaped strings, for scanning text that must never carry them. */
export const TOKEN_PATTERN = /(Bearer\s+[A-Za-z0-9._~+/-]+=*|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/;
