import type { TokenCredential } from '@azure/core-auth';
import { appError } from '../core';
import { createAzureCredential } from './credentials';

/**
 * The scope of Azure Database for PostgreSQL's Microsoft Entra sign-in: the access token for it
 * is the password. Source:
 * https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-connect-with-managed-identity
 * and https://learn.microsoft.com/azure/service-connector/how-to-integrate-postgres (the
 * `https://ossrdbms-aad.database.windows.net/.default` scope in every language's sample).
 */
export const POSTGRES_ENTRA_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

/** Refresh this long before the token expires (a new connection must never get a token that lapses mid-handshake). */
const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * A password source for PostgreSQL's connection pool: the managed identity's Entra access token,
 * fetched on first use, kept until five minutes before it expires (or Azure's own refresh hint,
 * whichever is sooner), then fetched again. Concurrent callers share one fetch. The token is a
 * secret: it is never logged, and failures name the identity, not the token.
 */
export function postgresTokenSource(credential: TokenCredential, describe: string, now: () => number = Date.now): () => Promise<string> {
  let cached: { token: string; refreshAt: number } | undefined;
  let fetching: Promise<string> | undefined;
  return () => {
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
    fetching ??= credential
      .getToken(POSTGRES_ENTRA_SCOPE)
      .then((token) => {
        if (!token) throw new Error('no token was returned');
        const refreshAt = Math.min(token.expiresOnTimestamp - REFRESH_BEFORE_MS, token.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY);
        cached = { token: token.token, refreshAt };
        return token.token;
      })
      .catch((error: unknown) => {
        throw appError(
          'StoreUnavailable',
          `Keyward could not get a Microsoft Entra token for PostgreSQL as ${describe} (KEYWARD_POSTGRES_CLIENT_ID): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        );
      })
      .finally(() => (fetching = undefined));
    return fetching;
  };
}

/**
 * The PostgreSQL password source a configuration asks for: the Entra token of the managed identity
 * `clientId` (or the default Azure credential without one) when signing in with Entra; undefined
 * for password sign-in (the URL carries it).
 */
export function postgresPasswordSource(
  settings: { postgresAuth: 'entra' | 'password'; postgresClientId?: string },
  options: { localOnly: boolean },
): (() => Promise<string>) | undefined {
  if (settings.postgresAuth !== 'entra') return undefined;
  return postgresTokenSource(
    createAzureCredential(settings.postgresClientId, { localOnly: options.localOnly }),
    settings.postgresClientId ? `the managed identity ${settings.postgresClientId}` : 'the default Azure credential',
  );
}
