import assert from 'node:assert/strict';
import { isAppError, textOf } from '../../../src/core';
import { normalizeKeyUri, parseKeyIdentifier, sameKey, versionlessKeyUri } from '../../../src/customerKey';

const V = '0123456789abcdef0123456789abcdef';

describe('key identifiers', () => {
  const normal: Array<[string, string, string | undefined]> = [
    ['https://contoso-ck-ex-a.vault.azure.net/keys/ck-ex-a', 'https://contoso-ck-ex-a.vault.azure.net/keys/ck-ex-a', undefined],
    [`https://contoso-ck-ex-a.vault.azure.net/keys/ck-ex-a/${V}`, 'https://contoso-ck-ex-a.vault.azure.net/keys/ck-ex-a', V],
    [`https://contoso-ck-ex-a.vault.azure.net:443/keys/ck-ex-a/${V.toUpperCase()}/`, 'https://contoso-ck-ex-a.vault.azure.net/keys/ck-ex-a', V],
    ['HTTPS://Contoso-CK-EX-A.Vault.Azure.Net/keys/CK-EX-A/', 'https://contoso-ck-ex-a.vault.azure.net/keys/CK-EX-A', undefined],
    ['  https://contoso-hsm-a.managedhsm.azure.net/keys/ck-mw  ', 'https://contoso-hsm-a.managedhsm.azure.net/keys/ck-mw', undefined],
    [`https://contoso-hsm-a.managedhsm.azure.net:443/keys/ck-mw/${V}`, 'https://contoso-hsm-a.managedhsm.azure.net/keys/ck-mw', V],
  ];
  for (const [input, versionless, version] of normal) {
    it(`when parsing ${JSON.stringify(input)}, then the versionless no-port form is ${versionless}`, () => {
      const parsed = parseKeyIdentifier(input);
      assert.ok(parsed.ok, textOf(parsed.ok ? '' : parsed.error));
      assert.equal(parsed.key.versionlessUri, versionless);
      assert.equal(parsed.key.version, version);
      assert.equal(normalizeKeyUri(input), versionless);
    });
  }

  it('when parsing a vault and an HSM identifier, then the container kind and names are extracted', () => {
    const vault = parseKeyIdentifier(`https://contoso-ck-ex-a.vault.azure.net/keys/ck-ex-a/${V}`);
    const hsm = parseKeyIdentifier('https://contoso-hsm-a.managedhsm.azure.net/keys/ck-mw');
    assert.ok(vault.ok && hsm.ok);
    assert.deepEqual([vault.key.kind, vault.key.containerName, vault.key.keyName], ['vault', 'contoso-ck-ex-a', 'ck-ex-a']);
    assert.deepEqual([hsm.key.kind, hsm.key.containerName, hsm.key.keyName], ['managedHsm', 'contoso-hsm-a', 'ck-mw']);
    assert.equal(vault.key.uri, `https://contoso-ck-ex-a.vault.azure.net/keys/ck-ex-a/${V}`);
  });

  const bad: Array<[string, RegExp]> = [
    ['http://contoso.vault.azure.net/keys/k', /not an https key identifier/],
    ['https://contoso.vault.azure.net/secrets/k', /does not point at a key/],
    ['https://contoso.vault.azure.net/keys/k/not-a-version', /not a key version/],
    ['https://contoso.vault.azure.net/keys/k/v/extra', /does not point at a key/],
    ['https://contoso.vault.azure.net:8443/keys/k', /port other than 443/],
    ['https://contoso.example.com/keys/k', /neither a Key Vault/],
    ['https://contoso_ck.vault.azure.net/keys/k', /underscore/],
    ['https://contoso.vault.azure.net/keys/key_01', /underscore/],
    ['https://contoso.vault.azure.net/keys/k?api-version=7.4', /not an https key identifier/],
    ['https://user@contoso.vault.azure.net/keys/k', /not an https key identifier/],
    ['https://contoso.vault.azure.net/keys/../keys/k', /dot segments/],
    ["https://contoso.vault.azure.net/keys/k'; whoami", /contains spaces/],
    ["https://contoso.vault.azure.net/keys/k';whoami", /letters, digits and hyphens/],
    ['https://contoso.vault.azure.net/keys/k%27', /percent-escapes/],
    ['', /Enter a key identifier/],
  ];
  for (const [input, message] of bad) {
    it(`when parsing ${JSON.stringify(input)}, then it is rejected with a reason`, () => {
      const parsed = parseKeyIdentifier(input);
      assert.equal(parsed.ok, false);
      assert.match(textOf(parsed.ok ? '' : parsed.error), message);
      assert.match(textOf(parsed.ok ? '' : parsed.error), /A key identifier looks like/);
    });
  }

  it('when normalising an invalid identifier, then ValidationFailed is thrown', () => {
    assert.throws(
      () => normalizeKeyUri('nope'),
      (e: unknown) => isAppError(e, 'ValidationFailed'),
    );
  });

  it('when the local emulator hosts are allowed, then their port is kept', () => {
    const parsed = parseKeyIdentifier(`https://kv1.vault.localhost:8443/keys/k1/${V}`, { extraHostSuffixes: { vault: ['vault.localhost'] } });
    assert.ok(parsed.ok);
    assert.equal(parsed.key.versionlessUri, 'https://kv1.vault.localhost:8443/keys/k1');
  });

  it('when two identifiers differ only in case, version and port, then they name the same key', () => {
    const a = parseKeyIdentifier(`https://contoso-a.vault.azure.net:443/keys/Key1/${V}`);
    const b = parseKeyIdentifier('https://CONTOSO-A.vault.azure.net/keys/key1');
    assert.ok(a.ok && b.ok && sameKey(a.key, b.key));
  });

  it('when building a versionless identifier, then the host is lower case', () => {
    assert.equal(versionlessKeyUri('managedHsm', 'Contoso-HSM', 'ck-ex'), 'https://contoso-hsm.managedhsm.azure.net/keys/ck-ex');
  });
});
