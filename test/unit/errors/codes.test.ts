import { describe, expect, it } from 'vitest';
import { codeOf, ErrorCode, Sc2awsError } from '#lib/errors';

/** `SC_KEYS_REJECTED` → `ScKeysRejected`: the one naming style of the set. */
function pascalCase(code: string): string {
  return code
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join('');
}

describe('ErrorCode', () => {
  it('names every code by its value in PascalCase', () => {
    for (const [name, code] of Object.entries(ErrorCode)) {
      expect(name).toBe(pascalCase(code));
    }
  });

  it('gives every code its own value', () => {
    const codes = Object.values(ErrorCode);

    expect(new Set(codes).size).toBe(codes.length);
  });

  it('keeps the values that events, metrics and the README already show', () => {
    expect(ErrorCode.ScKeysRejected).toBe('SC_KEYS_REJECTED');
    expect(ErrorCode.ExportLocked).toBe('EXPORT_LOCKED');
    expect(ErrorCode.KeysWrongUser).toBe('KEYS_WRONG_USER');
    expect(ErrorCode.SecretWriteFailed).toBe('SECRET_WRITE_FAILED');
    expect(ErrorCode.FindingsRowRejected).toBe('FINDINGS_ROW_REJECTED');
  });
});

describe('codeOf', () => {
  it('reports our errors by their own code', () => {
    const err = new Sc2awsError(ErrorCode.StateCorrupt, 'The export state is unreadable.');

    expect(codeOf(err)).toBe(ErrorCode.StateCorrupt);
  });

  it('reports anything else as INTERNAL, whatever code it carries', () => {
    const outside = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    expect(codeOf(outside)).toBe(ErrorCode.Internal);
    expect(codeOf('a string')).toBe(ErrorCode.Internal);
    expect(codeOf(undefined)).toBe(ErrorCode.Internal);
  });
});
