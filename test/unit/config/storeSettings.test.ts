import assert from 'node:assert/strict';
import { isAppError } from '../../../src/core';
import { loadConfig, type ConfigProblem } from '../../../src/config';

// Production also needs its signing key in Key Vault (issue 12 item 4).
const PRODUCTION = {
  MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
  MicrosoftAppType: 'UserAssignedMSI',
  MicrosoftAppTenantId: '66666666-7777-4888-9999-000000000000',
  KEYWARD_SIGNING_KEY_ID: 'https://kv-keyward.vault.azure.net/keys/keyward-signing',
};
const AZURE_URL = 'postgres://keyward-identity@kw-db.postgres.database.azure.com:5432/keyward';

function problemsOf(env: Record<string, string>): ConfigProblem[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (isAppError(error, 'ConfigInvalid')) return error.details.problems as ConfigProblem[];
    throw error;
  }
  return [];
}

describe('store settings (KEYWARD_STORE, KEYWARD_POSTGRES_*)', () => {
  it('when nothing is set, then the store is SQLite in the data directory', () => {
    assert.equal(loadConfig({}).store.engine, 'sqlite');
  });

  it('when production uses PostgreSQL with its managed identity, then it signs in with Entra over TLS as the writer identity unless another is named', () => {
    const config = loadConfig({ ...PRODUCTION, KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: AZURE_URL, KEYWARD_WRITER_CLIENT_ID: 'aaaaaaaa-0000-4000-8000-000000000001' });
    assert.equal(config.store.engine, 'postgres');
    assert.equal(config.store.postgresAuth, 'entra');
    assert.equal(config.store.postgresTls, true);
    assert.equal(config.store.postgresClientId, 'aaaaaaaa-0000-4000-8000-000000000001');
    const named = loadConfig({
      ...PRODUCTION,
      KEYWARD_STORE: 'postgres',
      KEYWARD_POSTGRES_URL: AZURE_URL,
      KEYWARD_WRITER_CLIENT_ID: 'aaaaaaaa-0000-4000-8000-000000000001',
      KEYWARD_POSTGRES_CLIENT_ID: 'bbbbbbbb-0000-4000-8000-000000000002',
    });
    assert.equal(named.store.postgresClientId, 'bbbbbbbb-0000-4000-8000-000000000002');
  });

  it('when a PostgreSQL setting is wrong, then the one problem names its variable', () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ ...PRODUCTION, KEYWARD_STORE: 'postgres' }, 'KEYWARD_POSTGRES_URL', /required/],
      [
        {
          ...PRODUCTION,
          KEYWARD_STORE: 'postgres',
          KEYWARD_POSTGRES_URL: 'postgres://keyward-identity:secret@kw-db.postgres.database.azure.com/keyward',
          KEYWARD_POSTGRES_CLIENT_ID: 'c',
        },
        'KEYWARD_POSTGRES_URL',
        /password/,
      ],
      [{ ...PRODUCTION, KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: `${AZURE_URL}?sslmode=disable`, KEYWARD_POSTGRES_CLIENT_ID: 'c' }, 'KEYWARD_POSTGRES_URL', /TLS/],
      [{ ...PRODUCTION, KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: AZURE_URL }, 'KEYWARD_POSTGRES_CLIENT_ID', /managed identity/],
      [{ KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: 'mysql://u:p@localhost/db' }, 'KEYWARD_POSTGRES_URL', /postgres:\/\//],
      [{ KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: 'postgres://localhost/db' }, 'KEYWARD_POSTGRES_URL', /no user/],
      [{ KEYWARD_POSTGRES_URL: 'postgres://u:p@localhost/db' }, 'KEYWARD_POSTGRES_URL', /KEYWARD_STORE is sqlite/],
      [{ KEYWARD_STORE: 'mysql' }, 'KEYWARD_STORE', /./],
      [
        { KEYWARD_STORE: 'postgres', KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE: 'true', KEYWARD_POSTGRES_URL: 'postgres://u:p@localhost/db' },
        'KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE',
        /sqlite/,
      ],
    ];
    for (const [env, variable, message] of cases) {
      const problems = problemsOf(env);
      const problem = problems.find((p) => p.variable === variable);
      assert.ok(problem, `${JSON.stringify(env)} names ${variable}: ${JSON.stringify(problems)}`);
      assert.match(problem.message, message);
      assert.ok(!JSON.stringify(problems).includes('secret'), 'a password never appears in a message');
    }
  });

  it('when local mode points at a loopback server, then TLS is off unless the URL asks for it', () => {
    assert.equal(loadConfig({ KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: 'postgres://u:p@127.0.0.1:5432/keyward' }).store.postgresTls, false);
    assert.equal(loadConfig({ KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: 'postgres://u:p@127.0.0.1:5432/keyward?sslmode=require' }).store.postgresTls, true);
    assert.equal(loadConfig({ KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: 'postgres://u:p@db.example.com:5432/keyward' }).store.postgresTls, true);
  });
});
