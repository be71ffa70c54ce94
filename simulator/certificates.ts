/**
 * A throw-away PKI generated at start, in memory, with node:crypto only: an ECDSA P-256 CA and a
 * server certificate for 127.0.0.1 / localhost signed by it. Tests trust the CA (`caPem`), the way
 * customers trust their SC's private CA (reference §7.7).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  sequence,
  set,
  time,
  utf8String,
} from './der';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

const HOUR_MS = 3_600_000;
const VALIDITY_MS = 7 * 24 * HOUR_MS;

/** PEM texts of a generated PKI. */
export interface SimulatorCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

function name(commonName: string): Buffer {
  const attribute = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(attribute(OID.organization, 'sc2aws simulator'), attribute(OID.commonName, commonName));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function keyId(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest();
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

interface CertificateSpec {
  subject: string;
  issuer: string;
  spki: Buffer;
  signer: KeyObject;
  extensions: Buffer[];
  notBefore: Date;
  notAfter: Date;
}

function certificate(spec: CertificateSpec): Buffer {
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01; // positive and non-zero, as RFC 5280 §4.1.2.2 asks
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    name(spec.issuer),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spec.spki,
    explicit(3, sequence(...spec.extensions)),
  );
  // For EC keys crypto.sign returns the DER ECDSA-Sig-Value X.509 expects.
  const signature = sign('sha256', tbs, spec.signer);
  return sequence(tbs, algorithm, bitString(signature));
}

/**
 * Generates a CA and a server certificate valid from now-1h to now+7d.
 *
 * The validity uses the real clock on purpose: TLS peers check it against the real time, whatever
 * clock the simulator's data uses.
 *
 * @example const { caPem, certPem, keyPem } = createCertificates();
 */
export function createCertificates(): SimulatorCertificates {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const server = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caSpki = ca.publicKey.export({ type: 'spki', format: 'der' });
  const serverSpki = server.publicKey.export({ type: 'spki', format: 'der' });
  const now = Date.now();
  const validity = { notBefore: new Date(now - HOUR_MS), notAfter: new Date(now + VALIDITY_MS) };
  const caName = 'sc2aws simulator CA';

  const caDer = certificate({
    subject: caName,
    issuer: caName,
    spki: caSpki,
    signer: ca.privateKey,
    ...validity,
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true), integer(0))),
      // keyCertSign (bit 5) + cRLSign (bit 6) = 0b0000_0110, last bit unused.
      extension(OID.keyUsage, true, bitString(Buffer.from([0x06]), 1)),
      extension(OID.subjectKeyId, false, octetString(keyId(caSpki))),
    ],
  });
  const serverDer = certificate({
    subject: 'localhost',
    issuer: caName,
    spki: serverSpki,
    signer: ca.privateKey,
    ...validity,
    extensions: [
      extension(OID.basicConstraints, true, sequence()),
      // digitalSignature (bit 0) = 0b1000_0000, seven bits unused.
      extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)),
      extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
      extension(
        OID.subjectAltName,
        false,
        sequence(
          implicitPrimitive(2, Buffer.from('localhost', 'ascii')),
          implicitPrimitive(7, Buffer.from([127, 0, 0, 1])),
        ),
      ),
      extension(OID.subjectKeyId, false, octetString(keyId(serverSpki))),
      extension(OID.authorityKeyId, false, sequence(implicitPrimitive(0, keyId(caSpki)))),
    ],
  });
  return {
    caPem: toPem(caDer),
    certPem: toPem(serverDer),
    keyPem: server.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
