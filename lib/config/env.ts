import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import { redactText } from '#lib/logging';
import { parseBaseUrl } from '#lib/tenable';

/**
 * A bad environment variable: one line naming it, what is wrong, and a good example. The quoted
 * value is masked where it looks like API keys (the secret's value pasted where its ARN belongs
 * must not reach the cold-start log).
 */
export class ConfigError extends Sc2awsError {
  readonly variable: string;
  constructor(variable: string, problem: string, example: string) {
    const shown = redactText(problem).replace(/[0-9a-f]{32,}/gi, '[redacted]');
    super(
      ErrorCode.ConfigInvalid,
      `Configuration error: ${variable} ${shown}. Example: ${variable}=${example}`,
    );
    this.variable = variable;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Empty strings count as unset (a blank CloudFormation parameter must not mean "empty value"). */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function requiredString(env: Env, name: string, example: string): string {
  const value = read(env, name);
  if (value === undefined) throw new ConfigError(name, 'is not set', example);
  return value;
}

export function optionalString(env: Env, name: string): string | undefined {
  return read(env, name);
}

/** `true/false/1/0/yes/no/on/off`, any case; anything else is an error (never truthy by accident). */
export function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `must be true or false (got "${value.slice(0, 40)}")`, 'false');
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < min || n > max) {
    throw new ConfigError(
      name,
      `must be a whole number from ${min} to ${max} (got "${value.slice(0, 40)}")`,
      String(fallback),
    );
  }
  return n;
}

export function scUrl(env: Env, name: string): string {
  const value = requiredString(env, name, 'https://sc.example.com');
  try {
    return parseBaseUrl(value).href;
  } catch (err) {
    throw new ConfigError(name, `is not usable: ${(err as Error).message}`, 'https://sc.example.com');
  }
}

export function secretArn(env: Env, name: string): string {
  const value = requiredString(
    env,
    name,
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/sc-keys-AbCdEf',
  );
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+/.test(value)) {
    throw new ConfigError(
      name,
      `must be a Secrets Manager secret ARN (got "${value.slice(0, 120)}")`,
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/sc-keys-AbCdEf',
    );
  }
  return value;
}

/**
 * A CA bundle given inline (PEM text) or as a file path (relative to the Lambda task root, so a
 * bundle shipped with the function works).
 */
export function caBundle(env: Env, name: string): string | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    const path = isAbsolute(value) ? value : resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), value);
    try {
      pem = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(
        name,
        `names a file that cannot be read (${(err as NodeJS.ErrnoException).code})`,
        'certs/sc-ca.pem',
      );
    }
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(
      name,
      'holds no PEM certificate ("-----BEGIN CERTIFICATE-----")',
      'certs/sc-ca.pem',
    );
  }
  return pem;
}

/** An EventBridge bus: its name or ARN (names are letters, digits and `._-/`, up to 256). */
export function eventBusName(env: Env, name: string): string {
  const value = read(env, name);
  if (value === undefined) return 'default';
  if (!/^(arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[A-Za-z0-9._\-/]{1,256}$/.test(value)) {
    throw new ConfigError(
      name,
      `must be an EventBridge bus name or ARN (got "${value.slice(0, 40)}")`,
      'sc2aws',
    );
  }
  return value;
}
