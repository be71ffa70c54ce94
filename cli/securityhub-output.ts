import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { AWS_REGION } from '#lib/config';
import type { SecurityHubDelivery } from '#lib/delivery';
import { type AsffTarget, securityHubImportCall } from '#lib/securityhub';
import { createDiscardStore } from '#lib/sink';
import { CliUsageError } from './exit-codes';

/** The account and Region flags the Security Hub commands share. */
export const SECURITY_HUB_FLAGS = {
  account: { type: 'string' },
  region: { type: 'string' },
  'severity-floor': { type: 'string' },
} as const;

/** Stands for the account in files written with --asff and no --account: 12 digits, as ASFF wants. */
export const PLACEHOLDER_ACCOUNT = '000000000000';

/**
 * Writes each batch as the `BatchImportFindings` call would carry it, one file per call:
 * `<dir>/<label>-00000.json` holding `{"Findings": […]}`.
 */
export function asffFileWriter(dir: string): {
  onBatch: (label: string) => (f: AwsSecurityFinding[]) => Promise<void>;
  files: string[];
} {
  const files: string[] = [];
  return {
    files,
    onBatch: (label) => async (findings) => {
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${label}-${String(files.length).padStart(5, '0')}.json`);
      await writeFile(file, `${JSON.stringify({ Findings: findings }, null, 1)}\n`);
      files.push(file);
    },
  };
}

/** `aws`, `aws-cn` or `aws-us-gov` from a Region's name. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * Where findings go: `--account` (or, when sending, the caller's account from STS) and `--region`
 * (or AWS_REGION). Writing files (--asff) needs neither: a placeholder account and us-east-1 stand in.
 */
export async function asffTargetFor(
  flags: { account?: string; region?: string },
  env: NodeJS.ProcessEnv,
  sending: boolean,
): Promise<AsffTarget> {
  const region =
    flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (sending ? undefined : 'us-east-1');
  if (region === undefined || !AWS_REGION.pattern.test(region))
    throw new CliUsageError(
      `Security Hub needs a Region: pass --region (or set AWS_REGION). Example: --region eu-west-1${region === undefined ? '' : ` (got "${region.slice(0, 40)}")`}`,
    );
  let accountId = flags.account;
  if (accountId === undefined && sending) {
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    accountId = (await new STSClient({ region }).send(new GetCallerIdentityCommand({}))).Account;
  }
  accountId ??= PLACEHOLDER_ACCOUNT;
  if (!/^\d{12}$/.test(accountId))
    throw new CliUsageError(
      `--account "${accountId.slice(0, 40)}" is not a 12-digit AWS account id. Example: --account 123456789012`,
    );
  return { accountId, region, partition: partitionOf(region) };
}

/**
 * What the delivery phase and the `securityhub` commands need: files in `asffDir` (state kept in
 * memory, nothing recorded as sent), or BatchImportFindings with the user's credentials.
 */
export async function securityHubDeliveryFor(
  options: { asffDir?: string; label: string; target: AsffTarget; severityFloor?: number },
  env: NodeJS.ProcessEnv,
): Promise<{ delivery: SecurityHubDelivery; files: string[] }> {
  const floor = options.severityFloor === undefined ? {} : { severityFloor: options.severityFloor };
  if (options.asffDir !== undefined) {
    const writer = asffFileWriter(options.asffDir);
    return {
      delivery: {
        onBatch: writer.onBatch(options.label),
        state: createDiscardStore(),
        target: options.target,
        ...floor,
      },
      files: writer.files,
    };
  }
  const { SecurityHubClient } = await import('@aws-sdk/client-securityhub');
  const client = new SecurityHubClient({ region: options.target.region, maxAttempts: 1 });
  void env;
  return { delivery: { call: securityHubImportCall(client), target: options.target, ...floor }, files: [] };
}
