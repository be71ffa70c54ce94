import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { BASE_BACKOFF_MS, MAX_BACKOFF_MS, MAX_CALL_ATTEMPTS, MAX_FINDING_ATTEMPTS } from './constants';
import { fixForImportError, SecurityHubImportError } from './errors';
import { type Pacing, realPacing, TokenBucket } from './token-bucket';

/** A finding Security Hub did not take, after every attempt. */
export interface FailedFinding {
  id: string;
  errorCode: string;
  errorMessage: string;
}

export interface ImportOutcome {
  /** Findings Security Hub took. */
  imported: number;
  failed: FailedFinding[];
  calls: number;
  /** Calls Security Hub throttled (each one retried). */
  throttled: number;
}

/** Anything that calls BatchImportFindings with findings and answers as Security Hub does. */
export type ImportCall = (findings: AwsSecurityFinding[]) => Promise<{
  FailedFindings?:
    | { Id?: string | undefined; ErrorCode?: string | undefined; ErrorMessage?: string | undefined }[]
    | undefined;
}>;

/** `BatchImportFindings` through a Security Hub client (create it with `maxAttempts: 1`: the retries are ours). */
export function securityHubImportCall(client: SecurityHubClient): ImportCall {
  return (findings) => client.send(new BatchImportFindingsCommand({ Findings: findings }));
}

interface AwsError {
  name?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

const THROTTLES = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException']);

function isThrottle(err: AwsError): boolean {
  return THROTTLES.has(err.name ?? '') || err.$metadata?.httpStatusCode === 429;
}

/** Worth a retry: Security Hub's own failures and the network's, not a refusal of ours. */
function isTransient(err: AwsError): boolean {
  return (
    err.$fault === 'server' ||
    err.name === 'InternalException' ||
    (err.$metadata?.httpStatusCode ?? 0) >= 500 ||
    err.$metadata === undefined
  );
}

/**
 * Sends batches within Security Hub's rate: one token a call (./token-bucket.ts), backoff with full
 * jitter when Security Hub throttles or fails a call, and every finding named in `FailedFindings`
 * sent again with backoff, up to {@link MAX_FINDING_ATTEMPTS} times. What still fails is returned,
 * never dropped: the caller counts it in a metric and names it in an event.
 *
 * @example
 * ```ts
 * const importer = new FindingsImporter(securityHubImportCall(new SecurityHubClient({ maxAttempts: 1 })));
 * const outcome = await importer.import(batch.findings);
 * ```
 */
export class FindingsImporter {
  readonly bucket: TokenBucket;

  constructor(
    private readonly call: ImportCall,
    private readonly pacing: Pacing = realPacing,
    private readonly random: () => number = Math.random,
    bucket?: TokenBucket,
  ) {
    this.bucket = bucket ?? new TokenBucket(pacing);
  }

  private backoff(attempt: number): Promise<void> {
    const cap = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
    return this.pacing.sleep(Math.round(cap * (0.5 + this.random() / 2)));
  }

  async import(findings: AwsSecurityFinding[]): Promise<ImportOutcome> {
    const outcome: ImportOutcome = { imported: 0, failed: [], calls: 0, throttled: 0 };
    let pending = findings;
    for (let round = 0; pending.length > 0; round += 1) {
      if (round > 0) await this.backoff(round);
      const answer = await this.callOnce(pending, outcome);
      const failedById = new Map(
        (answer.FailedFindings ?? []).map((f) => [
          f.Id ?? '',
          { id: f.Id ?? '', errorCode: f.ErrorCode ?? 'Unknown', errorMessage: f.ErrorMessage ?? '' },
        ]),
      );
      const retry = pending.filter((f) => failedById.has(f.Id ?? ''));
      // A FailedFindings entry without a matching Id cannot be retried: reported, not lost.
      const unmatched = [...failedById.values()].filter((f) => !pending.some((p) => p.Id === f.id));
      outcome.imported += pending.length - retry.length;
      outcome.failed.push(...unmatched);
      if (round + 1 >= MAX_FINDING_ATTEMPTS) {
        outcome.failed.push(...retry.map((f) => failedById.get(f.Id ?? '') as FailedFinding));
        break;
      }
      pending = retry;
    }
    return outcome;
  }

  private async callOnce(findings: AwsSecurityFinding[], outcome: ImportOutcome) {
    for (let attempt = 0; ; attempt += 1) {
      await this.bucket.take();
      outcome.calls += 1;
      try {
        return await this.call(findings);
      } catch (caught) {
        const err = caught as AwsError;
        const throttle = isThrottle(err);
        if (throttle) {
          outcome.throttled += 1;
          this.bucket.drain();
        }
        const name = err.name ?? 'Error';
        if (!throttle && !isTransient(err))
          throw new SecurityHubImportError(
            `${name}: ${(err.message ?? '').slice(0, 300)}`,
            fixForImportError(name),
            caught,
          );
        if (attempt + 1 >= MAX_CALL_ATTEMPTS)
          throw new SecurityHubImportError(
            `${name} on each of ${MAX_CALL_ATTEMPTS} attempts (${throttle ? "the account's BatchImportFindings quota is in use elsewhere too" : 'Security Hub or the network kept failing'})`,
            'redeliver the run later, or lower other BatchImportFindings callers in the account; a rerun sends only what was not sent.',
            caught,
          );
        await this.backoff(attempt + 1);
      }
    }
  }
}
