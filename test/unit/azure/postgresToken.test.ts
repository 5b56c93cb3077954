import assert from 'node:assert/strict';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { isAppError } from '../../../src/core';
import { POSTGRES_ENTRA_SCOPE, postgresTokenSource } from '../../../src/azure/postgresToken';

function credential(tokens: Array<AccessToken | Error>): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(scope) {
      scopes.push(String(scope));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const next = tokens.shift();
      if (next instanceof Error) throw next;
      return next ?? null;
    },
  };
}

describe('PostgreSQL Entra token source', () => {
  it("when the pool asks for passwords, then it gets the identity's token for the PostgreSQL scope, fetched once and shared by concurrent callers", async () => {
    const source = credential([{ token: 'tok-1', expiresOnTimestamp: 3_600_000 }]);
    const password = postgresTokenSource(source, 'client aaaa', () => 0);
    assert.deepEqual(await Promise.all([password(), password(), password()]), ['tok-1', 'tok-1', 'tok-1']);
    assert.equal(await password(), 'tok-1');
    assert.deepEqual(source.scopes, [POSTGRES_ENTRA_SCOPE]);
    assert.equal(POSTGRES_ENTRA_SCOPE, 'https://ossrdbms-aad.database.windows.net/.default');
  });

  it("when the token is within five minutes of expiry (or past Azure's refresh hint), then a new one is fetched before it is used again", async () => {
    let now = 0;
    const source = credential([
      { token: 'tok-1', expiresOnTimestamp: 3_600_000 },
      { token: 'tok-2', expiresOnTimestamp: 7_200_000, refreshAfterTimestamp: 5_000_000 },
      { token: 'tok-3', expiresOnTimestamp: 10_800_000 },
    ]);
    const password = postgresTokenSource(source, 'client aaaa', () => now);
    assert.equal(await password(), 'tok-1');
    now = 3_600_000 - 5 * 60_000 - 1;
    assert.equal(await password(), 'tok-1');
    now += 1;
    assert.equal(await password(), 'tok-2');
    now = 5_000_000;
    assert.equal(await password(), 'tok-3', 'the refresh hint comes first');
  });

  it('when the identity cannot get a token, then the error is StoreUnavailable naming the identity and the variable, and the next call tries again', async () => {
    const source = credential([new Error('ManagedIdentityCredential: no identity assigned\nstack…'), { token: 'tok-1', expiresOnTimestamp: 3_600_000 }]);
    const password = postgresTokenSource(source, 'client aaaa', () => 0);
    await assert.rejects(
      password(),
      (error: unknown) =>
        isAppError(error, 'StoreUnavailable') && /client aaaa/.test(error.message) && /KEYWARD_POSTGRES_CLIENT_ID/.test(error.message) && !error.message.includes('stack…'),
    );
    assert.equal(await password(), 'tok-1');
  });
});
