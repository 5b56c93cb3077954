import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DefaultAzureCredential } from '@azure/identity';
import { defaultSeed } from '../../../src/emulator';
import {
  ARM_SCOPE,
  EXCHANGE_APP_ID,
  EXCHANGE_OBJECT_ID,
  READER_CLIENT_ID,
  READER_OBJECT_ID,
  type TestEmulator,
  VAULT_SCOPE,
  WRITER_OBJECT_ID,
  appServiceEnv,
  createVault,
  expectRestError,
  keyClient,
  keyPolicy,
  managedIdentity,
  restClient,
  sharedIdentityEmulator,
  startTestEmulator,
  staticCredential,
  withEnv,
} from './helpers';

const execFileAsync = promisify(execFile);

function claimsOf(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('emulator managed identity endpoint', () => {
  let emulator: TestEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(async () => {
    await emulator.dispose();
  });

  it("when ManagedIdentityCredential names Keyward's writer, then it gets an RS256 JWT for the writer with aud, oid, tid, appid and exp", async () => {
    const credential = await managedIdentity();
    const token = await credential.getToken(VAULT_SCOPE);
    assert.ok(token);
    const [header] = token.token.split('.');
    assert.equal((JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as { alg: string }).alg, 'RS256');
    const claims = claimsOf(token.token);
    assert.equal(claims.aud, 'https://vault.localhost');
    assert.equal(claims.oid, WRITER_OBJECT_ID);
    assert.equal(claims.tid, emulator.tenantId);
    assert.equal(typeof claims.appid, 'string');
    assert.ok((claims.exp as number) > Date.now() / 1000);
    assert.ok(token.expiresOnTimestamp > Date.now());
  });

  it("when the credential names a client id, then the token is that principal's (reader, Exchange Online)", async () => {
    const reader = await (await managedIdentity(READER_CLIENT_ID)).getToken(ARM_SCOPE);
    assert.equal(claimsOf(reader?.token ?? '').oid, READER_OBJECT_ID);
    const exchange = await (await managedIdentity(EXCHANGE_APP_ID)).getToken(VAULT_SCOPE);
    assert.equal(claimsOf(exchange?.token ?? '').oid, EXCHANGE_OBJECT_ID);
    assert.equal(claimsOf(exchange?.token ?? '').appid, EXCHANGE_APP_ID);
  });

  it('when DefaultAzureCredential runs with the App Service variables, then it authenticates unchanged against the emulator', async () => {
    const identity = await sharedIdentityEmulator();
    const token = await withEnv(appServiceEnv(identity), () => new DefaultAzureCredential({ managedIdentityClientId: READER_CLIENT_ID }).getToken(ARM_SCOPE));
    assert.equal(claimsOf(token.token).oid, READER_OBJECT_ID);
  });

  it('when a fresh process uses DefaultAzureCredential with AZURE_POD_IDENTITY_AUTHORITY_HOST (IMDS form), then it gets a token that the data plane accepts', async () => {
    // A child process: MSAL caches the managed-identity source per process, so the IMDS form needs its own.
    const script = `
      const { DefaultAzureCredential } = require('@azure/identity');
      new DefaultAzureCredential({ managedIdentityClientId: '${EXCHANGE_APP_ID}' })
        .getToken('${VAULT_SCOPE}')
        .then((t) => process.stdout.write(JSON.stringify({ token: t.token })))
        .catch((e) => { process.stderr.write(String(e && e.message)); process.exit(1); });`;
    const env: NodeJS.ProcessEnv = { ...process.env, AZURE_POD_IDENTITY_AUTHORITY_HOST: emulator.imdsEndpoint };
    for (const name of ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID']) delete env[name];
    const { stdout } = await execFileAsync(process.execPath, ['-e', script], { env, cwd: process.cwd(), timeout: 20_000 });
    const { token } = JSON.parse(stdout) as { token: string };
    assert.equal(claimsOf(token).oid, EXCHANGE_OBJECT_ID);

    const writer = await managedIdentity();
    const vault = await createVault(emulator, writer, { properties: { accessPolicies: [keyPolicy(emulator.tenantId, EXCHANGE_OBJECT_ID, ['list'])] } });
    const keys = keyClient(vault.vaultUri, staticCredential(token));
    const names: string[] = [];
    for await (const key of keys.listPropertiesOfKeys()) names.push(key.name);
    assert.deepEqual(names, []);
    const imdsPaths = (await emulator.control.requests()).filter((r) => r.path.startsWith('/metadata/identity/oauth2/token'));
    assert.ok(
      imdsPaths.some((r) => r.path === '/metadata/identity/oauth2/token/' && r.status === 200),
      'IMDS form uses the trailing-slash path',
    );
  });

  it('when the token endpoint is called wrongly, then it answers like IMDS / App Service do (missing header, wrong secret, unknown identity, no resource)', async () => {
    const rest = restClient(undefined, '');
    const base = `${emulator.identityEndpoint}?api-version=2019-08-01&resource=${encodeURIComponent('https://vault.localhost')}`;
    assert.equal((await rest('GET', base)).status, 400);
    const wrongSecret = await rest('GET', base, undefined, { 'x-identity-header': 'not-the-secret' });
    assert.equal(wrongSecret.status, 401);
    const unknown = await rest('GET', `${base}&client_id=11111111-2222-3333-4444-555555555555`, undefined, { 'x-identity-header': emulator.identityHeader });
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body as { error_description: string }).error_description, 'Identity not found');
    const byObjectId = await rest('GET', `${emulator.identityEndpoint}/?api-version=2018-02-01&resource=https://vault.localhost&object_id=${READER_OBJECT_ID}`, undefined, {
      metadata: 'true',
    });
    assert.equal(byObjectId.status, 200);
    assert.equal(claimsOf((byObjectId.body as { access_token: string }).access_token).oid, READER_OBJECT_ID);
    const byResourceId = await rest(
      'GET',
      `${base}&mi_res_id=${encodeURIComponent('/subscriptions/x/resourceGroups/y/providers/Microsoft.ManagedIdentity/userAssignedIdentities/keyward-reader')}`,
      undefined,
      {
        'x-identity-header': emulator.identityHeader,
      },
    );
    assert.equal(claimsOf((byResourceId.body as { access_token: string }).access_token).oid, READER_OBJECT_ID);
    const noResource = await rest('GET', `${emulator.identityEndpoint}?api-version=2019-08-01`, undefined, { 'x-identity-header': emulator.identityHeader });
    assert.equal(noResource.status, 400);
  });

  it("when a token has expired, is forged or names another tenant, then ARM and the data plane answer 401 with Azure's codes", async () => {
    const writer = await managedIdentity();
    const vault = await createVault(emulator, writer, { properties: { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['all'])] } });
    const expired = await emulator.control.issueToken({ principal: WRITER_OBJECT_ID, resource: 'https://vault.localhost', lifetimeSeconds: -10 });
    await expectRestError(keyClient(vault.vaultUri, staticCredential(expired.accessToken)).getKey('none'), 401, 'Unauthorized');
    const armExpired = await emulator.control.issueToken({ principal: WRITER_OBJECT_ID, resource: 'https://management.azure.com', lifetimeSeconds: -10 });
    const arm = await restClient(staticCredential(armExpired.accessToken), ARM_SCOPE)(
      'GET',
      `${emulator.armEndpoint}/subscriptions/${emulator.subscriptionIds[0]}?api-version=2022-12-01`,
    );
    assert.equal(arm.status, 401);
    assert.equal((arm.body as { error: { code: string } }).error.code, 'ExpiredAuthenticationToken');

    const good = (await writer.getToken(VAULT_SCOPE))?.token ?? '';
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${Buffer.from('not a signature').toString('base64url')}`;
    const forgedArm = await restClient(staticCredential(forged), ARM_SCOPE)('GET', `${emulator.armEndpoint}/subscriptions?api-version=2022-12-01`);
    assert.equal((forgedArm.body as { error: { code: string } }).error.code, 'InvalidAuthenticationToken');

    const foreign = await startTestEmulator({ seed: { ...defaultSeed(), tenantId: '11111111-2222-4333-8444-555555555555' } });
    try {
      const foreignToken = await foreign.control.issueToken({ principal: WRITER_OBJECT_ID, resource: 'https://management.azure.com' });
      const wrongTenant = await restClient(staticCredential(foreignToken.accessToken), ARM_SCOPE)('GET', `${emulator.armEndpoint}/subscriptions?api-version=2022-12-01`);
      assert.equal((wrongTenant.body as { error: { code: string } }).error.code, 'InvalidAuthenticationTokenTenant');
      const foreignVault = await foreign.control.issueToken({ principal: WRITER_OBJECT_ID, resource: 'https://vault.localhost' });
      const issuer = await expectRestError(keyClient(vault.vaultUri, staticCredential(foreignVault.accessToken)).getKey('none'), 401, 'Unauthorized');
      assert.match(issuer.message, /AKV10032/);
    } finally {
      await foreign.dispose();
    }

    const armToken = (await writer.getToken(ARM_SCOPE))?.token ?? '';
    const wrongAudience = await expectRestError(keyClient(vault.vaultUri, staticCredential(armToken)).getKey('none'), 401, 'Unauthorized');
    assert.match(wrongAudience.message, /AKV10022/);
  });
});
