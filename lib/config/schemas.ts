import * as z from 'zod/mini';
import {
  DATASETS,
  type Dataset,
  isDataset,
  OCSF_VERSIONS,
  type OcsfVersion,
  WAS_FINDINGS,
  type WasFindings,
} from '#lib/product';
import { parseBaseUrl } from '#lib/tenable';
import type { ValueRule } from './rules';

/**
 * zod/mini schemas from a variable's text (trimmed, never empty) to its typed value. Every issue
 * message reads as the middle of "<VARIABLE> <problem>. Example: …".
 */
export type TextSchema<T> = z.ZodMiniType<T>;

/** The problem, with the start of the value that caused it. */
function got(problem: string, chars: number) {
  return {
    error: (issue: { input?: unknown }) => `${problem} (got "${String(issue.input).slice(0, chars)}")`,
  };
}

/** Any text. */
export const text: TextSchema<string> = z.string();

/** A value one of the shared {@link ValueRule}s accepts. */
export function matching(rule: ValueRule, chars = 80): TextSchema<string> {
  return z.string().check(z.regex(rule.pattern, got(rule.problem, chars)));
}

/**
 * `true/false/1/0/yes/no/on/off`, any case; anything else is an error: a flag is never true by
 * accident (`z.coerce.boolean()` would read "false" as true).
 */
export const flag: TextSchema<boolean> = z.stringbool({
  truthy: ['true', '1', 'yes', 'on'],
  falsy: ['false', '0', 'no', 'off'],
  case: 'insensitive',
  ...got('must be true or false', 40),
});

/** A whole number within bounds; the bounds travel with the schema for the CLI flags and the tests. */
export function integer(
  min: number,
  max: number,
): { schema: TextSchema<number>; range: { min: number; max: number } } {
  const problem = got(`must be a whole number from ${min} to ${max}`, 40);
  return {
    schema: z.pipe(
      z.string().check(
        z.regex(/^-?\d+$/, problem),
        z.refine((v) => Number(v) >= min && Number(v) <= max, problem),
      ),
      z.transform(Number),
    ),
    range: { min, max },
  };
}

/** SC's base address, checked as the SC client checks it, in its normal form. */
export const scUrl: TextSchema<string> = z.pipe(
  z.string(),
  z.transform((value, ctx) => {
    try {
      return parseBaseUrl(value).href;
    } catch (err) {
      ctx.issues.push({ code: 'custom', input: value, message: `is not usable: ${(err as Error).message}` });
      return z.NEVER;
    }
  }),
);

/** `vulns,fixed,assets` in any order without repeats, or `all`. */
export const datasetList: TextSchema<Dataset[]> = z.pipe(
  z.string(),
  z.transform((value, ctx) => {
    if (value === 'all') return [...DATASETS];
    const names = value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (names.every(isDataset) && new Set(names).size === names.length) return names;
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `must list datasets from ${DATASETS.join(', ')} without repeats (got "${value.slice(0, 80)}")`,
    });
    return z.NEVER;
  }),
);

/** `exclude`, `include` or `only` (web-application-scanning findings). */
export const wasFindings: TextSchema<WasFindings> = z.enum(
  WAS_FINDINGS,
  got(`must be one of ${WAS_FINDINGS.join(', ')}`, 40),
);

/** Where forward-results writes OCSF records (lib/ocsf): nowhere, the data bucket, or also Security Lake. */
export const OCSF_OUTPUTS = ['off', 'bucket', 'security-lake'] as const;
export type OcsfOutput = (typeof OCSF_OUTPUTS)[number];

export const ocsfOutput: TextSchema<OcsfOutput> = z.enum(
  OCSF_OUTPUTS,
  got(`must be one of ${OCSF_OUTPUTS.join(', ')}`, 40),
);

/** The OCSF version of the records (lib/product OCSF_VERSIONS). */
export const ocsfVersion: TextSchema<OcsfVersion> = z.enum(
  OCSF_VERSIONS,
  got(`must be one of ${OCSF_VERSIONS.join(', ')} (the OCSF schema versions sc2aws writes)`, 40),
);

/** Whether forward-results sends change runs to Security Hub CSPM (lib/securityhub). */
export const SECURITY_HUB_OUTPUTS = ['off', 'on'] as const;
export type SecurityHubOutput = (typeof SECURITY_HUB_OUTPUTS)[number];

export const securityHubOutput: TextSchema<SecurityHubOutput> = z.enum(
  SECURITY_HUB_OUTPUTS,
  got(`must be one of ${SECURITY_HUB_OUTPUTS.join(', ')}`, 40),
);

/** Numeric SC repository ids, comma-separated. */
export const repositoryIds: TextSchema<string[]> = z.pipe(
  z.string(),
  z.transform((value, ctx) => {
    const ids = value
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
    if (ids.every((id) => /^\d+$/.test(id))) return ids;
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `must be a comma-separated list of numeric SC repository ids (got "${value.slice(0, 80)}")`,
    });
    return z.NEVER;
  }),
);

/** A key prefix: free text, without leading or trailing `/`. */
export const keyPrefix: TextSchema<string> = z.pipe(
  z.string(),
  z.transform((value) => value.replace(/^\/+|\/+$/g, '')),
);
