import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { MAX_CALL_BYTES, MAX_FINDINGS_PER_CALL } from './constants';
import { utf8Bytes } from './text';

/** One `BatchImportFindings` call's findings, and their JSON size. */
export interface AsffBatch {
  findings: AwsSecurityFinding[];
  bytes: number;
}

/**
 * Fills batches within Security Hub's per-call limits: at most {@link MAX_FINDINGS_PER_CALL}
 * findings and {@link MAX_CALL_BYTES} bytes. `add` returns the batch it closed, if the finding did
 * not fit; `flush` the last one.
 *
 * @example
 * ```ts
 * const batcher = new AsffBatcher();
 * for (const f of findings) { const full = batcher.add(f); if (full) await send(full); }
 * const last = batcher.flush(); if (last) await send(last);
 * ```
 */
export class AsffBatcher {
  private current: AsffBatch = { findings: [], bytes: 0 };

  constructor(
    private readonly maxFindings = MAX_FINDINGS_PER_CALL,
    private readonly maxBytes = MAX_CALL_BYTES,
  ) {}

  add(finding: AwsSecurityFinding): AsffBatch | undefined {
    // The comma between findings counts too.
    const bytes = utf8Bytes(JSON.stringify(finding)) + 1;
    let closed: AsffBatch | undefined;
    if (
      this.current.findings.length > 0 &&
      (this.current.findings.length >= this.maxFindings || this.current.bytes + bytes > this.maxBytes)
    ) {
      closed = this.current;
      this.current = { findings: [], bytes: 0 };
    }
    this.current.findings.push(finding);
    this.current.bytes += bytes;
    return closed;
  }

  flush(): AsffBatch | undefined {
    if (this.current.findings.length === 0) return undefined;
    const last = this.current;
    this.current = { findings: [], bytes: 0 };
    return last;
  }

  get pending(): number {
    return this.current.findings.length;
  }
}
