import { describe, expect, it } from 'vitest';
import { deviceInventoryInfoOf, NO_WEAKNESS_CWE, vulnerabilityFindingOf } from '#lib/ocsf';
import { asset, fixedFinding, openFinding } from '../findings/helpers';

describe('vulnerabilityFindingOf', () => {
  it('maps an open finding: Create + New, severity + 1, time from last seen, ids from the row', () => {
    const row = openFinding();
    const record = vulnerabilityFindingOf(row);
    expect(record).toMatchObject({
      class_uid: 2002,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200201,
      status_id: 1,
      status: 'New',
      severity_id: 4,
      severity: 'High',
      time: Date.parse('2024-04-04T05:05:26.000Z'),
      finding_info: {
        uid: row.finding_id,
        title: 'CentOS 7 : libssh2 (CESA-2019:0679)',
        first_seen_time: Date.parse(row.first_seen as string),
        last_seen_time: Date.parse(row.last_seen as string),
        analytic: { uid: '123560', type_id: 1, version: '1.5' },
      },
      metadata: {
        version: '1.3.0',
        product: { name: 'Tenable Security Center', vendor_name: 'Tenable', version: '6.4.0' },
        correlation_uid: row.run_id,
        log_name: 'vulns',
      },
      device: {
        uid: row.asset_id,
        ip: '10.238.64.10',
        hostname: 'target-cent7.example',
        mac: '00:16:3e:5d:7a:71',
      },
    });
    expect(record.device.os).toEqual({
      name: 'Linux Kernel 3.10 on CentOS Linux release 7.6.1810 (Core)',
      type_id: 200,
      type: 'Linux',
    });
  });

  it('maps every CVE to a vulnerability carrying the CVSS v2 and v3 scores, vectors and EPSS', () => {
    const record = vulnerabilityFindingOf(openFinding());
    expect(record.vulnerabilities.map((v) => v.cve?.uid)).toEqual(['CVE-2019-3855', 'CVE-2019-3856']);
    expect(record.vulnerabilities[0]?.cve).toEqual({
      uid: 'CVE-2019-3855',
      cvss: [
        { version: '2.0', base_score: 9.3, overall_score: 6.9, vector_string: 'AV:N/AC:M/Au:N/C:C/I:C/A:C' },
        {
          version: '3.0',
          base_score: 8.8,
          overall_score: 7.7,
          vector_string: 'AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C',
        },
      ],
      epss: { score: '0.0123' },
      created_time: Date.parse('2019-03-21T12:00:00.000Z'),
    });
    expect(record.vulnerabilities[1]).toMatchObject({
      title: 'CentOS 7 : libssh2 (CESA-2019:0679)',
      remediation: { desc: 'Update the affected libssh2 packages.' },
      references: ['http://www.nessus.org/u?8c2b3a4e', 'https://access.redhat.com/errata/RHSA-2019:0679'],
      related_vulnerabilities: ['RHSA #2019:0679'],
      is_exploit_available: false,
      is_fix_available: true,
      vendor_name: 'Tenable',
    });
    expect(record.unmapped.cvss_v2_base_score).toBeUndefined();
  });

  it('reads the CVSS v3 minor version from the vector and maps CVSS v4', () => {
    const record = vulnerabilityFindingOf(
      openFinding({
        cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H',
        cvssV4BaseScore: '9.3',
        cvssV4Vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      }),
    );
    const versions = record.vulnerabilities[0]?.cve?.cvss?.map((c) => [c.version, c.base_score]);
    expect(versions).toEqual([
      ['2.0', 9.3],
      ['3.1', 8.8],
      ['4.0', 9.3],
    ]);
  });

  it('says reopened, risk accepted and fixed through activity and status', () => {
    expect(vulnerabilityFindingOf(openFinding({ hasBeenMitigated: '1' }))).toMatchObject({
      activity_id: 2,
      type_uid: 200202,
      status_id: 99,
      status: 'Reopened',
    });
    expect(
      vulnerabilityFindingOf(openFinding({ acceptRisk: '1', acceptRiskRuleComment: 'lab host' })),
    ).toMatchObject({ activity_id: 2, status_id: 3, status: 'Suppressed', comment: 'lab host' });
    const fixed = fixedFinding({ acceptRisk: '1' });
    expect(vulnerabilityFindingOf(fixed)).toMatchObject({
      activity_id: 3,
      type_uid: 200203,
      status_id: 4,
      status: 'Resolved',
      time: Date.parse(fixed.last_mitigated as string),
    });
  });

  it('gives a plugin with neither CVE nor CWE one vulnerability with the NVD no-information CWE, its scores in unmapped', () => {
    const record = vulnerabilityFindingOf(openFinding({ cve: '', xref: 'IAVA #2024-A-0001' }));
    expect(record.vulnerabilities).toHaveLength(1);
    expect(record.vulnerabilities[0]?.cwe).toEqual(NO_WEAKNESS_CWE);
    expect(record.vulnerabilities[0]?.cve).toBeUndefined();
    expect(record.unmapped).toMatchObject({
      cvss_v2_base_score: 9.3,
      cvss_v3_vector: expect.any(String),
      epss_score: 0.0123,
    });
  });

  it('maps CWEs from xref, one vulnerability each, and BIDs and other xrefs to related ids', () => {
    const record = vulnerabilityFindingOf(
      openFinding({ cve: '', bid: '12345', xref: 'IAVA #2024-A-0001,CWE #20,CWE:79' }),
    );
    expect(record.vulnerabilities.map((v) => v.cwe?.uid)).toEqual(['CWE-20', 'CWE-79']);
    expect(record.vulnerabilities[0]?.related_vulnerabilities).toEqual(['BID-12345', 'IAVA #2024-A-0001']);
  });

  it('derives the same metadata.uid from the same run and row, and another for another run', () => {
    const row = openFinding();
    const again = vulnerabilityFindingOf(openFinding());
    expect(vulnerabilityFindingOf(row)).toEqual(again);
    expect(vulnerabilityFindingOf({ ...row, run_id: 'other' }).metadata.uid).not.toBe(again.metadata.uid);
    expect(again.metadata.uid).toMatch(/^[0-9a-f]{32}$/);
  });

  it('leaves values outside the OCSF types out of their attribute instead of writing them', () => {
    const record = vulnerabilityFindingOf(
      openFinding({ dnsName: 'bad_name.example', macAddress: '00:16:3e:5d:7a:71 00:16:3e:5d:7a:72' }),
    );
    expect(record.device.hostname).toBeUndefined();
    expect(record.device.name).toBe('bad_name.example');
    expect(record.device.mac).toBeUndefined();
  });
});

describe('deviceInventoryInfoOf', () => {
  it('maps a host to a Collect record with its device, os from the CPE and the rest unmapped', () => {
    const row = asset();
    const record = deviceInventoryInfoOf(row);
    expect(record).toMatchObject({
      class_uid: 5001,
      category_uid: 5,
      activity_id: 2,
      type_uid: 500102,
      severity_id: 1,
      time: Date.parse(row.last_seen as string),
      device: {
        uid: row.asset_id,
        ip: '10.238.64.10',
        hostname: 'target-cent7.example',
        os: { name: 'cpe:/o:centos:centos:7', cpe_name: 'cpe:/o:centos:centos:7', type_id: 200 },
        groups: [{ uid: '1', name: 'Main' }],
      },
      unmapped: {
        score: 583,
        total: 42,
        severity_counts: { info: 25, critical: 1 },
        policy_name: 'Credentialed Patch Audit',
      },
    });
  });

  it('uses the run time when the host has no scan time', () => {
    const row = asset({ lastAuthRun: '', lastUnauthRun: '' });
    expect(deviceInventoryInfoOf(row).time).toBe(Date.parse(row.collected_at));
  });
});
