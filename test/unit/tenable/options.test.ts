import { describe, expect, it } from 'vitest';
import { parseBaseUrl, ScClient } from '#lib/tenable';
import { canaryKeys } from '#support/keys';
import { isLoopbackHost } from '../../../lib/tenable/options';

describe('parseBaseUrl', () => {
  it.each([
    ['https://sc.example.com', 'https://sc.example.com/'],
    ['https://sc.example.com/', 'https://sc.example.com/'],
    ['https://sc.example.com/rest', 'https://sc.example.com/'],
    ['https://sc.example.com/rest/', 'https://sc.example.com/'],
    ['https://sc.example.com:8443/sc/', 'https://sc.example.com:8443/sc'],
    ['  https://10.0.0.5  ', 'https://10.0.0.5/'],
  ])('accepts %j as %s', (input, expected) => {
    expect(parseBaseUrl(input).href).toBe(expected);
  });

  it.each([
    ['sc.example.com', /not a valid URL/],
    ['http://sc.example.com', /unencrypted/],
    ['http://127.0.0.1:8080', /explicit allow-insecure-http/],
    ['ftp://sc.example.com', /must start with https/],
    ['https://user:pw@sc.example.com', /user name or password/],
    ['https://sc.example.com/?x=1', /query string/],
  ])('rejects %j with a message naming the problem', (input, message) => {
    expect(() => parseBaseUrl(input)).toThrow(message);
    try {
      parseBaseUrl(input);
    } catch (err) {
      expect((err as { code: string }).code).toBe('SC_CONFIG');
    }
  });

  it('allows http only for loopback hosts and only when asked', () => {
    expect(parseBaseUrl('http://127.0.0.1:9000', true).href).toBe('http://127.0.0.1:9000/');
    expect(() => parseBaseUrl('http://10.1.1.1:9000', true)).toThrow(/unencrypted/);
  });

  it('knows which hosts are loopback', () => {
    expect(['localhost', '127.0.0.1', '127.5.0.1', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.1', 'sc.example.com', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
  });
});

describe('ScClient options', () => {
  const { keys } = canaryKeys();

  it('rejects a CA bundle that is not PEM before sending anything', () => {
    expect(() => new ScClient({ url: 'https://sc.example.com', keys, ca: 'not a pem' })).toThrow(/not PEM/);
  });

  it.each([
    [{ retry: { maxAttempts: 0 } }, /retry attempts/],
    [{ connections: 0 }, /connection pool size/],
    [{ timeouts: { headersMs: -1 } }, /headers timeout/],
  ])('rejects bad option %j', (extra, message) => {
    expect(() => new ScClient({ url: 'https://sc.example.com', keys, ...extra })).toThrow(message);
  });
});
