import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../../lib/tenable/envelope';

describe('parseEnvelope', () => {
  it('reads a success envelope and keeps the response as sent', () => {
    const r = parseEnvelope(
      '{"type":"regular","response":{"id":"1"},"error_code":0,"error_msg":"","warnings":[],"timestamp":1550189100}',
    );
    expect(r).toEqual({
      ok: true,
      envelope: {
        response: { id: '1' },
        errorCode: 0,
        errorMessage: '',
        warnings: [],
        timestamp: 1550189100,
      },
    });
  });

  it('reads an error envelope with a string error code and trims the trailing newline SC adds', () => {
    const r = parseEnvelope(
      '{"type":"regular","response":"","error_code":"146","error_msg":"Group #0 does not have access.\\n","warnings":[],"timestamp":"1747183433"}',
    );
    expect(r.ok && r.envelope.errorCode).toBe(146);
    expect(r.ok && r.envelope.errorMessage).toBe('Group #0 does not have access.');
    expect(r.ok && r.envelope.timestamp).toBe(1747183433);
  });

  it.each([
    ['', 'empty'],
    ['   \n', 'empty'],
    ['<html><body>Service Unavailable</body></html>', 'html'],
    ['{"type":"regular","response":{"results":[{"a"', 'truncated'],
    ['[1,2', 'truncated'],
    ['Service Unavailable', 'not-json'],
    ['{"hello":"world"}', 'not-envelope'],
    ['{"error_code":"abc"}', 'not-envelope'],
    ['[]', 'not-envelope'],
    ['null', 'not-envelope'],
  ])('reports %j as %s', (body, problem) => {
    expect(parseEnvelope(body)).toEqual({ ok: false, problem });
  });
});
