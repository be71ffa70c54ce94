import { describe, expect, it } from 'vitest';
import { codeOf, ErrorCode } from '#lib/errors';
import { consolePrefix } from '#lib/product';
import { consoleFlag, dataRootFor } from '../../../cli/stores';

const env = { AWS_REGION: 'us-east-1' };

describe('consoleFlag', () => {
  it('is the default console when --console is absent', () => {
    expect(consoleFlag(undefined)).toBe('default');
  });

  it('takes an id the CONSOLE_ID rule accepts', () => {
    expect(consoleFlag('emea')).toBe('emea');
    expect(consoleFlag('eu-2')).toBe('eu-2');
  });

  it.each(['EMEA', '-emea', 'emea-', 'a'.repeat(17), '', 'em/ea'])(
    'refuses %j in one usage line with an example',
    (id) => {
      const err = (() => {
        try {
          consoleFlag(id);
        } catch (e) {
          return e;
        }
      })();
      expect(codeOf(err)).toBe(ErrorCode.CliUsage);
      expect((err as Error).message).toMatch(/^--console ".*" must be .* Example: --console emea$/);
      expect((err as Error).message).not.toContain('\n');
    },
  );
});

describe('dataRootFor', () => {
  it("puts a console's folder inside a directory", () => {
    const root = dataRootFor('/data/sc', env);
    expect(root.consoleLocation('emea')).toBe('/data/sc/console=emea');
    expect(root.console('emea').store.location).toBe('/data/sc/console=emea');
    expect(root.store.location).toBe('/data/sc');
  });

  it.each([
    ['s3://bucket/sc2aws', 'sc2aws'],
    ['s3://bucket/sc2aws/', 'sc2aws'],
    ['s3://bucket', ''],
  ])("puts a console's folder where the Lambda's store for it is rooted (%s)", (location, prefix) => {
    const root = dataRootFor(location, env);
    expect(root.consoleLocation('emea')).toBe(`s3://bucket/${consolePrefix(prefix, 'emea')}`);
    expect(root.console('emea').bucket).toBe('bucket');
  });

  it('throws every console away with discard:', () => {
    expect(dataRootFor('discard:', env).consoleLocation('emea')).toBe('discard:');
  });
});
