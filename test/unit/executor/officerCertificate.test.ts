import assert from 'node:assert/strict';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { parseOfficerCertificate } from '../../../src/executor';
import { testOfficers } from '../../executor/testOfficers';

describe('officer certificates for the security-domain ceremony', () => {
  it('when an officer pastes their certificate, then Keyward reads the RSA public key, its x5t#S256 thumbprint and the JWK the download wants', async () => {
    const [officer] = await testOfficers();
    const parsed = parseOfficerCertificate(`\n  ${officer!.certificatePem}\n`);
    assert.equal(parsed.modulusBits, 2048);
    assert.match(parsed.thumbprint, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(parsed.jwk.kty, 'RSA');
    assert.equal(parsed.jwk['x5t#S256'], parsed.thumbprint);
    assert.equal(parsed.jwk.x5c.length, 1);
    assert.match(parsed.subject, /CN=Alex Approver/);
  });

  it('when a private key is pasted (alone or with the certificate), then it is refused without repeating it, and the officer is told it is exposed', async () => {
    const [officer] = await testOfficers();
    const privatePem = officer!.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const text of [privatePem, `${officer!.certificatePem}\n${privatePem}`, privatePem.replace('PRIVATE KEY', 'RSA PRIVATE KEY')]) {
      assert.throws(
        () => parseOfficerCertificate(text),
        (error: Error & { code?: string; details?: Record<string, unknown> }) => {
          assert.equal(error.code, 'ValidationFailed');
          assert.equal(error.details?.privateKeyRefused, true);
          assert.match(error.message, /exposed/);
          assert.ok(!error.message.includes(privatePem.split('\n')[2]!), 'the message does not repeat the key');
          return true;
        },
      );
    }
  });

  it('when the text is empty, not a certificate, a chain, an EC key or a short RSA key, then each gets its own sentence', async () => {
    const [a, b] = await testOfficers();
    x509.cryptoProvider.set(webcrypto as never);
    const ec = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const ecCertificate = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=ec', keys: ec as never, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const shortKeys = {
      publicKey: await webcrypto.subtle.importKey('spki', short.publicKey.export({ type: 'spki', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, [
        'verify',
      ]),
      privateKey: await webcrypto.subtle.importKey('pkcs8', short.privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, [
        'sign',
      ]),
    };
    const shortCertificate = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=short',
      keys: shortKeys as never,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    });
    const cases: Array<[string, RegExp]> = [
      ['   ', /Paste your certificate/],
      ['hello', /No certificate found/],
      [`${a!.certificatePem}\n${b!.certificatePem}`, /exactly one certificate/],
      ['-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----', /cannot be read/],
      [ecCertificate.toString('pem'), /needs an RSA key/],
      [shortCertificate.toString('pem'), /1024 bits/],
      ['x'.repeat(20_000), /far shorter|No certificate/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseOfficerCertificate(text), message);
  });
});
