import { request as httpsRequest } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_LOCKED_MESSAGE, type SimulatorHandle, startSimulator } from '#sim';
import { analysisBody } from './analysisClient';
import { apiKey, envelopeOf, type RawResponse, rawRequest } from './helpers';

describe('simulator fault injection', () => {
  let sim: SimulatorHandle;

  beforeEach(async () => {
    sim = await startSimulator({ vulnCount: 500, fixedCount: 10, hostCount: 20 });
  });

  afterEach(async () => {
    await sim.close();
  });

  const page = (): Promise<RawResponse> =>
    rawRequest(sim, {
      method: 'POST',
      path: '/rest/analysis',
      headers: { 'x-apikey': apiKey(sim.keys) },
      body: analysisBody({ startOffset: 0, endOffset: 200 }),
    });
  const user = (): Promise<RawResponse> =>
    rawRequest(sim, { path: '/rest/currentUser', headers: { 'x-apikey': apiKey(sim.keys) } });

  it('answers a status fault with a JSON-less HTML 5xx, once by default', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'status', status: 503 });

    // Act
    const faulty = await user();
    const next = await user();

    // Assert
    expect(faulty.status).toBe(503);
    expect(faulty.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(faulty.text).toContain('<html>');
    expect(() => JSON.parse(faulty.text)).toThrow();
    expect(next.status).toBe(200);
  });

  it('answers a rate-limit fault with 429 and Retry-After', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'rate-limit', retryAfterSeconds: 7 });

    // Act
    const response = await user();

    // Assert
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
  });

  it('resets the connection after the headers and part of the body', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'reset' });

    // Act
    const response = await page();

    // Assert
    expect(response.status).toBe(200);
    expect(response.error).toBeDefined();
    const promised = Number(response.headers['content-length']);
    expect(response.text.length).toBeGreaterThan(0);
    expect(response.text.length).toBeLessThan(promised);
  });

  it('truncates the JSON inside a chunked body that ends cleanly', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'truncate' });

    // Act
    const response = await page();

    // Assert
    expect(response.status).toBe(200);
    expect(response.error).toBeUndefined();
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.text.startsWith('{"type":"regular"')).toBe(true);
    expect(() => JSON.parse(response.text)).toThrow();
  });

  it('serves an HTML error page with status 200 instead of JSON', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'html' });

    // Act
    const response = await user();

    // Assert
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/<html>.*Service Unavailable.*<\/html>/s);
  });

  it('sends the headers at once and the body only after a slow-body delay', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'slow-body', delayMs: 400 });

    // Act
    const response = await user();

    // Assert
    expect(response.status).toBe(200);
    expect(response.endAfterMs - response.headersAfterMs).toBeGreaterThanOrEqual(380);
    expect(envelopeOf(response).error_code).toBe(0);
  });

  it('holds the headers back for a latency delay', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'latency', delayMs: 300 });

    // Act
    const response = await user();

    // Assert
    expect(response.status).toBe(200);
    expect(response.headersAfterMs).toBeGreaterThanOrEqual(290);
  });

  it('answers an sc-error fault with the given envelope served as text/html', async () => {
    // Prepare
    sim.control.injectFault({
      kind: 'sc-error',
      errorCode: 146,
      errorMsg: 'Group #0 does not have access to the Repository that contains the scan result.\n',
    });

    // Act
    const response = await page();

    // Assert
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(envelopeOf(response)).toMatchObject({
      response: '',
      error_code: 146,
      error_msg: expect.stringContaining('Group #0'),
    });
  });

  it('answers a db-locked fault with 500 and a "database is locked" envelope', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'db-locked' });

    // Act
    const response = await page();

    // Assert
    expect(response.status).toBe(500);
    expect(envelopeOf(response).error_msg).toBe(DB_LOCKED_MESSAGE);
    expect(DB_LOCKED_MESSAGE).toContain('database is locked');
  });

  it('applies a fault only to matching paths, `times` times, in queue order', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'status', status: 502, path: '/rest/analysis', times: 2 });
    sim.control.injectFault({ kind: 'status', status: 504 });

    // Act
    const unrelated = await rawRequest(sim, { path: '/rest/system' });
    const first = await page();
    const second = await page();
    const third = await page();
    const fourth = await page();

    // Assert
    expect([unrelated.status, first.status, second.status, third.status, fourth.status]).toEqual([
      504, 502, 502, 200, 200,
    ]);
    expect(sim.control.pendingFaults()).toBe(0);
  });

  it('drops every queued fault on clearFaults', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'status', status: 500, times: 5 });

    // Act
    sim.control.clearFaults();
    const response = await user();

    // Assert
    expect(sim.control.pendingFaults()).toBe(0);
    expect(response.status).toBe(200);
  });

  it('holds a hang fault without a byte back, until the simulator closes and ends the socket', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'hang' });
    const pending = user();
    await sim.control.whenHeld();

    // Act
    const heldBefore = sim.control.heldResponses();
    await sim.close();
    const response = await pending;

    // Assert
    expect(heldBefore).toBe(1);
    expect(response.status).toBe(0);
    expect(response.error).toBeDefined();
    expect(sim.control.heldResponses()).toBe(0);
  });

  it('streams an endless body as fast as the client reads, until the client hangs up', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'endless-body' });
    let received = 0;
    let contentLength: string | undefined;
    const url = new URL('/rest/currentUser', sim.url);

    // Act: read 4 MiB, then hang up.
    await new Promise<void>((resolve, reject) => {
      const req = httpsRequest(url, { ca: sim.caPem, agent: false }, (res) => {
        contentLength = res.headers['content-length'];
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received >= 4 * 1024 * 1024) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (err) => (received >= 4 * 1024 * 1024 ? resolve() : reject(err)));
      req.end();
    });
    await sim.control.whenNoneHeld();

    // Assert
    expect(contentLength).toBeUndefined();
    expect(received).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    expect(sim.control.heldResponses()).toBe(0);
  });

  it('declares and sends exactly `bytes` of an endless-body with declareLength', async () => {
    // Prepare
    sim.control.injectFault({ kind: 'endless-body', bytes: 200_000, declareLength: true });

    // Act
    const response = await user();

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe('200000');
    expect(response.text).toHaveLength(200_000);
    expect(response.text.startsWith('{"type":"regular","response":{')).toBe(true);
    expect(sim.control.heldResponses()).toBe(0);
  });

  it('refuses an endless-body that declares a length without bytes', () => {
    expect(() => sim.control.injectFault({ kind: 'endless-body', declareLength: true })).toThrow(/bytes/);
  });

  it('refuses a fault with an invalid times', () => {
    // Act / Assert
    expect(() => sim.control.injectFault({ kind: 'reset', times: 0 })).toThrow(/times/);
  });
});

describe('fault scheduling', () => {
  it('lets `after` matching requests through before the fault applies', async () => {
    const sim = await startSimulator({ vulnCount: 5, fixedCount: 1, hostCount: 2 });
    try {
      sim.control.injectFault({ kind: 'status', status: 503, after: 2, times: 1, path: '/rest/currentUser' });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await rawRequest(sim, {
          path: '/rest/currentUser',
          headers: { 'x-apikey': apiKey(sim.keys) },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 503, 200]);
    } finally {
      await sim.close();
    }
  });
});
