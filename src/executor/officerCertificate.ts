import { X509Certificate, createHash } from 'node:crypto';
import { appError } from '../core';
import type { SecurityDomainCertificate } from '../azure/ports';

/** The most a pasted certificate may be (a 4096-bit RSA certificate is ~2 KB of PEM). */
export const MAX_CERTIFICATE_PEM_LENGTH = 16_384;

export interface ParsedOfficerCertificate {
  /** The certificate alone, normalised (one PEM block). */
  pem: string;
  /** SHA-256 of the DER certificate, base64url: the `x5t#S256` Azure uses to name the share. */
  thumbprint: string;
  subject: string;
  notAfter: string;
  modulusBits: number;
  /** What the security-domain download wants for this officer. */
  jwk: SecurityDomainCertificate;
}

/**
 * Reads an officer's PUBLIC certificate from PEM. Refuses anything that contains a private key —
 * without repeating it and without storing it — because a private key pasted into chat is exposed
 * and must be replaced. Only RSA keys of 2048 bits or more are accepted (Managed HSM's rule).
 * @throws AppError ValidationFailed with a sentence the officer can act on.
 */
export function parseOfficerCertificate(input: string): ParsedOfficerCertificate {
  const text = input.trim();
  if (text === '') throw appError('ValidationFailed', 'Paste your certificate: the text from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.');
  if (/PRIVATE KEY/i.test(text)) {
    throw appError(
      'ValidationFailed',
      'That text contains a PRIVATE KEY. Keyward never needs it and did not keep it. Treat that key as exposed: make a new key pair, keep the private key offline, and paste only the certificate (-----BEGIN CERTIFICATE-----).',
      { privateKeyRefused: true },
    );
  }
  if (text.length > MAX_CERTIFICATE_PEM_LENGTH)
    throw appError('ValidationFailed', `That text is ${text.length} characters; one certificate is far shorter. Paste a single certificate.`);
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1) {
    throw appError(
      'ValidationFailed',
      blocks.length === 0
        ? 'No certificate found: paste the PEM text from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.'
        : 'Paste exactly one certificate (yours), not a chain.',
    );
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(blocks[0] as string);
  } catch {
    throw appError('ValidationFailed', 'That certificate cannot be read. Export it again as PEM (Base-64 encoded X.509) and paste it whole.');
  }
  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== 'rsa')
    throw appError('ValidationFailed', `The certificate holds a ${key.asymmetricKeyType ?? 'non-RSA'} key; the security domain needs an RSA key (2048 bits or more).`);
  const modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusBits < 2048) throw appError('ValidationFailed', `The certificate's RSA key has ${modulusBits} bits; the security domain needs 2048 bits or more.`);
  const jwk = key.export({ format: 'jwk' }) as { n?: string; e?: string };
  if (!jwk.n || !jwk.e) throw appError('ValidationFailed', "The certificate's public key cannot be read.");
  const der = certificate.raw;
  const thumbprint = createHash('sha256').update(der).digest('base64url');
  return {
    pem: certificate.toString().trim(),
    thumbprint,
    subject: certificate.subject.replace(/\n/g, ', '),
    notAfter: new Date(certificate.validTo).toISOString(),
    modulusBits,
    jwk: { kty: 'RSA', n: jwk.n, e: jwk.e, x5c: [der.toString('base64')], kid: thumbprint, alg: 'RSA-OAEP-256', 'x5t#S256': thumbprint },
  };
}
