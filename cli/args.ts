import { readFile } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { AWS_REGION, ConfigError, configValue } from '#lib/config';
import { DATASETS, type Dataset } from '#lib/product';
import { parseBaseUrl } from '#lib/tenable';
import { CliUsageError } from './exit-codes';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict flag parsing: unknown flags, missing values and stray arguments become one usage line
 * instead of a stack trace.
 */
/** The flags for SC's address, TLS and where the keys come from (validate and export take them all). */
export const SC_FLAGS = {
  url: { type: 'string' },
  'keys-env': { type: 'string' },
  'keys-file': { type: 'string' },
  'secret-id': { type: 'string' },
  'version-stage': { type: 'string' },
  region: { type: 'string' },
  'ca-file': { type: 'string' },
  insecure: { type: 'boolean' },
  'allow-insecure-http': { type: 'boolean' },
} as const;

export function parseFlags<T extends Options>(argv: string[], options: T, command: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const reason = (err as Error).message
      .replace(/\. To specify a positional argument.*$/s, '')
      .replace(/\s*\n\s*/g, ' '); // node's messages span lines; the CLI promises one
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

/** An AWS region flag, checked before any AWS call (a typo would otherwise surface as a network error). */
export function regionFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!AWS_REGION.pattern.test(value)) {
    throw new CliUsageError(
      `--region must be an AWS region such as eu-west-1 (got "${value.slice(0, 40)}").`,
    );
  }
  return value;
}

/** The PEM bundle of `--ca-file`, read and checked before anything is sent. */
async function caFileFlag(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliUsageError(
      `Cannot read the CA file ${path} (${code}). Check the path; it must be a PEM file.`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CliUsageError(
      `The CA file ${path} is not PEM: it holds no "-----BEGIN CERTIFICATE-----" block. Export SC's CA certificate as PEM and pass that file.`,
    );
  }
  return pem;
}

/** The SC connection flags every command shares, checked before any network call. */
export interface ScConnectionFlags {
  url: string;
  ca?: string;
  insecureSkipTlsVerify: boolean;
  allowInsecureHttp: boolean;
}

/**
 * Checks `--url`, `--ca-file`, `--insecure` and `--allow-insecure-http` together: a missing or unusable
 * URL, contradicting TLS flags and an unreadable CA file are bad input (exit 3), found before the
 * keys are read (reading `--secret-id` is already a network call).
 */
export async function scConnectionFlags(flags: {
  url?: string;
  'ca-file'?: string;
  insecure?: boolean;
  'allow-insecure-http'?: boolean;
}): Promise<ScConnectionFlags> {
  if (flags.url === undefined)
    throw new CliUsageError('Missing --url (SC base address, e.g. https://sc.example.com).');
  if (flags.insecure && flags['ca-file'] !== undefined) {
    throw new CliUsageError('--insecure and --ca-file contradict each other; keep --ca-file.');
  }
  const allowInsecureHttp = flags['allow-insecure-http'] ?? false;
  parseBaseUrl(flags.url, allowInsecureHttp);
  const ca = await caFileFlag(flags['ca-file']);
  return {
    url: flags.url,
    ...(ca === undefined ? {} : { ca }),
    insecureSkipTlsVerify: flags.insecure ?? false,
    allowInsecureHttp,
  };
}

/** `--dataset`: the DATASETS variable's values, `all` by default. */
export function datasetsFlag(value: string | undefined): Dataset[] {
  try {
    return configValue({ DATASETS: value }, 'DATASETS');
  } catch (err) {
    throw err instanceof ConfigError
      ? new CliUsageError(`--dataset must be ${DATASETS.join(', ')} or all (got "${value}").`)
      : err;
  }
}
