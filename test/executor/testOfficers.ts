import { createPrivateKey, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { LOCAL_PEOPLE, type LocalPerson } from '../../src/core';

export interface TestOfficer {
  person: LocalPerson;
  certificatePem: string;
  privateKey: KeyObject;
}

let officers: Promise<TestOfficer[]> | undefined;

/** Three officers with RSA 2048 key pairs and self-signed certificates (made once per process). */
export function testOfficers(people: readonly LocalPerson[] = [LOCAL_PEOPLE.approverAlex, LOCAL_PEOPLE.approverBruno, LOCAL_PEOPLE.approverChen]): Promise<TestOfficer[]> {
  officers ??= (async () => {
    x509.cryptoProvider.set(webcrypto as never);
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    return Promise.all(
      people.map(async (p) => {
        const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
        const certificate = await x509.X509CertificateGenerator.createSelfSigned({
          name: `CN=${p.displayName}`,
          keys: keys as never,
          signingAlgorithm: algorithm,
          notAfter: new Date(Date.now() + 365 * 86_400_000),
        });
        const privateKey = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), format: 'der', type: 'pkcs8' });
        return { person: p, certificatePem: certificate.toString('pem'), privateKey };
      }),
    );
  })();
  return officers;
}
