import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * What a security-domain officer does on their own offline machine before the ceremony: make an
 * RSA key pair and a self-signed certificate, and hand Keyward only the certificate. The demo plays
 * the officers; the private keys stay in this process's memory and are never sent anywhere.
 */
export async function makeOfficerCertificate(displayName: string): Promise<string> {
  x509.cryptoProvider.set(webcrypto as never);
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${displayName.replace(/[,=+<>#;"\\]/g, ' ')}, O=Security domain officer`,
    keys: keys as never,
    signingAlgorithm: algorithm,
    notAfter: new Date(Date.now() + 365 * 86_400_000),
  });
  return certificate.toString('pem');
}
