import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import { redactText } from '#lib/logging';
import { CONFIG_VARIABLES, type ValueOf, type VariableName } from './variables';

/**
 * A bad environment variable: one line naming it, what is wrong, and a good example. The quoted
 * value is masked where it looks like API keys (the secret's value pasted where its ARN belongs
 * must not reach the cold-start log).
 */
export class ConfigError extends Sc2awsError {
  readonly variable: string;
  /** What is wrong, masked as in the message (without the variable's name). */
  readonly problem: string;
  constructor(variable: string, problem: string, example: string) {
    const shown = redactText(problem).replace(/[0-9a-f]{32,}/gi, '[redacted]');
    super(
      ErrorCode.ConfigInvalid,
      `Configuration error: ${variable} ${shown}. Example: ${variable}=${example}`,
    );
    this.variable = variable;
    this.problem = shown;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * One variable, read and parsed as its entry in {@link CONFIG_VARIABLES} says. Empty strings count
 * as unset (a blank CloudFormation parameter must not mean "empty value"); an unset variable takes
 * its default, or is an error when required.
 *
 * @example
 * ```ts
 * const pageSize = configValue(process.env, 'PAGE_SIZE'); // 1000 when unset
 * ```
 */
export function configValue<N extends VariableName>(env: Env, name: N): ValueOf<N> {
  const variable: {
    schema: { safeParse(value: string): ParseResult };
    example: string;
    required?: true;
    default?: string;
  } = CONFIG_VARIABLES[name];
  const value = env[name]?.trim() || undefined;
  if (value === undefined && variable.required) throw new ConfigError(name, 'is not set', variable.example);
  const given = value ?? variable.default;
  if (given === undefined) return undefined as ValueOf<N>;
  const parsed = variable.schema.safeParse(given);
  if (!parsed.success) {
    throw new ConfigError(name, parsed.error.issues[0]?.message ?? 'is not valid', variable.example);
  }
  return parsed.data as ValueOf<N>;
}

type ParseResult =
  | { success: true; data: unknown }
  | { success: false; error: { issues: { message: string }[] } };

/**
 * The CA bundle of `SC_CA_BUNDLE`: given inline (PEM text) or as a file path, relative to the
 * Lambda task root so a bundle shipped with the function works.
 */
export function caBundle(env: Env): string | undefined {
  const value = configValue(env, 'SC_CA_BUNDLE');
  if (value === undefined) return undefined;
  const example = CONFIG_VARIABLES.SC_CA_BUNDLE.example;
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    const path = isAbsolute(value) ? value : resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), value);
    try {
      pem = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(
        'SC_CA_BUNDLE',
        `names a file that cannot be read (${(err as NodeJS.ErrnoException).code})`,
        example,
      );
    }
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(
      'SC_CA_BUNDLE',
      'holds no PEM certificate ("-----BEGIN CERTIFICATE-----")',
      example,
    );
  }
  return pem;
}
