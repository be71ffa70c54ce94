import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { AsffBatcher, MAX_CALL_BYTES, MAX_FINDINGS_PER_CALL } from '#lib/securityhub';

/** A finding of about `bytes` bytes of JSON. */
function finding(i: number, bytes: number): AwsSecurityFinding {
  const base: AwsSecurityFinding = {
    SchemaVersion: '2018-10-08',
    Id: `sc2aws/${String(i).padStart(32, '0')}`,
    ProductArn: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
    GeneratorId: 'tenable-sc/plugin/1',
    AwsAccountId: '123456789012',
    CreatedAt: '2026-12-01T00:00:00.000Z',
    UpdatedAt: '2026-12-01T00:00:00.000Z',
    Title: 'T',
    Description: '',
    Resources: [{ Type: 'Other', Id: 'h' }],
  };
  const pad = bytes - Buffer.byteLength(JSON.stringify(base));
  return { ...base, Description: 'x'.repeat(Math.max(0, pad)) };
}

function batchesOf(findings: AwsSecurityFinding[]): AwsSecurityFinding[][] {
  const batcher = new AsffBatcher();
  const out: AwsSecurityFinding[][] = [];
  for (const f of findings) {
    const full = batcher.add(f);
    if (full) out.push(full.findings);
  }
  const last = batcher.flush();
  if (last) out.push(last.findings);
  return out;
}

const bodyBytes = (batch: AwsSecurityFinding[]) => Buffer.byteLength(JSON.stringify({ Findings: batch }));

describe('AsffBatcher', () => {
  it('closes a batch at 100 findings', () => {
    const batches = batchesOf(Array.from({ length: 250 }, (_, i) => finding(i, 1000)));

    expect(batches.map((b) => b.length)).toEqual([MAX_FINDINGS_PER_CALL, MAX_FINDINGS_PER_CALL, 50]);
  });

  it('closes a batch before its request body would pass 6 MB, with findings near the 240 KB limit', () => {
    const findings = Array.from({ length: 60 }, (_, i) => finding(i, 235_000));

    const batches = batchesOf(findings);

    expect(batches.flat()).toEqual(findings);
    for (const batch of batches) expect(bodyBytes(batch)).toBeLessThanOrEqual(6_000_000);
    // As many as fit: one more finding would have passed the limit.
    expect(bodyBytes([...(batches[0] ?? []), findings[0] as AwsSecurityFinding])).toBeGreaterThan(
      MAX_CALL_BYTES,
    );
    expect(batches.map((b) => b.length)).toEqual([25, 25, 10]);
  });

  it('keeps the order of the findings and loses none', () => {
    const findings = Array.from({ length: 333 }, (_, i) => finding(i, 20_000 + (i % 7) * 30_000));

    const batches = batchesOf(findings);

    expect(batches.flat().map((f) => f.Id)).toEqual(findings.map((f) => f.Id));
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(100);
      expect(bodyBytes(batch)).toBeLessThanOrEqual(6_000_000);
    }
  });
});
