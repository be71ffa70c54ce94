import { describe, expect, expectTypeOf, it } from 'vitest';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import { EXIT_CODE_BY_ERROR, ExitCode, exitCodeFor } from '../../../cli/exit-codes';

const EXIT_CODES = new Set<number>(Object.values(ExitCode));

describe('exitCodeFor', () => {
  it('maps every error code to one of the documented exit codes', () => {
    for (const code of Object.values(ErrorCode)) {
      const exit = exitCodeFor(new Sc2awsError(code, `failed with ${code}`));

      expect(EXIT_CODES.has(exit), code).toBe(true);
      expect(exit, code).toBe(EXIT_CODE_BY_ERROR[code]);
    }
  });

  it('has a row for exactly the codes of the set', () => {
    expect(Object.keys(EXIT_CODE_BY_ERROR).sort()).toEqual(Object.values(ErrorCode).sort());
    // A code added to ErrorCode without a row fails the typecheck: the table is a full Record.
    expectTypeOf(EXIT_CODE_BY_ERROR).toEqualTypeOf<Record<ErrorCode, ExitCode>>();
  });

  it('treats anything that is not one of ours as internal', () => {
    expect(exitCodeFor(new Error('boom'))).toBe(ExitCode.Internal);
    expect(exitCodeFor(Object.assign(new Error('boom'), { code: 'SC_KEYS_REJECTED' }))).toBe(
      ExitCode.Internal,
    );
  });

  it('never turns a code forced in from outside the set into success', () => {
    const forced = new Sc2awsError('NOT_A_CODE' as ErrorCode, 'forced');

    expect(exitCodeFor(forced)).toBe(ExitCode.Internal);
  });
});
