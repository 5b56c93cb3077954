import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_IDENTITIES, LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID } from '../../src/core';
import { localPolicyPath } from '../../src/approvals/policyFile';
import { runDoctorCli } from '../../src/cli/doctor';
import { readManifestTemplate, substituteManifest } from '../../src/package/appManifest';
import { createZip } from '../../src/package/zip';
import { startTestEmulator, type TestEmulator } from '../helpers/emulatorEnv';
import { newTestDatabase } from '../helpers/postgresServer';
import { runDoctor, formatDoctorReport } from '../../src/app/doctor';

const BOT_ID = LOCAL_IDENTITIES.writer.clientId;
const RG_SCOPE = `/subscriptions/${LOCAL_SUBSCRIPTIONS.primary.id}/resourceGroups/rg-ck-a`;

/**
 * `npm run doctor` against the emulator, as a deployment in production mode sees it (its Azure
 * endpoints and managed identities are the emulator's): a good setup exits 0; each broken piece
 * is named with its fix and exits 1.
 */
describe('npm run doctor (emulator, production-mode settings)', function () {
  this.timeout(60_000);
  let emulator: TestEmulator;
  let work: string;
  let good: Record<string, string>;

  const doctor = async (env: Record<string, string | undefined>, args: string[]) => {
    let out = '';
    let err = '';
    const code = await runDoctorCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
    return { code, out, err };
  };
  const manifest = (botId: string) => {
    const file = path.join(work, `appPackage-${botId.slice(-4)}.zip`);
    const json = substituteManifest(readManifestTemplate(), { TEAMS_APP_ID: '4b2c9f0e-1111-4222-8333-944455566677', BOT_ID: botId, APP_VERSION: '1.0.0', APP_NAME_SUFFIX: '' });
    fs.writeFileSync(file, createZip([{ name: 'manifest.json', data: Buffer.from(json) }]));
    return file;
  };

  before(async () => {
    emulator = await startTestEmulator();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-doctor-'));
    good = {
      ...emulator.keywardEnv,
      MicrosoftAppId: BOT_ID,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: LOCAL_TENANT_ID,
      KEYWARD_HOST: '127.0.0.1',
      KEYWARD_POLICY_FILE: localPolicyPath(),
      KEYWARD_DATA_DIR: path.join(work, 'data'),
      KEYWARD_AUDIT_DIGEST_DIR: path.join(work, 'digests'),
      // Production signs votes, decisions and digests with a Key Vault key (issue 12 item 4).
      KEYWARD_SIGNING_KEY_ID: 'https://kv-keyward-signing.vault.azure.net/keys/keyward-signing',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
      IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT,
      IDENTITY_HEADER: process.env.IDENTITY_HEADER,
    } as Record<string, string>;
  });
  after(async () => {
    await emulator?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('when the deployment is configured well, then every check is green and doctor exits 0', async () => {
    const result = await doctor(good, ['--manifest', manifest(BOT_ID), '--scope', RG_SCOPE, '--scope', `/subscriptions/${LOCAL_SUBSCRIPTIONS.primary.id}`]);
    assert.equal(result.code, 0, result.out + result.err);
    for (const check of ['settings', 'policy', 'telemetry', 'audit digests', 'teams app', 'identity writer', 'identity reader', 'policy people', 'roles writer', 'roles reader'])
      assert.match(result.out, new RegExp(`✔ ${check}: `), `${check}\n${result.out}`);
    assert.match(result.out, new RegExp(`identity writer: client id ${BOT_ID} is object id ${LOCAL_IDENTITIES.writer.objectId}`));
    assert.match(result.out, /All is well\./);
  });

  it('when settings and the Teams app package are wrong, then each is named with its fix and doctor exits 1 without going online', async () => {
    const result = await doctor({ ...good, KEYWARD_EXECUTOR_MAX_ATTEMPTS: '0', KEYWARD_PUBLIC_URL: 'http://keyward.example' }, [
      '--manifest',
      manifest('9a8b7c6d-0000-4000-8000-00000000dead'),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.out, /✘ settings: KEYWARD_EXECUTOR_MAX_ATTEMPTS /);
    assert.match(result.out, /✘ settings: KEYWARD_PUBLIC_URL must start with https:\/\//);
    assert.match(result.out, /fix: Set KEYWARD_EXECUTOR_MAX_ATTEMPTS in the App Service's application settings/);
    assert.match(result.out, /✘ teams app: .*its bot id 9a8b7c6d-0000-4000-8000-00000000dead is not this Keyward's MicrosoftAppId/);
    assert.match(result.out, new RegExp(`fix: Rebuild with "TEAMS_APP_ID=<guid> BOT_ID=${BOT_ID} npm run package"`));
    assert.doesNotMatch(result.out, /identity writer/, 'no online check with broken settings');
  });

  it('when a policy member (in two groups) is not in the tenant, an identity gets no token and the writer lacks its roles, then each is named once with its fix and doctor exits 1', async () => {
    const policy = JSON.parse(fs.readFileSync(localPolicyPath(), 'utf8')) as { groups: { keyApprovers: { members: string[] }; keyCustodians: { members: string[] } } };
    policy.groups.keyApprovers.members.push('0c0c0c0c-0000-4000-8000-00000000beef');
    policy.groups.keyCustodians.members.push('0c0c0c0c-0000-4000-8000-00000000beef');
    const policyFile = path.join(work, 'policy-stranger.json');
    fs.writeFileSync(policyFile, JSON.stringify(policy));
    await emulator.emulator.control.setArmPermissions(LOCAL_IDENTITIES.writer.objectId, ['Microsoft.KeyVault/vaults/read']);
    try {
      // The default digest directory lies beside the data directory (issue 12 item 4): name one inside it.
      const result = await doctor(
        {
          ...good,
          KEYWARD_POLICY_FILE: policyFile,
          KEYWARD_AUDIT_DIGEST_DIR: path.join(work, 'data', 'audit-digests'),
          KEYWARD_READER_CLIENT_ID: '7e7e7e7e-0000-4000-8000-00000000f00d',
        },
        ['--manifest', manifest(BOT_ID), '--scope', RG_SCOPE],
      );
      assert.equal(result.code, 1, result.out);
      assert.match(result.out, /✘ policy people: 0c0c0c0c-0000-4000-8000-00000000beef \(groups keyApprovers, keyCustodians\) is not a user of tenant/);
      assert.equal(result.out.match(/0c0c0c0c-0000-4000-8000-00000000beef/g)?.length, 1, 'one finding for the person, not one per group');
      assert.match(result.out, /fix: Replace it with the person's Entra object id/);
      assert.match(result.out, /✘ identity reader: client id 7e7e7e7e-0000-4000-8000-00000000f00d obtained no token/);
      assert.match(result.out, /fix: Assign the user-assigned managed identity 7e7e7e7e-0000-4000-8000-00000000f00d to this App Service/);
      assert.match(result.out, /✘ roles writer: lacks Microsoft\.KeyVault\/vaults\/write at \/subscriptions\/[0-9a-f-]+ \(resource group not created yet\)/);
      assert.match(
        result.out,
        new RegExp(
          `az role assignment create --assignee-object-id ${LOCAL_IDENTITIES.writer.objectId} --assignee-principal-type ServicePrincipal --role [0-9a-f-]{36} --scope \\/subscriptions\\/${LOCAL_SUBSCRIPTIONS.primary.id}   # Key Vault Contributor`,
        ),
      );
      assert.ok(!/✘ roles reader/.test(result.out), 'the reader has no token, so its roles are not guessed at');
      assert.match(result.out, /⚠ audit digests: signed digests are written inside the data directory/);
    } finally {
      await emulator.emulator.control.setArmPermissions(LOCAL_IDENTITIES.writer.objectId, null);
    }
  });

  it('when asked for --offline, then nothing online is checked', async () => {
    const result = await doctor(good, ['--offline', '--manifest', manifest(BOT_ID)]);
    assert.equal(result.code, 0, result.out);
    assert.doesNotMatch(result.out, /identity|roles|policy people/);
  });

  it('when production keeps the SQLite store on a network share, then doctor fails naming the share, with the move to PostgreSQL as the fix', async () => {
    const findings = await runDoctor({ env: good, online: false, scopes: [], mounts: `//storage.file.core.windows.net/home ${work} cifs rw,relatime 0 0\n` });
    const store = findings.find((f) => f.check === 'store')!;
    assert.equal(store.status, 'fail');
    assert.match(store.message, /network file system \(cifs at /);
    assert.match(store.fix!, /KEYWARD_STORE=postgres/);
    assert.equal(formatDoctorReport(findings).code, 1);
    const local = await runDoctor({ env: good, online: false, scopes: [], mounts: `/dev/sda1 / ext4 rw 0 0\n` });
    assert.equal(local.find((f) => f.check === 'store')?.status, 'ok');
  });

  it('when production asks for PostgreSQL without a server, then the store setting is named with the URL to set', async () => {
    const result = await doctor({ ...good, KEYWARD_STORE: 'postgres' }, ['--offline', '--manifest', manifest(BOT_ID)]);
    assert.equal(result.code, 1, result.out);
    assert.match(result.out, /✘ store: KEYWARD_POSTGRES_URL is required with KEYWARD_STORE=postgres in production/);
    assert.match(result.out, /fix: Set KEYWARD_POSTGRES_URL=postgres:\/\/<role>@<server>\.postgres\.database\.azure\.com:5432\/<database>/);
  });

  it('when KEYWARD_STORE=postgres names a real server, then doctor says it answers; with a wrong password, then it fails with the sign-in fix and never prints the password', async () => {
    const url = await newTestDatabase();
    const local = { ...emulator.keywardEnv, KEYWARD_DATA_DIR: path.join(work, 'pg-data'), KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: url };
    const fine = await doctor(local, []);
    assert.match(fine.out, /✔ store: PostgreSQL 127\.0\.0\.1:\d+\/keyward_test_\d+_\d+ as keyward answers; Keyward has not started on it yet/);

    const wrong = new URL(url);
    wrong.password = 'not-the-password-0123';
    const refused = await doctor({ ...local, KEYWARD_POSTGRES_URL: wrong.toString() }, []);
    assert.equal(refused.code, 1, refused.out);
    assert.match(refused.out, /✘ store: Keyward's PostgreSQL store \(127\.0\.0\.1:\d+\/keyward_test_\d+_\d+ as keyward, KEYWARD_POSTGRES_URL\): the server refused the sign-in/);
    assert.match(refused.out, /fix: Check the role and password in KEYWARD_POSTGRES_URL/);
    for (const text of [fine.out, fine.err, refused.out, refused.err]) {
      assert.ok(!text.includes('not-the-password-0123') && !text.includes(decodeURIComponent(new URL(url).password)), 'no password printed');
    }
  });
});
