// @module-tag runtime
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { createCertificates } from '../../../simulator/certificates';
import { rawRequest } from './helpers';

describe('simulator TLS', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ vulnCount: 10, fixedCount: 0, hostCount: 5 });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('is trusted by node:https when the client is given the simulator CA', async () => {
    // Act
    const response = await rawRequest(sim, { path: '/rest/system', ca: sim.caPem });

    // Assert
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(response.error).toBeUndefined();
    expect(response.status).toBe(200);
  });

  it('is rejected by node:https without the simulator CA', async () => {
    // Act
    const response = await rawRequest(sim, { path: '/rest/system', ca: false });

    // Assert
    expect(response.status).toBe(0);
    expect([
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    ]).toContain(response.error);
  });

  it('issues a CA and a 127.0.0.1/localhost server certificate valid from an hour ago for a week', () => {
    // Act
    const pki = createCertificates();
    const ca = new X509Certificate(pki.caPem);
    const leaf = new X509Certificate(pki.certPem);

    // Assert
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    const validFrom = Date.parse(leaf.validFrom);
    const validTo = Date.parse(leaf.validTo);
    expect(Math.abs(validFrom - (Date.now() - 3_600_000))).toBeLessThan(60_000);
    expect(Math.abs(validTo - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);
  });

  it('serves plain http with an empty caPem when tls is false', async () => {
    // Prepare
    const plain = await startSimulator({ tls: false, vulnCount: 10, fixedCount: 0, hostCount: 5 });

    try {
      // Act
      const response = await rawRequest(plain, { path: '/rest/system' });

      // Assert
      expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(plain.caPem).toBe('');
      expect(response.status).toBe(200);
    } finally {
      await plain.close();
    }
  });

  it('starts in well under 200 ms, certificates included', async () => {
    // Act
    const started = performance.now();
    const fresh = await startSimulator();
    const elapsed = performance.now() - started;
    await fresh.close();

    // Assert
    expect(elapsed).toBeLessThan(200);
  });
});
