import { asffProblems } from '#lib/securityhub';

/** What `npm run demo -- --securityhub` shows of the Security Hub output (SECURITY_HUB_OUTPUT=on). */
export interface SecurityHubDemoReport {
  calls: number;
  findings: number;
  /** Largest call: findings in it. */
  largestCall: number;
  /** Findings that fail AWS's model of ASFF (none expected). */
  invalid: number;
  /** One finding as sent, for each of these changes: the ASFF a Security Hub user sees. */
  samples: { change: string; finding: Record<string, unknown> }[];
}

/** The demo fake's BatchImportFindings calls, summed, with one new, one fixed and one reopened finding. */
export function buildSecurityHubReport(imports: Record<string, unknown>[][]): SecurityHubDemoReport {
  const findings = imports.flat();
  const changeOf = (f: Record<string, unknown>) =>
    (f.ProductFields as Record<string, string> | undefined)?.['tenable-sc/change'];
  // The last of each: the second cycle's, after SC's scan.
  const samples = ['new', 'fixed', 'reopened'].flatMap((change) => {
    const finding = findings.findLast((f) => changeOf(f) === change);
    return finding === undefined ? [] : [{ change, finding }];
  });
  return {
    calls: imports.length,
    findings: findings.length,
    largestCall: Math.max(0, ...imports.map((c) => c.length)),
    invalid: findings.filter((f) => asffProblems(f as never).length > 0).length,
    samples,
  };
}

/** The report as the demo prints it. */
export function printSecurityHubReport(report: SecurityHubDemoReport, line: (text: string) => void): void {
  line('');
  line(
    `Security Hub (--securityhub, SECURITY_HUB_OUTPUT=on): ${report.calls} BatchImportFindings calls, ${report.findings} findings (at most ${report.largestCall} a call), ${report.invalid} outside AWS's model of ASFF.`,
  );
  for (const { change, finding } of report.samples) {
    line(`  A ${change} finding, as sent (RecordState ${String(finding.RecordState)}):`);
    for (const text of JSON.stringify(finding, null, 2).split('\n')) line(`    ${text}`);
  }
}
