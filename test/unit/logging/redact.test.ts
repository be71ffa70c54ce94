import { describe, expect, it } from 'vitest';
import { createConsoleLogger, redactText } from '#lib/logging';
import { isSensitiveField, redactingReplacer } from '../../../lib/logging/redact';

const A = '0123456789abcdef0123456789abcdef';
const S = 'fedcba9876543210fedcba9876543210';

describe('log redaction', () => {
  it.each([
    [`x-apikey: accesskey=${A}; secretkey=${S};`, 'x-apikey: accesskey=[redacted]; secretkey=[redacted];'],
    [`accessKey=${A}; secretKey=${S}`, 'accessKey=[redacted]; secretKey=[redacted]'],
    [`{"accesskey": "${A}", "secretkey": "${S}"}`, '{"accesskey": "[redacted]", "secretkey": "[redacted]"}'],
    ['nothing secret here', 'nothing secret here'],
  ])('masks key-shaped text in %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    'accesskey',
    'SecretKey',
    'x-apikey',
    'SecretString',
    'RotationToken',
    'authorization',
    'set-cookie',
  ])('treats the field %s as sensitive', (name) => {
    expect(isSensitiveField(name)).toBe(true);
  });

  it('replaces sensitive fields at any depth when serialising', () => {
    const json = JSON.stringify(
      {
        event: { RotationToken: 'tok', Step: 'testSecret' },
        headers: { 'x-apikey': `accesskey=${A}` },
        note: `secretkey=${S}`,
      },
      redactingReplacer,
    );
    expect(json).toBe(
      '{"event":{"RotationToken":"[redacted]","Step":"testSecret"},"headers":{"x-apikey":"[redacted]"},"note":"secretkey=[redacted]"}',
    );
  });

  it('writes redacted warnings always and info only when verbose', () => {
    let out = '';
    const stream = { write: (s: string) => (out += s) };
    createConsoleLogger(stream).info('hidden');
    createConsoleLogger(stream).warn(`careful secretkey=${S}`, { accessKey: A });
    createConsoleLogger(stream, { verbose: true }).info('shown');
    expect(out).toBe('warning: careful secretkey=[redacted] {"accessKey":"[redacted]"}\ninfo: shown\n');
  });
});
