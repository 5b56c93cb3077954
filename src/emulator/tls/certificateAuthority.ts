import { X509Certificate, createPrivateKey, generateKeyPair, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';

/**
 * The emulator's trust root: a CA that signs the HTTPS server certificate, plus the key that signs
 * the emulator's access tokens. Both live in `dir` and are created once, then reused, so that a
 * client trusting the CA through NODE_EXTRA_CA_CERTS (set before Node starts) keeps trusting every
 * later emulator, and tokens cached by one emulator instance (MSAL caches managed-identity tokens
 * per process) stay valid in the next one that shares the directory.
 */
export interface CertificateAuthority {
  caCertPath: string;
  caKeyPath: string;
  caCertPem: string;
  caKeyPem: string;
  /** RSA private key (PKCS#8 PEM) the emulator signs its RS256 access tokens with. */
  tokenSigningKeyPath: string;
  tokenSigningKeyPem: string;
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
}

const CA_CERT = 'ca.crt';
const CA_KEY = 'ca.key';
const TOKEN_KEY = 'token-signing.key';
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** Host names the server certificate covers: ARM, Graph, every vault and every Managed HSM. */
export const SERVER_DNS_NAMES = [
  'localhost',
  'management.localhost',
  'graph.localhost',
  // Node refuses "*.tld" wildcards, so `*.localhost` alone would not cover graph.localhost; it is kept
  // because other TLS stacks (curl, browsers) accept it for ad-hoc names.
  '*.localhost',
  '*.vault.localhost',
  '*.managedhsm.localhost',
];
export const SERVER_IP_ADDRESSES = ['127.0.0.1', '::1'];

/**
 * What the CA may sign for, as a critical name constraint (RFC 5280 §4.2.1.10): the DNS name
 * `localhost` (which also permits every `*.localhost` name: a DNS constraint admits names formed by
 * adding labels on the left) and the loopback addresses 127.0.0.0/8 and ::1. A leaked CA key, or a
 * CA trusted machine-wide, then cannot vouch for any real site: OpenSSL (so Node) rejects a
 * certificate outside these with "permitted subtree violation".
 */
export const CA_PERMITTED_DNS_NAMES = ['localhost'];
const CA_PERMITTED_IP_RANGES = [
  { address: [127, 0, 0, 0], mask: [255, 0, 0, 0] },
  { address: [...Array(15).fill(0), 1], mask: Array(16).fill(255) },
];
const NAME_CONSTRAINTS_OID = '2.5.29.30';

// @peculiar/x509 is typed against the DOM's WebCrypto; Node's webcrypto is the same API.
type X509Crypto = Parameters<typeof x509.cryptoProvider.set>[0];
type X509KeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
type X509Key = X509KeyPair['publicKey'];
x509.cryptoProvider.set(webcrypto as unknown as X509Crypto);

export async function ensureCertificateAuthority(dir: string): Promise<CertificateAuthority> {
  fs.mkdirSync(dir, { recursive: true });
  const caCertPath = path.join(dir, CA_CERT);
  const caKeyPath = path.join(dir, CA_KEY);
  const tokenSigningKeyPath = path.join(dir, TOKEN_KEY);

  if (!isUsableCa(caCertPath, caKeyPath)) {
    const { certPem, keyPem } = await createCaCertificate();
    // Key first: a reader that sees the certificate must also find its key.
    writeAtomically(caKeyPath, keyPem, 0o600);
    writeAtomically(caCertPath, certPem, 0o644);
  }
  if (!fs.existsSync(tokenSigningKeyPath)) {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    writeAtomically(tokenSigningKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  }
  return {
    caCertPath,
    caKeyPath,
    caCertPem: fs.readFileSync(caCertPath, 'utf8'),
    caKeyPem: fs.readFileSync(caKeyPath, 'utf8'),
    tokenSigningKeyPath,
    tokenSigningKeyPem: fs.readFileSync(tokenSigningKeyPath, 'utf8'),
  };
}

/**
 * Issues a fresh server certificate for this run (cheap with P-256; never written to disk). `names`
 * replaces the emulator's own names (tests use it to show the CA's name constraint at work).
 */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  names: { dnsNames: string[]; ipAddresses: string[] } = { dnsNames: SERVER_DNS_NAMES, ipAddresses: SERVER_IP_ADDRESSES },
): Promise<ServerCertificate> {
  const caCert = new x509.X509Certificate(ca.caCertPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(ca.caKeyPem), ECDSA, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=localhost, O=Keyward Azure emulator',
    issuer: caCert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey as unknown as X509Key,
    signingKey: caKey as unknown as X509Key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...names.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: toPem(Buffer.from(pkcs8), 'PRIVATE KEY') };
}

async function createCaCertificate(): Promise<ServerCertificate> {
  const keys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=Keyward Azure emulator local CA, O=Keyward',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 10 * 365 * DAY_MS),
    signingAlgorithm: SIGNING,
    keys: keys as unknown as X509KeyPair,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.Extension(NAME_CONSTRAINTS_OID, true, nameConstraintsDer()),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as X509Key),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: toPem(Buffer.from(pkcs8), 'PRIVATE KEY') };
}

function isUsableCa(certPath: string, keyPath: string): boolean {
  if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) return false;
  try {
    const cert = new X509Certificate(fs.readFileSync(certPath));
    createPrivateKey(fs.readFileSync(keyPath));
    // A CA from before the name constraint is replaced: it could vouch for any site.
    if (!new x509.X509Certificate(cert.raw).getExtension(NAME_CONSTRAINTS_OID)?.critical) return false;
    // Renew a CA that is about to expire rather than serve certificates clients will reject.
    return new Date(cert.validTo).getTime() > Date.now() + 30 * DAY_MS;
  } catch {
    return false;
  }
}

/**
 * DER of NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees }, each subtree a
 * SEQUENCE holding a dNSName [2] IA5String or an iPAddress [7] OCTET STRING (address then mask).
 */
function nameConstraintsDer(): Uint8Array {
  const tlv = (tag: number, content: Buffer): Buffer => {
    const length = content.length < 0x80 ? Buffer.from([content.length]) : Buffer.from([0x81, content.length]);
    return Buffer.concat([Buffer.from([tag]), length, content]);
  };
  const subtree = (generalName: Buffer) => tlv(0x30, generalName);
  const subtrees = [
    ...CA_PERMITTED_DNS_NAMES.map((name) => subtree(tlv(0x82, Buffer.from(name, 'ascii')))),
    ...CA_PERMITTED_IP_RANGES.map((range) => subtree(tlv(0x87, Buffer.from([...range.address, ...range.mask])))),
  ];
  return new Uint8Array(tlv(0x30, tlv(0xa0, Buffer.concat(subtrees))));
}

function writeAtomically(file: string, content: string, mode: number): void {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temp, content, { mode });
  fs.renameSync(temp, file);
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function randomSerial(): string {
  // Positive 16-byte serial (the top bit clear keeps it a positive ASN.1 INTEGER).
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
