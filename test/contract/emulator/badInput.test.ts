import assert from 'node:assert/strict';
import https from 'node:https';
import type { TokenCredential } from '@azure/identity';
import {
  ARM_SCOPE,
  type TestEmulator,
  VAULT_SCOPE,
  WRITER_OBJECT_ID,
  createVault,
  keyClient,
  keyPolicy,
  localAgent,
  managedIdentity,
  restClient,
  startTestEmulator,
} from './helpers';

/** Raw HTTPS, for requests no SDK would send (broken JSON, odd methods, huge bodies). */
function raw(url: string, method: string, headers: Record<string, string>, body?: string | Buffer, servername?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method, headers, agent: localAgent, ...(servername ? { servername } : {}) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

describe("emulator bad input: Azure's status and code, state unchanged, never a crash", () => {
  let emulator: TestEmulator;
  let credential: TokenCredential;
  let vault: Awaited<ReturnType<typeof createVault>>;
  let vaultToken: string;
  let armToken: string;

  before(async () => {
    emulator = await startTestEmulator();
    credential = await managedIdentity();
    vault = await createVault(emulator, credential, { properties: { accessPolicies: [keyPolicy(emulator.tenantId, WRITER_OBJECT_ID, ['all'])] } });
    await keyClient(vault.vaultUri, credential).createRsaKey('cmk-stable');
    vaultToken = (await credential.getToken(VAULT_SCOPE))?.token ?? '';
    armToken = (await credential.getToken(ARM_SCOPE))?.token ?? '';
  });
  after(async () => {
    await emulator.dispose();
  });

  it('when bodies are broken JSON, wrong types or empty, then ARM says InvalidRequestContent/BadRequest and the data plane says BadParameter', async () => {
    const snapshot = async () => JSON.stringify({ ...(await emulator.control.state()), now: undefined });
    const before = await snapshot();
    const arm = (path: string, body: string) => raw(`${emulator.armEndpoint}${path}`, 'PUT', { authorization: `Bearer ${armToken}`, 'content-type': 'application/json' }, body);
    const vaultPath = `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.KeyVault/vaults/kvbroken?api-version=2026-02-01`;
    for (const body of ['{', '[]', '"text"', '{"location":"westeurope","properties":[]}', '{"location":7,"properties":{}}']) {
      const response = await arm(vaultPath, body);
      assert.equal(response.status, 400, body);
      assert.match(JSON.parse(response.body).error.code as string, /InvalidRequestContent|BadRequest|LocationRequired/);
    }
    const data = (path: string, body: string, method = 'POST') =>
      raw(`${vault.vaultUri.replace(/\/$/, '')}${path}?api-version=2025-07-01`, method, { authorization: `Bearer ${vaultToken}`, 'content-type': 'application/json' }, body);
    for (const body of [
      '{',
      '[]',
      '{"kty":7}',
      '{"kty":"RSA","key_size":"big"}',
      '{"kty":"RSA","attributes":{"exp":"tomorrow"}}',
      '{"kty":"RSA","tags":{"a":1}}',
      '{"kty":"RSA","key_ops":"all"}',
    ]) {
      const response = await data('/keys/cmk-new/create', body);
      assert.equal(response.status, 400, body);
      assert.equal(JSON.parse(response.body).error.code, 'BadParameter', body);
    }
    const patch = await data('/keys/cmk-stable/', '{"attributes":{"enabled":"yes"}}', 'PATCH');
    assert.equal(patch.status, 400);
    assert.equal(await snapshot(), before, 'state unchanged');
  });

  it("when api-versions are missing or malformed, or maxresults is out of range, then the data plane answers 400 with Azure's codes", async () => {
    const base = vault.vaultUri.replace(/\/$/, '');
    const auth = { authorization: `Bearer ${vaultToken}` };
    const missing = await raw(`${base}/keys`, 'GET', auth);
    assert.equal(JSON.parse(missing.body).error.code, 'MissingApiVersionParameter');
    const malformed = await raw(`${base}/keys?api-version=banana`, 'GET', auth);
    assert.equal(malformed.status, 400);
    assert.match(JSON.parse(malformed.body).error.message as string, /not recognized/);
    const older = await raw(`${base}/keys?api-version=7.4`, 'GET', auth);
    assert.equal(older.status, 200);
    const tooMany = await raw(`${base}/keys?api-version=2025-07-01&maxresults=500`, 'GET', auth);
    assert.equal(tooMany.status, 400);
    const badToken = await raw(`${base}/keys?api-version=2025-07-01&$skiptoken=@@@`, 'GET', auth);
    assert.equal(badToken.status, 400);
  });

  it('when requests are strange (unknown hosts, odd methods, huge or binary bodies, deep paths), then the emulator answers and keeps serving', async () => {
    const port = emulator.port;
    const unknownHost = await raw(`https://localhost:${port}/keys`, 'GET', { host: `kv.vault.azure.net:${port}` }, undefined, 'localhost');
    assert.equal(unknownHost.status, 421);
    assert.equal(JSON.parse(unknownHost.body).error.code, 'MisdirectedRequest');
    const missingVault = await raw(`https://kv-missing.vault.localhost:${port}/keys?api-version=2025-07-01`, 'GET', {});
    assert.equal(JSON.parse(missingVault.body).error.code, 'VaultNotFound');
    const odd = await raw(`${vault.vaultUri}keys/cmk-stable?api-version=2025-07-01`, 'BREW' as never, { authorization: `Bearer ${vaultToken}` }).catch(() => ({
      status: 400,
      body: '',
    }));
    assert.ok(odd.status >= 400);
    const huge = await raw(
      `${vault.vaultUri.replace(/\/$/, '')}/keys/cmk-huge/create?api-version=2025-07-01`,
      'POST',
      { authorization: `Bearer ${vaultToken}`, 'content-type': 'application/json' },
      Buffer.alloc(5 * 1024 * 1024, 0x20),
    );
    assert.equal(huge.status, 413);
    const binary = await raw(
      `${vault.vaultUri.replace(/\/$/, '')}/keys/cmk-bin/create?api-version=2025-07-01`,
      'POST',
      { authorization: `Bearer ${vaultToken}` },
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
    );
    assert.equal(binary.status, 400);
    const deep = await raw(`${vault.vaultUri}keys/a/b/c/d/e/f?api-version=2025-07-01`, 'GET', { authorization: `Bearer ${vaultToken}` });
    assert.equal(deep.status, 501);
    const weirdName = await raw(
      `${vault.vaultUri}keys/%E2%9C%93/create?api-version=2025-07-01`,
      'POST',
      { authorization: `Bearer ${vaultToken}`, 'content-type': 'application/json' },
      '{"kty":"RSA"}',
    );
    assert.equal(weirdName.status, 400);
    const garbageAuth = await raw(`${vault.vaultUri}keys?api-version=2025-07-01`, 'GET', { authorization: 'Bearer not.a.jwt' });
    assert.equal(garbageAuth.status, 401);
    const basicAuth = await raw(`${emulator.armEndpoint}/subscriptions?api-version=2022-12-01`, 'GET', { authorization: 'Basic dXNlcjpwYXNz' });
    assert.equal(basicAuth.status, 401);
    // Still healthy.
    assert.equal((await keyClient(vault.vaultUri, credential).getKey('cmk-stable')).name, 'cmk-stable');
    assert.equal((await restClient(credential, ARM_SCOPE)('GET', `${emulator.armEndpoint}/subscriptions?api-version=2022-12-01`)).status, 200);
  });
});
