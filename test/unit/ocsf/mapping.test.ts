import { describe, expect, it } from 'vitest';
import { deviceInventoryInfoOf, OCSF_VERSIONS, ocsfColumnsOf, vulnerabilityFindingOf } from '#lib/ocsf';
import { RecordShredder } from '../../../lib/ocsf/shred';
import { asset, fixedFinding, openFinding } from '../findings/helpers';
import { assetCases, findingCases, ms17010 } from './rows';

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

  it('maps every CVE of a multi-CVE plugin to its own vulnerability, none carrying the plugin scores', () => {
    const record = vulnerabilityFindingOf(openFinding());
    expect(record.vulnerabilities.map((v) => v.cve)).toEqual([
      { uid: 'CVE-2019-3855' },
      { uid: 'CVE-2019-3856' },
    ]);
    expect(record.vulnerabilities[1]).toMatchObject({
      title: 'CentOS 7 : libssh2 (CESA-2019:0679)',
      remediation: { desc: 'Update the affected libssh2 packages.' },
      references: ['http://www.nessus.org/u?8c2b3a4e', 'https://access.redhat.com/errata/RHSA-2019:0679'],
      related_vulnerabilities: ['RHSA #2019:0679'],
      is_exploit_available: false,
      is_fix_available: true,
      vendor_name: 'Tenable',
    });
    expect(record.unmapped).toMatchObject({
      cvss_v2_base_score: 9.3,
      cvss_v2_temporal_score: 6.9,
      cvss_v2_vector: 'AV:N/AC:M/Au:N/C:C/I:C/A:C',
      cvss_v3_base_score: 8.8,
      cvss_v3_temporal_score: 7.7,
      cvss_v3_vector: 'AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C',
      epss_score: 0.0123,
      vuln_pub_date: '2019-03-21T12:00:00.000Z',
    });
  });

  for (const version of OCSF_VERSIONS) {
    it(`puts MS17-010's score on none of its six CVEs, and keeps it as the plugin's (${version})`, () => {
      const record = vulnerabilityFindingOf(ms17010(), version);
      expect(record.vulnerabilities.map((v) => v.cve?.uid)).toEqual([
        'CVE-2017-0143',
        'CVE-2017-0144',
        'CVE-2017-0145',
        'CVE-2017-0146',
        'CVE-2017-0147',
        'CVE-2017-0148',
      ]);
      for (const vulnerability of record.vulnerabilities) {
        expect(vulnerability.cve, vulnerability.cve?.uid).toEqual({ uid: vulnerability.cve?.uid });
        expect(vulnerability.cwe).toBeUndefined();
      }
      expect(JSON.stringify(record.vulnerabilities)).not.toMatch(/cvss|epss|created_time|8\.1|9\.3|0\.975/);
      expect(record.unmapped).toMatchObject({
        cvss_v2_base_score: 9.3,
        cvss_v3_base_score: 8.1,
        cvss_v3_vector: 'AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H/E:H/RL:O/RC:C',
        epss_score: 0.975,
        vuln_pub_date: '2017-03-14T12:00:00.000Z',
      });
      expect(record.severity_id).toBe(5);
    });
  }

  it('puts the plugin scores on the CVE of a plugin that names exactly one, with the v3 version SC gives: 3', () => {
    const record = vulnerabilityFindingOf(openFinding({ cve: 'CVE-2019-3855' }));
    expect(record.vulnerabilities).toHaveLength(1);
    expect(record.vulnerabilities[0]?.cve).toEqual({
      uid: 'CVE-2019-3855',
      cvss: [
        { version: '2.0', base_score: 9.3, overall_score: 6.9, vector_string: 'AV:N/AC:M/Au:N/C:C/I:C/A:C' },
        {
          version: '3',
          base_score: 8.8,
          overall_score: 7.7,
          vector_string: 'AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C',
        },
      ],
      epss: { score: '0.0123' },
    });
    // The publication date is the plugin's, not the CVE record's creation (cve.created_time).
    expect(record.unmapped.vuln_pub_date).toBe('2019-03-21T12:00:00.000Z');
  });

  for (const version of OCSF_VERSIONS) {
    it(`never writes a CVSS v3 minor version SC did not state (${version})`, () => {
      for (const row of [openFinding({ cve: 'CVE-2019-3855' }), ms17010({ cve: 'CVE-2017-0144' })]) {
        const cvss = vulnerabilityFindingOf(row, version).vulnerabilities[0]?.cve?.cvss ?? [];
        expect(cvss.map((c) => c.version)).toEqual(['2.0', '3']);
      }
    });
  }

  it('reads the CVSS minor version from a vector that names it, and maps CVSS v4', () => {
    const record = vulnerabilityFindingOf(
      openFinding({
        cve: 'CVE-2019-3855',
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
    const v30 = vulnerabilityFindingOf(
      openFinding({ cve: 'CVE-2019-3855', cvssV3Vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H' }),
    );
    expect(v30.vulnerabilities[0]?.cve?.cvss?.[1]?.version).toBe('3.0');
  });

  for (const [version, cve] of [
    ['1.3.0', { type_id: 18, type: 'CVE Object: uid' }],
    ['1.1.0', { type_id: 99, type: 'CVE ID' }],
  ] as const) {
    it(`lists the host's IP, hostname, MAC and every CVE id as observables (${version})`, () => {
      const record = vulnerabilityFindingOf(ms17010({ macAddress: '00:50:56:a1:b2:c3' }), version);
      expect(record.observables).toEqual([
        { name: 'device.ip', type_id: 2, type: 'IP Address', value: '10.238.64.10' },
        { name: 'device.hostname', type_id: 1, type: 'Hostname', value: 'fileserver01.example' },
        { name: 'device.mac', type_id: 3, type: 'MAC Address', value: '00:50:56:a1:b2:c3' },
        ...['0143', '0144', '0145', '0146', '0147', '0148'].map((n) => ({
          name: 'vulnerabilities.cve.uid',
          ...cve,
          value: `CVE-2017-${n}`,
        })),
      ]);
    });
  }

  it('lists only the observables whose values are valid for their type', () => {
    const record = vulnerabilityFindingOf(
      openFinding({
        cve: '',
        dnsName: 'bad_name.example',
        macAddress: '00:16:3e:5d:7a:71 00:16:3e:5d:7a:72',
      }),
    );
    expect(record.observables).toEqual([
      { name: 'device.ip', type_id: 2, type: 'IP Address', value: '10.238.64.10' },
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

  for (const version of OCSF_VERSIONS) {
    it(`gives a plugin with neither CVE nor CWE no vulnerability and no pseudo-CWE, its details in unmapped (${version})`, () => {
      const record = vulnerabilityFindingOf(
        openFinding({ cve: '', bid: '12345', xref: 'IAVA #2024-A-0001', exploitAvailable: 'Yes' }),
        version,
      );
      expect(record.vulnerabilities).toEqual([]);
      expect(JSON.stringify(record)).not.toContain('NVD-CWE');
      expect(record.finding_info).toMatchObject({
        title: 'CentOS 7 : libssh2 (CESA-2019:0679)',
        desc: 'An update for libssh2 is now available for Red Hat Enterprise Linux 7.',
      });
      expect(record.unmapped).toMatchObject({
        cvss_v2_base_score: 9.3,
        cvss_v3_vector: 'AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C',
        epss_score: 0.0123,
        solution: 'Update the affected libssh2 packages.',
        see_also: ['http://www.nessus.org/u?8c2b3a4e', 'https://access.redhat.com/errata/RHSA-2019:0679'],
        exploit_available: true,
        related_vulnerabilities: ['BID-12345', 'IAVA #2024-A-0001'],
      });
    });
  }

  it('keeps the details of a plugin that has a vulnerability entry out of unmapped', () => {
    const record = vulnerabilityFindingOf(openFinding());
    expect(record.unmapped).not.toHaveProperty('solution');
    expect(record.unmapped).not.toHaveProperty('see_also');
    expect(record.unmapped).not.toHaveProperty('related_vulnerabilities');
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
  it('maps a host to a Collect record with its device, a readable os.name beside the CPE, and the rest unmapped', () => {
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
        os: { name: 'CentOS 7', cpe_name: 'cpe:/o:centos:centos:7', type_id: 200, type: 'Linux' },
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

  for (const version of OCSF_VERSIONS) {
    it(`lists the host's IP, hostname and MAC as observables (${version})`, () => {
      expect(deviceInventoryInfoOf(asset(), version).observables).toEqual([
        { name: 'device.ip', type_id: 2, type: 'IP Address', value: '10.238.64.10' },
        { name: 'device.hostname', type_id: 1, type: 'Hostname', value: 'target-cent7.example' },
        { name: 'device.mac', type_id: 3, type: 'MAC Address', value: '00:16:3e:5d:7a:71' },
      ]);
    });
  }

  it('uses the run time when the host has no scan time', () => {
    const row = asset({ lastAuthRun: '', lastUnauthRun: '' });
    expect(deviceInventoryInfoOf(row).time).toBe(Date.parse(row.collected_at));
  });
});

describe('the Parquet projection', () => {
  for (const version of OCSF_VERSIONS) {
    it(`has a column for every attribute of every record, in OCSF ${version}`, () => {
      const records = [
        ...Object.values(findingCases).map(
          (row) => ['vulnerabilityFinding', vulnerabilityFindingOf(row, version)] as const,
        ),
        ...Object.values(assetCases).map(
          (row) => ['deviceInventoryInfo', deviceInventoryInfoOf(row, version)] as const,
        ),
      ];
      for (const [classKey, record] of records) {
        const columns = ocsfColumnsOf(classKey, version);
        const names = columns.map((c) => c.name);
        expect(Object.keys(record).filter((key) => !names.includes(key))).toEqual([]);
        // The shredder throws on an attribute without a column (shred.test.ts), so this holds every path.
        expect(() => new RecordShredder(columns).add(record)).not.toThrow();
      }
    });
  }
});
