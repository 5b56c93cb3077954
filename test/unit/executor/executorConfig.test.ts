import assert from 'node:assert/strict';
import path from 'node:path';
import { executorSettingsFrom } from '../../../src/app/executorRuntime';
import { loadConfig } from '../../../src/config';

describe('executor configuration', () => {
  const TENANT = '11111111-2222-4333-8444-555555555555';
  const APP = '66666666-7777-4888-8999-000000000000';

  it('when nothing is set, then the executor uses the data dir, six attempts from one second, a 60 s lease, 10 s HSM polls and (locally) the wrap probe', () => {
    const config = loadConfig({ KEYWARD_DATA_DIR: '/srv/keyward' });
    const settings = executorSettingsFrom(config);
    assert.equal(settings.backupDir, path.resolve('/srv/keyward/backups'));
    assert.equal(settings.securityDomainDir, path.resolve('/srv/keyward/security-domains'));
    assert.equal(settings.securityDomainKeyFile, path.join(path.resolve('/srv/keyward'), 'executor', 'security-domain.key'));
    assert.deepEqual(settings.retry, { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 });
    assert.equal(settings.leaseTtlMs, 60_000);
    assert.equal(settings.pollIntervalMs, 10_000);
    assert.equal(settings.wrapProbe, true);
    assert.deepEqual(settings.keyUriOptions.extraHostSuffixes?.vault, ['vault.localhost']);
  });

  it("when Keyward runs in production, then the wrap probe is off whatever the setting (only the emulator can issue tokens as Microsoft 365 apps) and key ids are Azure's only", () => {
    const config = loadConfig({
      MicrosoftAppId: APP,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: TENANT,
      KEYWARD_WRAP_PROBE: 'true',
      KEYWARD_POLICY_FILE: 'policy.json',
      KEYWARD_SIGNING_KEY_ID: 'https://kv-keyward.vault.azure.net/keys/keyward-signing',
    });
    const settings = executorSettingsFrom(config);
    assert.equal(settings.wrapProbe, false);
    assert.deepEqual(settings.keyUriOptions, {});
    assert.equal(settings.securityDomainKeyFile, undefined, 'no key file on the host in production: security domains need KEYWARD_SECURITY_DOMAIN_KEY_ID');
  });

  it('when the executor settings are given, then they are used, and a bad one is reported with the others at once', () => {
    const config = loadConfig({
      KEYWARD_SECURITY_DOMAIN_DIR: '/secure/sd',
      KEYWARD_EXECUTOR_MAX_ATTEMPTS: '3',
      KEYWARD_EXECUTOR_RETRY_BASE_MS: '250',
      KEYWARD_EXECUTOR_RETRY_MAX_MS: '4000',
      KEYWARD_EXECUTOR_LEASE_SECONDS: '30',
      KEYWARD_EXECUTOR_POLL_SECONDS: '2.5',
      KEYWARD_WRAP_PROBE: 'false',
    });
    const settings = executorSettingsFrom(config);
    assert.equal(settings.securityDomainDir, path.resolve('/secure/sd'));
    assert.deepEqual(settings.retry, { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 4_000, maxRetryAfterMs: 300_000 });
    assert.equal(settings.leaseTtlMs, 30_000);
    assert.equal(settings.pollIntervalMs, 2_500);
    assert.equal(settings.wrapProbe, false);
    assert.throws(
      () => loadConfig({ KEYWARD_EXECUTOR_MAX_ATTEMPTS: '0', KEYWARD_EXECUTOR_LEASE_SECONDS: 'soon' }),
      (error: Error & { details?: { problems?: Array<{ variable: string }> } }) => {
        assert.deepEqual(
          error.details?.problems?.map((p) => p.variable),
          ['KEYWARD_EXECUTOR_MAX_ATTEMPTS', 'KEYWARD_EXECUTOR_LEASE_SECONDS'],
        );
        return true;
      },
    );
  });

  it("when Exchange app-only is configured, then the executor gets the organization, the writer identity's client id and the runner; without the setting it gets none, whatever runner is offered", () => {
    const runner = { run: async () => ({ exitCode: 0, stdout: '', stderr: '' }) };
    const writer = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const on = executorSettingsFrom(
      loadConfig({ KEYWARD_DEP_APP_ONLY: 'true', KEYWARD_EXCHANGE_ORGANIZATION: 'contoso.onmicrosoft.com', KEYWARD_WRITER_CLIENT_ID: writer }),
      runner,
    );
    assert.equal(on.exchangeAppOnly?.organization, 'contoso.onmicrosoft.com');
    assert.equal(on.exchangeAppOnly?.accountId, writer);
    assert.equal(on.exchangeAppOnly?.runner, runner);
    assert.equal(executorSettingsFrom(loadConfig({}), runner).exchangeAppOnly, undefined);
  });
});
