import { printLifecycleReport } from './changes-report';
import type { DemoReport } from './report';
import type { TablesReading } from './tables';

/**
 * The report as the demo prints it: runs per console and cycle, events, samples, OCSF, each
 * console's change feed, the tables across consoles, checks.
 */
export function printReport(report: DemoReport, line: (text: string) => void): void {
  line('');
  line('  console  cycle  dataset  SC rows  raw rows  parts  invocations  delivered  duplicates  rejected');
  for (const d of report.datasets) {
    line(
      `  ${d.console.padEnd(7)}  ${String(d.cycle).padStart(5)}  ${d.dataset.padEnd(7)}  ${String(d.simulatorRows ?? '-').padStart(7)}  ${String(d.rawRows).padStart(8)}  ${String(d.rawParts).padStart(5)}  ${String(d.invocations).padStart(11)}  ${String(d.deliveredRows).padStart(9)}  ${String(d.duplicates).padStart(10)}  ${String(d.rejectedRows).padStart(8)}`,
    );
  }
  line('');
  line('  events, in order:');
  for (const e of report.events)
    line(
      `    ${e.source.padEnd(18)} ${(e.console ?? '').padEnd(5)} ${e.detailType}${e.about ? ` (${e.about})` : ''}`,
    );
  line('');
  line('  a few delivered findings:');
  for (const f of report.sampleFindings) line(`    ${JSON.stringify(f)}`);
  line('');
  line(
    '  OCSF 1.3 output (<prefix>/console=<id>/ocsf/class=…/dataset=…/dt=…/run=…/part-NNNNN-YYYYMMDD.parquet):',
  );
  for (const d of report.datasets) {
    const o = d.ocsf;
    line(
      `    ${d.console.padEnd(5)} ${d.cycle}  ${d.dataset.padEnd(7)} ${o === null ? 'none' : `${o.className} (${o.classUid}): ${o.rows} rows in ${o.files} file(s), ${o.codec}`}`,
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
  for (const lifecycle of report.lifecycles) {
    line('');
    printLifecycleReport(lifecycle, line);
  }
  line('');
  printTables(report.tables, line);
  line('');
  for (const c of report.checks) line(`  ${c.ok ? '✓' : '✗'} ${c.name}`);
  line('');
}

/** The tables across consoles: rows per console, and one address both consoles scanned. */
function printTables(tables: TablesReading, line: (text: string) => void): void {
  line(
    `  the tables, one reading of the committed lists across <prefix>/console=*/ (${tables.lists} lists; the console= folder is their partition):`,
  );
  line('    console  findings (vulns)  findings (fixed)  assets  changes  current  other console_id');
  for (const t of tables.consoles) {
    line(
      `    ${t.console.padEnd(7)}  ${String(t.findings.vulns).padStart(16)}  ${String(t.findings.fixed).padStart(16)}  ${String(t.assets).padStart(6)}  ${String(t.changes).padStart(7)}  ${String(t.current).padStart(7)}  ${String(t.foreign).padStart(16)}`,
    );
  }
  line(
    `    addresses both consoles scanned: ${tables.sharedAddresses} (${tables.sameHostAddresses} with the same repository, ip and DNS name on both), each two assets: the console is part of asset_id`,
  );
  for (const s of tables.sample) {
    line(
      `    ${s.ip} is on ${s.assets.map((a) => a.console).join(' and ')}${s.sameHost ? ', the same host identity on both' : ''}:`,
    );
    for (const a of s.assets)
      line(
        `      ${a.console.padEnd(5)} asset_id ${a.asset_id}  (${a.dns_name ?? '-'}, repository ${a.repository ?? '-'})`,
      );
  }
}
