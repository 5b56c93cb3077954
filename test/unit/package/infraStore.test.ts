import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../../../src/config';

const infra = (file: string) => fs.readFileSync(path.join(__dirname, '../../../infra', file), 'utf8');
/** App Service's own settings, which Keyward's schema does not know. */
const PLATFORM_SETTINGS = new Set(['WEBSITE_RUN_FROM_PACKAGE', 'SCM_DO_BUILD_DURING_DEPLOYMENT', 'WEBSITES_PORT']);

/** Issue 13 item 7: the HA deployment in infra/main.bicep. */
describe('infra/: PostgreSQL and several App Service instances', () => {
  const bicep = infra('main.bicep');

  it('when main.bicep is read, then PostgreSQL takes Microsoft Entra sign-in only, TLS, zone-redundant HA as a parameter, and private access as an option', () => {
    assert.match(bicep, /resource postgres 'Microsoft\.DBforPostgreSQL\/flexibleServers@[\d-]+'/);
    assert.match(bicep, /activeDirectoryAuth: 'Enabled'/);
    assert.match(bicep, /passwordAuth: 'Disabled'/);
    assert.match(bicep, /name: 'require_secure_transport'[\s\S]*?value: 'on'/);
    assert.match(bicep, /param zoneRedundant bool/);
    assert.match(bicep, /mode: zoneRedundant \? 'ZoneRedundant' : 'Disabled'/);
    assert.match(bicep, /param privateNetwork bool/);
    assert.match(bicep, /publicNetworkAccess: 'Disabled'/);
    assert.match(bicep, /delegatedSubnetResourceId/);
    assert.ok(!/password'?\s*:\s*'[^']/i.test(bicep.replace(/passwordAuth: 'Disabled'/, '')), 'no password anywhere');
  });

  it("when main.bicep is read, then App Service runs at least two instances with a health-check path, and Keyward signs in to PostgreSQL with its identity's token", () => {
    assert.match(bicep, /@minValue\(2\)\s*@maxValue\(\d+\)\s*param instanceCount int = 2/);
    assert.match(bicep, /capacity: instances/);
    assert.match(bicep, /healthCheckPath: '\/readyz'/); // readiness (store, audit head, policy, tokens), issue 15
    assert.match(bicep, /{ name: 'KEYWARD_POSTGRES_AUTH', value: 'entra' }/);
    assert.match(
      bicep,
      /{ name: 'KEYWARD_POSTGRES_URL', value: 'postgres:\/\/\$\{writer\.name\}@\$\{postgres\.properties\.fullyQualifiedDomainName\}:5432\/\$\{postgresDatabase\}' }/,
    );
  });

  it("when main.bicep sets app settings, then each is one Keyward knows (or App Service's own)", () => {
    const known = new Set([...SETTINGS.map((s) => s.name), ...PLATFORM_SETTINGS]);
    const names = [...bicep.matchAll(/{ name: '([A-Za-z_]+)', value:/g)].map((m) => m[1]!);
    assert.ok(names.length > 10);
    for (const name of names) assert.ok(known.has(name), `${name} is a setting`);
  });

  it("when the database role script is read, then Keyward's identity gets a login role that owns its schema and nothing more", () => {
    const sql = infra('postgres-role.sql');
    assert.match(sql, /pgaadauth_create_principal\(:'role', false, false\)/);
    assert.match(sql, /NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS/);
    assert.match(sql, /CREATE SCHEMA IF NOT EXISTS keyward AUTHORIZATION :"role"/);
    assert.match(sql, /REVOKE CONNECT ON DATABASE keyward FROM PUBLIC/);
    assert.ok(!/GRANT\s+ALL|azure_pg_admin|SUPERUSER(?!\w)/i.test(sql.replace(/NOSUPERUSER/g, '')), 'no broad grant');
  });
});
