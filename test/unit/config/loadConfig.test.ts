import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isAppError, LOCAL_TENANT_ID } from '../../../src/core';
import { envFileNames, loadConfig, renderConfigTable, SETTINGS, type ConfigProblem } from '../../../src/config';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const TENANT = '66666666-7777-4888-9999-000000000000';
const SIGNING_KEY = 'https://kv-keyward.vault.azure.net/keys/keyward-signing';

function problemsOf(env: Record<string, string>): ConfigProblem[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (isAppError(error, 'ConfigInvalid')) return error.details.problems as ConfigProblem[];
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('when nothing is set, then it is local mode on 127.0.0.1:3978 serving the local tenant', () => {
    const config = loadConfig({});
    assert.equal(config.mode, 'local');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3978);
    assert.deepEqual(config.bot.allowedTenants, [LOCAL_TENANT_ID]);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.bot));
  });

  it('when several settings are wrong, then every problem is reported at once with its variable', () => {
    const problems = problemsOf({ PORT: 'eighty', KEYWARD_LOG_LEVEL: 'loud', KEYWARD_AZURE_ARM_ENDPOINT: 'http://localhost:8443', MicrosoftAppTenantId: 'nope' });
    assert.deepEqual(problems.map((p) => p.variable).sort(), ['KEYWARD_AZURE_ARM_ENDPOINT', 'KEYWARD_LOG_LEVEL', 'MicrosoftAppTenantId', 'PORT']);
    assert.match(problems.find((p) => p.variable === 'KEYWARD_AZURE_ARM_ENDPOINT')!.message, /https/);
  });

  it('when local mode is asked to bind a network address, then it refuses (anonymous only on loopback)', () => {
    const problems = problemsOf({ KEYWARD_HOST: '0.0.0.0' });
    assert.equal(problems[0]?.variable, 'KEYWARD_HOST');
    assert.match(problems[0]!.message, /loopback/);
  });

  it('when an app id is set without type and tenant, then production mode lists both missing settings', () => {
    const problems = problemsOf({ MicrosoftAppId: APP_ID, KEYWARD_SIGNING_KEY_ID: SIGNING_KEY });
    assert.deepEqual(problems.map((p) => p.variable).sort(), ['MicrosoftAppTenantId', 'MicrosoftAppType']);
  });

  it('when production names no Key Vault signing key, or a local key file, then it refuses: key files are for local mode only (issue 12 item 8)', () => {
    const production = { MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT };
    const missing = problemsOf(production);
    assert.deepEqual(
      missing.map((p) => p.variable),
      ['KEYWARD_SIGNING_KEY_ID'],
    );
    assert.match(missing[0]!.message, /Key Vault or Managed HSM key \(EC P-256\).*no signing key file on the host/);
    const file = problemsOf({ ...production, KEYWARD_SIGNING_KEY_ID: SIGNING_KEY, KEYWARD_AUDIT_SIGNING_KEY_FILE: '/srv/key.pem' });
    assert.deepEqual(
      file.map((p) => p.variable),
      ['KEYWARD_AUDIT_SIGNING_KEY_FILE'],
    );
    assert.equal(loadConfig({ KEYWARD_SIGNING_KEY_ID: SIGNING_KEY }).signing.keyId, SIGNING_KEY, 'local mode may use a Key Vault key (the emulator)');
    assert.equal(loadConfig({}).signing.keyId, undefined, 'local mode signs with its key file by default');
  });

  it('when no digest directory is set, then digests go beside the data directory, not inside it (a copy of the data directory does not carry them)', () => {
    const config = loadConfig({ KEYWARD_DATA_DIR: '/srv/keyward/data' });
    assert.equal(config.auditDigests.dir, path.resolve('/srv/keyward/data-audit-digests'));
    assert.ok(!config.auditDigests.dir.startsWith(`${config.dataDir}${path.sep}`));
    assert.equal(loadConfig({ KEYWARD_DATA_DIR: '/srv/keyward/data', KEYWARD_AUDIT_DIGEST_DIR: '/mnt/immutable/digests' }).auditDigests.dir, '/mnt/immutable/digests');
  });

  it('when SingleTenant lacks a password, or UserAssignedMSI has one, then each is refused', () => {
    assert.equal(
      problemsOf({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT, KEYWARD_SIGNING_KEY_ID: SIGNING_KEY })[0]?.variable,
      'MicrosoftAppPassword',
    );
    assert.equal(
      problemsOf({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT, MicrosoftAppPassword: 'x', KEYWARD_SIGNING_KEY_ID: SIGNING_KEY })[0]
        ?.variable,
      'MicrosoftAppPassword',
    );
  });

  it('when production is fully configured, then it binds 0.0.0.0 and allows only its tenant', () => {
    const config = loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT, KEYWARD_SIGNING_KEY_ID: SIGNING_KEY });
    assert.equal(config.mode, 'production');
    assert.equal(config.signing.keyId, SIGNING_KEY);
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.bot.allowedTenants, [TENANT]);
    assert.equal(config.azure.tenantId, TENANT);
  });

  it('when service principal object ids are given as pairs, then they are parsed, and a bad pair is named', () => {
    const pair = '00000002-0000-0ff1-ce00-000000000000=c0ffee00-0000-4000-8000-000000000002';
    assert.equal(loadConfig({ KEYWARD_M365_SP_OBJECT_IDS: pair }).azure.servicePrincipalObjectIds['00000002-0000-0ff1-ce00-000000000000'], 'c0ffee00-0000-4000-8000-000000000002');
    assert.match(problemsOf({ KEYWARD_M365_SP_OBJECT_IDS: 'exchange=abc' })[0]!.message, /exchange=abc/);
  });

  it('when .env.sample is read, then it documents exactly the settings in the schema', () => {
    const sample = fs.readFileSync(path.resolve(__dirname, '../../../.env.sample'), 'utf8');
    assert.deepEqual(envFileNames(sample).sort(), SETTINGS.map((s) => s.name).sort());
    for (const setting of SETTINGS) assert.ok(sample.includes(setting.doc), `doc line of ${setting.name} is in .env.sample`);
  });
});

describe('README configuration table', () => {
  it('when the README is read, then its configuration table is exactly the one the schema renders', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const section = /<!-- config:start -->\n([\s\S]*?)\n<!-- config:end -->/.exec(readme)?.[1];
    assert.ok(section, 'README has the config markers');
    assert.equal(section, renderConfigTable());
  });
});
