import { printLifecycleReport } from './changes-report';
import type { DemoReport } from './report';

/** The report as the demo prints it: runs per cycle, events, samples, OCSF, the change feed, checks. */
export function printReport(report: DemoReport, line: (text: string) => void): void {
  line('');
  line('  cycle  dataset  SC rows  raw rows  parts  invocations  delivered  duplicates  rejected');
  for (const d of report.datasets) {
    line(
      `  ${String(d.cycle).padStart(5)}  ${d.dataset.padEnd(7)}  ${String(d.simulatorRows ?? '-').padStart(7)}  ${String(d.rawRows).padStart(8)}  ${String(d.rawParts).padStart(5)}  ${String(d.invocations).padStart(11)}  ${String(d.deliveredRows).padStart(9)}  ${String(d.duplicates).padStart(10)}  ${String(d.rejectedRows).padStart(8)}`,
    );
  }
  line('');
  line('  events, in order:');
  for (const e of report.events)
    line(`    ${e.source.padEnd(18)} ${e.detailType}${e.about ? ` (${e.about})` : ''}`);
  line('');
  line('  a few delivered findings:');
  for (const f of report.sampleFindings) line(`    ${JSON.stringify(f)}`);
  line('');
  line('  OCSF 1.3 output (<prefix>/ocsf/class=…/dataset=…/dt=…/run=…/part-NNNNN-YYYYMMDD.parquet):');
  for (const d of report.datasets) {
    const o = d.ocsf;
    line(
      `    ${d.cycle}  ${d.dataset.padEnd(7)} ${o === null ? 'none' : `${o.className} (${o.classUid}): ${o.rows} rows in ${o.files} file(s), ${o.codec}`}`,
    );
  }
  if (report.sampleOcsf !== null) {
    const r = report.sampleOcsf as {
      class_uid: number;
      type_uid: number;
      severity_id: number;
      status: string;
      time: number;
      finding_info: { uid: string; title: string };
      vulnerabilities: { cve?: { uid: string } }[];
      device?: { ip?: string };
    };
    line(
      `    the first finding above, as OCSF: ${JSON.stringify({ class_uid: r.class_uid, type_uid: r.type_uid, severity_id: r.severity_id, status: r.status, time: r.time, finding_info: { uid: r.finding_info.uid, title: r.finding_info.title }, cve: r.vulnerabilities[0]?.cve?.uid ?? null, device_ip: r.device?.ip ?? null })}`,
    );
  }
  line('');
  printLifecycleReport(report.lifecycle, line);
  line('');
  for (const c of report.checks) line(`  ${c.ok ? '✓' : '✗'} ${c.name}`);
  line('');
}
