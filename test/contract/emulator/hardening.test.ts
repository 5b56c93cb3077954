import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { LOCAL_IDENTITIES, LOCAL_PEOPLE } from '../../../src/core';
import { ensureCertificateAuthority } from '../../../src/emulator';
import { issueServerCertificate } from '../../../src/emulator/tls/certificateAuthority';
import { READER_CLIENT_ID, READER_OBJECT_ID, type TestEmulator, startTestEmulator, testCaDir } from './helpers';

interface RawAnswer {
  status: number;
  body: string;
}

/** One HTTPS request to the emulator's loopback port with exactly the Host (and headers) given. */
function send(emulator: TestEmulator, requestPath: string, headers: Record<string, string>, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port: emulator.port, path: requestPath, method, headers, servername: 'localhost', agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** An HTTP/1.0 request with no Host header at all, over TLS, as raw bytes. */
function sendWithoutHost(emulator: TestEmulator, requestPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: emulator.port, servername: 'localhost' }, () => socket.end(`GET ${requestPath} HTTP/1.0\r\nMetadata: true\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** Issue 12 item 10: the emulator serves only itself, mints tokens only for named identities, and its CA vouches only for localhost. */
describe('emulator hardening (issue 12 item 10)', () => {
  let emulator: TestEmulator;
  let tokenPath: string;
  before(async () => {
    emulator = await startTestEmulator();
    tokenPath = `/metadata/identity/oauth2/token?api-version=2019-08-01&resource=${encodeURIComponent('https://vault.localhost')}`;
  });
  after(async () => {
    await emulator.dispose();
  });

  describe('requests not addressed to the emulator (DNS rebinding, other sites)', () => {
    it("when a request names a host that is not the emulator's (a rebound name, a look-alike, a suffix trick), then it is 421 and neither a token nor a control call is served", async () => {
      const port = emulator.port;
      for (const host of ['evil.example', '127.evil.example', 'localhost.evil.example', 'kv1.vault.localhost.evil.example', 'vault.azure.net', '10.0.0.5', '[::2]']) {
        const token = await send(emulator, tokenPath, { host: `${host}:${port}`, metadata: 'true', 'x-identity-header': emulator.identityHeader });
        assert.equal(token.status, 421, `${host}: ${token.body}`);
        assert.equal((JSON.parse(token.body) as { error: { code: string } }).error.code, 'MisdirectedRequest');
        assert.doesNotMatch(token.body, /access_token/);
      }
      const before = await emulator.control.clock();
      await emulator.control.advanceClock(60_000);
      const reset = await send(emulator, '/_emulator/reset', { host: `evil.example:${port}` }, 'POST');
      assert.equal(reset.status, 421);
      assert.equal((await emulator.control.clock()).offsetMs, (before.offsetMs ?? 0) + 60_000, 'the refused reset changed nothing');
    });

    it('when a request carries no Host at all (HTTP/1.0), then it is 421, not treated as localhost', async () => {
      const answer = await sendWithoutHost(emulator, '/_emulator/clock');
      assert.match(answer, /^HTTP\/1\.[01] 421 /);
      const token = await sendWithoutHost(emulator, tokenPath.replace('2019-08-01', '2018-02-01'));
      assert.match(token, /^HTTP\/1\.[01] 421 /);
      assert.doesNotMatch(token, /access_token/);
    });

    it('when a page from another origin calls the emulator by its own name, then it is 403 (SDKs send no Origin)', async () => {
      const answer = await send(emulator, tokenPath, { host: `localhost:${emulator.port}`, metadata: 'true', origin: 'https://evil.example' });
      assert.equal(answer.status, 403);
      assert.doesNotMatch(answer.body, /access_token/);
      assert.equal((await send(emulator, '/_emulator/clock', { host: `localhost:${emulator.port}`, origin: 'null' })).status, 403);
      assert.equal((await send(emulator, '/_emulator/clock', { host: `localhost:${emulator.port}`, origin: `https://localhost:${emulator.port}` })).status, 200);
    });

    it("when the Host is loopback or one of the emulator's own names, then it is served", async () => {
      for (const host of ['localhost', '127.0.0.1', '127.0.0.2', '[::1]', '[0:0:0:0:0:0:0:1]', 'management.localhost']) {
        const answer = await send(emulator, '/_emulator/clock', { host: `${host}:${emulator.port}` });
        assert.equal(answer.status, 200, `${host}: ${answer.body}`);
      }
      const missingVault = await send(emulator, '/keys?api-version=2025-07-01', { host: `kv-none.vault.localhost:${emulator.port}` });
      assert.equal((JSON.parse(missingVault.body) as { error: { code: string } }).error.code, 'VaultNotFound');
    });
  });

  describe('the managed-identity endpoint', () => {
    const appService = () => ({ host: `localhost:${emulator.port}`, 'x-identity-header': emulator.identityHeader });
    const imds = () => ({ host: `localhost:${emulator.port}`, metadata: 'true' });

    it('when the caller names no identity, then no token is issued (no default identity), in the App Service and the IMDS form', async () => {
      for (const [form, headers, p] of [
        ['App Service', appService(), tokenPath],
        ['IMDS', imds(), tokenPath.replace('/token?', '/token/?').replace('2019-08-01', '2018-02-01')],
      ] as const) {
        const answer = await send(emulator, p, headers);
        assert.equal(answer.status, 400, `${form}: ${answer.body}`);
        const body = JSON.parse(answer.body) as { error: string; error_description: string };
        assert.equal(body.error, 'invalid_request');
        assert.match(body.error_description, /^Identity not found: name the managed identity with client_id/);
      }
    });

    it('when the caller names an identity that does not exist, or a person, then no token is issued', async () => {
      for (const query of [
        'client_id=11111111-2222-3333-4444-555555555555',
        `object_id=${LOCAL_PEOPLE.approverAlex.objectId}`,
        `principal_id=${LOCAL_PEOPLE.operator.objectId}`,
        'mi_res_id=/subscriptions/x/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nobody',
      ]) {
        const answer = await send(emulator, `${tokenPath}&${query}`, appService());
        assert.equal(answer.status, 400, `${query}: ${answer.body}`);
        assert.deepEqual(JSON.parse(answer.body), { error: 'invalid_request', error_description: 'Identity not found' });
      }
    });

    it("when the caller names an existing managed identity or service principal, then the token is that one's", async () => {
      const reader = await send(emulator, `${tokenPath}&client_id=${READER_CLIENT_ID}`, appService());
      assert.equal(reader.status, 200);
      assert.equal(claimsOf((JSON.parse(reader.body) as { access_token: string }).access_token).oid, READER_OBJECT_ID);
      const writer = await send(emulator, `${tokenPath}&object_id=${LOCAL_IDENTITIES.writer.objectId}`, appService());
      assert.equal(claimsOf((JSON.parse(writer.body) as { access_token: string }).access_token).oid, LOCAL_IDENTITIES.writer.objectId);
    });

    it('when the control API is asked for a token without naming a principal, then it refuses instead of picking one', async () => {
      await assert.rejects(emulator.control.issueToken({ resource: 'https://vault.localhost' } as never), /400|principal/);
      const issued = await emulator.control.issueToken({ principal: READER_OBJECT_ID, resource: 'https://vault.localhost' });
      assert.equal(claimsOf(issued.accessToken).oid, READER_OBJECT_ID);
    });
  });

  describe('the certificate authority', () => {
    x509.cryptoProvider.set(webcrypto as never);

    it('when the CA is read, then it carries a critical name constraint: DNS localhost (so *.localhost) and the loopback addresses only', async () => {
      const ca = new x509.X509Certificate(fs.readFileSync(path.join(testCaDir(), 'ca.crt')));
      const extension = ca.getExtension('2.5.29.30');
      assert.ok(extension, 'name constraints present');
      assert.equal(extension.critical, true);
      // DER: permittedSubtrees [0] { dNSName "localhost", iPAddress 127.0.0.0/8, iPAddress ::1/128 }.
      const der = Buffer.from(extension.value);
      assert.ok(der.includes(Buffer.concat([Buffer.from([0x82, 9]), Buffer.from('localhost')])));
      assert.ok(der.includes(Buffer.from([0x87, 8, 127, 0, 0, 0, 255, 0, 0, 0])));
      assert.ok(der.includes(Buffer.from([0x87, 32, ...Array(15).fill(0), 1, ...Array(16).fill(255)])));
      assert.ok(!der.includes(Buffer.from([0xa1])), 'no excluded subtrees needed');
    });

    it('when the CA signs a certificate for a name outside localhost (or a non-loopback address), then Node/OpenSSL refuses it even though the CA is trusted; its own server certificate passes', async () => {
      const ca = await ensureCertificateAuthority(testCaDir());
      const connect = async (names: { dnsNames: string[]; ipAddresses: string[] }, servername: string) => {
        const cert = await issueServerCertificate(ca, names);
        const server = tls.createServer({ key: cert.keyPem, cert: cert.certPem }, (socket) => socket.end());
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          return await new Promise<string>((resolve) => {
            const port = (server.address() as { port: number }).port;
            const socket = tls.connect({ host: '127.0.0.1', port, servername, ca: ca.caCertPem }, () => {
              resolve(socket.authorized ? 'authorized' : String(socket.authorizationError));
              socket.end();
            });
            socket.on('error', (error) => resolve(error.message));
          });
        } finally {
          server.close();
        }
      };
      assert.match(await connect({ dnsNames: ['login.microsoftonline.com'], ipAddresses: [] }, 'login.microsoftonline.com'), /permitted subtree violation/);
      assert.match(await connect({ dnsNames: ['evil.localhost.example'], ipAddresses: [] }, 'evil.localhost.example'), /permitted subtree violation/);
      assert.match(await connect({ dnsNames: ['localhost'], ipAddresses: ['10.0.0.1'] }, 'localhost'), /permitted subtree violation/);
      assert.equal(
        await connect({ dnsNames: ['localhost', 'kv1.vault.localhost', '*.managedhsm.localhost'], ipAddresses: ['127.0.0.1', '::1'] }, 'kv1.vault.localhost'),
        'authorized',
      );
      // The running emulator's certificate (all its names) verifies against the same CA.
      const own = await new Promise<boolean>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: emulator.port, servername: 'graph.localhost', ca: ca.caCertPem }, () => {
          resolve(socket.authorized);
          socket.end();
        });
        socket.on('error', reject);
      });
      assert.equal(own, true);
    });

    it('when a CA made before the constraint is found, then it is replaced by a constrained one (a client restarted with NODE_EXTRA_CA_CERTS trusts the new one)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-old-ca-'));
      try {
        const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
        const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
        const old = await x509.X509CertificateGenerator.createSelfSigned({
          name: 'CN=Keyward Azure emulator local CA, O=Keyward',
          keys: keys as never,
          signingAlgorithm: algorithm,
          notAfter: new Date(Date.now() + 365 * 86_400_000),
          extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
        });
        const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
        fs.writeFileSync(path.join(dir, 'ca.crt'), old.toString('pem'));
        fs.writeFileSync(path.join(dir, 'ca.key'), `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n`);
        const ca = await ensureCertificateAuthority(dir);
        assert.notEqual(ca.caCertPem, old.toString('pem'));
        assert.equal(new x509.X509Certificate(ca.caCertPem).getExtension('2.5.29.30')?.critical, true);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
