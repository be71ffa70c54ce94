import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliUsageError } from './exit-codes';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict flag parsing: unknown flags, missing values and stray arguments become one usage line
 * instead of a stack trace.
 */
export function parseFlags<T extends Options>(argv: string[], options: T, command: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const reason = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new CliUsageError(`${reason.replace(/\.$/, '')}. Run "sc2aws ${command} --help" for the flags.`);
  }
}

/** A flag that must be a whole number within bounds. */
export function intFlag(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliUsageError(
      `--${name} must be a whole number from ${min} to ${max} (got "${value.slice(0, 40)}").`,
    );
  }
  return n;
}
